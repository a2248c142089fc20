"""Messages that thread workers post back to the app: results, progress, failures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tickertape.core.article import Article
    from tickertape.core.clean import CleanedArticle
    from tickertape.core.index import IndexCache, RefreshProgress, RefreshStats
    from tickertape.core.state import StateStore


class IndexOpened(Message):
    """The cache (maybe still empty) and the state store are open."""

    def __init__(self, cache: IndexCache, state: StateStore | None, notices: list[str]) -> None:
        self.cache = cache
        self.state = state
        self.notices = notices
        super().__init__()


class ResultReady(Message):
    """Row ids for the query of ``generation``; an older generation is dropped."""

    def __init__(
        self,
        generation: int,
        rowids: Sequence[int],
        terms: Sequence[str],
        total: int,
        *,
        partial: bool = False,
    ) -> None:
        self.partial = partial
        self.generation = generation
        self.rowids = rowids
        self.terms = terms
        self.total = total
        super().__init__()


class BuildProgress(Message):
    """The refresh worker moved on; coalesced so a fast build does not flood the queue."""

    def __init__(self, progress: RefreshProgress) -> None:
        self.progress = progress
        super().__init__()

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, BuildProgress)


class RefreshFinished(Message):
    """The cache matches the files again."""

    def __init__(self, stats: RefreshStats) -> None:
        self.stats = stats
        super().__init__()


class TickerStatsReady(Message):
    """Per-ticker article counts and average sentiment, for the sidebar."""

    def __init__(self, stats: dict[str, tuple[int, float | None]]) -> None:
        self.stats = stats
        super().__init__()


class ArticleLoaded(Message):
    """The body of ``rowid`` was read from its file and cleaned."""

    def __init__(self, rowid: int, article: Article, cleaned: CleanedArticle) -> None:
        self.rowid = rowid
        self.article = article
        self.cleaned = cleaned
        super().__init__()


class WorkFailed(Message):
    """A worker failed; the message says what could not be done."""

    def __init__(self, what: str, error: BaseException) -> None:
        self.what = what
        self.error = error
        super().__init__()


class ProblemsCounted(Message):
    """How many problems the index has, for the header."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__()


class NewArticlesFound(Message):
    """Articles added to the cache since the previous run of the reader."""

    def __init__(self, rowids: set[int]) -> None:
        self.rowids = rowids
        super().__init__()
