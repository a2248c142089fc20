"""What a live refresh brings: the articles it added, the alerts they set off, the next
unread article. No Textual here: the reader and ``tickertape watch`` share it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from tickertape.core.query import QueryError, compile_query, parse

if TYPE_CHECKING:
    from tickertape.core.index import Index, RefreshStats
    from tickertape.core.state import SavedView

RECENT_ALERTS: Final = 100
"""The reader keeps this many alerts for ``a``; older ones drop off."""


@dataclass(slots=True, frozen=True)
class AlertHit:
    """A new article that matched a view marked as an alert."""

    view: str
    rowid: int
    article_id: str
    title: str
    when: float


@dataclass(slots=True, frozen=True)
class LiveUpdate:
    """One refresh while following the folder: its figures, the rowids of the articles
    it added or re-read (new or changed files), and the alerts those set off."""

    stats: RefreshStats
    new: frozenset[int]
    alerts: tuple[AlertHit, ...]
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.stats.added or self.stats.changed or self.stats.removed)


def matching(index: Index, query: str, rowids: Iterable[int]) -> list[int]:
    """Those of ``rowids`` that ``query`` matches, in the index's date order (newest
    first); a query that no longer parses matches nothing."""
    wanted = set(rowids)
    if not wanted:
        return []
    try:
        compiled = compile_query(parse(query))
    except QueryError:
        return []
    return [rowid for rowid in index.select(compiled) if rowid in wanted]


def match_alerts(
    index: Index, views: Sequence[SavedView], rowids: Iterable[int], *, now: float | None = None
) -> list[AlertHit]:
    """The alerts ``rowids`` (new articles) set off: one per (alert view, article)."""
    new = set(rowids)
    alerts = [view for view in views if view.alert]
    if not new or not alerts:
        return []
    when = time.time() if now is None else now
    hits: list[AlertHit] = []
    for view in alerts:
        found = matching(index, view.query, new)
        for row in index.rows(found):
            hits.append(AlertHit(view.name, row.rowid, row.id, row.title or row.lead, when))
    return hits


def next_unread(
    rowids: Sequence[int], unread: set[int], start: int, step: int
) -> tuple[int | None, bool]:
    """The position of the next unread article after ``start`` in ``step`` direction
    (1 or -1), wrapping round the list; and whether it wrapped. None when none is left."""
    count = len(rowids)
    for offset in range(1, count + 1):
        position = (start + step * offset) % count
        if rowids[position] in unread:
            wrapped = position <= start if step > 0 else position >= start
            return position, wrapped
    return None, False
