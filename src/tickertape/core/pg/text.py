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
    """Runs of characters FTS5's unicode61 keeps (categories L, N, M and Co)."""
    extra = [
        chr(code)
        for code in range(128, sys.maxunicode + 1)
        if unicodedata.category(chr(code))[0] == "M" or unicodedata.category(chr(code)) == "Co"
    ]
    ranges: list[str] = []
    start = prev = -2
    for ch in extra:
        code = ord(ch)
        if code != prev + 1:
            if start >= 0:
                ranges.append(_range(start, prev))
            start = code
        prev = code
    if start >= 0:
        ranges.append(_range(start, prev))
    return re.compile(r"(?:[^\W_]|[" + "".join(ranges) + "])+")


def _range(first: int, last: int) -> str:
    return re.escape(chr(first)) + ("" if first == last else "-" + re.escape(chr(last)))


def tokens(folded: str) -> list[str]:
    """The words of already folded text, as the search index sees them."""
    return _token_pattern().findall(folded)


def tsvector_literal(columns: Iterable[str]) -> str:
    """A ``tsvector`` literal of folded columns (title, summary, body), with positions."""
    positions: dict[str, list[int]] = {}
    position = 0
    for text in columns:
        for word in tokens(text):
            position += 1
            if len(word.encode()) > MAX_LEXEME_BYTES:
                continue
            found = positions.setdefault(word, [])
            if len(found) < MAX_POSITIONS:
                found.append(min(position, MAX_POSITION))
        position += COLUMN_GAP
    return " ".join(
        f"{_quote(word)}:{','.join(map(str, dict.fromkeys(found)))}"
        for word, found in positions.items()
    )


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
