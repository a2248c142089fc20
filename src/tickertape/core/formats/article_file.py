"""The article file format (PRODUCT 1.1), and the field rules every format shares.

A file is a run of ``key: value`` fields separated by blank lines, ``content`` last
and running to the end of the file. Parsing works on offsets into the text, not on
a list of lines, because it runs over every file of an index and the body (most of
the file) must be sliced once, never split and joined.

:func:`build_article` turns raw field values into an :class:`Article`; the JSON
reader uses it too, so a field means the same thing in every format.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime

from tickertape.core.article import Article, GivenTicker, Problem
from tickertape.core.dates import date_from_epoch, read_date
from tickertape.core.formats import ReadResult
from tickertape.core.sanitize import clean_field, is_printable_text, sanitize, sanitize_inline
from tickertape.core.sentiment import direction_of
from tickertape.core.tickers import find_ticker_matches, normalise_ticker, ticker_base

# Canonical field names, keyed by their lower-case spelling.
KNOWN_FIELDS: dict[str, str] = {
    name.lower(): name
    for name in (
        "link",
        "source",
        "title",
        "summary",
        "publishDate",
        "language",
        "sentiment",
        "confidence",
        "images",
        "content",
        "score",
    )
}
# Other spellings of the signed sentiment score, in article files and records alike.
KNOWN_FIELDS.update(
    dict.fromkeys(
        ("sentimentscore", "sentiment_score", "sentiment-score", "overall_sentiment_score"),
        "score",
    )
)

MAX_CONTENT_CHARS = 2_000_000
MAX_IMAGES = 100
MAX_IMAGES_CHARS = 64 * 1024
MAX_LINK_CHARS = 8192
MAX_EXTRA_FIELDS = 64
MAX_EXTRA_CHARS = 2000
MAX_TICKERS = 200
# Longer one-line values are cut (with a warning) so a hostile file cannot make the
# list, the sidebar or the cache carry megabytes per row.
_FIELD_LIMITS = {
    "title": 2000,
    "summary": 20_000,
    "source": 200,
    "language": 35,
    "sentiment": 40,
}

# A field opens a paragraph: a short identifier, a colon, then a space, tab or line end.
_FIELD_START = re.compile(r"([A-Za-z][A-Za-z0-9_-]{0,40}):(?:[ \t]|(?=\n)|\Z)")
# The end of a paragraph: a line end followed by one or more blank lines (lines of
# spaces and tabs at most). Written as one character class between two line ends, not
# as a repeated group "(?:[ \t]*\n)+": the engine keeps a backtracking record for every
# repetition of a group, which made 8 MB of blank lines cost about 1 GB; a repeated
# character class costs nothing per character and finds the same end.
_PARAGRAPH_END = re.compile(r"\n[ \t\n]*\n")
_LEADING_BLANK_LINES = re.compile(r"[ \t\n]*\n")
_ID_FILE_NAME = re.compile(r"(?:\d+_)?([0-9a-fA-F]{8,64})\.txt", re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
# Anything a terminal could act on, or that hides or reorders text (see sanitize).
# One character class (alternatives are several times slower over a long body).
_UNSAFE_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u00ad\u061c\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a]"
)
_UNSAFE_ASCII = re.compile("[\x00-\x08\x0b-\x1f\x7f]")

# Python list literals of strings, as ``repr(list_of_urls)`` writes them.
_PY_STRING = re.compile(r"""[uUrR]?(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")""", re.DOTALL)
_PY_ESCAPE = re.compile(
    r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{1,3})|(N\{[^}]*\})|(.))",
    re.DOTALL,
)
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\x07",
    "b": "\x08",
    "f": "\x0c",
    "v": "\x0b",
    "\n": "",
}
_BARE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s'\"\[\],]+")

Warn = Callable[[str, str], None]


class _MalformedList(ValueError):
    """An ``images`` value that is not a list of strings."""


def parse_article_text(text: str, rel_path: str) -> ReadResult:
    """Parse one article file's decoded text.

    Yields one article when the file has any known field, else none and a problem:
    a README or a stray config file in an index is not an article.
    """
    text = _unix_lines(text)
    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    extra_keys: dict[str, str] = {}  # lower-case key to the spelling first met
    duplicates: dict[str, int] = {}
    extra_dropped = 0
    orphans = 0  # paragraphs outside any field: how many, and where the first starts
    first_orphan = 0
    for key, value_start, value_end in _fields(text):
        if key is None:
            if not orphans:
                first_orphan = value_start
            orphans += 1
            continue
        lower = key.lower()
        value = text[value_start:value_end]
        if lower == "content":
            values["content"] = value[1:] if value.startswith("\n") else value
            break
        name = KNOWN_FIELDS.get(lower)
        if name is not None:
            if name in values:
                duplicates[name] = duplicates.get(name, 1) + 1
            else:
                values[name] = value
        elif lower in extra_keys:
            first_spelling = extra_keys[lower]
            duplicates[first_spelling] = duplicates.get(first_spelling, 1) + 1
        elif len(extra) >= MAX_EXTRA_FIELDS:
            extra_dropped += 1
        else:
            extra_keys[lower] = key
            extra[key] = value

    if not values:
        found = "only unknown fields" if extra else "no 'key: value' fields"
        reason = f"not an article ({found}, no title or content); skipped"
        return ReadResult([], [Problem(rel_path, "file", reason)])

    problems: list[Problem] = []

    def warn(field_name: str, reason: str) -> None:
        problems.append(Problem(rel_path, field_name, reason))

    for name, count in duplicates.items():
        warn(name, f"appears {count} times; the first is used")
    if extra_dropped:
        warn("file", f"{extra_dropped:,} more unknown fields beyond {MAX_EXTRA_FIELDS}; dropped")
    if orphans:
        line = text.count("\n", 0, first_orphan) + 1
        many = f"{orphans} paragraphs" if orphans > 1 else "a paragraph"
        warn("file", f"{many} outside any field ignored (the first at line {line})")
    article = build_article(
        values,
        article_id=file_id(rel_path),
        rel_path=rel_path,
        extra=extra,
        problems=problems,
    )
    article.warnings = [problem.short() for problem in problems]
    return ReadResult([article], problems)


def article_content(text: str) -> str:
    """The ``content`` that :func:`parse_article_text` gives the file's article ("" when
    none), found by the same field scan but without reading the other fields.

    The cache's full-text pass needs only the body of a file it has already parsed
    once: this skips dates, images, tickers and the cleaning of every other field.
    """
    text = _unix_lines(text)
    for key, value_start, value_end in _fields(text):
        if key is not None and key.lower() == "content":
            content = text[value_start:value_end]
            return _content(content[1:] if content.startswith("\n") else content, _ignore)
    return ""


def _unix_lines(text: str) -> str:
    # read_file has done this already; other callers may not have
    return text.replace("\r\n", "\n") if "\r\n" in text else text


def _fields(text: str) -> Iterator[tuple[str | None, int, int]]:
    """The paragraphs of an article file, in order, as ``(key, start, end)`` of each
    field's value; a paragraph outside any field comes as ``(None, start, end)``.

    A field opens a paragraph and runs to the next blank line, except ``content``,
    which runs to the end of the file and ends the scan. ``text`` has ``\n`` line ends.
    """
    pos = 0
    end = len(text)
    blank = _LEADING_BLANK_LINES.match(text)
    if blank is not None:
        pos = blank.end()
    while pos < end:
        start = _FIELD_START.match(text, pos)
        key = None if start is None else start.group(1)
        value_start = pos if start is None else start.end()
        if key is not None and key.lower() == "content":
            yield key, value_start, end
            return
        paragraph_end = _PARAGRAPH_END.search(text, value_start)
        if paragraph_end is None:
            yield key, value_start, end
            return
        yield key, value_start, paragraph_end.start()
        pos = paragraph_end.end()


def _ignore(field_name: str, reason: str) -> None:
    """A ``Warn`` that drops the warning (the first read kept them)."""


def file_id(rel_path: str) -> str:
    """The id in an ``NNN_<hex>.txt`` name, else the hash of the path."""
    name = rel_path.rpartition("/")[2]
    match = _ID_FILE_NAME.fullmatch(name)
    return match.group(1).lower() if match is not None else path_id(rel_path)


def path_id(rel_path: str) -> str:
    """A stable id from a path (or ``path#line`` for a record): 16 hex digits of SHA-1."""
    key = rel_path.encode("utf-8", "surrogatepass")
    return hashlib.sha1(key, usedforsecurity=False).hexdigest()[:16]


def build_article(
    values: Mapping[str, object],
    *,
    article_id: str,
    rel_path: str,
    extra: Mapping[str, object] | None = None,
    problems: list[Problem],
    where: str = "",
    ordinal: int = 0,
) -> Article:
    """Make an Article from raw field values (canonical keys), degrading bad fields.

    Every problem is appended to ``problems`` (reasons prefixed by ``where``, such as
    ``"line 12: "``) and also becomes one of the article's warnings.
    """
    first_problem = len(problems)

    def warn(field_name: str, reason: str) -> None:
        problems.append(Problem(rel_path, field_name, where + reason))

    get = values.get
    title = _text_field("title", get("title"), warn)
    summary = _text_field("summary", get("summary"), warn)
    content = _content(get("content"), warn)
    if not title:
        warn("title", "no title")
    if not content:
        warn("content", "no content")
    given = _given_tickers(get("ticker_sentiment"), warn) + _given_tickers(get("tickers"), warn)
    matches = find_ticker_matches(
        content,
        title=title,
        summary=summary,
        given=[*_listed_codes(get("tickers")), *(ticker.code for ticker in given)],
    )
    if len(matches) > MAX_TICKERS:
        warn("tickers", f"{len(matches):,} tickers; kept the first {MAX_TICKERS}")
        del matches[MAX_TICKERS:]
    # A bare given code joined the listing the text names ("NVDA" and "Nvidia" give
    # NVDA.O): its sentiment goes with it.
    listing = {ticker_base(match.code): match.code for match in matches if "." in match.code}
    given = tuple(
        replace(ticker, code=listing[ticker.code]) if ticker.code in listing else ticker
        for ticker in given
    )
    # Fields in the order of the file format, so warnings come in that order too.
    link = _link(get("link"), warn)
    source = _source(get("source"), warn)
    published = _published(get("publishDate"), warn)
    language = _text_field("language", get("language"), warn).lower()
    label = _text_field("sentiment", get("sentiment"), warn)
    score = _score(get("score"), warn)
    confidence, signed = _confidence(get("confidence"), warn, has_score=score is not None)
    if score is None:
        score = signed
    article = Article(
        id=article_id,
        path=rel_path,
        link=link,
        source=source,
        title=title,
        summary=summary,
        published=published,
        language=language,
        sentiment=direction_of(label, score),
        sentiment_label=label,
        score=score,
        given_tickers=_unique_given(given),
        confidence=confidence,
        images=_images(get("images"), warn),
        tickers=[match.code for match in matches],
        ticker_matches=matches,
        content=content,
        extra=_extra(extra, warn) if extra else {},
        ordinal=ordinal,
    )
    article.warnings = [problem.short() for problem in problems[first_problem:]]
    return article


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    return type(value).__name__


def _as_text(field_name: str, value: object, warn: Warn) -> str:
    """A JSON value as text: numbers and booleans spelt out, structures refused."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    warn(field_name, f"expected text, found {_describe(value)}; ignored")
    return ""


def _text_field(field_name: str, value: object, warn: Warn) -> str:
    if value is None:
        return ""
    text = clean_field(_as_text(field_name, value, warn))
    limit = _FIELD_LIMITS.get(field_name)
    if limit is not None and len(text) > limit:
        warn(field_name, f"is {len(text):,} characters; cut to {limit:,}")
        text = text[:limit].rstrip()
    return text


def _content(value: object, warn: Warn) -> str:
    """The body stays raw HTML (cleaned when shown), but with nothing a terminal obeys."""
    if value is None:
        return ""
    text = _as_text("content", value, warn)
    if len(text) > MAX_CONTENT_CHARS:
        warn("content", f"is {len(text):,} characters; cut to {MAX_CONTENT_CHARS:,}")
        text = text[:MAX_CONTENT_CHARS]
    # Every unsafe character is one str.isprintable refuses: clean text is passed by
    # one fast scan (the regex costs as much as the rest of the file's parse).
    if not is_printable_text(text):
        unsafe = _UNSAFE_ASCII if text.isascii() else _UNSAFE_CHARS
        if unsafe.search(text) is not None:
            text = sanitize(text)
    return "" if not text or text.isspace() else text


def _source(value: object, warn: Warn) -> str:
    if isinstance(value, dict):  # NewsAPI: {"id": "reuters", "name": "Reuters"}
        value = value.get("name") or value.get("id")
    return _text_field("source", value, warn)


def safe_url(raw: str, field_name: str, warn: Warn) -> str:
    """A URL kept as data: ``&amp;`` decoded, invisible or control characters escaped.

    It is not otherwise "fixed": a ``javascript:`` link stays one, for ``check_link``
    to refuse. Unsafe characters are percent-encoded rather than removed, so the URL
    that is shown is the one that would be opened.
    """
    url = raw.strip()
    if "&amp;" in url:
        url = url.replace("&amp;", "&")
    if not url.isprintable():
        url = url.replace("\n", " ")  # a value continued over lines: check_link refuses it
        if not url.isprintable():
            url = "".join(ch if ch.isprintable() else _percent_encode(ch) for ch in url)
            warn(field_name, "control or invisible characters percent-encoded")
    return url


def _percent_encode(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))


def _link(value: object, warn: Warn) -> str:
    if value is None:
        return ""
    url = safe_url(_as_text("link", value, warn), "link", warn)
    if len(url) > MAX_LINK_CHARS:
        warn("link", f"is {len(url):,} characters (over {MAX_LINK_CHARS:,}); dropped")
        return ""
    return url


def _published(value: object, warn: Warn) -> datetime | None:
    if value is None or value == "":
        warn("publishDate", "no date")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        when = date_from_epoch(float(value))
        if when is None:
            warn("publishDate", f"{value!r} is not a date in range; ignored")
        return when
    text = _as_text("publishDate", value, warn)
    when, reason = read_date(text)
    if reason is not None:
        warn("publishDate", reason)
    elif when is None:
        warn("publishDate", "no date")
    return when


def _confidence(value: object, warn: Warn, *, has_score: bool) -> tuple[float | None, float | None]:
    """The confidence, and a signed score when the value is one.

    Real feeds write their signed score into ``confidence``: a value in [-1, 0) is
    read as the score (with a warning) rather than dropped, unless the article has a
    score of its own.
    """
    read = _number("confidence", value, warn)
    if read is None:
        return None, None
    number, text = read
    if 0.0 <= number <= 1.0:
        return number, None
    if -1.0 <= number < 0.0:
        if has_score:
            warn("confidence", f"{text} is negative; ignored (the article has a score)")
            return None, None
        warn("confidence", f"{text} is negative: read as a signed sentiment score")
        return None, number
    warn("confidence", f"{text} is outside [0, 1]; ignored")
    return None, None


def _score(value: object, warn: Warn) -> float | None:
    """A signed sentiment score in [-1, 1] (``score`` and its aliases)."""
    read = _number("score", value, warn)
    if read is None:
        return None
    number, text = read
    if not -1.0 <= number <= 1.0:
        warn("score", f"{text} is outside [-1, 1]; ignored")
        return None
    return number


def _number(field_name: str, value: object, warn: Warn) -> tuple[float, str] | None:
    """A finite number from text or JSON, and its text for messages; None (with a
    warning when something was written) otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        warn(field_name, f"expected a number, found {_describe(value)}; ignored")
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _NOT_FINITE.fullmatch(text):
            warn(field_name, f"{text.lower()} is not a finite number; ignored")
            return None
        if _NUMBER.fullmatch(text) is None:
            warn(field_name, f"{_quote(text)} is not a number; ignored")
            return None
        number = float(text)
    else:
        text = repr(value)
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float
            number = math.inf
    if not math.isfinite(number):
        warn(field_name, f"{_shorten(text, 40)} is not a finite number; ignored")
        return None
    return number, _shorten(text, 40)


def _images(value: object, warn: Warn) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items: list[object] = list(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text or text == "[]":
            return []
        if len(text) > MAX_IMAGES_CHARS:
            warn("images", f"is {len(text):,} characters (over {MAX_IMAGES_CHARS:,}); ignored")
            return []
        try:
            items = list(_parse_list_literal(text))
        except _MalformedList as error:
            warn("images", f"not a list of strings ({error}); ignored")
            return []
    else:
        warn("images", f"expected a list of URLs, found {_describe(value)}; ignored")
        return []
    urls: dict[str, None] = {}  # ordered, and duplicates cost nothing to find
    skipped = 0
    for item in items:
        if not isinstance(item, str):
            skipped += 1
            continue
        if len(urls) == MAX_IMAGES:
            warn("images", f"more than {MAX_IMAGES} URLs; kept the first {MAX_IMAGES}")
            break
        url = safe_url(item, "images", warn)
        if url:
            urls[url] = None
    if skipped:
        warn("images", f"{skipped} entries that are not text ignored")
    return list(urls)


def _parse_list_literal(text: str) -> list[object]:
    """A JSON list, or a Python list literal of strings, read as data (never evaluated)."""
    if text[0] == "[":
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            pass
        else:
            if not isinstance(parsed, list):
                raise _MalformedList("not a list")
            return parsed
        return _parse_python_strings(text)
    if _BARE_URL.fullmatch(text):
        return [text]  # a single URL written without brackets
    raise _MalformedList("does not start with '['")


def _parse_python_strings(text: str) -> list[object]:
    """``['a', "b",]``: quoted strings with escapes, commas, nothing else."""
    items: list[object] = []
    end = len(text)
    pos = _skip_space(text, 1)
    expect_item = True
    while pos < end:
        if text[pos] == "]":
            if text[pos + 1 :].strip():
                raise _MalformedList("text after the closing ']'")
            return items
        if not expect_item:
            raise _MalformedList(f"missing ',' at character {pos}")
        string = _PY_STRING.match(text, pos)
        if string is None:
            raise _MalformedList(f"unexpected {_quote(text[pos : pos + 10])} at character {pos}")
        raw = string.group(1) if string.group(1) is not None else string.group(2)
        is_raw = text[pos] in "rR"
        items.append(raw if is_raw or "\\" not in raw else _unescape(raw))
        if len(items) > MAX_IMAGES:
            return items  # the caller warns; the rest need not be read
        pos = _skip_space(text, string.end())
        expect_item = pos < end and text[pos] == ","
        if expect_item:
            pos = _skip_space(text, pos + 1)
    raise _MalformedList("no closing ']'")


def _skip_space(text: str, pos: int) -> int:
    end = len(text)
    while pos < end and text[pos] in " \t\n\r":
        pos += 1
    return pos


def _unescape(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        hex2, hex4, hex8, octal, named, simple = match.groups()
        number = hex2 or hex4 or hex8
        if number is not None:
            code = int(number, 16)
            if code > 0x10FFFF:
                raise _MalformedList(f"escape \\U{number} is out of range")
            return chr(code)
        if octal is not None:
            return chr(int(octal, 8))
        if named is not None:
            return "\\" + named  # \N{...} names are not looked up: kept as written
        return _SIMPLE_ESCAPES.get(simple, "\\" + simple)

    return _PY_ESCAPE.sub(replace, raw)


def _extra(extra: Mapping[str, object], warn: Warn) -> dict[str, str]:
    """Unknown fields, kept as sanitised text so the sidebar can show them."""
    kept: dict[str, str] = {}
    for raw_key, value in extra.items():
        key = sanitize_inline(raw_key)[:60]
        if not key or key in kept:
            continue
        if isinstance(value, (dict, list)):
            text = json.dumps(value, ensure_ascii=False, default=str)
        else:
            text = _as_text(key, value, warn)
        if len(text) > MAX_EXTRA_CHARS:
            warn(key, f"is {len(text):,} characters; cut to {MAX_EXTRA_CHARS:,}")
            text = text[:MAX_EXTRA_CHARS]
        kept[key] = clean_field(text)
    return kept


def _listed_codes(value: object) -> list[str]:
    """Codes a record lists itself (``"tickers": ["NVDA.O"]``): found as ``given``."""
    if isinstance(value, str):  # "NVDA.O AAPL.O", as our own CSV and JSON Lines write them
        value = value.replace(",", " ").split()
    if not isinstance(value, list):
        return []
    return [item for item in value[: MAX_TICKERS + 1] if isinstance(item, str)]


_GIVEN_CODE_KEYS = ("ticker", "symbol", "code")
_GIVEN_SCORE_KEYS = ("ticker_sentiment_score", "sentiment_score", "score")
_GIVEN_LABEL_KEYS = ("ticker_sentiment_label", "sentiment_label", "label", "sentiment")
_GIVEN_RELEVANCE_KEYS = ("relevance_score", "relevance")


def _given_tickers(value: object, warn: Warn) -> tuple[GivenTicker, ...]:
    """The objects of a record's ticker list (``ticker_sentiment``, ``tickers``).

    Plain strings in ``tickers`` are codes without a sentiment (``_listed_codes``
    reads them); objects carry the feed's own score, label and relevance for the
    ticker. Entries without a code are skipped with one warning; codes that are not
    listed instruments (``CRYPTO:BTC``) silently.
    """
    if not isinstance(value, list):
        return ()
    given: list[GivenTicker] = []
    skipped = 0
    for item in value[: MAX_TICKERS + 1]:
        if not isinstance(item, dict):
            continue
        raw_code = _first(item, _GIVEN_CODE_KEYS)
        if not isinstance(raw_code, str):
            skipped += 1
            continue
        code = normalise_ticker(raw_code)
        if code is None:  # CRYPTO:BTC, FOREX:USD: not instruments this reader lists
            continue
        score = _quiet_number(_first(item, _GIVEN_SCORE_KEYS))
        raw_label = _first(item, _GIVEN_LABEL_KEYS)
        label = clean_field(raw_label)[:40] if isinstance(raw_label, str) else ""
        relevance = _quiet_number(_first(item, _GIVEN_RELEVANCE_KEYS))
        given.append(
            GivenTicker(
                code=code,
                score=score if score is not None and -1.0 <= score <= 1.0 else None,
                label=label,
                relevance=relevance if relevance is not None and 0.0 <= relevance <= 1.0 else None,
            )
        )
    if skipped:
        many = f"{skipped} entries" if skipped > 1 else "an entry"
        warn("tickers", f"{many} without a ticker code we can read; skipped")
    return tuple(given)


def _unique_given(given: tuple[GivenTicker, ...]) -> tuple[GivenTicker, ...]:
    """One entry a code (the first), at most :data:`MAX_TICKERS`."""
    seen: dict[str, GivenTicker] = {}
    for ticker in given:
        seen.setdefault(ticker.code, ticker)
    return tuple(seen.values())[:MAX_TICKERS]


def _first(item: Mapping[str, object], keys: tuple[str, ...]) -> object:
    for key in keys:
        value = item.get(key)
        if value is not None and value != "":
            return value
    return None


def _quiet_number(value: object) -> float | None:
    """A finite number from a JSON number or numeric text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.fullmatch(text) is None:
            return None
        value = float(text)
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    return None


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(raw: str) -> str:
    return f"'{_shorten(sanitize_inline(raw), 40)}'"
