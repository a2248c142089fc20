"""What the reader and the command line need of a storage engine, as one protocol.

:class:`~tickertape.core.index.cache.IndexCache` (SQLite and FTS5) is the engine
today; a second one is added by writing a class that satisfies :class:`Index`. Results
are plain records (:class:`ArticleRow`, :class:`Facets`, ``Article``) and rowids, which
are the engine's own article keys: stable between refreshes, and only meaningful to the
engine that gave them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tickertape.core.article import Article, Problem
    from tickertape.core.index.aggregate import Facets
    from tickertape.core.index.build import RefreshProgress, RefreshStats
    from tickertape.core.index.rows import ArticleRow
    from tickertape.core.query import CompiledQuery


class Index(Protocol):
    """One opened index: refreshed from its files, queried, read back; safe to share
    between threads (a refresh in a worker while the UI thread reads rows)."""

    root: Path
    notices: list[str]

    def close(self) -> None: ...

    def refresh(
        self,
        *,
        progress: Callable[[RefreshProgress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> RefreshStats: ...

    def rebuild(self, reason: str = "") -> None: ...
    def is_built(self) -> bool: ...
    def fts_ready(self) -> bool: ...
    def count(self) -> int: ...

    def select(
        self,
        query: CompiledQuery | None = None,
        *,
        sort: str = "date",
        reverse: bool = False,
        limit: int | None = None,
    ) -> Sequence[int]: ...

    def find(self, id_or_prefix: str) -> list[int]: ...
    def find_file(self, rel: str) -> list[int]: ...
    def rows(self, rowids: Sequence[int]) -> list[ArticleRow]: ...
    def articles(self, rowids: Sequence[int]) -> list[Article]: ...
    def load_article(self, rowid: int) -> Article: ...
    def file_path(self, rel: str) -> str: ...
    def problems(self) -> list[Problem]: ...
    def ticker_stats(self) -> dict[str, tuple[int, float | None]]: ...
    def ticker_means(
        self, query: CompiledQuery | None, codes: Sequence[str]
    ) -> dict[str, float | None]: ...
    def value_columns(self) -> tuple[bool, bool]: ...
    def added_since(self, when: float) -> set[int]: ...
    def facets(self, query: CompiledQuery | None, limit: int = 50) -> Facets: ...
    def values(self, field: str, limit: int | None = 50) -> tuple[tuple[str, int], ...]: ...
    def stats(self, query: CompiledQuery | None) -> dict[str, list[tuple[str, int]]]: ...
