"""What one version of a story changes against its lead: the title word by word, the
sentences added and removed, and how long after the lead it came (for the cluster view).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from tickertape.core.article import Article

_SENTENCE: Final = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_MAX_SENTENCES: Final = 400


@dataclass(slots=True, frozen=True)
class VersionDiff:
    """``title`` is (op, text) pieces with op "=", "+" or "-"; ``after_ms`` is the time
    since the lead was published (None when either has no date)."""

    title: list[tuple[str, str]]
    added: list[str]
    removed: list[str]
    after_ms: int | None


def sentences(text: str) -> list[str]:
    """The sentences of a plain text, whitespace folded."""
    folded = " ".join(text.split())
    return [s for s in _SENTENCE.split(folded) if s][:_MAX_SENTENCES]


def title_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A word-level diff of two titles as (op, words) pieces."""
    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return out


def _text(article: Article) -> str:
    from tickertape.core.clean import html_to_text

    return html_to_text(article.content) if article.content else article.summary


def compare(lead: Article, version: Article) -> VersionDiff:
    """How ``version`` differs from ``lead`` (nothing differs when it is the lead)."""
    old, new = sentences(_text(lead)), sentences(_text(version))
    old_set, new_set = set(old), set(new)
    after = None
    if lead.published is not None and version.published is not None:
        after = int((version.published - lead.published).total_seconds() * 1000)
    return VersionDiff(
        title=title_diff(lead.title, version.title),
        added=[s for s in new if s not in old_set],
        removed=[s for s in old if s not in new_set],
        after_ms=after,
    )


def after_text(after_ms: int | None) -> str:
    """"+12 min", "+3 h", "+2 d" ("" for the lead or without dates)."""
    if after_ms is None or after_ms == 0:
        return ""
    sign = "+" if after_ms > 0 else "-"
    minutes = abs(after_ms) // 60_000
    if minutes < 60:
        return f"{sign}{minutes} min"
    if minutes < 48 * 60:
        return f"{sign}{minutes // 60} h"
    return f"{sign}{minutes // 1440} d"
