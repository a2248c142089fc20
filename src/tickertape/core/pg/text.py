"""Full text for PostgreSQL, tokenised exactly as the SQLite engine's FTS5 index does.

PostgreSQL's own parser splits ``covid-19``, ``3.5`` or an e-mail address differently
from FTS5's ``unicode61`` tokenizer, so results would differ between engines. Instead
the text is folded (:func:`~tickertape.core.folding.fold_text`) and split into runs of
letters, digits, marks and private-use characters here, and stored as a ``tsvector``
literal with positions; queries build a ``tsquery`` literal from the same tokens, each
lexeme quoted. Both are passed as parameters and cast, so no user text is ever parsed
as SQL or as ``to_tsquery`` syntax.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Final

# PostgreSQL's limits: positions above 16383 are clamped, at most 256 a lexeme, and a
# lexeme of 2 KB at most.
MAX_POSITION: Final = 16383
MAX_POSITIONS: Final = 256
MAX_LEXEME_BYTES: Final = 2046
# Positions skipped between title, summary and body, so no phrase spans two of them
# (FTS5 matches a phrase within one column).
COLUMN_GAP: Final = 8
NO_LEXEME: Final = "' '"
"""A lexeme no document holds (tokens have no spaces): a phrase with no words."""


@cache
def _token_pattern() -> re.Pattern[str]:
    """Runs of characters FTS5's unicode61 keeps (categories L, N, M and Co): ``\\w``
    (letters, digits, underscore) with the marks and private-use characters added;
    underscores are blanked before matching (:func:`tokens`). One character class
    matches several times faster than an alternation."""
    ranges: list[str] = []
    start = prev = -2
    for code in range(128, sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category[0] != "M" and category != "Co":
            continue
        if code != prev + 1:
            if start >= 0:
                ranges.append(_range(start, prev))
            start = code
        prev = code
    if start >= 0:
        ranges.append(_range(start, prev))
    return re.compile(r"[\w" + "".join(ranges) + "]+")


def _range(first: int, last: int) -> str:
    return re.escape(chr(first)) + ("" if first == last else "-" + re.escape(chr(last)))


def tokens(folded: str) -> list[str]:
    """The words of already folded text, as the search index sees them."""
    return _token_pattern().findall(folded.replace("_", " ") if "_" in folded else folded)


_POSITIONS: Final = tuple(str(position) for position in range(MAX_POSITION + 1))
"""Every position as text: the loader spends most of its time here, and looking a
position's digits up is a third cheaper than formatting them for every word."""


def tsvector_literal(columns: Iterable[str]) -> str:
    """A ``tsvector`` literal of folded columns (title, summary, body), with positions.

    Tokens hold only letters, digits and marks, so no quote or backslash needs escaping.
    Positions past PostgreSQL's last are clamped to it (once for each word).
    """
    positions: defaultdict[str, list[str]] = defaultdict(list)
    base = 1
    for text in columns:
        words = tokens(text)
        end = base + len(words)
        if end <= MAX_POSITION + 1:
            for word, digits in zip(words, _POSITIONS[base:end], strict=True):
                positions[word].append(digits)
        else:
            for position, word in enumerate(words, base):
                positions[word].append(_POSITIONS[min(position, MAX_POSITION)])
        base = end + COLUMN_GAP
    last = _POSITIONS[MAX_POSITION]
    parts = []
    for word, found in positions.items():
        if len(word) > MAX_LEXEME_BYTES // 4 and len(word.encode()) > MAX_LEXEME_BYTES:
            continue
        if len(found) > MAX_POSITIONS:
            found = found[:MAX_POSITIONS]
        if found[-1] == last:
            found = list(dict.fromkeys(found))
        parts.append(f"'{word}':{','.join(found)}")
    return " ".join(parts)


def _quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def phrase(folded: str, *, prefix: bool = False) -> str:
    """The ``tsquery`` of a word or phrase (FTS5 reads a string as a phrase of its
    tokens; ``prefix`` makes the last one a prefix)."""
    words = tokens(folded)
    if not words:
        return NO_LEXEME
    parts = [_quote(word) for word in words]
    if prefix:
        parts[-1] += ":*"
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"
