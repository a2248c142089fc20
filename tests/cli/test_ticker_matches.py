"""``list --format jsonl`` says how each ticker was found, and ``ticker:`` finds every kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run

ARTICLES = {
    "001_0000000000000a01.txt": (
        "title: Chips rally\n\ncontent: <p>Nvidia "
        '<a href="https://www.reuters.com/markets/companies/NVDA.O">(NVDA.O)</a> rose.</p>'
    ),
    "002_0000000000000b02.txt": (
        "title: Nvidia's suppliers busy\n\ncontent: <p>Suppliers said orders rose.</p>"
    ),
    "003_0000000000000c03.txt": (
        "title: Texas Instruments sees lower net\n\n"
        "content: <p>Texas Instruments Inc &lt;TXN> said, and Dick's Sporting Goods ( DKS ) "
        "and Goldman Sachs (NYSE: GS) too.</p>"
    ),
    "004_0000000000000d04.txt": (
        "title: Apple orchards hit by frost\n\n"
        "content: <p>The CEO said GDP and EPS data mattered in the USA.</p>"
    ),
}


@pytest.fixture
def ticker_index(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def records(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, list[dict[str, str]]]:
    code, out, _ = run(capsys, "list", *argv, "--format", "jsonl")
    assert code == 0
    return {
        record["id"]: record["ticker_matches"] for record in map(json.loads, out.splitlines())
    }


def test_jsonl_records_say_how_each_ticker_was_found(
    ticker_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = records(capsys, str(ticker_index))
    assert found["0000000000000a01"] == [{"code": "NVDA.O", "how": "link"}]
    assert found["0000000000000b02"] == [{"code": "NVDA.O", "how": "name"}]
    assert found["0000000000000c03"] == [
        {"code": "TXN.O", "how": "symbol"},
        {"code": "DKS", "how": "symbol"},
        {"code": "GS.N", "how": "symbol"},
    ]
    assert found["0000000000000d04"] == []


def test_a_ticker_query_finds_links_and_names_alike(
    ticker_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = records(capsys, str(ticker_index), "-q", "ticker:NVDA")
    assert sorted(found) == ["0000000000000a01", "0000000000000b02"]
    assert list(records(capsys, str(ticker_index), "-q", "$TXN")) == ["0000000000000c03"]
