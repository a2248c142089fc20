"""Company names from the bundled list are found conservatively, with their codes."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tickertape.core.companies import alias_of, company_catalog, company_code
from tickertape.core.tickers import TickerMatch, find_ticker_matches, iter_ticker_spans


def names(text: str) -> list[str]:
    return [hit.code for hit in company_catalog().find_names(text)]


def test_the_catalog_loads_without_touching_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from tickertape.core.companies import company_catalog\n"
        "catalog = company_catalog()\n"
        "assert catalog.is_symbol('NVDA') and len(catalog.names) > 1000\n"
    )
    assert socket  # the same guard as above, in a fresh process
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_catalog_is_built_once_per_process() -> None:
    assert company_catalog() is company_catalog()


def test_importing_the_tickers_module_does_not_load_the_list() -> None:
    code = (
        "import sys\n"
        "import tickertape.core.tickers\n"
        "assert 'pytickersymbols' not in sys.modules\n"
        "assert 'ahocorasick_rs' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("company", "code"),
    [
        ({"name": "Nvidia", "symbol": "NVDA", "symbols": [{"google": "NASDAQ:NVDA"}]}, "NVDA.O"),
        ({"name": "Goldman Sachs", "symbol": "GS", "symbols": [{"google": "NYSE:GS"}]}, "GS.N"),
        ({"name": "BP", "symbol": "BP.L", "symbols": [{"google": "NYSE:BP"}]}, "BP.L"),
        ({"name": "Ericsson", "symbol": "ERIC-B.ST"}, "ERICB.ST"),
        ({"name": "Toyota", "symbol": "7203.T"}, "7203.T"),
        ({"name": "Small Co", "symbol": "SMCO", "symbols": [{"google": "SMCO"}]}, "SMCO"),
        ({"name": "No symbol"}, None),
    ],
)
def test_listed_companies_get_codes_like_instrument_links(
    company: dict[str, object], code: str | None
) -> None:
    assert company_code(company) == code


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        ("Apple Inc.", "Apple"),
        ("Tesla, Inc.", "Tesla"),
        ("The Coca-Cola Company", "Coca-Cola"),
        ("Oracle Corporation", "Oracle"),
        ("Shell plc", "Shell"),
        ("Metso (2020–present)", "Metso"),
        ("Goldman Sachs", "Goldman Sachs"),
    ],
)
def test_the_alias_drops_corporate_suffixes(name: str, alias: str) -> None:
    assert alias_of(name) == alias


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Apple Inc said on Tuesday", ["AAPL.O"]),
        ("Apple's iPhone sales rose", ["AAPL.O"]),
        ("Apple shares rose", ["AAPL.O"]),
        ("Apple (AAPL) rose", ["AAPL.O"]),
        ("Apple orchards were hit by frost", []),
        ("an apple a day", []),
        ("Nvidia said", ["NVDA.O"]),
        ("NVIDIA said", ["NVDA.O"]),
        ("nvidia said", []),
        ("Texas Instruments forecast", ["TXN.O"]),
        ("TEXAS INSTRUMENTS SEES LOWER NET", ["TXN.O"]),
        ("texas instruments", []),
        ("Goldman Sachs and Morgan Stanley", ["GS.N", "MS.N"]),
        ("Target said", []),
        ("Target Corp said", ["TGT.N"]),
        ("the Nasdaq composite and the Dow", []),
        ("PHOENIX, April 13 - the company said", []),
        ("The Amazon river basin", []),
        ("Amazon.com said", ["AMZN.O"]),
        ("Google and Facebook", ["GOOGL.O", "META.O"]),
        ("Johnson &amp; Johnson said", ["JNJ.N"]),
        ("Pineapple Inc", []),
        ("Apple-like design", []),
    ],
)
def test_names_are_matched_conservatively(text: str, codes: list[str]) -> None:
    assert names(text) == codes


def test_a_name_needing_evidence_counts_once_the_article_has_the_company() -> None:
    html = "<p>Apple Inc (AAPL.O) said so.</p><p>Later, Apple said more.</p>"
    assert find_ticker_matches(html) == [TickerMatch("AAPL.O", "symbol")]
    text = "Later, Apple said more."
    assert [span.code for span in iter_ticker_spans(text, known=["AAPL.O"])] == ["AAPL.O"]
    assert list(iter_ticker_spans(text)) == []


def test_name_spans_are_marked_as_names_for_the_article_view() -> None:
    text = "Nvidia (NVDA.O) and Microsoft gained."
    spans = [(text[s.start : s.end], s.code, s.how) for s in iter_ticker_spans(text)]
    assert spans == [
        ("Nvidia", "NVDA.O", "name"),
        ("NVDA.O", "NVDA.O", "symbol"),
        ("Microsoft", "MSFT.O", "name"),
    ]


def test_a_bare_symbol_of_the_article_is_marked_in_a_headline_only() -> None:
    title = "NVDA stock jumps; CEO upbeat"
    spans = [
        (title[s.start : s.end], s.code)
        for s in iter_ticker_spans(title, known=["NVDA.O"], headline=True)
    ]
    assert spans == [("NVDA", "NVDA.O")]
    assert list(iter_ticker_spans(title, known=["NVDA.O"])) == []
    assert list(iter_ticker_spans(title, headline=True)) == []
