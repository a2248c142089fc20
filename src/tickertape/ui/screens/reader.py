"""The reader screen: header, list pane, article view, sidebar and footer over one index.

What it shows comes from a :class:`~tickertape.session.ReaderSession`; everything slow
(opening and refreshing the cache, searching, reading an article's body from its file,
counting) runs in thread workers that post messages back. The list paints from the
cache before any file is re-scanned.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, ProgressBar

from tickertape.core import links
from tickertape.core.errors import describe_error
from tickertape.core.index import CacheDamaged
from tickertape.core.index.build import OTHER_PHASE
from tickertape.core.links import plan_copy, plan_open
from tickertape.core.pg.url import DatabaseError
from tickertape.core.query import QueryError
from tickertape.session import ReaderSession
from tickertape.ui import messages
from tickertape.ui.clipboard import copy_with_fallback
from tickertape.ui.widgets.article_list import ArticleList, ListHeader, ListPane
from tickertape.ui.widgets.article_view import ArticleView
from tickertape.ui.widgets.footer import KeyFooter
from tickertape.ui.widgets.header import IndexHeader
from tickertape.ui.widgets.query_bar import QueryBar
from tickertape.ui.widgets.sidebar import Sidebar

if TYPE_CHECKING:  # the dialogs and the HTML cleaner load when first used
    from textual.worker import Worker

    from tickertape.core.article import Article
    from tickertape.core.clean import CleanedArticle
    from tickertape.core.index import ArticleRow, RefreshProgress
    from tickertape.core.state_writer import WriteOutcome
    from tickertape.core.suggest import Hint
    from tickertape.live import AlertHit, LiveUpdate
    from tickertape.ui.screens.facets import FacetsScreen
    from tickertape.ui.screens.links import LinkChoice, LinkEntry
    from tickertape.ui.screens.save_view import ViewChoice

M = TypeVar("M", bound=Message)

# What each group of background work does, for "Could not …" when it fails.
_WORK_IN_WORDS = {
    "open": "open the index",
    "refresh": "refresh the index",
    "ticker-stats": "count the articles and tickers",
    "search": "search",
    "article": "load the article",
    "unread": "count the unread articles",
    "facets": "list the facets",
    "warnings": "show the warnings",
    "follow": "follow the folder",
    "live": "refresh the index",
    "live-start": "start the process that refreshes the index",
    "triage": "find the next unread article",
}


def _unless_exiting(
    handler: Callable[[ReaderScreen, M], None],
) -> Callable[[ReaderScreen, M], None]:
    """Drop a worker's message that arrives after the app began to exit.

    Workers finish on their own time; once the screen is being torn down there is
    nothing left to update.
    """

    @functools.wraps(handler)
    def guarded(screen: ReaderScreen, message: M) -> None:
        if not screen.app._exit:
            handler(screen, message)

    return guarded


class ReaderScreen(Screen[None]):
    """The list of articles, the one being read and what is known of it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", id="app.quit"),
        # A priority binding runs before the key is handed to the focused widget, so the
        # keys typed right after "/" (already queued) reach the query bar, not the list.
        Binding("slash", "search", "Search", priority=True, id="app.search"),
        Binding("s", "cycle_sort", "Sort", id="app.sort"),
        Binding("r", "reverse", "Reverse", show=False, id="app.reverse"),
        Binding("R", "sort_relevance", "Sort by relevance", show=False, id="app.relevance"),
        Binding("t", "facets", "Facets", id="app.facets"),
        Binding("T", "ticker_desk", "Ticker desk", id="app.ticker_desk"),
        Binding("W", "watchlist", "Watchlist", id="app.watchlist"),
        Binding("plus", "watch", "Watch ticker", show=False, id="app.watch"),
        Binding("m", "toggle_read", "Read/unread", show=False, id="app.read"),
        Binding("asterisk", "toggle_star", "Star", id="app.star"),
        Binding("u", "unread_only", "Unread only", show=False, id="app.unread"),
        Binding("c", "toggle_stories", "Stories/all", show=False, id="app.stories"),
        Binding("v", "story", "Versions", show=False, id="app.story"),
        Binding("ctrl+s", "save_view", "Save view", show=False, id="app.save_view"),
        *(
            Binding(str(n), f"apply_view({n})", f"View {n}", show=False, id=f"app.view{n}")
            for n in range(1, 10)
        ),
        Binding("O", "open_link", "Open", id="app.open"),
        Binding("o", "mark_read", "Mark read", show=False, id="app.mark_read"),
        Binding("n", "next_unread(1)", "Next unread", show=False, id="app.next_unread"),
        Binding("N", "next_unread(-1)", "Previous unread", show=False, id="app.prev_unread"),
        Binding("space", "read_on", "Page, then next unread", show=False, id="app.read_on"),
        Binding("a", "alerts", "Alerts", show=False, id="app.alerts"),
        Binding("ctrl+r", "refresh_now", "Refresh now", show=False, id="app.refresh"),
        Binding("y", "copy_link", "Copy link", show=False, id="app.copy"),
        Binding("l", "links", "Links", id="app.links"),
        Binding("b", "toggle_sidebar", "Sidebar", show=False, id="app.sidebar"),
        Binding("w", "warnings", "Warnings", show=False, id="app.warnings"),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(
        self, session: ReaderSession, *, index_name: str, clock: Callable[[], datetime]
    ) -> None:
        super().__init__()
        self.session = session
        self.index_name = index_name
        self.clock = clock
        self.terms: tuple[str, ...] = ()
        self.ticker_stats: dict[str, tuple[int, float | None]] = {}
        self.conf_mode = "conf"
        self.current_article: Article | None = None
        self.current_cleaned: CleanedArticle | None = None
        self._loaded_rowid: int | None = None
        self._refresh_after_paint = False
        self._lost_notice = -1e9
        self._refresh_cancel = threading.Event()
        session.on_state_written = self._state_written
        self._open_after_search: int | None = None
        self._empty_hints: Sequence[Hint] = ()
        self._follow_stop = threading.Event()
        self._following = False
        self.follow_method = ""
        """How the folder is followed, in words (the header's tooltip says it too)."""
        self.bell = True
        """Whether an alert rings the terminal bell (setting ``alert_bell``)."""
        self._unread_after_result = False
        self._since_new: set[int] = set()
        """Articles new since the last run, from the counts (see ``on_counts_ready``)."""

    # -- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield IndexHeader(id="header")
        yield ProgressBar(id="build-progress", show_eta=False)
        yield QueryBar(id="query-bar")
        with ListPane(id="list-pane"):
            yield ListHeader(id="list-header")
            yield ArticleList(
                self._fetch_rows, self.session.flags, clock=self.clock, id="article-list"
            )
        with Horizontal(id="detail"):
            yield ArticleView(id="article-view")
            yield Sidebar(id="sidebar")
        yield KeyFooter()

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def header(self) -> IndexHeader:
        return self.query_one(IndexHeader)

    @property
    def query_bar(self) -> QueryBar:
        return self.query_one(QueryBar)

    @property
    def progress_bar(self) -> ProgressBar:
        return self.query_one("#build-progress", ProgressBar)

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < 100, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 100, "-narrow")
        self.header.index_name = self.index_name
        self.header.status = "opening…"
        self.progress_bar.display = False
        self.query_bar.display = False
        self.article_view.show_placeholder("Opening the index…")
        self.article_list.focus()
        self._open_index()

    # -- opening and refreshing ----------------------------------------------

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_index(self) -> None:
        self.post_message(messages.SessionOpened(self.session.open()))

    @_unless_exiting
    def on_session_opened(self, event: messages.SessionOpened) -> None:
        opened = event.opened
        if opened.state_error is not None:
            self.notify_failure("open the state store", opened.state_error)
        for notice in opened.notices:
            self.notify(notice, title="tickertape", severity="warning", markup=False)
        self._restore_settings()
        if opened.built:
            # Paint from the cache first; the refresh (a scan of every file) waits for
            # that paint so it does not compete with it.
            try:
                self.header.total = self.session.count()
            except CacheDamaged as error:
                self._cache_damaged(str(error))
                return
            except DatabaseError as error:
                self._connection_lost(error)
                return
            self._refresh_after_paint = True
            self._search(first_screen=True)
        else:
            self._refresh_index()

    def _restore_settings(self) -> None:
        """Theme (global), sort and query history (per index) from the last run."""
        if self.session.state is None:
            return
        theme, history = self.session.restore()
        self.query_bar.set_history(history)
        self.post_message(messages.ThemeRestored(theme))
        list_header = self.query_one(ListHeader)
        list_header.sort_key = self.session.sort_key
        list_header.reverse = self.session.reverse

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh_index(self) -> None:
        try:
            stats = self.session.refresh(
                self._post_progress,
                notices=lambda notices: self.post_message(messages.NoticesPosted(notices)),
                cancel=self._refresh_cancel,
            )
        except CacheDamaged as error:
            self.post_message(messages.CacheDamageFound(str(error)))
            return
        self.post_message(messages.RefreshFinished(stats))

    def on_unmount(self) -> None:
        self._refresh_cancel.set()  # stop following another process's refresh
        self._follow_stop.set()

    # -- following the folder ------------------------------------------------

    def _start_following(self) -> None:
        """Once the first refresh is done: follow the folder for the rest of the run."""
        if self._following or self.session.index is None:
            return
        self._following = True
        if self.session.state is not None:
            self.bell = self.session.state.get_setting("alert_bell", "on") != "off"
        self._follow()

    @work(thread=True, exclusive=True, group="follow", exit_on_error=False)
    def _follow(self) -> None:
        from tickertape.core.folder_watch import FolderVanished, FolderWatcher

        self._start_refresh_process()
        watcher = FolderWatcher(self.session.root, self._follow_stop)
        self.post_message(messages.FollowStarted(watcher.method.describe()))
        try:
            for batch in watcher.batches():
                if self._follow_stop.is_set():
                    return
                self._live_refresh_now(forced=False, paths=batch)
        except FolderVanished as error:
            self.post_message(messages.FollowStopped(f"{error}: no longer following it"))

    @work(thread=True, exclusive=True, group="live-start", exit_on_error=False)
    def _start_refresh_process(self) -> None:
        """Start the child process live refreshes run in, beside the watch (files that
        land meanwhile are seen, and wait for it)."""
        self.session.start_live()

    def _live_refresh_now(self, *, forced: bool, paths: set[str] | None = None) -> None:
        """From a worker: refresh, then hand what it brought to the screen."""
        try:
            update = self.session.refresh_live(
                self._post_live_progress,
                notices=lambda notices: self.post_message(messages.NoticesPosted(notices)),
                cancel=self._refresh_cancel,
                paths=paths,
            )
        except CacheDamaged as error:
            self.post_message(messages.CacheDamageFound(str(error)))
            return
        self.post_message(messages.LiveRefreshed(update, forced))

    def _post_live_progress(self, step: RefreshProgress) -> None:
        """A live refresh shows its bar only when it has many files to read."""
        if step.phase == OTHER_PHASE or (step.total or 0) >= 1000:
            self.post_message(messages.BuildProgress(step))

    @_unless_exiting
    def on_follow_started(self, event: messages.FollowStarted) -> None:
        self.follow_method = event.method
        self.header.tooltip = f"Live: {event.method}; ctrl+r refreshes now."

    @_unless_exiting
    def on_follow_stopped(self, event: messages.FollowStopped) -> None:
        self.header.tooltip = event.reason
        self.notify(event.reason, title="tickertape", severity="warning", markup=False, timeout=10)

    def action_refresh_now(self) -> None:
        if self.session.index is None:
            return
        self.header.status = "refreshing…"
        self._refresh_live()

    @work(thread=True, exclusive=True, group="live", exit_on_error=False)
    def _refresh_live(self) -> None:
        self._live_refresh_now(forced=True)

    @_unless_exiting
    def on_live_refreshed(self, event: messages.LiveRefreshed) -> None:
        update = event.update
        self.progress_bar.display = False
        self.header.status = ""
        relist = self.session.refreshed(update.stats)
        self.header.warnings = update.stats.problems
        if update.changed or relist:
            self.article_list.invalidate_rows()
            self._search()
            self._show_new()
            self._unread_after_result = True  # the list first: it holds the same lock
        if event.forced:
            # The ticker figures are a few GROUP BYs over every row: counted again on
            # ctrl+r, not on every file that lands (they would hold up the next search).
            self._count()
            if not update.changed:
                self.notify("Up to date", timeout=1.5, markup=False)
        if update.alerts:
            self._ring(update)
        if update.changed or update.alerts:
            self._follow_open_dialogs()

    def _show_new(self) -> None:
        new = self._since_new | self.session.live_new
        self.header.new = len(new)
        self.article_list.set_new(new)

    def _ring(self, update: LiveUpdate) -> None:
        """Ring once an update, and name the view and the article (never as markup)."""
        if self.bell:
            self.app.bell()
        by_view: dict[str, list[str]] = {}
        for hit in update.alerts:
            by_view.setdefault(hit.view, []).append(hit.title or "(untitled)")
        for view, titles in by_view.items():
            if len(titles) == 1:
                text = titles[0]
            else:
                text = f"{len(titles)} new articles, the first: {titles[0]}"
            self.notify(text, title=f"Alert: {view}", markup=False, timeout=8)

    def action_alerts(self) -> None:
        from tickertape.ui.screens.alerts import AlertsScreen

        self.app.push_screen(AlertsScreen(self.session.alerts), self._alert_chosen)

    def _alert_chosen(self, hit: AlertHit | None) -> None:
        if hit is not None:
            self._open_rowid(hit.rowid, hit.title)

    def toggle_bell(self) -> None:
        """Ring for alerts, or stop (from the command palette; remembered)."""
        self.bell = not self.bell
        self.session.remember_setting("alert_bell", "on" if self.bell else "off")
        self.notify("Alerts ring the bell" if self.bell else "Alerts are silent", markup=False)

    def toggle_alert(self, name: str) -> None:
        """Mark a saved view as an alert or not (from the command palette)."""
        view = next((v for v in self.session.views() if v.name == name), None)
        if view is None:
            return
        if self.session.set_view_alert(name, not view.alert):
            said = "is an alert now" if not view.alert else "is no longer an alert"
            self.notify(f"View {name!r} {said}", markup=False)

    @_unless_exiting
    def on_notices_posted(self, event: messages.NoticesPosted) -> None:
        for notice in event.notices:
            self.notify(notice, title="tickertape", severity="warning", markup=False)

    # -- a damaged cache ------------------------------------------------------

    def _fetch_rows(self, rowids: Sequence[int]) -> list[ArticleRow]:
        """Rows for the list; damage met while painting is rebuilt after this frame."""
        try:
            return self.session.rows(rowids)
        except CacheDamaged as error:
            self.call_later(self._cache_damaged, str(error))
            return []
        except DatabaseError as error:
            self._connection_lost(error)
            return []

    def _connection_lost(self, error: DatabaseError) -> None:
        """A shared database stopped answering: say so once, keep what is shown."""
        now = time.monotonic()
        if now - self._lost_notice < 30:
            return
        self._lost_notice = now
        self.notify(
            f"{describe_error(error)}. The list keeps what it has shown; rows not yet "
            "fetched stay blank until the database answers again.",
            title="Connection lost",
            severity="error",
            markup=False,
            timeout=10,
        )

    def _cache_damaged(self, reason: str) -> None:
        """Damaged pages were met: rebuild the cache (once at a time), with a notice."""
        if self.session.rebuilding or self.session.index is None:
            return
        self.session.rebuilding = True
        self.notify(
            f"The index cache is damaged ({reason}); it is being rebuilt from the files. "
            "Your files and your read and starred flags are not affected.",
            title="tickertape",
            severity="warning",
            markup=False,
            timeout=10,
        )
        self._rebuild_cache(reason)

    @_unless_exiting
    def on_cache_damage_found(self, event: messages.CacheDamageFound) -> None:
        self._cache_damaged(event.reason)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _rebuild_cache(self, reason: str) -> None:
        self.session.rebuild(reason)
        self.app.call_from_thread(self._after_rebuild)

    def _after_rebuild(self) -> None:
        self.article_list.invalidate_rows()
        self._search()
        self._refresh_index()

    def _post_progress(self, step: RefreshProgress) -> None:
        self.post_message(messages.BuildProgress(step))

    @_unless_exiting
    def on_build_progress(self, event: messages.BuildProgress) -> None:
        step = event.progress
        if step.phase == "done":
            return
        self.header.status = f"{step.phase}…"
        if step.phase == OTHER_PHASE:
            if self.session.relist_on(step, time.monotonic()):
                self.article_list.invalidate_rows()
                self._search()
            return
        if step.phase == "scanning" and self.session.was_built:
            return  # a warm start's scan is quick: no bar, nothing to re-list yet
        self.session.building = True
        bar = self.progress_bar
        bar.display = True
        bar.update(total=step.total, progress=step.done)
        if self.session.relist_on(step, time.monotonic()):
            self._search()

    @_unless_exiting
    def on_refresh_finished(self, event: messages.RefreshFinished) -> None:
        self.progress_bar.display = False
        self.header.status = ""
        if self.session.refreshed(event.stats):
            self.article_list.invalidate_rows()
            self._search()
        self._count()
        self._count_unread()
        self._start_following()

    @work(thread=True, exclusive=True, group="ticker-stats", exit_on_error=False)
    def _count(self) -> None:
        self.post_message(messages.CountsReady(self.session.counts()))

    @_unless_exiting
    def on_counts_ready(self, event: messages.CountsReady) -> None:
        counts = event.counts
        self.ticker_stats = counts.ticker_stats
        self.conf_mode = counts.conf_mode
        self.article_list.set_conf_mode(counts.conf_mode)
        self.query_one(ListHeader).conf_mode = counts.conf_mode
        if self.current_article is not None:
            self.query_one(Sidebar).show_article(
                self.current_article, self.ticker_stats, now=self.clock()
            )
        self.header.warnings = counts.problems
        if counts.new is not None:
            self._since_new = counts.new - self.session.live_new
            self._show_new()

    # -- searching and sorting ----------------------------------------------

    def _search(self, *, first_screen: bool = False) -> None:
        """Ask for the current query and sort; the newest request wins (see the session)."""
        if self.session.index is None:
            return
        row = self.article_list.current_row()
        keep_id = row.id if row is not None else None
        _, start = self.session.request_search(first_screen=first_screen, keep_id=keep_id)
        if start:
            self._run_searches()

    @work(thread=True, group="search", exit_on_error=False)
    def _run_searches(self) -> None:
        self.session.serve_searches(
            lambda result: self.post_message(messages.ResultReady(result)),
            self._search_failed,
        )

    def _search_failed(self, error: Exception) -> None:
        if isinstance(error, CacheDamaged):
            self.post_message(messages.CacheDamageFound(str(error)))
        else:
            self.post_message(messages.WorkFailed("search", error))

    @_unless_exiting
    def on_result_ready(self, event: messages.ResultReady) -> None:
        result = event.result
        if not self.session.is_current(result.generation):
            return
        if self._unread_after_result and result.total >= 0:
            self._unread_after_result = False
            self._count_unread()
        if self._refresh_after_paint:
            self._refresh_after_paint = False
            self.call_after_refresh(self._refresh_index)
        article_list = self.article_list
        keep = self._open_after_search or result.keep or article_list.current_rowid
        self._open_after_search = None
        self._empty_hints = ()
        article_list.set_rowids(result.rowids, keep=keep)
        article_list.set_highlight(result.terms)
        if result.terms != self.terms:
            self.terms = result.terms
            if self.current_article is not None and self.current_cleaned is not None:
                self.article_view.show_article(
                    self.current_article, self.current_cleaned, self.terms
                )
        self.header.stories = result.stories
        self._show_counts(result.total, len(result.rowids), partial=result.partial)
        if not result.rowids:
            self._show_empty()
            if result.total >= 0 and self.session.effective_query().strip():
                self._explain_empty(result.generation)

    @work(thread=True, exclusive=True, group="hints", exit_on_error=False)
    def _explain_empty(self, generation: int) -> None:
        """Why nothing matched: a few aggregate queries, off the search worker so that
        typing on is never slowed by them."""
        if self.session.is_current(generation):
            self.post_message(messages.HintsReady(generation, self.session.explain_empty()))

    @_unless_exiting
    def on_hints_ready(self, event: messages.HintsReady) -> None:
        if self.session.is_current(event.generation) and not self.article_list.rowids:
            self._empty_hints = event.hints
            self._show_empty()

    def _show_counts(self, total: int, shown: int, *, partial: bool) -> None:
        if total >= 0:
            self.header.total = total
            self.header.status = "" if not self.session.building else self.header.status
        self.header.shown = shown
        bar = self.query_bar
        if partial:
            bar.show_error("Still indexing the text: word matches so far only", warning=True)
        elif bar.showing_warning:
            bar.show_error(None)
        self.header.filtered = bool(self.session.effective_query().strip())
        self.header.query_text = self.session.query_text

    def _show_empty(self) -> None:
        """Each pane says what happened and what to do (see ``ui/empty.py``)."""
        from tickertape.ui import empty

        self.current_article = None
        self._loaded_rowid = None
        session = self.session
        try:
            no_articles = session.count() == 0
        except (CacheDamaged, DatabaseError):
            no_articles = False
        if no_articles and not session.building:
            state = empty.no_articles(self.header.warnings)
        elif session.building and not session.effective_query().strip():
            self.article_list.set_empty_text(())
            self.article_view.show_placeholder("Reading the index…")
            self.query_one(Sidebar).clear()
            return
        else:
            state = empty.no_match(
                session.query_text, self._empty_hints, unread_only=session.unread_only
            )
        self.article_list.set_empty_text(state.list_lines)
        self.article_view.show_placeholder(state.title, state.view_lines)
        self.query_one(Sidebar).show_hints("What to do", state.keys)

    def action_cycle_sort(self) -> None:
        self._set_sort(self.session.next_sort(self.conf_mode))

    def action_reverse(self) -> None:
        self.session.toggle_reverse()
        self.query_one(ListHeader).reverse = self.session.reverse
        self._search()

    def _set_sort(self, key: str) -> None:
        self.session.set_sort(key)
        self.query_one(ListHeader).sort_key = key
        self.notify(f"Sorted by {key}", timeout=1.5, markup=False)
        self._search()

    @on(ListHeader.SortClicked)
    def _sort_clicked(self, event: ListHeader.SortClicked) -> None:
        if event.key == self.session.sort_key:
            self.action_reverse()
        else:
            self._set_sort(event.key)

    def action_sort_relevance(self) -> None:
        if not self.session.has_words():
            self.notify("Relevance needs words in the query", severity="warning", markup=False)
            return
        self._set_sort("relevance")

    # -- the query bar ------------------------------------------------------

    def action_search(self) -> None:
        focused = self.app.focused
        if isinstance(focused, Input):
            focused.insert_text_at_cursor("/")  # a "/" typed into a query or a name
            return
        if self.app.screen is not self:
            return  # a dialog is open: "/" means nothing there
        bar = self.query_bar
        bar.display = True
        bar.input.value = self.session.query_text
        self.set_focus(bar.input)  # now, not after a refresh as focus() does

    @on(QueryBar.Changed)
    def _query_changed(self, event: QueryBar.Changed) -> None:
        self._apply_query(event.text)

    @on(QueryBar.Submitted)
    def _query_submitted(self, event: QueryBar.Submitted) -> None:
        self._apply_query(event.text)
        self.session.add_history(event.text)
        self.article_list.focus()

    @on(QueryBar.Left)
    def _query_left(self) -> None:
        if not self.session.query_text:
            self.query_bar.display = False
        self.article_list.focus()

    def _apply_query(self, text: str) -> None:
        try:
            self.session.set_query(text)
        except QueryError as error:
            self.query_bar.show_error(str(error))
            return
        self.query_bar.show_error(None)
        self._search()

    def set_query(self, text: str) -> None:
        """Replace the query (from a ticker click or a view) and show it in the bar."""
        bar = self.query_bar
        bar.display = True
        with bar.input.prevent(bar.input.Changed):
            bar.input.value = text
        self._apply_query(text)

    def filter_by_ticker(self, ticker: str) -> None:
        self.set_query(self.session.narrowed_by(f"ticker:{ticker}"))
        self.notify(f"Filtered by ticker {ticker}", timeout=2, markup=False)
        self.article_list.focus()

    # -- the selected article -----------------------------------------------

    @on(ArticleList.Highlighted)
    def _highlighted(self, event: ArticleList.Highlighted) -> None:
        if event.rowid is None:
            self._show_empty()
            return
        row = self.article_list.current_row()
        article = self.current_article
        if row is not None and article is not None and row.id == article.id:
            self._loaded_rowid = event.rowid  # renumbered by a first build: still the same
        elif event.rowid != self._loaded_rowid:
            self._load_article(event.rowid)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load_article(self, rowid: int) -> None:
        try:
            loaded = self.session.load_article(rowid)
        except CacheDamaged as error:
            self.post_message(messages.CacheDamageFound(str(error)))
            return
        except KeyError:
            if self.session.rows([rowid]):
                raise  # the row is there: something else went wrong, report it
            # The row went (another process renumbered the rows): list again.
            self.app.call_from_thread(self._search)
            return
        if loaded is not None:
            self.post_message(messages.ArticleLoaded(loaded))

    @_unless_exiting
    def on_article_loaded(self, event: messages.ArticleLoaded) -> None:
        loaded = event.loaded
        if loaded.rowid != self.article_list.current_rowid:
            return
        row = self.article_list.current_row()
        if row is None or row.id != loaded.article.id:
            # The list's row was painted before the cache changed under it: never show
            # one article's row with another's text. Paint the rows again and re-list.
            self.article_list.invalidate_rows()
            self._loaded_rowid = None
            self._search()
            return
        self._loaded_rowid = loaded.rowid
        self.current_article = loaded.article
        self.current_cleaned = loaded.cleaned
        self.article_view.show_article(loaded.article, loaded.cleaned, self.terms)
        self.query_one(Sidebar).show_article(loaded.article, self.ticker_stats, now=self.clock())
        if self.article_view.has_focus:
            self._mark_current_read()

    @on(ArticleList.Opened)
    def _opened(self, event: ArticleList.Opened) -> None:
        self.article_view.focus()
        if event.maximize:
            self.maximize(self.article_view, container=False)

    @on(ArticleView.Focused)
    def _reading(self) -> None:
        self._mark_current_read()

    def _mark_current_read(self) -> None:
        """Opening an article marks it read; merely moving over it does not."""
        article = self.current_article
        if article is not None and self.session.mark_read_later(
            article.id, self.article_list.current_rowid
        ):
            self.article_list.invalidate_rows()

    @on(ArticleView.Leave)
    def _leave_article(self) -> None:
        self.article_list.focus()

    @on(ArticleView.PastEnd)
    def _past_end(self) -> None:
        self.action_next_unread(1)

    @on(ArticleView.Step)
    def _step(self, event: ArticleView.Step) -> None:
        article_list = self.article_list
        article_list.set_cursor(article_list.cursor + event.delta)

    @on(ArticleView.TickerChosen)
    def _ticker_chosen(self, event: ArticleView.TickerChosen) -> None:
        self.filter_by_ticker(event.ticker)

    @on(ArticleView.LinkChosen)
    def _link_chosen(self, event: ArticleView.LinkChosen) -> None:
        cleaned = self.current_cleaned
        if cleaned is not None and 0 < event.number <= len(cleaned.links):
            self.open_checked(cleaned.links[event.number - 1])

    # -- links --------------------------------------------------------------

    def open_checked(self, url: str) -> None:
        """Open ``url`` as the link check decides (its ASCII form, only with a browser
        to open it in); show what the check says."""
        plan = plan_open(url, browser=self.app.is_web or links.browser_available())
        if plan.act:
            self.app.open_url(plan.target)
        self.notify(plan.message, severity=plan.severity, markup=False)

    def copy_checked(self, url: str) -> None:
        """Copy ``url`` as the link check decides; show what the check says."""
        plan = plan_copy(url)
        if plan.act:
            copy_with_fallback(self.app, plan.target)
        self.notify(plan.message, severity=plan.severity, markup=False)

    def _selected_row(self) -> ArticleRow | None:
        """The row under the cursor (its id and link need no wait for the body)."""
        row = self.article_list.current_row()
        if row is None:
            self.notify("No article selected", severity="warning", markup=False)
        return row

    def action_open_link(self) -> None:
        row = self._selected_row()
        if row is not None:
            self.open_checked(row.link)

    def action_copy_link(self) -> None:
        row = self._selected_row()
        if row is not None:
            self.copy_checked(row.link)

    def link_entries(self) -> list[LinkEntry]:
        if self.current_article is None:
            return []
        from tickertape.ui.screens.links import link_entries

        return link_entries(self.current_article, self.current_cleaned)

    def action_links(self) -> None:
        if self.current_article is None:
            self.notify("No article selected", severity="warning", markup=False)
            return
        from tickertape.ui.screens.links import LinkListScreen

        self.app.push_screen(LinkListScreen(self.link_entries()), self._link_chosen_from_list)

    def _link_chosen_from_list(self, choice: LinkChoice | None) -> None:
        if choice is None:
            return
        if choice.action == "ticker":
            self.filter_by_ticker(choice.value)
        elif choice.action == "copy":
            self.copy_checked(choice.value)
        else:
            self.open_checked(choice.value)

    # -- read, starred, views -----------------------------------------------

    def action_toggle_read(self) -> None:
        row = self._selected_row()
        if row is not None:
            self._flag_flipped("read", self.session.flip_flag(row.id, "read"))

    def action_toggle_star(self) -> None:
        row = self._selected_row()
        if row is not None:
            self._flag_flipped("starred", self.session.flip_flag(row.id, "starred"))

    def _flag_flipped(self, flag: str, value: bool | None) -> None:
        """The flag shows at once; the session saves it in the background (the state
        file may be locked by another process for a while) and says how that went."""
        if value is None:
            return  # no state store
        if flag == "read":
            self.notify("Marked read" if value else "Marked unread", timeout=1.5, markup=False)
        else:
            self.notify("Starred" if value else "Unstarred", timeout=1.5, markup=False)
        self.article_list.invalidate_rows()

    def _state_written(self, outcome: WriteOutcome) -> None:
        """From the writer's thread: hand the outcome to the UI thread."""
        self.post_message(messages.StateWritten(outcome))

    @_unless_exiting
    def on_state_written(self, event: messages.StateWritten) -> None:
        outcome = event.outcome
        was_unsaved = self.header.unsaved
        self.header.unsaved = outcome.unsaved
        if not outcome.ok:
            kept = (
                " It stays shown as you set it and is tried again with your next change."
                if outcome.unsaved
                else ""
            )
            self.notify(
                f"Your {outcome.what} was not saved ({outcome.message}).{kept}",
                title="tickertape",
                severity="error",
                markup=False,
                timeout=10,
            )
            return
        if was_unsaved and not outcome.unsaved:
            self.notify("Every change is saved now.", timeout=3, markup=False)
        if outcome.what in ("read flag", "star"):
            self.article_list.invalidate_rows()
            self._count_unread()

    def action_unread_only(self) -> None:
        unread_only = self.session.toggle_unread_only()
        self.header.unread_only = unread_only
        self.notify(
            "Showing unread articles only" if unread_only else "Showing all articles",
            timeout=1.5,
            markup=False,
        )
        self._search()

    def action_toggle_stories(self) -> None:
        collapsed = self.session.toggle_collapsed()
        self.notify(
            "One row a story" if collapsed else "Every version of every story",
            timeout=1.5,
            markup=False,
        )
        self._search()

    def action_story(self) -> None:
        rowid = self.article_list.current_rowid
        if rowid is not None:
            self._show_story(rowid)

    @work(thread=True, exclusive=True, group="story", exit_on_error=False)
    def _show_story(self, rowid: int) -> None:
        from tickertape.ui.screens.cluster import ClusterScreen

        versions = self.session.story(rowid)
        if versions:
            self.app.call_from_thread(self.app.push_screen, ClusterScreen(versions))

    @work(thread=True, exclusive=True, group="unread", exit_on_error=False)
    def _count_unread(self) -> None:
        if self.session.index is not None:
            self.post_message(messages.UnreadCounted(self.session.unread()))

    @_unless_exiting
    def on_unread_counted(self, event: messages.UnreadCounted) -> None:
        self.header.unread = event.count

    def action_save_view(self) -> None:
        from tickertape.ui.screens.save_view import SaveViewScreen

        self.app.push_screen(SaveViewScreen(self.session.query_text), self._save_view)

    def _save_view(self, choice: ViewChoice | None) -> None:
        from tickertape.core.state import StateError

        try:
            view = self.session.save_view(choice.name, alert=choice.alert) if choice else None
        except StateError as error:
            self.notify(f"The view was not saved ({error}).", severity="error", markup=False)
            return
        if view is not None:
            key = f"key {view.slot}" if view.slot else "the command palette"
            alert = " as an alert" if view.alert else ""
            self.notify(f"Saved view {view.name!r} on {key}{alert}", markup=False)

    # -- triage ----------------------------------------------------------------

    def action_mark_read(self) -> None:
        """``o``: this article is dealt with (``m`` flips the flag either way)."""
        row = self._selected_row()
        if row is None:
            return
        if self.session.mark_read_later(row.id):
            self.notify("Marked read", timeout=1.5, markup=False)
            self.article_list.invalidate_rows()
        else:
            self.notify("Already read", timeout=1.5, markup=False)

    def action_next_unread(self, step: int) -> None:
        article_list = self.article_list
        self._find_unread(list(article_list.rowids), article_list.cursor, step)

    @work(thread=True, exclusive=True, group="triage", exit_on_error=False)
    def _find_unread(self, rowids: list[int], start: int, step: int) -> None:
        position, wrapped = self.session.next_unread(rowids, start, step)
        self.app.call_from_thread(self._go_unread, rowids, start, position, wrapped, step)

    def _go_unread(
        self, rowids: list[int], start: int, position: int | None, wrapped: bool, step: int
    ) -> None:
        article_list = self.article_list
        if list(article_list.rowids[: len(rowids)]) != rowids or article_list.cursor != start:
            return  # the list or the cursor moved meanwhile: the answer is stale
        if position is None:
            self.notify("No unread article left", timeout=2, markup=False)
            return
        if wrapped:
            where = "top" if step > 0 else "bottom"
            self.notify(f"No more unread articles: back to the {where}", timeout=2,
                        markup=False)  # fmt: skip
        article_list.set_cursor(position)

    def action_read_on(self) -> None:
        """``space``: page the article; at its end, go on to the next unread one."""
        view = self.article_view
        if view.scroll_y >= view.max_scroll_y:
            self.action_next_unread(1)
        else:
            view.scroll_page_down(animate=False)

    def action_apply_view(self, slot: int) -> None:
        view = self.session.view_on(slot)
        if view is None:
            self.notify(
                f"No view on key {slot} (ctrl+s saves one)", severity="warning", markup=False
            )
            return
        self.apply_view(view.name, view.query)

    def apply_view(self, name: str, query: str) -> None:
        self.set_query(query)
        self.notify(f"View {name}", timeout=1.5, markup=False)
        self.article_list.focus()

    # -- facets, panes, help, warnings --------------------------------------

    def action_facets(self) -> None:
        self._load_facets()

    def _facet_groups(self) -> list[tuple[str, Sequence[tuple[str, int]]]] | None:
        """The current result's facets (blocking: from a worker)."""
        facets = self.session.facets()
        if facets is None:
            return None
        return [
            ("tickers", facets.tickers),
            ("sources", facets.sources),
            ("sentiments", facets.sentiments),
            ("languages", facets.languages),
        ]

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _load_facets(self) -> None:
        groups = self._facet_groups()
        if groups is None:
            return
        from tickertape.ui.screens.facets import FacetsScreen

        screen = FacetsScreen(groups, on_watch=self.toggle_watch)
        self.app.call_from_thread(self.app.push_screen, screen, self._facet_chosen)

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _recount_facets(self, screen: FacetsScreen) -> None:
        """Files arrived while the facets are open: count them again in place."""
        groups = self._facet_groups()
        if groups is not None:
            self.app.call_from_thread(screen.update_groups, groups)

    def _follow_open_dialogs(self) -> None:
        """An open facets or alerts dialog shows the counts after a live update."""
        from tickertape.ui.screens.alerts import AlertsScreen
        from tickertape.ui.screens.facets import FacetsScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, FacetsScreen):
                self._recount_facets(screen)
            elif isinstance(screen, AlertsScreen):
                screen.update_alerts(self.session.alerts)

    def _facet_chosen(self, term: str | None) -> None:
        if term:
            self.set_query(self.session.narrowed_by(term))
            self.article_list.focus()

    # -- the ticker desk and the watchlist (see screens/ticker_desk, screens/watchlist) --

    def _article_tickers(self) -> list[str]:
        """The tickers of the article being read, else of the row under the cursor."""
        if self.article_view.has_focus and self.current_article is not None:
            return list(dict.fromkeys(self.current_article.tickers))
        row = self.article_list.current_row()
        return list(row.tickers) if row is not None else []

    def _with_ticker(self, then: Callable[[str], None], *, ask: bool) -> None:
        """Run ``then`` with the article's ticker: picked when there are several, typed
        (with completion) when there is none and ``ask``."""
        from tickertape.ui.screens.ticker_desk import TickerAskScreen, TickerPickScreen

        def chosen(code: str | None) -> None:
            if code:
                then(code)

        codes = self._article_tickers()
        if len(codes) == 1:
            then(codes[0])
        elif codes:
            self.app.push_screen(TickerPickScreen(codes), chosen)
        elif ask:
            self.app.push_screen(TickerAskScreen(sorted(self.ticker_stats)), chosen)
        else:
            self.notify("This article names no ticker", severity="warning", markup=False)

    def action_ticker_desk(self) -> None:
        self._with_ticker(self.open_ticker_desk, ask=True)

    def open_ticker_desk(self, code: str) -> None:
        from tickertape.ui.screens.ticker_desk import TickerDeskScreen

        self.app.push_screen(
            TickerDeskScreen(self.session, code, clock=self.clock, on_filter=self.filter_by_ticker)
        )

    def action_watch(self) -> None:
        self._with_ticker(self.toggle_watch, ask=False)

    def toggle_watch(self, code: str) -> None:
        watched = self.session.toggle_watch(code)
        if watched is None:
            self.notify("No state store: the watchlist is unavailable", severity="warning",
                        markup=False)  # fmt: skip
            return
        self.notify(
            f"Watching {code}" if watched else f"Stopped watching {code}", timeout=1.5,
            markup=False,
        )  # fmt: skip

    def action_watchlist(self) -> None:
        from tickertape.ui.screens.watchlist import WatchlistScreen

        self.app.push_screen(
            WatchlistScreen(self.session, today=lambda: self.clock().date()),
            self._watch_chosen,
        )

    def _watch_chosen(self, choice: tuple[str, str] | None) -> None:
        if choice is None:
            return
        what, code = choice
        if what == "desk":
            self.open_ticker_desk(code)
        else:
            self.filter_by_ticker(code)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display

    def action_warnings(self) -> None:
        self._show_warnings()

    @work(thread=True, exclusive=True, group="warnings", exit_on_error=False)
    def _show_warnings(self) -> None:
        problems = self.session.problems()
        from tickertape.ui.screens.warnings import WarningsScreen

        self.app.call_from_thread(
            self.app.push_screen, WarningsScreen(problems), self._warning_chosen
        )

    def _warning_chosen(self, path: str | None) -> None:
        if path is not None:
            self._open_file(path)

    @work(thread=True, exclusive=True, group="open-file", exit_on_error=False)
    def _open_file(self, path: str) -> None:
        rowid = self.session.find_file(path)
        self.app.call_from_thread(self._open_rowid, rowid, path)

    def _open_rowid(self, rowid: int | None, path: str) -> None:
        """Show article ``rowid``; when the query hides it, clear the query first."""
        if rowid is None:
            self.notify(f"{path} holds no article: it was skipped", markup=False)
            return
        article_list = self.article_list
        if rowid in article_list.rowids:
            article_list.set_cursor(article_list.rowids.index(rowid))
        else:
            self._open_after_search = rowid
            if self.session.unread_only:
                self.session.toggle_unread_only()
                self.header.unread_only = False
            self.set_query("")
        self.article_view.focus()

    def action_help(self) -> None:
        from tickertape.core.query import QUERY_HELP
        from tickertape.ui.bindings_catalog import binding_groups
        from tickertape.ui.screens.help import HelpScreen

        anywhere = [*self.BINDINGS, *type(self.app).BINDINGS]
        user_keys: dict[str, str] = getattr(self.app, "user_keys", {})
        self.app.push_screen(HelpScreen(binding_groups(anywhere, user_keys), QUERY_HELP))

    # -- errors -------------------------------------------------------------

    def notify_failure(self, what: str, error: BaseException) -> None:
        """``Could not load the article: …``: what failed and why, in words."""
        self.notify(
            f"Could not {what}: {describe_error(error)}", severity="error", markup=False, timeout=8
        )

    @_unless_exiting
    def on_work_failed(self, event: messages.WorkFailed) -> None:
        self.notify_failure(event.what, event.error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        from textual.worker import WorkerState

        worker = event.worker
        if worker.state == WorkerState.ERROR and isinstance(worker.error, CacheDamaged):
            self._cache_damaged(str(worker.error))
            return
        if worker.state == WorkerState.ERROR and worker.error is not None:
            what = _WORK_IN_WORDS.get(worker.group, "finish a task in the background")
            self.notify_failure(what, worker.error)
