"""Sentiment on the command line, on the market-feed folder (tests/data/market_feed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run

FEED = Path(__file__).parent.parent / "data" / "market_feed"


def label_of(path: Path) -> str:
    return path.read_text().split("sentiment: ")[1].split("\n")[0]


def jsonl(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "list", str(FEED), "--format", "jsonl", *argv)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_list_sentiment_negative_returns_exactly_the_bearish_articles(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bearish = {p.name[4:20] for p in FEED.glob("*.txt") if "bear" in label_of(p).lower()}
    records = jsonl(capsys, "-q", "sentiment:negative")
    assert {record["id"] for record in records} == bearish
    for record in records:
        assert record["sentiment"] == "negative"
        assert "bear" in str(record["sentiment_label"]).lower()


def test_records_carry_the_direction_the_label_as_written_and_the_score(
    capsys: pytest.CaptureFixture[str],
) -> None:
    records = {record["id"]: record for record in jsonl(capsys)}
    assert len(records) == 20
    for path in FEED.glob("*.txt"):
        record = records[path.name[4:20]]
        assert record["sentiment_label"] == label_of(path)
        assert record["sentiment"] in ("positive", "negative", "neutral")
        number = float(path.read_text().split("confidence: ")[1].split("\n")[0])
        assert (record["score"] if number < 0 else record["confidence"]) == number
    # The compact dates are read as UTC.
    assert records["f78cd6eb52aee084"]["published"] == "2024-07-19T13:30:10Z"


def test_score_filters_and_sorts(capsys: pytest.CaptureFixture[str]) -> None:
    records = jsonl(capsys, "-q", "score<-0.2", "--sort", "score")
    scores = [record["score"] for record in records]
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert all(isinstance(s, float) and s < -0.2 for s in scores)
    assert len(scores) == 7


def test_the_table_says_when_its_column_holds_scores(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", str(FEED), "-q", "sentiment:negative", "--limit", "3")
    assert code == 0
    header, *rows = out.splitlines()
    assert " SCORE " in header
    assert all("▼" in row and " -0." in row for row in rows)
    code, out, _ = run(capsys, "list", str(FEED))
    header, *rows = out.splitlines()
    assert " CONF/SCORE " in header
    assert any(" 0.52 " in row for row in rows)  # a confidence: no sign
    assert any(" -0.22 " in row for row in rows)  # a score: always signed


def test_a_bad_score_query_says_where(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "list", str(FEED), "-q", "nvidia score>2")
    assert code == 2
    assert "score is between -1 and 1 at column 14" in err


def test_stats_show_each_tickers_mean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "stats", str(FEED), "--format", "json")
    assert code == 0, err
    stats = json.loads(out)
    assert stats["sentiment"] == {"negative": 8, "positive": 7, "neutral": 5}
    [mean] = [v for code, v in stats["ticker_sentiment"].items() if code.startswith("OVFD")]
    assert mean == pytest.approx((1 - 0.220581 + 1) / 3, abs=1e-4)
