"""Finding search terms in displayed text the way the search found them.

Full-text search ignores case and accents (``cafe`` finds ``café``), so highlighting
must too: text is folded character by character to its base letter, which keeps every
offset valid in the original.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base else char


def fold(text: str) -> str:
    """``text`` with each character replaced by its unaccented base; same length."""
    if text.isascii():
        return text
    return "".join(_fold_char(char) for char in text)


def terms_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for the terms, each matching from a word start."""
    words = [re.escape(fold(term)) for term in terms if term.strip()]
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(words) + ")", re.IGNORECASE)


def match_spans(pattern: re.Pattern[str] | None, text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every non-empty match of ``pattern`` in ``text``."""
    if pattern is None:
        return
    for match in pattern.finditer(fold(text)):
        if match.end() > match.start():
            yield match.start(), match.end()
