"""``tickertape stats``: counts by source, sentiment, language, ticker and month.

The expected numbers are counted by hand from the six articles of tests/ui/articles.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tickertape.cli import main


def stats_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code = main(["stats", *argv, "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    payload: dict[str, Any] = json.loads(captured.out)
    return payload


def test_stats_json_counts_the_six_articles(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stats = stats_json(capsys, str(index))
    assert stats == {
        "articles": 6,
        "source": {
            "wire.example": 2,
            "brief.example": 1,
            "cloud.example": 1,
            "ledger.example": 1,
            "shop.example": 1,
        },
        # "Positive" in e5 counts as positive; f6 has no label.
        "sentiment": {"positive": 2, "neutral": 2, "negative": 1, "": 1},
        # Labels as written; "Positive" and "positive" are one label.
        "label": {"Positive": 2, "neutral": 2, "negative": 1},
        "language": {"en": 6},
        "ticker": {"AMZN.O": 2, "AMD.O": 1, "JPM.N": 1, "NVDA.O": 1, "XOM.N": 1},
        "month": {"2024-12": 3, "2024-11": 1, "2024-10": 1, "2024-09": 1},
        # AMZN.O: one negative and one neutral article, no scores: (-1 + 0) / 2.
        "ticker_sentiment": {"AMZN.O": -0.5, "AMD.O": 1.0, "JPM.N": 1.0, "NVDA.O": 1.0,
                             "XOM.N": 0.0},
        "stories": 6,
        "largest_stories": [],
    }  # fmt: skip
    # Most frequent first; months newest first.
    assert next(iter(stats["source"])) == "wire.example"
    assert list(stats["month"]) == ["2024-12", "2024-11", "2024-10", "2024-09"]


def test_stats_query_narrows_every_section(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert stats_json(capsys, str(index), "-q", "ticker:AMZN") == {
        "articles": 2,
        "source": {"cloud.example": 1, "shop.example": 1},
        "sentiment": {"negative": 1, "neutral": 1},
        "label": {"negative": 1, "neutral": 1},
        "language": {"en": 1 + 1},
        "ticker": {"AMZN.O": 2},
        "month": {"2024-12": 2},
        "ticker_sentiment": {"AMZN.O": -0.5},
        "stories": 6,
        "largest_stories": [],
    }
    narrowed = stats_json(capsys, str(index), "-q", "sentiment:neutral")
    assert narrowed["articles"] == 2
    assert narrowed["ticker"] == {"AMZN.O": 1, "XOM.N": 1}
    assert narrowed["month"] == {"2024-12": 1, "2024-11": 1}
    nothing = stats_json(capsys, str(index), "-q", "lang:fr")
    assert nothing == {
        "articles": 0, "source": {}, "sentiment": {}, "label": {}, "language": {}, "ticker": {},
        "month": {}, "ticker_sentiment": {}, "stories": 6, "largest_stories": [],
    }  # fmt: skip


def test_stats_table_lists_each_section_with_counts(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(index)]) == 0
    out = capsys.readouterr().out
    sections: dict[str, list[str]] = {}
    current = ""
    for line in out.splitlines()[1:]:
        if line and not line.startswith(" "):
            current = line
            sections[current] = []
        elif line:
            sections[current].append(" ".join(line.split()))
    assert out.splitlines()[0] == "6 articles"
    assert list(sections) == [
        "SOURCE", "SENTIMENT", "LABEL", "LANGUAGE", "TICKER (TOP 20)", "MONTH", "STORIES",
    ]  # fmt: skip
    assert sections["SOURCE"][0] == "2 wire.example"
    assert sorted(sections["SENTIMENT"]) == ["1 (none)", "1 negative", "2 neutral", "2 positive"]
    assert sections["LANGUAGE"] == ["6 en"]
    assert sections["TICKER (TOP 20)"][0] == "2 AMZN.O ▼ -0.50"
    assert len(sections["TICKER (TOP 20)"]) == 5
    assert sections["MONTH"] == ["3 2024-12", "1 2024-11", "1 2024-10", "1 2024-09"]


def test_stats_keeps_the_top_20_tickers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "many"
    root.mkdir()
    link = '<a href="https://www.reuters.com/markets/companies/{0}">({0})</a>'
    codes = [f"T{chr(65 + n)}.O" for n in range(25)]  # TA.O ... TY.O
    for n in range(3):  # three articles mention TY.O and TX.O as well
        body = " ".join(link.format(code) for code in ("TY.O", "TX.O"))
        (root / f"{n:03d}_{n:016x}.txt").write_text(
            f"title: Hot {n}\n\ncontent: <p>{body}</p>\n", encoding="utf-8"
        )
    body = " ".join(link.format(code) for code in codes)
    (root / "099_00000000000000ff.txt").write_text(
        f"title: All of them\n\ncontent: <p>{body}</p>\n", encoding="utf-8"
    )
    stats = stats_json(capsys, str(root))
    tickers = stats["ticker"]
    assert isinstance(tickers, dict)
    assert len(tickers) == 20
    # Most frequent first, then A-Z: TX.O and TY.O (4 each), then TA.O ... TR.O.
    assert list(tickers.items())[:3] == [("TX.O", 4), ("TY.O", 4), ("TA.O", 1)]
    assert list(tickers)[-1] == "TR.O"


def test_stats_with_a_bad_query_is_a_usage_error(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", str(index), "-q", "before:soon"]) == 2
    err = capsys.readouterr().err
    assert "at column 8" in err
    assert "Traceback" not in err
