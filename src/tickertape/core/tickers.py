"""Find ticker mentions in article text and normalise them to one code each.

Written forms: Reuters instrument links (``/markets/companies/AMZN.O``),
parenthesised instrument codes (``(AMZN.O)``), cashtags (``$NVDA``), exchange
prefixes (``NASDAQ:AAPL`` and ``(NYSE: GS)``, which become ``AAPL.O`` and ``GS.N``),
Reuters-1987 angle brackets (``Texas Instruments Inc <TXN>``, ``&lt;TXN>`` in HTML)
and a bare symbol in parentheses after a company name (``Dick's ( DKS )``). Codes
are upper-cased, so the share-class letter in ``BRKa.N`` becomes ``BRKA.N``.
Company names are found with :mod:`tickertape.core.companies`. Bare all-capital
words (CEO, AI, GDP) are never tickers; a known symbol alone in a title or summary
is one only when the article names the company too or says "stock" or "shares".

Forms are one precompiled regular expression and names one Aho-Corasick pass: both
run over every body when an index is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from tickertape.core.companies import ACRONYMS, NameHit, company_catalog, words

How = Literal["link", "symbol", "name", "given"]
"""How a ticker was found: an instrument link, a written ticker form, a company name,
or given by the record itself (a feed's own ticker list). Best evidence first."""
_RANK: dict[str, int] = {"link": 0, "symbol": 1, "given": 2, "name": 3}


@dataclass(slots=True, frozen=True)
class TickerMatch:
    """One ticker of an article and the best evidence for it."""

    code: str
    how: How


@dataclass(slots=True, frozen=True)
class TickerSpan:
    """Where a ticker is written in plain text: ``text[start:end]`` (for highlighting)."""

    start: int
    end: int
    code: str
    how: How

# An instrument code: a symbol starting with a capital (a trailing lower-case share
# class letter allowed, as in BRKa or MBGn) or a 3-6 digit Asian code, then a
# dot-suffix naming the exchange. "(U.S.)" fails on its final dot.
_CODE = r"(?:[A-Z][A-Z0-9]{0,9}[a-z]?|[0-9]{3,6})\.[A-Z]{1,3}"

# Exchange prefixes and the suffix their symbols get; "" gives the bare symbol.
_EXCHANGE_SUFFIX = {
    "NASDAQ": ".O",
    "NYSE": ".N",
    "NYSEAMERICAN": ".A",
    "NYSEMKT": ".A",
    "AMEX": ".A",
    "LSE": ".L",
    "TSX": ".TO",
    "NYSEARCA": "",
    "TSXV": "",
    "ASX": "",
    "OTC": "",
    "OTCQX": "",
    "OTCQB": "",
    "CSE": "",
    "NSE": "",
    "BSE": "",
    "HKEX": "",
    "SGX": "",
    "XETRA": "",
    "EURONEXT": "",
}
# Any case, and "NYSE American" may keep its space. Longest first, so it is not "NYSE".
_EXCHANGE = "|".join(
    name.replace("NYSE", "NYSE[ ]?", 1) if name.startswith("NYSE") and name != "NYSE" else name
    for name in sorted(_EXCHANGE_SUFFIX, key=len, reverse=True)
)
_LONGEST_EXCHANGE = len("NYSE AMERICAN")

# Dollar amounts written with a currency code: "$US 5 million" is not a ticker.
_NOT_CASHTAGS = frozenset({"US", "USD", "AU", "AUD", "CA", "CAD", "NZ", "NZD", "HK", "HKD"})
# Abbreviations that look like instrument codes.
_NOT_CODES = frozenset({"U.S", "U.K", "E.U"})
_SYMBOL = r"[A-Z]{1,6}(?:\.[A-Z]{1,2})?"

# A Reuters-1987 code in angle brackets: <TXN>, <BP.L>, <VOWG.F>.
_ANGLE = r"[A-Z]{1,6}(?:\.[A-Z]{1,2})?"

# Every branch starts with a literal character, which lets the regex engine skip
# ahead fast (a branch starting with the exchange name made the scan 7x slower).
# An exchange mention is found at its colon; the name before it is checked after,
# and so is the company name before a bare "(DKS)".
_TICKER = re.compile(
    rf"""
      /companies/(?P<link>{_CODE})(?=[/?#"'\s<>]|$)
    | \((?P<mention>{_CODE})\)
    | \([ ]?(?P<bare>[A-Z]{{1,5}})[ ]?\)
    | \$(?<![\w$]\$)(?P<cash>{_SYMBOL})\b
    | :[ ]?(?P<symbol>{_SYMBOL})\b
    | &lt;(?P<escaped>{_ANGLE})(?:>|&gt;)
    | <(?P<angle>{_ANGLE})>
    """,
    re.VERBOSE,
)
# In raw HTML an unescaped <B> is a tag; <TXN> is not one.
_HTML_TAGS = words(
    """
    A ABBR B BDI BDO BIG BODY BR CITE CODE COL DATA DD DEL DFN DIV DL DT EM FONT FORM
    HEAD HR HTML I IMG INS KBD LI LINK MAIN MAP MARK META MENU NAV NOBR OL P PRE Q RP
    RT RUBY S SAMP SMALL SPAN STRIKE SUB SUP TABLE TBODY TD TH THEAD TIME TR TT U UL
    VAR WBR CENTER H1 H2 H3 H4 H5 H6
    """
)
# Suffixes that may end the company name before a bare "(SYM)".
_NAME_ENDS = words(
    "INC CORP CO LTD PLC AG SE SA NV LLC LP AB ASA OYJ GROUP HOLDINGS COMPANY CORPORATION"
)
_STOP_WORDS = frozenset({"of", "and", "for", "the", "&", "on", "in", "de", "to", "at"})
_WORD = re.compile(r"[\w&'’.-]+")
_TAG = re.compile(r"<[^>]*>|&[a-z]+;|&#\d+;")
# A bare all-capital word that may be a listed symbol, in a title or summary.
_PLAIN_SYMBOL = re.compile(r"(?<![\w$.&'’/<-])[A-Z]{2,5}(?![\w&/>-]|\.[A-Za-z])")
_UPPER = re.compile(r"[A-Z]")
_CAPITAL = re.compile(r"[A-Z0-9\u00c0-\u00de]")  # how every listed name starts
_LOWER = re.compile(r"[a-z]")
_STOCK_WORD = re.compile(r"\s(?:stock|stocks|shares)\b", re.IGNORECASE)
_STOCK_WORD_BEFORE = re.compile(r"\b(?:stock|stocks|shares)(?: of)?\s\Z", re.IGNORECASE)
_EXCHANGE_BEFORE = re.compile(rf"(?<!\w)(?:{_EXCHANGE})[ ]?\Z", re.IGNORECASE)
_LINK_CODE = re.compile(rf"/companies/({_CODE})(?:[/?#]|$)")
_PLAUSIBLE = re.compile(r"(?:[A-Z][A-Z0-9]{0,9}|[0-9]{1,10}(?=\.))(?:\.[A-Z]{1,3})?")
_EXCHANGE_PREFIX = re.compile(rf"({_EXCHANGE})[ ]?:[ ]?(.*)", re.IGNORECASE | re.DOTALL)


def _exchange_code(exchange: str, symbol: str) -> str:
    exchange = exchange.upper().replace(" ", "")
    return symbol if "." in symbol else symbol + _EXCHANGE_SUFFIX[exchange]


# A bare "(SYM)" costs a look at the words before it: a text gets this many looks, and
# the same symbol after the same words is looked at once (hostile input stays linear).
_MAX_BARE_LOOKS = 2000


class _BareVerdicts:
    """Verdicts on bare ``(SYM)`` mentions within one text: memoised and bounded."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str], bool] = {}
        self._left = _MAX_BARE_LOOKS

    def __call__(self, text: str, start: int, symbol: str) -> bool:
        key = (symbol, text[max(0, start - 48) : start])
        verdict = self._memo.get(key)
        if verdict is None:
            if self._left <= 0:
                return False
            self._left -= 1
            verdict = self._memo[key] = _bare_is_ticker(text, start, symbol)
        return verdict


def _mention(
    match: re.Match[str], text: str, *, html: bool, bare: _BareVerdicts
) -> tuple[int, int, str] | None:
    """Where one match of :data:`_TICKER` is written and its code, or None to ignore it.

    The span is the code inside brackets and the whole mention otherwise. ``html``
    says ``text`` is raw HTML, where ``<B>`` is a tag and not a code.
    """
    kind = match.lastgroup
    start = match.start()
    if kind == "symbol":
        before = text[max(0, start - _LONGEST_EXCHANGE - 2) : start]
        exchange = _EXCHANGE_BEFORE.search(before)
        if exchange is None:
            return None
        return (
            start - len(before) + exchange.start(),
            match.end(),
            _exchange_code(exchange[0].rstrip(), match["symbol"]),
        )
    raw = match[kind] if kind is not None else ""
    if kind == "cash" and raw.partition(".")[0] in _NOT_CASHTAGS:
        return None
    if raw in _NOT_CODES:
        return None
    if kind == "angle" and html and raw in _HTML_TAGS:
        return None
    if kind == "bare" and not bare(text, start, raw):
        return None
    if kind in ("mention", "bare", "escaped", "angle"):
        return match.start(kind), match.end(kind), raw.upper()
    return start, match.end(), raw.upper()


def _named_before(before: str, symbol: str) -> bool:
    """Whether ``before`` ends with the name of the company listed as ``symbol``."""
    return any(
        ticker_base(code) == symbol for code in company_catalog().iter_codes_before(before)
    )


def _bare_is_ticker(text: str, start: int, symbol: str) -> bool:
    """A bare ``(SYM)`` at ``start`` is a ticker only after a company's name.

    Not after a lower-case word ("initial public offering (IPO)"), a dateline in
    capitals or a call sign ("LOS ANGELES (KTLA)", "Calif. (KFSN)"), or a name whose
    initials it spells ("Food and Drug Administration (FDA)"), unless the listed
    company of that symbol is named right before it ("General Electric (GE)").
    """
    before = _TAG.sub(" ", text[max(0, start - 160) : start])
    words = _WORD.findall(before)
    if not words or before[len(before.rstrip()) :] not in ("", " "):
        return False
    last = words[-1].rstrip(",")
    bare_last = re.sub(r"(?:'s|’s)\Z", "", last).rstrip(".")
    catalog = company_catalog()
    if symbol in ACRONYMS or len(symbol) == 1:
        return _named_before(before, symbol)
    if not last[:1].isupper() and not last[:1].isdigit():
        return False
    if last.endswith(".") and bare_last.upper() not in _NAME_ENDS:
        return False  # "Calif.", "D.C.": a dateline, or the end of a sentence
    known = catalog.is_symbol(symbol)
    if len(bare_last) > 1 and bare_last.isupper() and bare_last not in _NAME_ENDS:
        return known and _named_before(before, symbol)
    if len(symbol) == 4 and symbol[0] in "KW" and not known:
        return False  # a broadcaster's call sign
    if _spells_initials(words, symbol):
        return _named_before(before, symbol)
    return True


def _spells_initials(words: list[str], symbol: str) -> bool:
    """Whether every letter of ``symbol`` is an initial of the last capitalised words."""
    initials: set[str] = set()
    counted = 0
    for word in reversed(words):
        word = word.strip(".,'’-")
        if word.lower() in _STOP_WORDS or not word:
            continue
        if not word[:1].isupper():
            break
        if word.upper().rstrip(".") in _NAME_ENDS:
            continue
        initials.update(word if word.isupper() else word[:1])
        initials.update(part[:1] for part in word.split("-")[1:])
        counted += 1
        if counted >= len(symbol) + 2:
            break
    return bool(initials) and set(symbol) <= initials


def find_tickers(text: str) -> list[str]:
    """Every ticker code written in ``text`` (raw HTML or plain) in a ticker form,
    unique, in order of first mention; company names are not looked for here.

    A bare symbol (``$NVDA``) is dropped when the same text names its listing
    (``NVDA.O``): one company, one entry, and counts per ticker are not split.
    """
    found: dict[str, None] = {}
    bare = _BareVerdicts()
    for match in _TICKER.finditer(text):
        mention = _mention(match, text, html=True, bare=bare)
        if mention is not None:
            found.setdefault(mention[2], None)
    listed = {ticker_base(code) for code in found if "." in code}
    return [code for code in found if "." in code or code not in listed]


def iter_ticker_mentions(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, code)`` for ticker forms in plain text, for highlighting.

    For ``(AMZN.O)`` and ``<TXN>`` the span is the code inside the brackets; for
    ``$NVDA`` and ``NASDAQ:AAPL`` it is the whole mention. Link paths are not
    mentions in text.
    """
    bare = _BareVerdicts()
    for match in _TICKER.finditer(text):
        if match.lastgroup != "link":
            mention = _mention(match, text, html=False, bare=bare)
            if mention is not None:
                yield mention


def iter_ticker_spans(
    text: str, *, known: Iterable[str] = (), headline: bool = False
) -> Iterator[TickerSpan]:
    """Ticker forms and company names in plain text, in order, not overlapping.

    ``known`` holds the article's codes: a name that needs evidence next to it
    ("Apple") is accepted when the article already has its ticker, and in a
    ``headline`` (a title or summary) so is a bare symbol of one ("NVDA stock").
    """
    listing = {ticker_base(code): code for code in known if "." in code}
    known_bases = {ticker_base(code) for code in known}
    spans = [
        TickerSpan(start, end, listing.get(code, code) if "." not in code else code, "symbol")
        for start, end, code in iter_ticker_mentions(text)
    ]
    hits: list[NameHit] = []
    pending: list[NameHit] = []
    if _CAPITAL.search(text) is not None:  # most text nodes: no name can start there
        hits, pending = company_catalog().scan_names(text)
    spans.extend(TickerSpan(hit.start, hit.end, hit.code, "name") for hit in hits)
    spans.extend(
        TickerSpan(hit.start, hit.end, hit.code, "name")
        for hit in pending
        if ticker_base(hit.code) in known_bases
    )
    if headline:
        spans.extend(
            TickerSpan(match.start(), match.end(), listing.get(match[0], match[0]), "symbol")
            for match in _PLAIN_SYMBOL.finditer(text)
            if match[0] in known_bases and match[0] not in ACRONYMS
        )
    spans.sort(key=lambda span: (span.start, -span.end))
    taken_to = -1
    for span in spans:
        if span.start >= taken_to:
            yield span
            taken_to = span.end


def find_ticker_matches(
    html: str, *, title: str = "", summary: str = "", given: Iterable[str] = ()
) -> list[TickerMatch]:
    """Every ticker of an article with how it was found, unique, in order of first
    mention (title and summary first, then the body, then the ``given`` codes).

    ``html`` is the raw body; ``given`` holds codes the record lists itself. A code
    found several ways keeps the best evidence (link, symbol, given, name). A bare
    symbol merges into its listing (``NVDA`` into ``NVDA.O``) when the article has one.
    """
    catalog = company_catalog()
    head = f"{title}\n{summary}" if summary else title
    found: list[tuple[str, How]] = []
    pending_names: list[str] = []
    named: set[str] = set()  # codes already named: later mentions need no second look
    for text, is_html in ((head, False), (html, True)):
        if not text:
            continue
        located: list[tuple[int, str, How]] = []
        bare = _BareVerdicts()
        for match in _TICKER.finditer(text):
            if match.lastgroup == "link" and not is_html:
                located.append((match.start(), match["link"].upper(), "link"))
                continue
            mention = _mention(match, text, html=is_html, bare=bare)
            if mention is not None:
                how: How = "link" if match.lastgroup == "link" else "symbol"
                located.append((mention[0], mention[2], how))
        hits, pending = catalog.scan_names(text, named=named)
        located.extend((hit.start, hit.code, "name") for hit in hits)
        pending_names.extend(hit.code for hit in pending)
        located.sort(key=lambda item: item[0])
        found.extend((code, how) for _, code, how in located)
    bases = {ticker_base(code) for code, _ in found}
    found.extend((code, "name") for code in pending_names if ticker_base(code) in bases)
    if head:
        found.extend((code, "symbol") for code in _plain_symbols(head, bases))
    for raw in given:
        code = normalise_ticker(raw)
        if code is not None:
            found.append((code, "given"))
    return _merge(found)


def _plain_symbols(text: str, bases: set[str]) -> Iterator[str]:
    """Known symbols written bare in a title or summary ("NVDA beats estimates"),
    taken when the article has that company already or says "stock" or "shares"."""
    catalog = company_catalog()
    candidates = [
        match
        for match in _PLAIN_SYMBOL.finditer(text)
        if match[0] not in ACRONYMS and catalog.is_symbol(match[0])
    ]
    if not candidates:
        return
    upper = len(_UPPER.findall(text))
    if upper > (upper + len(_LOWER.findall(text))) * 0.6:
        return  # an all-capitals headline: every word would be a candidate
    for match in candidates:
        symbol = match[0]
        if (
            symbol in bases
            or _STOCK_WORD.match(text, match.end())
            or _STOCK_WORD_BEFORE.search(text, 0, match.start())
        ):
            yield symbol


def _merge(found: list[tuple[str, How]]) -> list[TickerMatch]:
    best: dict[str, How] = {}
    for code, how in found:
        if code not in best or _RANK[how] < _RANK[best[code]]:
            best[code] = how
    listing: dict[str, str] = {}
    for code in best:
        if "." in code:
            listing.setdefault(ticker_base(code), code)
    merged: dict[str, How] = {}
    for code, how in best.items():
        target = code if "." in code else listing.get(code, code)
        if target not in merged or _RANK[how] < _RANK[merged[target]]:
            merged[target] = how
    order = {code: index for index, code in enumerate(best)}
    return [
        TickerMatch(code, how)
        for code, how in sorted(merged.items(), key=lambda item: order[item[0]])
    ]


def ticker_from_link(url: str) -> str | None:
    """The code a Reuters instrument link points at (``.../companies/AMZN.O``), if any."""
    match = _LINK_CODE.search(url)
    return match[1].upper() if match else None


def normalise_ticker(raw: str) -> str | None:
    """``"$nvda"``, ``"(NVDA.O)"``, ``"nasdaq:nvda"`` to ``NVDA``/``NVDA.O``; None if implausible.

    Used for what a user types (``ticker:nvda.o``) as well as for detected codes.
    """
    text = raw.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    text = text.removeprefix("$")
    prefixed = _EXCHANGE_PREFIX.fullmatch(text)
    if prefixed is not None:
        text = _exchange_code(prefixed[1], prefixed[2].upper())
    code = text.upper()
    if code in _NOT_CODES or _PLAUSIBLE.fullmatch(code) is None:
        return None
    return code


def ticker_base(code: str) -> str:
    """The symbol without its exchange suffix: ``NVDA.O`` and ``NVDA`` both give ``NVDA``."""
    return code.partition(".")[0]
