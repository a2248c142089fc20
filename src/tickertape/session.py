"""What the reader shows, with no Textual in it: one index, the user's state, the query.

A :class:`ReaderSession` owns the index handle and the state store, the current query
(parsed once, when it is set), the sort, the unread-only switch and the saved views,
and it schedules searches so that the newest request wins. Every method returns plain
data. The screen calls the slow ones (:meth:`open`, :meth:`refresh`,
:meth:`serve_searches`, :meth:`load_article`, :meth:`facets`, :meth:`counts`) from
thread workers; flags, settings and history are saved by :attr:`state_writer` on a
thread of its own, in order and retried (a write may wait seconds for another
process's lock), :meth:`flags` shows them as set meanwhile, and :meth:`close` lets
them finish. The rest are quick. Tests drive it without a terminal.

Until :meth:`open` has run there is no index: queries give nothing, flags are off.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

from tickertape.core.query import Node, QueryError, add_term, compile_query, parse
from tickertape.core.state import SavedView, StateStore, index_setting
from tickertape.core.state_writer import Flag, StateWriter, WriteOutcome

if TYPE_CHECKING:
    from tickertape.core.article import Article, Problem
    from tickertape.core.clean import CleanedArticle
    from tickertape.core.index import ArticleRow, Facets, Index, RefreshProgress, RefreshStats
    from tickertape.core.index.refresh_process import RefreshProcess
    from tickertape.core.story_diff import VersionDiff
    from tickertape.core.suggest import Hint
    from tickertape.live import AlertHit, LiveUpdate

T = TypeVar("T")

SORT_CYCLE: Final = ("date", "title", "source", "sentiment", "confidence", "score")
FIRST_SCREEN: Final = 200
"""Rows sent ahead of the whole result on the first search, so the list paints at once."""
FACET_VALUES: Final = 1000
"""Values per facet: the facets dialog narrows them as the user types."""
UNREAD: Final = "is:unread"


@dataclass(slots=True, frozen=True)
class Opened:
    """What opening found: notices for the user, and whether the index was built before."""

    notices: list[str]
    built: bool
    state_error: Exception | None = None


@dataclass(slots=True, frozen=True)
class SearchResult:
    """Rowids in display order for request ``generation``; ``total`` is -1 for the first
    screen sent ahead; ``partial`` while the full-text index is still being built."""

    generation: int
    rowids: Sequence[int]
    terms: tuple[str, ...]
    total: int
    partial: bool = False
    keep: int | None = None
    """The rowid the article selected at the request has now (a first build renumbers)."""
    stories: bool = False
    """Whether versions were left out (one row a story): the list counts stories."""


@dataclass(slots=True, frozen=True)
class Counts:
    """Figures for the header and the sidebar, counted after a refresh."""

    problems: int
    ticker_stats: dict[str, tuple[int, float | None]] = field(default_factory=dict)
    new: set[int] | None = None
    conf_mode: str = "conf"
    """What the list's Conf/Score column shows: ``conf``, ``score`` or ``both``."""


@dataclass(slots=True, frozen=True)
class LoadedArticle:
    """An article read from its file, with its body cleaned for display."""

    rowid: int
    article: Article
    cleaned: CleanedArticle


MAX_VERSIONS: Final = 50
"""The cluster view shows at most this many versions of a story."""
_VERSIONS_KEPT: Final = 5000
"""Story rows whose versions' ids the session remembers (for their read flag) at most."""


@dataclass(slots=True, frozen=True)
class StoryVersion:
    """One version of a story for the cluster view, and how it differs from the lead."""

    rowid: int
    article: Article
    diff: VersionDiff


@dataclass(slots=True, frozen=True)
class _Request:
    generation: int
    tree: Node | None
    sort: str
    reverse: bool
    first_screen: bool
    keep_id: str | None = None


class ReaderSession:
    """The reader's state over one index (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        *,
        cache_dir: Path | None = None,
        state_dir: Path | None = None,
        url: str | None = None,
    ) -> None:
        self.root = root
        self.url = url
        """A PostgreSQL database to read instead of the cache of ``root`` (core/pg)."""
        self.index: Index | None = None
        self.state: StateStore | None = None
        self.sort_key = "date"
        self.reverse = False
        self.unread_only = False
        self.collapsed = True
        """One row a story (its lead) rather than every version."""
        self._versions: dict[str, tuple[str, ...]] = {}
        """The other versions' ids of each story row the collapsed list has shown: its
        row is read only when they all are (a version that came later makes it unread)."""
        self.was_built = True
        """Whether the cache had been built before this run's refresh began."""
        self.building = False
        """Whether a refresh is reading or indexing (its progress is on screen)."""
        self._cache_dir = cache_dir
        self._state_dir = state_dir
        self._text = ""
        self._tree: Node | None = None
        self._effective: Node | None = None
        self._previous_run: float | None = None
        self._generation = 0
        self._lock = threading.Lock()
        self._request: _Request | None = None
        self._serving = False
        self._last_progress: tuple[str, int, int, int] = ("", 0, 0, 0)
        self._last_relist = 0.0
        self._writer: ThreadPoolExecutor | None = None
        self.state_writer: StateWriter | None = None
        self._watched: list[str] | None = None
        """Saves flags, settings and history off the caller's thread, retrying; set by
        :meth:`open` when there is a state store."""
        self.on_state_written: Callable[[WriteOutcome], object] | None = None
        """Hears how each background write ended (from the writer's thread)."""
        self.followed_other = False
        """Whether this refresh waited for another process's (the list must be re-read)."""
        self.rebuilding = False
        """Whether the cache is being rebuilt after damage was found."""
        self._cache_folder = cache_dir
        self.unsaved_at_close: list[str] = []
        """Articles whose flag change could not be saved even at the end (see close)."""
        self.live_new: set[int] = set()
        """Articles that arrived (or changed) while the reader followed the folder."""
        self.alerts: list[AlertHit] = []
        """Recent alerts, newest last (at most ``RECENT_ALERTS``)."""
        self.alert_counts: dict[str, int] = {}
        """New articles per alert view during this run."""
        self._live_lock = threading.Lock()
        self._refresher: RefreshProcess | None = None
        """The child process live refreshes run in (see :meth:`start_live`)."""
        self._closing = False

    # -- opening, refreshing, closing --------------------------------------------

    def open(self) -> Opened:
        """Open the state store and the index's cache (blocking: run it in a worker).

        A state store that cannot be opened leaves the reader working without flags.
        """
        from tickertape.core.index import IndexCache

        state_error: Exception | None = None
        try:
            self.state = StateStore.open(self._state_dir)
        except Exception as error:  # the reader still works without state
            state_error = error
        notices = list(self.state.notices) if self.state else []
        if self.state is not None:
            self.state_writer = StateWriter(self.state, self._state_written)
        state_path = self.state.path if self.state else None
        if self.url is not None:
            from tickertape.core.pg.engine import PostgresIndex

            self.index = PostgresIndex.open(self.url, state_path=state_path)
            if self.state is not None:
                self.state.scope = self.index.flag_scope
            self.was_built = True
            return Opened(notices, True, state_error)
        cache = IndexCache.open(self.root, cache_dir=self._cache_dir, state_path=state_path)
        self.index = cache
        # The folder actually used: a temporary one when the usual one failed, and the
        # refresh must fill that one, not make another.
        self._cache_folder = cache.db_path.parent
        notices += cache.notices
        self.was_built = cache.is_built()
        return Opened(notices, self.was_built, state_error)

    def _state_written(self, outcome: WriteOutcome) -> None:
        if self.on_state_written is not None:
            self.on_state_written(outcome)

    def refresh(
        self,
        progress: Callable[[RefreshProgress], None],
        *,
        notices: Callable[[list[str]], object] | None = None,
        cancel: threading.Event | None = None,
        only: Sequence[str] | None = None,
    ) -> RefreshStats:
        """Bring the cache up to date on a handle of its own, so reading goes on meanwhile;
        ``only`` limits it to those rels (files a folder watch saw change).

        When another process is refreshing it, follow that one (progress phase
        ``OTHER_PHASE``) and refresh after it. ``notices`` hears the handle's notices as
        they come (another process is building, the disk is full, a rebuild).
        """
        from tickertape.core.index import IndexCache

        if self.url is not None and self.index is not None:
            return self.index.refresh(progress=progress)  # a loader fills the database
        writer = IndexCache.open(self.root, cache_dir=self._cache_folder)
        shown = 0

        def post_notices() -> None:
            nonlocal shown
            if notices is not None and len(writer.notices) > shown:
                notices(writer.notices[shown:])
                shown = len(writer.notices)

        def report(step: RefreshProgress) -> None:
            post_notices()
            progress(step)

        try:
            return writer.refresh(progress=report, cancel=cancel, wait=True, only=only)
        finally:
            post_notices()
            writer.close()

    def refresh_live(
        self,
        progress: Callable[[RefreshProgress], None],
        *,
        notices: Callable[[list[str]], object] | None = None,
        cancel: threading.Event | None = None,
        paths: set[str] | None = None,
    ) -> LiveUpdate:
        """Refresh after the folder changed (just the changed ``paths``), or the whole
        folder (``ctrl+r``), one at a time: what it added, and the alerts that sets off
        (blocking: run it in a worker)."""
        from tickertape.core.folder_watch import relative
        from tickertape.live import RECENT_ALERTS, LiveUpdate, match_alerts

        with self._live_lock:
            started = time.time()
            only = relative(self.root, paths) if paths is not None else None
            stats = self._refresh_apart(only, notices)
            if stats is None:
                if self._closing:
                    raise RuntimeError("the reader is closing")
                stats = self.refresh(progress, notices=notices, cancel=cancel, only=only)
            new: set[int] = set()
            hits: list[AlertHit] = []
            if self.index is not None and (stats.added or stats.changed):
                new = self.index.added_since(started - 0.001)
                hits = match_alerts(self.index, self.views(), new)
            with self._lock:
                self.live_new |= new
                if stats.removed or stats.changed:  # a changed file's rows are new rows
                    self.live_new -= self._gone(self.live_new)
                for hit in hits:
                    self.alert_counts[hit.view] = self.alert_counts.get(hit.view, 0) + 1
                self.alerts = (self.alerts + hits)[-RECENT_ALERTS:]
            return LiveUpdate(stats, frozenset(new), tuple(hits), time.time() - started)

    def start_live(self) -> None:
        """Start the child process live refreshes run in (blocking: run it in a worker),
        so parsing a burst of files never holds up the interface; without one (no
        processes here, or a PostgreSQL index) they run in this process."""
        from tickertape.core.index.refresh_process import RefreshProcess

        folder = self._cache_folder
        if self.url is not None or self.index is None or folder is None or self._closing:
            return
        if self._refresher is None:
            self._refresher = RefreshProcess(self.root, folder)
        self._refresher.start()

    def _refresh_apart(
        self, only: Sequence[str] | None, notices: Callable[[list[str]], object] | None
    ) -> RefreshStats | None:
        """A refresh in the child process: its figures, or None when it cannot run there."""
        from tickertape.core.index.refresh_process import RefreshFailed

        refresher = self._refresher
        if refresher is None:
            return None
        try:
            done = refresher.run(only)
        except RefreshFailed:
            return None  # said again by the refresh in this process
        if done is None:
            return None
        stats, said = done
        if said and notices is not None:
            notices(said)
        return stats

    def _gone(self, rowids: set[int]) -> set[int]:
        """Those of ``rowids`` no longer in the cache (their files were removed)."""
        if self.index is None or not rowids:
            return set()
        there = {row.rowid for row in self.index.rows(sorted(rowids))}
        return rowids - there

    def rebuild(self, reason: str) -> None:
        """Start the cache afresh after damage was found (blocking); refresh next."""
        if self.index is not None:
            self.rebuilding = True
            self.was_built = False
            self.index.rebuild(reason)

    def relist_on(self, step: RefreshProgress, now: float) -> bool:
        """Whether a refresh step should re-run the search (at most every half second).

        A first build fills the list as batches arrive; a refresh of a built cache
        re-lists only when files were added, changed or removed.
        """
        from tickertape.core.index.build import OTHER_PHASE

        if step.phase == OTHER_PHASE:
            # Another process commits: follow its article count (a commit may also
            # renumber rows, so the list is selected again, never patched).
            self.followed_other = True
            self.building = True
            progress = (step.phase, step.done, 0, 0)
            if (progress != self._last_progress or not self.was_built) and (
                now - self._last_relist > 0.5
            ):
                self._last_progress = progress
                self._last_relist = now
                return True
            return False
        progress = (step.phase, step.added, step.changed, step.removed)
        changed = progress != self._last_progress
        if (not self.was_built or changed) and now - self._last_relist > 0.5:
            self._last_progress = progress
            self._last_relist = now
            return True
        return False

    def refreshed(self, stats: RefreshStats) -> bool:
        """Record the end of a refresh; whether the list must be selected again."""
        relist = (
            not self.was_built
            or bool(stats.added or stats.changed or stats.removed)
            or self.followed_other
            or self.rebuilding
        )
        self.building = False
        self.was_built = True
        self.followed_other = False
        self.rebuilding = False
        return relist

    def close(self) -> None:
        """Finish the flag writes asked for, then close the index and the state."""
        self._closing = True
        if self._refresher is not None:
            self._refresher.close()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        if self.state_writer is not None:
            self.state_writer.close()
            self.unsaved_at_close = sorted(self.state_writer.unsaved())
            self.state_writer = None
        if self.index is not None:
            self.index.close()
        if self.state is not None:
            self.state.close()

    @functools.cached_property
    def index_key(self) -> str:
        """The key the state store files this index's history and settings under."""
        from tickertape.core.paths import index_key

        if self.url is not None:
            from tickertape.core.pg.url import database_key

            return database_key(self.url)
        return index_key(self.root)

    def restore(self) -> tuple[str | None, list[str]]:
        """Sort (per index) from the last run; returns the saved theme and query history."""
        if self.state is None:
            return None, []
        self._previous_run = self.state.last_opened(self.index_key)
        self.collapsed = self.state.get_setting(index_setting(self.index_key, "stories")) != "all"
        sort = self.state.get_setting(index_setting(self.index_key, "sort"))
        if sort:
            key, _, direction = sort.partition(":")
            if key in SORT_CYCLE:
                self.sort_key = key
                self.reverse = direction == "reversed"
        return self.state.get_setting("theme"), self.state.history(self.index_key)

    def remember_theme(self, name: str) -> None:
        self._save_setting("theme", name)

    def remember_setting(self, key: str, value: str) -> None:
        """A setting of the reader's own (the alert bell), saved in the background."""
        self._save_setting(key, value)

    def _save_setting(self, key: str, value: str) -> None:
        """Saved in the background: the screen never waits for the state file."""
        if self.state_writer is not None:
            self.state_writer.write("setting", lambda state: state.set_setting(key, value))

    # -- the query, the sort, unread-only ------------------------------------------

    @property
    def query_text(self) -> str:
        """The query as the user typed it (trimmed)."""
        return self._text

    def set_query(self, text: str) -> None:
        """Make ``text`` the query; raises :class:`QueryError` (and keeps the old one)."""
        tree = parse(text)
        self._text, self._tree = text.strip(), tree
        self._effective = self._narrowed()

    def narrowed_by(self, term: str) -> str:
        """The query text with ``term`` (``ticker:NVDA``) added, unless it is there."""
        return add_term(self._text, term)

    def effective_query(self) -> str:
        """The typed query, narrowed to unread articles when unread-only is on."""
        if not self.unread_only:
            return self._text
        return add_term(self._text, UNREAD) if self._text else UNREAD

    def _narrowed(self) -> Node | None:
        return parse(self.effective_query()) if self.unread_only else self._tree

    def toggle_unread_only(self) -> bool:
        self.unread_only = not self.unread_only
        self._effective = self._narrowed()
        return self.unread_only

    def toggle_collapsed(self) -> bool:
        """Switch between one row a story and every version; remembered for the index."""
        self.collapsed = not self.collapsed
        if self.state is not None:
            self.state.set_setting(
                index_setting(self.index_key, "stories"), "collapsed" if self.collapsed else "all"
            )
        return self.collapsed

    def has_words(self) -> bool:
        """Whether the query has words to rank by (relevance needs them)."""
        return compile_query(self._tree).has_text

    def next_sort(self, conf_mode: str = "conf") -> str:
        """The sort after the current one; score joins the cycle when the index has
        scores, confidence when it has confidences (``conf_mode`` as in :class:`Counts`)."""
        skip = {"conf": {"score"}, "score": {"confidence"}}.get(conf_mode, set())
        cycle = [key for key in SORT_CYCLE if key not in skip]
        position = cycle.index(self.sort_key) if self.sort_key in cycle else -1
        return cycle[(position + 1) % len(cycle)]

    def set_sort(self, key: str) -> None:
        """Sort by ``key``; remembered for the index, except relevance (query-bound)."""
        self.sort_key = key
        if key != "relevance":
            self._remember_sort()

    def toggle_reverse(self) -> None:
        self.reverse = not self.reverse
        self._remember_sort()

    def _remember_sort(self) -> None:
        direction = "reversed" if self.reverse else "natural"
        self._save_setting(index_setting(self.index_key, "sort"), f"{self.sort_key}:{direction}")

    def add_history(self, text: str) -> None:
        query, key = text.strip(), self.index_key
        if query and self.state_writer is not None:
            self.state_writer.write("query history", lambda state: state.add_history(key, query))

    # -- searching: the newest request wins ----------------------------------------

    def request_search(
        self, *, first_screen: bool = False, keep_id: str | None = None
    ) -> tuple[int, bool]:
        """Ask for a search of the current query and sort; returns its generation and
        whether the caller must start :meth:`serve_searches` (none is running).

        Requests made while one runs replace each other; the server takes the newest.
        The result says which rowid article ``keep_id`` (the selected one) has now.
        """
        with self._lock:
            self._generation += 1
            self._request = _Request(
                self._generation, self._effective, self.sort_key, self.reverse, first_screen,
                keep_id,
            )  # fmt: skip
            start = not self._serving
            self._serving = True
            return self._generation, start

    @property
    def generation(self) -> int:
        """The number of the newest search asked for."""
        return self._generation

    def is_current(self, generation: int) -> bool:
        """Whether no newer search was asked for since ``generation``."""
        return generation == self._generation

    def serve_searches(
        self, emit: Callable[[SearchResult], object], failed: Callable[[Exception], object]
    ) -> None:
        """Run requested searches until none is waiting (blocking: run it in a worker).

        Each result goes to ``emit``; an error goes to ``failed`` and serving goes on.
        """
        while True:
            with self._lock:
                request, self._request = self._request, None
                if request is None:
                    self._serving = False
                    return
            try:
                for result in self._run(request):
                    emit(result)
            except Exception as error:  # report it and keep serving newer requests
                failed(error)

    def search(self) -> SearchResult:
        """The current query's whole result, now (blocking)."""
        generation, _ = self.request_search()
        with self._lock:
            request, self._request = self._request, None
            self._serving = False
        results = list(self._run(request)) if request is not None else []
        return results[-1] if results else SearchResult(generation, (), (), 0)

    def _run(self, request: _Request) -> Iterator[SearchResult]:
        """The results of one request, each yielded as soon as it is known: the first
        screen (when asked for, or for a text search in date order, whose first page
        FTS5 gives without reading every match), then the whole result with its count,
        unless a newer request came meanwhile."""
        index = self.index
        if index is None:
            return
        compiled = compile_query(request.tree)
        sort, reverse = request.sort, request.reverse
        if request.first_screen or (compiled.text_only and sort == "date"):
            head = index.select(compiled, sort=sort, reverse=reverse, limit=FIRST_SCREEN)
            head_stories = False
            if self.collapsed:
                before = len(head)
                head = index.collapse(head)
                head_stories = len(head) < before
            found = index.find(request.keep_id) if request.keep_id else []
            kept = found[0] if len(found) == 1 and found[0] in head else None
            yield SearchResult(
                request.generation, head, compiled.terms, -1, keep=kept, stories=head_stories
            )
            if not self.is_current(request.generation):
                return  # typed on: the newest request is served next
        rowids = index.select(compiled, sort=sort, reverse=reverse)
        stories = False
        if self.collapsed:
            before = len(rowids)
            rowids = index.collapse(rowids)
            stories = len(rowids) < before
        partial = compiled.has_text and not index.fts_ready()
        total = index.count()
        # By id: a first build renumbers every article when it ends.
        found = index.find(request.keep_id) if request.keep_id else []
        keep = found[0] if len(found) == 1 else None
        yield SearchResult(
            request.generation, rowids, compiled.terms, total, partial, keep, stories
        )

    # -- rows, articles, flags -----------------------------------------------------

    def rows(self, rowids: Sequence[int]) -> list[ArticleRow]:
        """The list rows of ``rowids`` (none before the index is open), with the size of
        each one's story."""
        if self.index is None:
            return []
        index = self.index
        rows = index.rows(rowids)
        stories = index.clusters([row.rowid for row in rows])
        out = [
            dataclasses.replace(row, versions=info[2], sources=info[3])
            if (info := stories.get(row.rowid)) is not None
            else row
            for row in rows
        ]
        if self.collapsed:
            if len(self._versions) > _VERSIONS_KEPT:
                self._versions.clear()
            for row in out:
                if row.versions > 1:
                    others = [r for r in index.cluster(row.rowid) if r != row.rowid]
                    self._versions[row.id] = tuple(other.id for other in index.rows(others))
        return out

    def story(self, rowid: int) -> list[StoryVersion]:
        """Every version of the article's story, the lead first, with what each changes
        (blocking: reads the files)."""
        if self.index is None:
            return []
        from tickertape.core.story_diff import compare

        rowids = self.index.cluster(rowid)[:MAX_VERSIONS]
        loaded = [self.index.load_article(r) for r in rowids]
        return [
            StoryVersion(r, article, compare(loaded[0], article))
            for r, article in zip(rowids, loaded, strict=True)
        ]

    def flags(self, ids: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        """``(read, starred)`` by article id as the user set them, saved or not yet
        (none without a state store). In the collapsed list a story's row is read only
        when every version is: one that arrived after the lead was read is unread."""
        versions = self._versions if self.collapsed else {}
        wanted = [*ids, *(other for i in ids for other in versions.get(i, ()))]
        if self.state_writer is not None:
            flags = self.state_writer.flags_for(wanted)
        elif self.state is not None:
            flags = self.state.flags_for(wanted)
        else:
            return {}
        for article_id in ids:
            others = versions.get(article_id)
            if others and article_id in flags:
                read, starred = flags[article_id]
                unread = any(not flags.get(other, (False, False))[0] for other in others)
                flags[article_id] = (read and not unread, starred)
        return {article_id: flags[article_id] for article_id in ids if article_id in flags}

    def flip_flag(self, article_id: str, flag: Flag) -> bool | None:
        """Flip a flag as the user sees it, at once; it is saved in the background
        (see :class:`StateWriter`). The new value, or None without a state store."""
        writer = self.state_writer
        if writer is None:
            return None
        read, starred = writer.flags_for([article_id])[article_id]
        value = not (read if flag == "read" else starred)
        writer.set_flag(article_id, flag, value)
        return value

    def mark_read_later(self, article_id: str, rowid: int | None = None) -> bool:
        """Mark an article read in the background; whether that changes anything.
        Reading a story's lead (``rowid``) marks every version known now read, so a
        version that arrives later shows as unread."""
        writer = self.state_writer
        if writer is None:
            return False
        ids = [article_id]
        if rowid is not None and self.index is not None:
            versions = self.index.cluster(rowid)
            if len(versions) > 1 and versions[0] == rowid:
                ids += [row.id for row in self.index.rows(versions[1:])]
        flags = writer.flags_for(ids)
        unread = [i for i in ids if not flags.get(i, (False, False))[0]]
        for article in unread:
            writer.set_flag(article, "read", True)
        return article_id in unread

    def unsaved(self) -> int:
        """How many articles have a flag that could not be saved yet."""
        return len(self.state_writer.unsaved()) if self.state_writer is not None else 0

    def count(self) -> int:
        return self.index.count() if self.index is not None else 0

    def load_article(self, rowid: int) -> LoadedArticle | None:
        """The article at ``rowid`` read from its file, its body cleaned (blocking)."""
        if self.index is None:
            return None
        from tickertape.core.clean import clean_html

        article = self.index.load_article(rowid)
        cleaned = clean_html(
            article.content, known=article.tickers, title=article.title, summary=article.summary
        )
        return LoadedArticle(rowid, article, cleaned)

    def write_later(
        self, write: Callable[[], T], done: Callable[[T], object],
        failed: Callable[[Exception], object],
    ) -> Future[None]:  # fmt: skip
        """Run ``write`` (a flag change) on the session's writer thread, after the ones
        asked for before; ``done`` gets its result there, ``failed`` its error."""
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flags")

        def run() -> None:
            try:
                result = write()
            except Exception as error:
                failed(error)
            else:
                done(result)

        return self._writer.submit(run)

    def toggle_star(self, article_id: str) -> bool | None:
        """Flip the starred flag; the new value, or None without a state store."""
        return self.state.toggle_starred(article_id) if self.state is not None else None

    def toggle_read(self, article_id: str) -> bool | None:
        """Flip the read flag; the new value, or None without a state store."""
        return self.state.toggle_read(article_id) if self.state is not None else None

    def mark_read(self, article_id: str, rowid: int | None = None) -> bool:
        """Mark an article read; whether that changed anything. Reading a story's lead
        (``rowid``) marks every version known now read, so a later one shows as unread."""
        if self.state is None:
            return False
        ids = [article_id]
        if rowid is not None and self.index is not None:
            versions = self.index.cluster(rowid)
            if len(versions) > 1 and versions[0] == rowid:
                ids += [row.id for row in self.index.rows(versions[1:])]
        unread = [i for i in ids if not self.state.is_read(i)]
        if not unread:
            return False
        self.state.set_read(unread, True)
        return True

    # -- views ------------------------------------------------------------------------

    def views(self) -> list[SavedView]:
        return self.state.views() if self.state is not None else []

    def save_view(self, name: str, *, alert: bool | None = None) -> SavedView | None:
        """Save the current query under ``name`` (None without a state store); ``alert``
        marks it as an alert (None keeps the mark an existing view has)."""
        if self.state is None:
            return None
        return self.state.save_view(name, self._text, alert=alert)

    def set_view_alert(self, name: str, alert: bool) -> bool:
        """Mark a saved view as an alert or not; whether there is such a view."""
        return self.state.set_view_alert(name, alert) if self.state is not None else False

    def next_unread(self, rowids: Sequence[int], start: int, step: int) -> tuple[int | None, bool]:
        """The position in ``rowids`` of the next unread article after ``start`` (``step``
        1 or -1), wrapping; and whether it wrapped (blocking: one query)."""
        from tickertape.live import next_unread

        if self.index is None or not rowids:
            return None, False
        unread = set(self.index.select(compile_query(parse(UNREAD))))
        while True:
            position, wrapped = next_unread(rowids, unread, start, step)
            if position is None:
                return None, False
            # A flag set in this run but not saved yet counts as the user sees it.
            rows = self.index.rows([rowids[position]])
            if rows and self.flags([rows[0].id]).get(rows[0].id, (False, False))[0]:
                unread.discard(rowids[position])
                continue
            return position, wrapped

    def view_on(self, slot: int) -> SavedView | None:
        return next((view for view in self.views() if view.slot == slot), None)

    # -- the watchlist ----------------------------------------------------------------

    @property
    def previous_run(self) -> float | None:
        """When this index was opened before this run (unix seconds), if ever."""
        return self._previous_run

    def watchlist(self) -> list[str]:
        """The watched tickers: read once, then kept here as changes are queued."""
        if self._watched is None:
            self._watched = self.state.watchlist() if self.state is not None else []
        return list(self._watched)

    def toggle_watch(self, code: str) -> bool | None:
        """Watch ``code`` or stop; whether it is watched now (None without a state store).

        Returns at once: the change is saved by the state writer, like a flag.
        """
        if self.state is None:
            return None
        watched = self.watchlist()
        now_watched = code not in watched
        self._watched = [*watched, code] if now_watched else [c for c in watched if c != code]
        if self.state_writer is not None:
            self.state_writer.write(
                "watchlist change", lambda store: store.set_watch(code, now_watched)
            )
        else:
            self.state.set_watch(code, now_watched)
        return now_watched

    # -- aggregates -------------------------------------------------------------------

    def facets(self) -> Facets | None:
        """Facets of the current result (blocking)."""
        if self.index is None:
            return None
        return self.index.facets(compile_query(self._effective), limit=FACET_VALUES)

    def explain_empty(self) -> list[Hint]:
        """Why the current query finds nothing, and what would (blocking)."""
        if self.index is None:
            return []
        from tickertape.core.suggest import explain_empty

        return explain_empty(self.index, self.effective_query())

    def find_file(self, rel: str) -> int | None:
        """The first article of the file ``rel`` (a warning's path), if it has one."""
        rowids = self.index.find_file(rel) if self.index is not None else []
        return rowids[0] if rowids else None

    def unread(self) -> int:
        """How many articles are unread (blocking)."""
        if self.index is None:
            return 0
        return len(self.index.select(compile_query(parse(UNREAD))))

    def problems(self) -> list[Problem]:
        return self.index.problems() if self.index is not None else []

    def counts(self) -> Counts:
        """Problems, ticker figures and the articles new since the last run
        (blocking); this run is then recorded, so what it showed is not new next time."""
        index = self.index
        if index is None:
            return Counts(0)
        new: set[int] | None = None
        if self._previous_run is not None:
            added = index.added_since(self._previous_run)
            new = added if len(added) < index.count() else None  # a rebuilt cache is not news
        if self.live_new:
            new = (new or set()) | self.live_new
        if self.state_writer is not None:
            key, now = self.index_key, time.time()
            self.state_writer.write("last-opened time", lambda state: state.mark_opened(key, now))
        has_confidence, has_score = index.value_columns()
        conf_mode = "conf" if not has_score else "both" if has_confidence else "score"
        return Counts(len(index.problems()), index.ticker_stats(), new, conf_mode)


__all__ = [
    "FIRST_SCREEN",
    "SORT_CYCLE",
    "Counts",
    "LoadedArticle",
    "Opened",
    "QueryError",
    "ReaderSession",
    "SearchResult",
]
