"""Ticker mentions in every form come out as one normalised code each, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from tickertape.core.tickers import (
    TickerMatch,
    find_ticker_matches,
    find_tickers,
    iter_ticker_mentions,
    normalise_ticker,
    ticker_base,
    ticker_from_link,
)

SEED_LIKE = (
    'Amazon.com\'s <a href="https://www.reuters.com/markets/companies/AMZN.O" '
    'target="_blank">(AMZN.O)</a> cloud unit will challenge Nvidia '
    '<a href="https://www.reuters.com/markets/companies/NVDA.O" target="_blank">(NVDA.O)</a>'
    ', with Apple <a href="https://www.reuters.com/companies/AAPL.O">(AAPL.O)</a> aboard.'
)


def content_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    return text.split("\ncontent: ", 1)[1] if "\ncontent: " in text else text


def test_reuters_links_and_mentions_give_codes_in_order_of_first_appearance() -> None:
    assert find_tickers(SEED_LIKE) == ["AMZN.O", "NVDA.O", "AAPL.O"]


@pytest.mark.parametrize(
    "link",
    [
        "https://www.reuters.com/markets/companies/AMZN.O",
        "https://www.reuters.com/companies/AMZN.O",
        "https://www.reuters.com/markets/companies/AMZN.O/",
        "https://www.reuters.com/companies/AMZN.O?view=profile",
        "https://www.reuters.com/companies/AMZN.O#key",
    ],
)
def test_reuters_instrument_link_gives_its_code(link: str) -> None:
    assert find_tickers(f'<a href="{link}">Amazon</a>') == ["AMZN.O"]
    assert find_tickers(f"<a href='{link}'>Amazon</a>") == ["AMZN.O"]
    assert ticker_from_link(link) == "AMZN.O"


@pytest.mark.parametrize(
    "link",
    [
        "https://www.proactiveinvestors.co.uk/companies/news/123/title",
        "https://www.smh.com.au/business/companies/china-huarong-tumbles-20220105.html",
        "https://example.com/companies/index.php",
    ],
)
def test_other_companies_paths_are_not_tickers(link: str) -> None:
    assert find_tickers(f'<a href="{link}">story</a>') == []
    assert ticker_from_link(link) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Amazon (AMZN.O) rose", "AMZN.O"),
        ("Ford (F.N) fell", "F.N"),
        ("Berkshire (BRKa.N) class A", "BRKA.N"),
        ("Mercedes (MBGn.DE)", "MBGN.DE"),
        ("Maersk (MAERSKb.CO)", "MAERSKB.CO"),
        ("Sony (6758.T)", "6758.T"),
        ("Foxconn (2317.TW)", "2317.TW"),
        ("Tencent (0700.HK)", "0700.HK"),
        ("BP (BP.L) in 1987", "BP.L"),
        ("Royal Bank (RY.TO)", "RY.TO"),
    ],
)
def test_parenthesised_instrument_code_is_a_ticker(text: str, code: str) -> None:
    assert find_tickers(text) == [code]


@pytest.mark.parametrize(
    "text",
    [
        "the (U.S.) economy",
        "the (U.S) economy",
        "the (U.K.) pound",
        "figure (Fig.A)",
        "about (1.5) times",
        "(3.5M) shares",
        "(No.1) seed",
        "(a.b) lower case",
        "(AMZN) without a suffix",
    ],
)
def test_abbreviations_and_numbers_in_parentheses_are_not_tickers(text: str) -> None:
    assert find_tickers(text) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("buying $NVDA today", "NVDA"),
        ("$NVDA.", "NVDA"),
        ("($AAPL)", "AAPL"),
        ("$F rallied", "F"),
        ("$BRK.B shares", "BRK.B"),
        ("<b>$TSLA</b>", "TSLA"),
    ],
)
def test_cashtag_is_normalised_without_dollar(text: str, code: str) -> None:
    assert find_tickers(text) == [code]


@pytest.mark.parametrize(
    "text",
    [
        "profit of $5 mln",
        "$5.2 billion",
        "$US 5 billion",
        "$US5 billion",
        "$AUD 3",
        "US$NVDA is not a cashtag",
        "$$NVDA",
        "$nvda lower case",
        "$NVDAX7 has a digit",
        "$ 5",
        "$TOOLONGX",
    ],
)
def test_dollar_amounts_and_lookalikes_are_not_cashtags(text: str) -> None:
    assert find_tickers(text) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("NASDAQ:AAPL", "AAPL.O"),
        ("(NASDAQ: AAPL)", "AAPL.O"),
        ("(Nasdaq: KHC)", "KHC.O"),
        ("NYSE: IBM", "IBM.N"),
        ("NYSE:MCD", "MCD.N"),
        ("(NYSE American: XYZ)", "XYZ.A"),
        ("NYSEAMERICAN:XYZ", "XYZ.A"),
        ("AMEX:ABC", "ABC.A"),
        ("LSE:VOD", "VOD.L"),
        ("TSX:RY", "RY.TO"),
        ("(ASX: BRN)", "BRN"),
        ("OTC: ABCD", "ABCD"),
        ("NYSE:BRK.A", "BRK.A"),
    ],
)
def test_exchange_prefixed_symbol_gets_the_exchange_suffix(text: str, code: str) -> None:
    assert find_tickers(text) == [code]


@pytest.mark.parametrize(
    "text",
    ["NOTE: THE END", "ELSE: FOO", "XNYSE:IBM", "NYSE: The market", "Time: 10:30", "NYSE:"],
)
def test_words_before_a_colon_are_not_exchanges(text: str) -> None:
    assert find_tickers(text) == []


def test_each_code_is_listed_once() -> None:
    assert find_tickers("(AMZN.O) $NVDA (AMZN.O) NASDAQ:NVDA $NVDA (amzn.o)") == [
        "AMZN.O",
        "NVDA.O",
    ]


def test_mentions_give_their_spans_for_highlighting() -> None:
    text = "Amazon (AMZN.O), $NVDA and NASDAQ: AAPL."
    spans = [(text[start:end], code) for start, end, code in iter_ticker_mentions(text)]
    assert spans == [("AMZN.O", "AMZN.O"), ("$NVDA", "NVDA"), ("NASDAQ: AAPL", "AAPL.O")]


def test_link_paths_are_not_mentions_in_plain_text() -> None:
    assert list(iter_ticker_mentions("see https://www.reuters.com/companies/AMZN.O")) == []


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("NVDA.O", "NVDA.O"),
        ("nvda.o", "NVDA.O"),
        ("$nvda", "NVDA"),
        (" $NVDA ", "NVDA"),
        ("(AMZN.O)", "AMZN.O"),
        ("nasdaq:aapl", "AAPL.O"),
        ("NYSE: ibm", "IBM.N"),
        ("NYSE American: xyz", "XYZ.A"),
        ("BRKa.N", "BRKA.N"),
        ("6758.T", "6758.T"),
        ("F", "F"),
    ],
)
def test_normalise_ticker_accepts_what_a_user_types(raw: str, code: str) -> None:
    assert normalise_ticker(raw) == code


@pytest.mark.parametrize(
    "raw", ["", " ", "$", "$5", "5.2", "6758", "U.S", "U.S.", "NVDA.O.X", "NV DA", "A" * 12, "é"]
)
def test_normalise_ticker_rejects_implausible_codes(raw: str) -> None:
    assert normalise_ticker(raw) is None


@pytest.mark.parametrize(("code", "base"), [("NVDA.O", "NVDA"), ("NVDA", "NVDA"), ("RY.TO", "RY")])
def test_ticker_base_drops_the_exchange_suffix(code: str, base: str) -> None:
    assert ticker_base(code) == base


@pytest.mark.corpus
def test_lcid_is_found_in_exactly_the_files_that_link_to_it(corpus_dir: Path) -> None:
    files = sorted((corpus_dir / "fin_html").glob("*.txt"))
    assert files
    found = {path.name for path in files if "LCID.O" in find_tickers(content_of(path))}
    linked = {path.name for path in files if "/companies/LCID.O" in path.read_text("utf-8")}
    assert linked
    assert found == linked


@pytest.mark.corpus
def test_1987_reuters_text_gives_no_cashtags_only_bracketed_symbols(corpus_dir: Path) -> None:
    # "$" is followed by digits in 1987 newswire: a bare symbol comes from <TXN> only.
    strays: set[str] = set()
    found_angle = False
    for path in (corpus_dir / "reuters21578").glob("*.txt"):
        content = content_of(path)
        for code in find_tickers(content):
            if "." not in code:
                found_angle = True
                if f"&lt;{code}>" not in content and f"({code})" not in content:
                    strays.add(code)
    assert found_angle
    assert not strays, sorted(strays)


def test_bare_symbol_is_dropped_when_its_listing_is_named() -> None:
    link = '<a href="https://www.reuters.com/markets/companies/NVDA.O">(NVDA.O)</a>'
    text = f"Chips: $NVDA and {link}, $AMD"
    assert find_tickers(text) == ["NVDA.O", "AMD"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Shares of Dick's Sporting Goods ( DKS ) rose", "DKS"),
        ("Dick's Sporting Goods (DKS) rose", "DKS"),
        ("Teladoc (TDOC) fell", "TDOC"),
        ("Inter Parfums Inc. (IPAR) lifted guidance", "IPAR"),
        ("United Parcel Service (UPS) said", "UPS.N"),
        ("Citi's (C) bankers", "C.N"),
        ("Goldman Sachs (NYSE: GS) said", "GS.N"),
        ("Nvidia (NASDAQ:NVDA) gained", "NVDA.O"),
        ("NASDAQ: NVDA jumped", "NVDA.O"),
        ("Texas Instruments Inc <TXN> said", "TXN.O"),
        ("Texas Instruments Inc &lt;TXN> said", "TXN.O"),
        ("Texas Instruments Inc &lt;TXN&gt; said", "TXN.O"),
        ("Volkswagen AG &lt;VOWG.F> said", "VOWG.F"),
        ("Exxon Corp &lt;XON> cut postings", "XON"),
    ],
)
def test_written_forms_of_newswires_and_feeds_are_tickers(text: str, code: str) -> None:
    assert code in [match.code for match in find_ticker_matches(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The CEO said AI and GDP and EPS in the USA",
        "an initial public offering (IPO)",
        "The Food and Drug Administration (FDA) approved",
        "NEW YORK (AP) - Stocks fell",
        "LOS ANGELES (KTLA) - A fire",
        "FRESNO, Calif. (KFSN) - Farmers",
        "HOUSTON, Texas (KTRK) - Flooding",
        "The price of Bitcoin (BTC) fell",
        "Institutional Shareholder Services (ISS) backed it",
        "Figure (A) and (B)",
        "(AMZN) alone",
        "<p>bold <B>text</B> and <I>italics</I></p>",
    ],
)
def test_acronyms_datelines_and_tags_are_not_tickers(text: str) -> None:
    assert find_ticker_matches(text) == []


def test_an_unescaped_bracketed_code_in_html_is_a_ticker_unless_it_is_a_tag() -> None:
    assert find_tickers("Texas Instruments Inc <TXN> said <P>more</P>") == ["TXN"]


def test_matches_say_how_each_ticker_was_found() -> None:
    html = (
        '<a href="https://www.reuters.com/markets/companies/AMZN.O">(AMZN.O)</a> '
        "and $TSLA, with Microsoft"
    )
    assert find_ticker_matches(html, given=["ibm.n", "not a code!"]) == [
        TickerMatch("AMZN.O", "link"),
        TickerMatch("TSLA", "symbol"),
        TickerMatch("MSFT.O", "name"),
        TickerMatch("IBM.N", "given"),
    ]


def test_the_best_evidence_wins_and_a_bare_symbol_joins_its_listing() -> None:
    matches = find_ticker_matches("Nvidia said.", title="$NVDA rises", given=["NVDA"])
    assert matches == [TickerMatch("NVDA.O", "symbol")]


def test_title_and_summary_come_first_and_are_searched_too() -> None:
    matches = find_ticker_matches(
        "<p>Chips rallied.</p>", title="Goldman Sachs (NYSE: GS) beats", summary="$TSLA too"
    )
    assert [match.code for match in matches] == ["GS.N", "TSLA"]


@pytest.mark.parametrize(
    ("title", "body", "codes"),
    [
        ("NVDA stock jumps after earnings", "", ["NVDA"]),
        ("Shares of TSLA slide", "", ["TSLA"]),
        ("NVDA beats estimates", "<p>Nvidia said demand was strong.</p>", ["NVDA.O"]),
        ("NVDA beats estimates", "<p>Demand was strong.</p>", []),
        ("CEO says AI stock boom is real", "", []),
        ("GDP DATA LIFT IBM AND AMD", "", ["IBM.N", "AMD.O"]),
    ],
)
def test_a_bare_symbol_in_a_title_needs_the_company_or_the_word_stock(
    title: str, body: str, codes: list[str]
) -> None:
    assert [match.code for match in find_ticker_matches(body, title=title)] == codes


def test_highlight_spans_of_bracketed_codes_are_the_code_inside() -> None:
    text = "Texas Instruments Inc <TXN> and Dick's ( DKS )"
    spans = [(text[start:end], code) for start, end, code in iter_ticker_mentions(text)]
    assert spans == [("TXN", "TXN"), ("DKS", "DKS")]
