"""``tickertape tickers`` and ``tickertape trend`` over the six known articles."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli.conftest import run


def test_tickers_json_has_one_row_per_ticker(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "tickers", str(index), "--format", "json")
    assert code == 0
    rows = {row["code"]: row for row in json.loads(out)}
    assert set(rows) == {"NVDA.O", "AMD.O", "AMZN.O", "XOM.N", "JPM.N"}
    assert rows["AMZN.O"] == {
        "code": "AMZN.O", "articles": 2, "positive": 0, "negative": 1, "neutral": 1,
        "mean": -0.5, "first": "2024-12-03T18:15:00Z", "last": "2024-12-04T09:00:00Z",
    }  # fmt: skip


def test_tickers_sorts_limits_and_filters(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "tickers", str(index), "--sort", "score", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["code"] for r in table][:3] == ["AMD.O", "JPM.N", "NVDA.O"]
    assert table[-1]["code"] == "AMZN.O"
    _, out, _ = run(capsys, "tickers", str(index), "--sort", "code", "--limit", "2")
    lines = out.splitlines()
    assert lines[0].split() == [
        "CODE", "ARTICLES", "POSITIVE", "NEGATIVE", "NEUTRAL", "MEAN", "FIRST", "LAST",
    ]  # fmt: skip
    assert [line.split()[0] for line in lines[1:]] == ["AMD.O", "AMZN.O"]
    _, out, _ = run(capsys, "tickers", str(index), "-q", "source:wire", "--format", "json")
    assert {row["code"] for row in json.loads(out)} == {"NVDA.O", "AMD.O", "XOM.N"}


def test_tickers_since_counts_back_from_the_newest_article_of_an_old_index(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The newest article is 2024-12-05: 3 days back reaches the 3rd.
    _, out, _ = run(capsys, "tickers", str(index), "--since", "3d", "--format", "json")
    assert {row["code"]: row["articles"] for row in json.loads(out)} == {
        "NVDA.O": 1, "AMD.O": 1, "AMZN.O": 2,
    }  # fmt: skip
    code, _, err = run(capsys, "tickers", str(index), "--since", "soon")
    assert code == 2
    assert "bad --since" in err


def test_trend_lists_every_period_with_zeros(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "trend", "amzn", str(index), "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["start"], r["articles"]) for r in rows] == [
        ("2024-09-01", 0), ("2024-10-01", 0), ("2024-11-01", 0), ("2024-12-01", 2),
    ]  # fmt: skip
    assert rows[-1] == {
        "start": "2024-12-01", "articles": 2, "positive": 0, "negative": 1, "neutral": 1,
        "mean": -0.5,
    }  # fmt: skip
    _, out, _ = run(capsys, "trend", "NVDA.O", str(index), "--by", "week", "--since", "14d",
                    "--format", "csv")  # fmt: skip
    assert out.splitlines() == [
        "start,articles,positive,negative,neutral,mean",
        "2024-11-18,0,0,0,0,", "2024-11-25,0,0,0,0,", "2024-12-02,1,1,0,0,1.0",
    ]  # fmt: skip


def test_trend_plot_draws_a_chart_and_a_bad_ticker_is_a_usage_error(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "trend", "AMZN.O", str(index), "--by", "day", "--format", "plot")
    assert code == 0
    assert "AMZN.O: articles per day and mean sentiment" in out
    assert "\x1b" not in out  # no colours into a pipe
    assert "2024-12-03" in out or "2024-11" in out
    code, _, err = run(capsys, "trend", "not a ticker!", str(index))
    assert code == 2
    assert "is not a ticker" in err
