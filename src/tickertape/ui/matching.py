"""Finding search terms in displayed text the way the search found them.

Full-text search compares folded text (case, accents and compatibility forms ignored:
``strasse`` finds ``Straße``), so highlighting folds the terms and the text with the
same function, :func:`tickertape.core.folding.fold_text`, and maps each match back to
the characters it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from tickertape.core.folding import fold_text, fold_with_offsets


def terms_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for the folded terms, each matching from a word start."""
    words = [re.escape(fold_text(term)) for term in terms if term.strip()]
    words = [word for word in words if word]
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(words) + ")")


def match_spans(pattern: re.Pattern[str] | None, text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` in ``text`` of every non-empty match of ``pattern`` in its
    folded form (a match ends after any accent that folded to nothing)."""
    if pattern is None:
        return
    folded, origins = fold_with_offsets(text)
    for match in pattern.finditer(folded):
        if match.end() > match.start():
            yield origins[match.start()], origins[match.end()]
