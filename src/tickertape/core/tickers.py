"""Find ticker mentions in article text and normalise them to one code each.

Four forms are recognised: Reuters instrument links (``/markets/companies/AMZN.O``),
parenthesised instrument codes (``(AMZN.O)``), cashtags (``$NVDA``) and exchange
prefixes (``NASDAQ:AAPL``, which becomes ``AAPL.O``). Codes are upper-cased, so the
Reuters share-class letter in ``BRKa.N`` becomes ``BRKA.N``. Detection is one
precompiled regular expression: it runs over every body when an index is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

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

# Every branch starts with a literal character, which lets the regex engine skip
# ahead fast (a branch starting with the exchange name made the scan 7x slower).
# An exchange mention is found at its colon; the name before it is checked after.
_TICKER = re.compile(
    rf"""
      /companies/(?P<link>{_CODE})(?=[/?#"'\s<>]|$)
    | \((?P<mention>{_CODE})\)
    | \$(?<![\w$]\$)(?P<cash>{_SYMBOL})\b
    | :[ ]?(?P<symbol>{_SYMBOL})\b
    """,
    re.VERBOSE,
)
_EXCHANGE_BEFORE = re.compile(rf"(?<!\w)(?:{_EXCHANGE})[ ]?\Z", re.IGNORECASE)
_LINK_CODE = re.compile(rf"/companies/({_CODE})(?:[/?#]|$)")
_PLAUSIBLE = re.compile(r"(?:[A-Z][A-Z0-9]{0,9}|[0-9]{1,10}(?=\.))(?:\.[A-Z]{1,3})?")
_EXCHANGE_PREFIX = re.compile(rf"({_EXCHANGE})[ ]?:[ ]?(.*)", re.IGNORECASE | re.DOTALL)


def _exchange_code(exchange: str, symbol: str) -> str:
    exchange = exchange.upper().replace(" ", "")
    return symbol if "." in symbol else symbol + _EXCHANGE_SUFFIX[exchange]


def _mention(match: re.Match[str], text: str) -> tuple[int, str] | None:
    """Where one match of :data:`_TICKER` starts and its code, or None to ignore it."""
    kind = match.lastgroup
    start = match.start()
    if kind == "symbol":
        before = text[max(0, start - _LONGEST_EXCHANGE - 2) : start]
        exchange = _EXCHANGE_BEFORE.search(before)
        if exchange is None:
            return None
        return start - len(before) + exchange.start(), _exchange_code(
            exchange[0].rstrip(), match["symbol"]
        )
    raw = match[kind] if kind is not None else ""
    if kind == "cash" and raw.partition(".")[0] in _NOT_CASHTAGS:
        return None
    if raw in _NOT_CODES:
        return None
    if kind == "mention":
        start += 1
    return start, raw.upper()


def find_tickers(text: str) -> list[str]:
    """Every ticker code in ``text`` (raw HTML or plain), unique, in order of first mention.

    A bare symbol (``$NVDA``) is dropped when the same text names its listing
    (``NVDA.O``): one company, one entry, and counts per ticker are not split.
    """
    found: dict[str, None] = {}
    for match in _TICKER.finditer(text):
        mention = _mention(match, text)
        if mention is not None:
            found.setdefault(mention[1], None)
    listed = {ticker_base(code) for code in found if "." in code}
    return [code for code in found if "." in code or code not in listed]


def iter_ticker_mentions(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, code)`` for mentions in plain text, for highlighting.

    For ``(AMZN.O)`` the span is the code inside the parentheses; for ``$NVDA`` and
    ``NASDAQ:AAPL`` it is the whole mention. Link paths are not mentions in text.
    """
    for match in _TICKER.finditer(text):
        kind = match.lastgroup
        mention = None if kind == "link" else _mention(match, text)
        if mention is not None:
            start, code = mention
            yield start, match.end("mention" if kind == "mention" else 0), code


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
