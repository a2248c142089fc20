"""Sentiment scales: provider labels and signed scores read as one direction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickertape.core.article import Article
from tickertape.core.formats import read_file
from tickertape.core.loader import load_index
from tickertape.core.sentiment import (
    direction_of,
    family_keys,
    label_direction,
    label_key,
    score_direction,
    sentiment_value,
)

FEED = Path(__file__).parent.parent / "data" / "market_feed"


@pytest.mark.parametrize(
    ("label", "direction"),
    [
        ("positive", "positive"), ("POSITIVE", "positive"), ("pos", "positive"),
        ("Bullish", "positive"), ("Somewhat-Bullish", "positive"), ("somewhat_bullish", "positive"),
        ("SOMEWHAT BULLISH", "positive"), ("somewhatbullish", "positive"), ("bull", "positive"),
        ("Buy", "positive"), ("strong buy", "positive"), ("up", "positive"), ("Up!", "positive"),
        ("negative", "negative"), ("neg", "negative"), ("Bearish", "negative"),
        ("Somewhat-Bearish", "negative"), ("bear", "negative"), ("SELL", "negative"),
        ("down", "negative"), ("very negative", "negative"),
        ("neutral", "neutral"), ("neu", "neutral"), ("Neutral.", "neutral"), ("hold", "neutral"),
        ("1", "positive"), ("+1", "positive"), ("-1", "negative"), ("0", "neutral"),
        ("0.7", "positive"), ("-0.4", "negative"), ("0.1", "neutral"), ("-0.15", "negative"),
        ("", ""), ("None", ""), ("n/a", ""),
    ],
)  # fmt: skip
def test_labels_map_to_a_direction_whatever_the_case_and_punctuation(
    label: str, direction: str
) -> None:
    assert label_direction(label) == direction


@pytest.mark.parametrize("label", ["Mixed", "2", "-3", "1st", "somewhat", "very mixed", "5 stars"])
def test_labels_we_do_not_know_stay_unknown(label: str) -> None:
    assert label_direction(label) is None


def test_label_keys_ignore_case_and_punctuation() -> None:
    keys = {label_key(x) for x in ("Somewhat-Bullish", "SOMEWHAT_BULLISH", "somewhatbullish")}
    assert keys == {"somewhat-bullish"}
    assert label_key("+0.70") == "0.7"


def test_a_base_word_finds_its_graded_forms_and_a_graded_label_only_itself() -> None:
    assert "somewhat-bullish" in family_keys("bullish")
    assert family_keys("somewhat-bullish") == ("somewhat-bullish",)
    assert family_keys("mixed") == ("mixed",)


@pytest.mark.parametrize(
    ("score", "direction"),
    [(0.15, "positive"), (0.149, "neutral"), (0.0, "neutral"), (-0.149, "neutral"),
     (-0.15, "negative"), (1.0, "positive"), (-1.0, "negative")],
)  # fmt: skip
def test_a_score_gives_the_direction_outside_the_neutral_band(score: float, direction: str) -> None:
    assert score_direction(score) == direction


def test_the_label_wins_over_the_score_and_the_score_stands_in_for_an_unknown_label() -> None:
    assert direction_of("Bullish", -0.5) == "positive"
    assert direction_of("Mixed", -0.5) == "negative"
    assert direction_of("", 0.4) == "positive"
    assert direction_of("Mixed", None) == ""


@given(st.text(max_size=30), st.none() | st.floats(-1, 1))
def test_every_label_and_score_gives_a_direction_or_none(label: str, score: float | None) -> None:
    assert direction_of(label, score) in ("positive", "negative", "neutral", "")


def test_a_mean_uses_the_score_else_the_direction() -> None:
    assert sentiment_value("positive", -0.2) == -0.2
    assert [sentiment_value(d, None) for d in ("positive", "neutral", "negative", "")] == [
        1.0,
        0.0,
        -1.0,
        None,
    ]


# -- reading files -------------------------------------------------------------------


def article(text: str, name: str = "001_00000000000000a1.txt") -> Article:
    result = read_file(text.encode(), name)
    [found] = result.articles
    return found


@pytest.mark.parametrize(
    "key", ["score", "sentimentScore", "sentiment_score", "overall_sentiment_score", "Score"]
)
def test_a_signed_score_is_read_from_every_score_key(key: str) -> None:
    read = article(f"title: T\n\n{key}: -0.42\n\ncontent: x")
    assert (read.score, read.sentiment, read.confidence) == (-0.42, "negative", None)
    assert not [w for w in read.warnings if "score" in w]


def test_a_negative_confidence_is_read_as_the_score_with_a_warning() -> None:
    read = article("title: T\n\nsentiment: Bearish\n\nconfidence: -0.39\n\ncontent: x")
    assert (read.score, read.confidence, read.sentiment) == (-0.39, None, "negative")
    assert "confidence: -0.39 is negative: read as a signed sentiment score" in read.warnings


def test_a_negative_confidence_beside_a_score_is_dropped_with_a_warning() -> None:
    read = article("title: T\n\nscore: 0.2\n\nconfidence: -0.39\n\ncontent: x")
    assert (read.score, read.confidence) == (0.2, None)
    assert "confidence: -0.39 is negative; ignored (the article has a score)" in read.warnings


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1.5", "score: 1.5 is outside [-1, 1]; ignored"),
        ("nan", "score: nan is not a finite number; ignored"),
        ("big", "score: 'big' is not a number; ignored"),
    ],
)
def test_a_bad_score_is_dropped_with_a_reason(raw: str, reason: str) -> None:
    read = article(f"title: T\n\nscore: {raw}\n\ncontent: x")
    assert read.score is None
    assert reason in read.warnings


def test_json_records_give_scores_labels_and_per_ticker_sentiment_as_written() -> None:
    record = {
        "title": "Chip stocks",
        "overall_sentiment_label": "Somewhat-Bearish",
        "overall_sentiment_score": "-0.2",
        "ticker_sentiment": [
            {
                "ticker": "NVDA",
                "relevance_score": "0.61",
                "ticker_sentiment_score": "0.35",
                "ticker_sentiment_label": "Bullish",
            },
            {"ticker": "CRYPTO:BTC", "ticker_sentiment_score": "0.1"},
            {"ticker": "AMD", "ticker_sentiment_label": "Bearish"},
        ],
        "content": "No ticker is written in this text.",
    }
    result = read_file(json.dumps(record).encode(), "feed.jsonl")
    [read] = result.articles
    assert (read.sentiment_label, read.sentiment, read.score) == (
        "Somewhat-Bearish",
        "negative",
        -0.2,
    )
    assert [(g.code, g.score, g.label, g.relevance) for g in read.given_tickers] == [
        ("NVDA", 0.35, "Bullish", 0.61),
        ("AMD", None, "Bearish", None),
    ]
    assert read.tickers == ["NVDA", "AMD"]


def test_a_tickers_list_of_objects_is_read_like_ticker_sentiment() -> None:
    record = {"title": "t", "tickers": [{"symbol": "AAPL", "sentiment_score": -0.3}, "MSFT"]}
    [read] = read_file(json.dumps(record).encode(), "feed.json").articles
    assert [(g.code, g.score) for g in read.given_tickers] == [("AAPL", -0.3)]
    assert read.tickers == ["MSFT", "AAPL"]


def test_an_unknown_label_is_warned_about_once_per_index_naming_it(tmp_path: Path) -> None:
    for n in range(3):
        text = f"title: T{n}\n\npublishDate: 2024-01-0{n + 1}\n\nsentiment: Mixed\n\ncontent: x"
        (tmp_path / f"00{n}_00000000000000a{n}.txt").write_text(text)
    (tmp_path / "003_00000000000000b1.txt").write_text(
        "title: T\n\npublishDate: 2024-01-01\n\nsentiment: MIXED\n\ncontent: x"
    )
    loaded = load_index(tmp_path)
    about_labels = [p for p in loaded.problems if p.field == "sentiment"]
    assert [str(p) for p in about_labels] == [
        "000_00000000000000a0.txt: sentiment: unknown label 'Mixed' on 4 articles "
        "(this file first); shown as ? unless a score gives the direction"
    ]
    assert all(a.sentiment == "" and a.sentiment_label.lower() == "mixed" for a in loaded.articles)
    assert not any("sentiment" in w for a in loaded.articles for w in a.warnings)


# -- the market-feed fixture: labels in any case, compact dates, scores in confidence ----


def test_every_labelled_article_of_the_feed_has_a_direction_and_no_score_is_lost() -> None:
    loaded = load_index(FEED)
    assert len(loaded.articles) == 20
    for read in loaded.articles:
        raw = (FEED / read.path).read_text()
        label = raw.split("sentiment: ")[1].split("\n")[0]
        number = float(raw.split("confidence: ")[1].split("\n")[0])
        assert read.sentiment_label == label
        expected = "negative" if "bear" in label.lower() else "positive"
        if label.lower() == "neutral":
            expected = "neutral"
        assert read.sentiment == expected, read.path
        assert read.published is not None
        assert read.published.year == 2024
        # A signed score is kept: as the score when negative, else as the confidence.
        assert (read.score if number < 0 else read.confidence) == number


def test_the_seed_article_reads_as_before(seed_path: Path) -> None:
    [read] = load_index(seed_path.parent).articles
    assert (read.sentiment, read.sentiment_label) == ("neutral", "neutral")
    assert (read.confidence, read.score, read.given_tickers) == (0.9999871253967285, None, ())
    assert (read.extra, read.warnings) == ({}, [])


def test_our_own_jsonl_reads_back_with_its_label_and_score() -> None:
    written = {
        "id": "a1",
        "title": "t",
        "sentiment": "positive",
        "sentiment_label": "Somewhat-Bullish",
        "score": 0.21,
        "confidence": None,
    }
    [read] = read_file(json.dumps(written).encode(), "out.jsonl").articles
    assert (read.sentiment_label, read.sentiment, read.score) == (
        "Somewhat-Bullish",
        "positive",
        0.21,
    )
    unlabelled = {"title": "t", "sentiment": None, "sentiment_label": "", "score": None}
    [read] = read_file(json.dumps(unlabelled).encode(), "out.jsonl").articles
    assert (read.sentiment_label, read.sentiment, read.score) == ("", "", None)
