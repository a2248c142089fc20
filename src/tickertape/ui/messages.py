"""Messages that thread workers post back to the reader screen: results, progress, failures.

Each carries the session's plain data; the handlers on the screen paint it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tickertape.core.index import RefreshProgress, RefreshStats
    from tickertape.core.state_writer import WriteOutcome
    from tickertape.core.suggest import Hint
    from tickertape.live import LiveUpdate
    from tickertape.session import Counts, LoadedArticle, Opened, SearchResult


@dataclass
class SessionOpened(Message):
    """The cache (maybe still empty) and the state store are open."""

    opened: Opened


@dataclass
class ResultReady(Message):
    """Row ids for one search; a result of an older generation than the newest is dropped."""

    result: SearchResult


@dataclass
class HintsReady(Message):
    """Why the search of ``generation`` found nothing, and what would."""

    generation: int
    hints: Sequence[Hint]


@dataclass
class BuildProgress(Message):
    """The refresh worker moved on; coalesced so a fast build does not flood the queue."""

    progress: RefreshProgress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, BuildProgress)


@dataclass
class RefreshFinished(Message):
    """The cache matches the files again."""

    stats: RefreshStats


@dataclass
class CountsReady(Message):
    """Problems, per-ticker figures and new articles, counted after a refresh."""

    counts: Counts


@dataclass
class UnreadCounted(Message):
    """How many articles are unread, for the header."""

    count: int


@dataclass
class ArticleLoaded(Message):
    """The body of an article was read from its file and cleaned."""

    loaded: LoadedArticle


@dataclass
class WorkFailed(Message):
    """A worker failed; the message says what could not be done."""

    what: str
    error: BaseException


@dataclass
class ThemeRestored(Message):
    """The theme the user chose last time (None if never), for the App to apply."""

    theme: str | None


@dataclass
class CacheDamageFound(Message):
    """A worker met damaged pages in the cache: it is to be rebuilt."""

    reason: str


@dataclass
class NoticesPosted(Message):
    """Sentences for the user from background work (another process building, a full
    disk, a rebuilt cache)."""

    notices: list[str]


@dataclass
class StateWritten(Message):
    """A change to the state file was saved, or could not be (``outcome.ok``)."""

    outcome: WriteOutcome


@dataclass
class FollowStarted(Message):
    """The reader follows the folder now; ``method`` says how, in words."""

    method: str


@dataclass
class LiveRefreshed(Message):
    """Files changed (or ``ctrl+r``) and the cache caught up: what that brought."""

    update: LiveUpdate
    forced: bool = False


@dataclass
class FollowStopped(Message):
    """The folder can no longer be followed (it is gone); ``reason`` in words."""

    reason: str
