"""Sentiment in the cache: directions, labels, scores and per-ticker means on a real folder.

The folder is tests/data/market_feed: 20 articles as a market-news feed writes them
(Bullish … Bearish labels in any case, compact dates, the signed score in
``confidence``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tickertape.core.index import IndexCache
from tickertape.core.query import compile_query, parse

FEED = Path(__file__).parent.parent / "data" / "market_feed"


def labels_in_files() -> dict[str, str]:
    """file name -> the label as the file writes it, read without tickertape."""
    return {
        path.name: path.read_text().split("sentiment: ")[1].split("\n")[0]
        for path in sorted(FEED.glob("*.txt"))
    }


@pytest.fixture
def feed(tmp_path: Path) -> Iterator[IndexCache]:
    with IndexCache.open(FEED, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        yield cache


def files(cache: IndexCache, query: str, **kwargs: object) -> list[str]:
    rowids = cache.select(compile_query(parse(query)), **kwargs)  # type: ignore[arg-type]
    return [row.rel for row in cache.rows(rowids)]


def test_negative_finds_exactly_the_bearish_articles(feed: IndexCache) -> None:
    bearish = sorted(name for name, label in labels_in_files().items() if "bear" in label.lower())
    assert len(bearish) == 8
    assert sorted(files(feed, "sentiment:negative")) == bearish
    assert sorted(files(feed, "sentiment:neg")) == bearish


def test_every_labelled_article_has_a_direction(feed: IndexCache) -> None:
    assert files(feed, "sentiment:none") == []
    assert len(files(feed, "sentiment:positive")) == 7
    assert len(files(feed, "sentiment:neutral")) == 5


def test_a_plain_label_finds_its_graded_forms_and_a_graded_label_only_itself(
    feed: IndexCache,
) -> None:
    labels = labels_in_files()
    bullish = sorted(name for name, label in labels.items() if "bullish" in label.lower())
    somewhat = sorted(name for name, label in labels.items() if label.lower() == "somewhat-bullish")
    assert sorted(files(feed, "sentiment:bullish")) == bullish
    assert sorted(files(feed, 'sentiment:"somewhat-bullish"')) == somewhat
    assert len(somewhat) == 4
    assert len(bullish) == 7


def test_no_signed_score_is_lost(feed: IndexCache) -> None:
    numbers = {
        path.name: float(path.read_text().split("confidence: ")[1].split("\n")[0])
        for path in FEED.glob("*.txt")
    }
    rows = {row.rel: row for row in feed.rows(feed.select())}
    assert len(rows) == 20
    for name, number in numbers.items():
        row = rows[name]
        assert (row.score if number < 0 else row.confidence) == number, name
    negative = sorted(name for name, number in numbers.items() if number < 0)
    assert sorted(files(feed, "score<0")) == negative
    assert len(files(feed, "score<-0.2")) == 7


def test_score_sorts_strongest_first_and_articles_without_one_last(feed: IndexCache) -> None:
    rows = feed.rows(feed.select(sort="score"))
    scores = [row.score for row in rows]
    given = [score for score in scores if score is not None]
    assert given == sorted(given, reverse=True)
    assert scores[len(given) :] == [None] * (len(scores) - len(given))


def test_the_per_ticker_mean_agrees_with_a_hand_count(feed: IndexCache) -> None:
    # Orchard Valley Foods is in three articles:
    #   Bullish, confidence 0.521337 (a confidence: no score) -> +1
    #   Somewhat-Bearish, confidence -0.220581 (a signed score) -> -0.220581
    #   Somewhat-Bullish, confidence 0.312004 -> +1
    # mean: (1 - 0.220581 + 1) / 3 = 0.593140
    stats = feed.ticker_stats()
    [(count, mean)] = [value for code, value in stats.items() if code.partition(".")[0] == "OVFD"]
    assert count == 3
    assert mean == pytest.approx((1 - 0.220581 + 1) / 3)
    means = feed.ticker_means(compile_query(parse("ticker:OVFD")), list(stats))
    [ovfd] = [value for code, value in means.items() if code.startswith("OVFD")]
    assert ovfd == pytest.approx(0.593140, abs=1e-6)


def test_facets_show_directions_then_labels(feed: IndexCache) -> None:
    sentiments = feed.facets(None).sentiments
    assert sentiments[:3] == (("negative", 8), ("positive", 7), ("neutral", 5))
    labels = {value.lower(): count for value, count in sentiments[3:]}
    # A plain label counts what choosing it finds: Bullish with Somewhat-Bullish.
    assert labels == {"bullish": 7, "somewhat-bullish": 4, "bearish": 8, "somewhat-bearish": 3}


def test_a_records_per_ticker_scores_are_used_as_given(tmp_path: Path) -> None:
    root = tmp_path / "feed"
    root.mkdir()
    records = [
        {
            "title": f"Story {n}",
            "time_published": f"2024071{n}T100000",
            "overall_sentiment_label": "Neutral",
            "overall_sentiment_score": 0.01,
            "ticker_sentiment": [
                {"ticker": "NVDA", "ticker_sentiment_score": str(score), "relevance_score": "0.5"},
                {"ticker": "AMD", "ticker_sentiment_label": "Bearish"},
            ],
            "summary": "No ticker is written here.",
        }
        for n, score in enumerate((0.5, 0.3, -0.2))
    ]
    (root / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        stats = cache.ticker_stats()
        count, mean = stats["NVDA"]
        assert count == 3
        assert mean == pytest.approx((0.5 + 0.3 - 0.2) / 3)
        assert stats["AMD"] == (3, -1.0)  # its label, not the article's neutral score
        assert len(files(cache, "ticker:NVDA")) == 3


def test_an_unknown_label_is_one_warning_for_the_whole_index(tmp_path: Path) -> None:
    root = tmp_path / "index"
    root.mkdir()
    for n in range(5):
        (root / f"{n:03d}_{n:016x}.txt").write_text(
            f"title: T{n}\n\npublishDate: 2024-01-0{n + 1}\n\nsentiment: Mixed\n\ncontent: x"
        )
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        about = [p for p in cache.problems() if p.field == "sentiment"]
        assert len(about) == 1
        assert "unknown label 'Mixed' on 5 articles" in about[0].reason
        (root / "000_0000000000000000.txt").unlink()
        cache.refresh()
        about = [p for p in cache.problems() if p.field == "sentiment"]
        assert [p.path for p in about] == ["001_0000000000000001.txt"]
        assert "on 4 articles" in about[0].reason
