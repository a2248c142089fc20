"""What the list, the article view and the sidebar say when there is no article.

A blank pane leaves the user to guess; each says what happened and what to do, and
the core's hints (:func:`tickertape.core.suggest.explain_empty`) say what would match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tickertape.core.suggest import Hint


@dataclass(slots=True, frozen=True)
class EmptyState:
    """The texts of an empty result, for each pane."""

    title: str
    list_lines: tuple[str, ...]
    view_lines: tuple[str, ...]
    keys: tuple[tuple[str, str], ...]


def hint_lines(hints: Sequence[Hint]) -> list[str]:
    """The hints as lines: a sentence, then each suggestion with its count."""
    lines: list[str] = []
    for hint in hints:
        if lines:
            lines.append("")
        lines.append(hint.text)
        width = max((len(clause) for clause, _ in hint.suggestions), default=0)
        for clause, count in hint.suggestions:
            noun = "article" if count == 1 else "articles"
            lines.append(f"  {clause.ljust(width)}  {count:,} {noun}")
    return lines


def no_match(query: str, hints: Sequence[Hint], *, unread_only: bool) -> EmptyState:
    """Nothing matches the query (and, with ``u``, nothing unread does)."""
    keys: list[tuple[str, str]] = [("/", "edit the query"), ("ctrl+u", "clear it")]
    if unread_only:
        keys.insert(0, ("u", "show read articles too"))
    keys += [("1…9", "apply a saved view"), ("?", "every key")]
    first = hints[0].text if hints else "Try fewer or other words."
    what = f"No article matches {query}" if query else "No article matches"
    if unread_only:
        what += " among the unread"
    return EmptyState(
        title=f"{what}.",
        list_lines=(f"{what}.", first, f"{keys[0][0]}: {keys[0][1]}"),
        view_lines=tuple(hint_lines(hints)),
        keys=tuple(keys),
    )


def no_articles(warnings: int) -> EmptyState:
    """The index holds no article at all."""
    keys: list[tuple[str, str]] = []
    lines = ["Articles are files of 'key: value' fields, or JSON Lines; see the README."]
    if warnings:
        keys.append(("w", "warnings: the files skipped and why"))
        lines.insert(0, f"{warnings:,} file{'s' if warnings != 1 else ''} could not be read.")
    keys.append(("q", "quit"))
    return EmptyState(
        title="This index has no articles.",
        list_lines=("This index has no articles.", *lines[:1]),
        view_lines=tuple(lines),
        keys=tuple(keys),
    )
