"""The reader: header, list pane, article view, sidebar and footer over one index.

Everything slow runs in thread workers that post messages back: opening and
refreshing the cache, searching, and reading an article's body from its file.
The list paints from the cache before any file is re-scanned.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Footer, Input, ProgressBar

from tickertape.core.article import Article, Problem
from tickertape.core.index import ArticleRow, IndexCache, RefreshProgress
from tickertape.core.links import check_link
from tickertape.core.query import QUERY_HELP, QueryError, add_term, compile_query, parse
from tickertape.core.state import StateStore, index_setting
from tickertape.ui import messages
from tickertape.ui.clipboard import copy_with_fallback
from tickertape.ui.commands import binding_groups, reader_commands
from tickertape.ui.widgets.article_list import ArticleList, ListHeader
from tickertape.ui.widgets.article_view import ArticleView
from tickertape.ui.widgets.header import IndexHeader
from tickertape.ui.widgets.query_bar import QueryBar
from tickertape.ui.widgets.sidebar import Sidebar

if TYPE_CHECKING:  # the dialogs and the HTML cleaner load when first used
    from tickertape.core.clean import CleanedArticle
    from tickertape.ui.screens.links import LinkChoice, LinkEntry

M = TypeVar("M", bound=Message)

SORT_CYCLE = ("date", "title", "source", "sentiment", "confidence")
FIRST_SCREEN = 200


def _unless_exiting(
    handler: Callable[[TickertapeApp, M], None],
) -> Callable[[TickertapeApp, M], None]:
    """Drop a worker's message that arrives after the app began to exit.

    Workers finish on their own time; once the screen is being torn down there is
    nothing left to update.
    """

    @functools.wraps(handler)
    def guarded(app: TickertapeApp, message: M) -> None:
        if not app._exit:
            handler(app, message)

    return guarded


class TickertapeApp(App[int]):
    """A terminal reader for one news-article index."""

    CSS_PATH = "app.tcss"
    TITLE = "tickertape"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        # A priority binding runs before the key is handed to the focused widget, so the
        # keys typed right after "/" (already queued) reach the query bar, not the list.
        Binding("slash", "search", "Search", priority=True, id="app.search"),
        Binding("s", "cycle_sort", "Sort", id="app.sort"),
        Binding("r", "reverse", "Reverse", show=False, id="app.reverse"),
        Binding("R", "sort_relevance", "Sort by relevance", show=False, id="app.relevance"),
        Binding("t", "facets", "Facets", id="app.facets"),
        Binding("m", "toggle_read", "Read/unread", show=False, id="app.read"),
        Binding("asterisk", "toggle_star", "Star", id="app.star"),
        Binding("u", "unread_only", "Unread only", show=False, id="app.unread"),
        Binding("ctrl+s", "save_view", "Save view", show=False, id="app.save_view"),
        *(
            Binding(str(n), f"apply_view({n})", f"View {n}", show=False, id=f"app.view{n}")
            for n in range(1, 10)
        ),
        Binding("o", "open_link", "Open", id="app.open"),
        Binding("y", "copy_link", "Copy link", show=False, id="app.copy"),
        Binding("l", "links", "Links", id="app.links"),
        Binding("b", "toggle_sidebar", "Sidebar", show=False, id="app.sidebar"),
        Binding("w", "warnings", "Warnings", show=False, id="app.warnings"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.commands"),
    ]

    def __init__(
        self,
        root: Path,
        *,
        index_name: str | None = None,
        cache_dir: Path | None = None,
        state_dir: Path | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.root = root
        self.index_name = index_name or root.name
        self._cache_dir = cache_dir
        self._state_dir = state_dir
        self.cache: IndexCache | None = None
        self.state: StateStore | None = None
        self.query_text = ""
        self.sort_key = "date"
        self.reverse = False
        self.terms: Sequence[str] = ()
        self.ticker_stats: dict[str, tuple[int, float | None]] = {}
        self.current_article: Article | None = None
        self.current_cleaned: CleanedArticle | None = None
        self._generation = 0
        self._loaded_rowid: int | None = None
        self._last_progress_select = 0.0
        self._building = False
        self._was_built = True
        self._refresh_after_paint = False
        self._last_progress: tuple[str, int, int, int] = ("", 0, 0, 0)
        self._search_lock = threading.Lock()
        self._search_request: tuple[int, str, str, bool, bool] | None = None
        self._search_running = False
        self.unread_only = False
        self._previous_run: float | None = None

    # -- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield IndexHeader(id="header")
        yield ProgressBar(id="build-progress", show_eta=False)
        yield QueryBar(id="query-bar")
        with Vertical(id="list-pane"):
            yield ListHeader(id="list-header")
            yield ArticleList(
                self._fetch_rows, self._fetch_flags, clock=self.clock, id="article-list"
            )
        with Horizontal(id="detail"):
            yield ArticleView(id="article-view")
            yield Sidebar(id="sidebar")
        yield Footer()

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def header(self) -> IndexHeader:
        return self.query_one(IndexHeader)

    def on_resize(self) -> None:
        self.screen.set_class(self.size.width < 100, "-narrow")

    def on_mount(self) -> None:
        self.screen.set_class(self.size.width < 100, "-narrow")
        self.header.index_name = self.index_name
        self.header.status = "opening…"
        self.query_one("#build-progress", ProgressBar).display = False
        self.query_one(QueryBar).display = False
        self.article_view.show_placeholder("Opening the index…")
        self.article_list.focus()
        self._open_index()

    # -- opening and refreshing ----------------------------------------------

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_index(self) -> None:
        try:
            state = StateStore.open(self._state_dir)
        except Exception as error:  # the reader still works without state
            self.post_message(messages.WorkFailed("open the state store", error))
            state = None
        notices = list(state.notices) if state else []
        cache = IndexCache.open(
            self.root, cache_dir=self._cache_dir, state_path=state.path if state else None
        )
        notices += cache.notices
        self.post_message(messages.IndexOpened(cache, state, notices))

    @_unless_exiting
    def on_index_opened(self, event: messages.IndexOpened) -> None:
        self.cache = event.cache
        self.state = event.state
        for notice in event.notices:
            self.notify(notice, title="tickertape", severity="warning", markup=False)
        if self.state is not None:
            self._restore_settings(self.state)
        self._was_built = self.cache.is_built()
        if self._was_built:
            # Paint from the cache first; the refresh (a scan of every file) waits for
            # that paint so it does not compete with it.
            self.header.total = self.cache.count()
            self._refresh_after_paint = True
            self._search(first_screen=True)
        else:
            self._refresh_index()

    def _restore_settings(self, state: StateStore) -> None:
        """Theme (global), sort and query history (per index) from the last run."""
        self._previous_run = state.last_opened(self._index_key)
        self.query_one(QueryBar).set_history(state.history(self._index_key))
        theme = state.get_setting("theme")
        if theme and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        sort = state.get_setting(index_setting(self._index_key, "sort"))
        if sort:
            key, _, direction = sort.partition(":")
            if key in SORT_CYCLE:
                self.sort_key = key
                self.reverse = direction == "reversed"
                self.query_one(ListHeader).sort_key = key
                self.query_one(ListHeader).reverse = self.reverse

    def _theme_changed(self, theme: Theme) -> None:
        if self.state is not None:
            self.state.set_setting("theme", theme.name)

    def _remember_sort(self) -> None:
        if self.state is not None:
            direction = "reversed" if self.reverse else "natural"
            self.state.set_setting(
                index_setting(self._index_key, "sort"), f"{self.sort_key}:{direction}"
            )

    @functools.cached_property
    def _index_key(self) -> str:
        """The key the state store files this index's history and settings under."""
        from tickertape.core.paths import index_key

        return index_key(self.root)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh_index(self) -> None:
        writer = IndexCache.open(self.root, cache_dir=self._cache_dir)
        try:
            stats = writer.refresh(progress=self._post_progress)
        finally:
            writer.close()
        self.post_message(messages.RefreshFinished(stats))

    def _post_progress(self, step: RefreshProgress) -> None:
        self.post_message(messages.BuildProgress(step))

    @_unless_exiting
    def on_build_progress(self, event: messages.BuildProgress) -> None:
        step: RefreshProgress = event.progress
        if step.phase == "done":
            return
        self.header.status = f"{step.phase}…"
        if step.phase == "scanning" and self._was_built:
            return  # a warm start's scan is quick: no bar, nothing to re-list yet
        self._building = True
        bar = self.query_one("#build-progress", ProgressBar)
        bar.display = True
        bar.update(total=step.total, progress=step.done)
        # A first build fills the list as batches arrive; a refresh of a built cache
        # re-lists only when files were added, changed or removed.
        progress = (step.phase, step.added, step.changed, step.removed)
        changed = progress != self._last_progress
        now = time.monotonic()
        if (not self._was_built or changed) and now - self._last_progress_select > 0.5:
            self._last_progress = progress
            self._last_progress_select = now
            self._search()

    @_unless_exiting
    def on_refresh_finished(self, event: messages.RefreshFinished) -> None:
        self.query_one("#build-progress", ProgressBar).display = False
        self.header.status = ""
        stats = event.stats
        if not self._was_built or stats.added or stats.changed or stats.removed:
            self.article_list.invalidate_rows()
            self._search()
        self._building = False
        self._was_built = True
        self._load_ticker_stats()
        self._count_unread()

    @work(thread=True, exclusive=True, group="ticker-stats", exit_on_error=False)
    def _load_ticker_stats(self) -> None:
        cache = self.cache
        if cache is None:
            return
        self.post_message(messages.TickerStatsReady(cache.ticker_stats()))
        self.post_message(messages.ProblemsCounted(len(cache.problems())))
        if self._previous_run is not None:
            new = cache.added_since(self._previous_run)
            if len(new) < cache.count():  # a rebuilt cache is not news
                self.post_message(messages.NewArticlesFound(new))
        if self.state is not None:
            # What this run has shown is not new next time.
            self.state.mark_opened(self._index_key, time.time())

    @_unless_exiting
    def on_new_articles_found(self, event: messages.NewArticlesFound) -> None:
        self.header.new = len(event.rowids)
        self.article_list.set_new(event.rowids)

    @_unless_exiting
    def on_ticker_stats_ready(self, event: messages.TickerStatsReady) -> None:
        self.ticker_stats = event.stats
        if self.current_article is not None:
            self.query_one(Sidebar).show_article(
                self.current_article, self.ticker_stats, now=self.clock()
            )

    @_unless_exiting
    def on_problems_counted(self, event: messages.ProblemsCounted) -> None:
        self.header.warnings = event.count

    # -- rows for the list --------------------------------------------------

    def _fetch_rows(self, rowids: Sequence[int]) -> list[ArticleRow]:
        return self.cache.rows(rowids) if self.cache is not None else []

    def _fetch_flags(self, ids: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        return self.state.flags_for(ids) if self.state is not None else {}

    # -- searching and sorting ----------------------------------------------

    def effective_query(self) -> str:
        """The typed query, narrowed to unread articles when ``u`` is on."""
        if not self.unread_only:
            return self.query_text
        return add_term(self.query_text, "is:unread") if self.query_text else "is:unread"

    def _search(self, *, first_screen: bool = False) -> None:
        """Run the current query and sort in the background; the newest request wins.

        At most one search runs at a time: requests made meanwhile replace each other,
        and the running worker takes the newest when it finishes. Each result carries
        its generation, so one that is already stale is never shown.
        """
        if self.cache is None:
            return
        self._generation += 1
        request = (
            self._generation, self.effective_query(), self.sort_key, self.reverse, first_screen
        )  # fmt: skip
        with self._search_lock:
            self._search_request = request
            start = not self._search_running
            self._search_running = True
        if start:
            self._run_searches()

    @work(thread=True, group="search", exit_on_error=False)
    def _run_searches(self) -> None:
        while True:
            with self._search_lock:
                request, self._search_request = self._search_request, None
                if request is None:
                    self._search_running = False
                    return
            try:
                self._run_search(*request)
            except Exception as error:  # report it and keep serving newer requests
                self.post_message(messages.WorkFailed("search", error))

    def _run_search(
        self, generation: int, text: str, sort: str, reverse: bool, first_screen: bool
    ) -> None:
        cache = self.cache
        if cache is None:
            return
        try:
            compiled = compile_query(parse(text))
        except QueryError:
            return
        if first_screen:
            head = cache.select(compiled, sort=sort, reverse=reverse, limit=FIRST_SCREEN)
            self.post_message(messages.ResultReady(generation, head, compiled.terms, -1))
        rowids = cache.select(compiled, sort=sort, reverse=reverse)
        partial = compiled.has_text and not cache.fts_ready()
        self.post_message(
            messages.ResultReady(generation, rowids, compiled.terms, cache.count(), partial=partial)
        )

    @_unless_exiting
    def on_result_ready(self, event: messages.ResultReady) -> None:
        if event.generation != self._generation:
            return
        if self._refresh_after_paint:
            self._refresh_after_paint = False
            self.call_after_refresh(self._refresh_index)
        article_list = self.article_list
        keep = article_list.current_rowid
        article_list.set_rowids(event.rowids, keep=keep)
        article_list.set_highlight(event.terms)
        if tuple(event.terms) != tuple(self.terms):
            self.terms = event.terms
            if self.current_article is not None and self.current_cleaned is not None:
                self.article_view.show_article(
                    self.current_article, self.current_cleaned, self.terms
                )
        if event.total >= 0:
            self.header.total = event.total
            self.header.status = "" if not self._building else self.header.status
        self.header.shown = len(event.rowids)
        bar = self.query_one(QueryBar)
        if event.partial:
            bar.show_error("Still indexing the text: word matches so far only", warning=True)
        elif bar.showing_warning:
            bar.show_error(None)
        self.header.filtered = bool(self.effective_query().strip())
        self.header.query_text = self.query_text
        if not event.rowids:
            self._show_empty()

    def _show_empty(self) -> None:
        self.current_article = None
        self._loaded_rowid = None
        if self.cache is not None and self.cache.count() == 0 and not self._building:
            self.article_view.show_placeholder("This index has no articles.")
        else:
            self.article_view.show_placeholder("No article matches the query.")
        self.query_one(Sidebar).clear()

    def action_cycle_sort(self) -> None:
        position = SORT_CYCLE.index(self.sort_key) if self.sort_key in SORT_CYCLE else -1
        self._set_sort(SORT_CYCLE[(position + 1) % len(SORT_CYCLE)])

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self.query_one(ListHeader).reverse = self.reverse
        self._remember_sort()
        self._search()

    def _set_sort(self, key: str) -> None:
        self.sort_key = key
        self.query_one(ListHeader).sort_key = key
        if key != "relevance":
            self._remember_sort()
        self.notify(f"Sorted by {key}", timeout=1.5, markup=False)
        self._search()

    @on(ListHeader.SortClicked)
    def _sort_clicked(self, event: ListHeader.SortClicked) -> None:
        if event.key == self.sort_key:
            self.action_reverse()
        else:
            self._set_sort(event.key)

    # -- the query bar ------------------------------------------------------

    def action_search(self) -> None:
        focused = self.focused
        if isinstance(focused, Input):
            focused.insert_text_at_cursor("/")  # a "/" typed into a query or a name
            return
        if self.screen is not self.article_list.screen:
            return  # a dialog is open: "/" means nothing there
        bar = self.query_one(QueryBar)
        bar.display = True
        bar.input.value = self.query_text
        self.screen.set_focus(bar.input)  # now, not after a refresh as focus() does

    @on(QueryBar.Changed)
    def _query_changed(self, event: QueryBar.Changed) -> None:
        self._apply_query(event.text)

    @on(QueryBar.Submitted)
    def _query_submitted(self, event: QueryBar.Submitted) -> None:
        self._apply_query(event.text)
        if event.text.strip() and self.state is not None:
            self.state.add_history(self._index_key, event.text.strip())
        self.article_list.focus()

    @on(QueryBar.Left)
    def _query_left(self) -> None:
        bar = self.query_one(QueryBar)
        if not self.query_text:
            bar.display = False
        self.article_list.focus()

    def _apply_query(self, text: str) -> None:
        bar = self.query_one(QueryBar)
        try:
            parse(text)
        except QueryError as error:
            bar.show_error(str(error))
            return
        bar.show_error(None)
        self.query_text = text.strip()
        self._search()

    def set_query(self, text: str) -> None:
        """Replace the query (from a ticker click or a view) and show it in the bar."""
        bar = self.query_one(QueryBar)
        bar.display = True
        with bar.input.prevent(bar.input.Changed):
            bar.input.value = text
        self._apply_query(text)

    def filter_by_ticker(self, ticker: str) -> None:
        self.set_query(add_term(self.query_text, f"ticker:{ticker}"))
        self.notify(f"Filtered by ticker {ticker}", timeout=2, markup=False)
        self.article_list.focus()

    # -- the selected article -----------------------------------------------

    @on(ArticleList.Highlighted)
    def _highlighted(self, event: ArticleList.Highlighted) -> None:
        if event.rowid is None:
            self._show_empty()
            return
        if event.rowid != self._loaded_rowid:
            self._load_article(event.rowid)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load_article(self, rowid: int) -> None:
        cache = self.cache
        if cache is None:
            return
        article = cache.load_article(rowid)
        from tickertape.core.clean import clean_html

        cleaned = clean_html(article.content)
        self.post_message(messages.ArticleLoaded(rowid, article, cleaned))

    @_unless_exiting
    def on_article_loaded(self, event: messages.ArticleLoaded) -> None:
        if event.rowid != self.article_list.current_rowid:
            return
        self._loaded_rowid = event.rowid
        self.current_article = event.article
        self.current_cleaned = event.cleaned
        self.article_view.show_article(event.article, event.cleaned, self.terms)
        self.query_one(Sidebar).show_article(event.article, self.ticker_stats, now=self.clock())
        if self.article_view.has_focus:
            self._mark_current_read()

    @on(ArticleList.Opened)
    def _opened(self, event: ArticleList.Opened) -> None:
        self.article_view.focus()

    @on(ArticleView.Focused)
    def _reading(self) -> None:
        self._mark_current_read()

    def _mark_current_read(self) -> None:
        """Opening an article marks it read; merely moving over it does not."""
        article = self.current_article
        if article is None or self.state is None:
            return
        if not self.state.is_read(article.id):
            self.state.set_read([article.id], True)
            self.article_list.invalidate_rows()
            self._count_unread()

    @on(ArticleView.Leave)
    def _leave_article(self) -> None:
        self.article_list.focus()

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
        """Open ``url`` in the browser if the link check allows it; say what happened."""
        check = check_link(url)
        if not check.ok:
            self.notify(f"Not opened: {check.reason}", severity="warning", markup=False)
            return
        self.open_url(check.url)
        self.notify(f"Opening {check.url}", markup=False)

    def copy_checked(self, url: str) -> None:
        """Copy ``url`` if the link check allows it; say what happened."""
        check = check_link(url)
        if not check.ok:
            self.notify(f"Not copied: {check.reason}", severity="warning", markup=False)
            return
        copy_with_fallback(self, check.url)
        self.notify(f"Copied {check.url}", markup=False)

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

        self.push_screen(LinkListScreen(self.link_entries()), self._link_chosen_from_list)

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
        if row is None or self.state is None:
            return
        read = self.state.toggle_read(row.id)
        self.notify("Marked read" if read else "Marked unread", timeout=1.5, markup=False)
        self.article_list.invalidate_rows()
        self._count_unread()

    def action_toggle_star(self) -> None:
        row = self._selected_row()
        if row is None or self.state is None:
            return
        starred = self.state.toggle_starred(row.id)
        self.notify("Starred" if starred else "Unstarred", timeout=1.5, markup=False)
        self.article_list.invalidate_rows()

    def action_unread_only(self) -> None:
        self.unread_only = not self.unread_only
        self.notify(
            "Showing unread articles only" if self.unread_only else "Showing all articles",
            timeout=1.5,
            markup=False,
        )
        self._search()

    @work(thread=True, exclusive=True, group="unread", exit_on_error=False)
    def _count_unread(self) -> None:
        if self.cache is None:
            return
        unread = len(self.cache.select(compile_query(parse("is:unread"))))
        self.call_from_thread(setattr, self.header, "unread", unread)

    def action_save_view(self) -> None:
        from tickertape.ui.screens.save_view import SaveViewScreen

        self.push_screen(SaveViewScreen(self.query_text), self._save_view)

    def _save_view(self, name: str | None) -> None:
        if not name or self.state is None:
            return
        view = self.state.save_view(name, self.query_text)
        key = f"key {view.slot}" if view.slot else "the command palette"
        self.notify(f"Saved view {view.name!r} on {key}", markup=False)

    def action_apply_view(self, slot: int) -> None:
        views = self.state.views() if self.state is not None else []
        for view in views:
            if view.slot == slot:
                self.apply_view(view.name, view.query)
                return
        self.notify(f"No view on key {slot} (ctrl+s saves one)", severity="warning", markup=False)

    def apply_view(self, name: str, query: str) -> None:
        self.set_query(query)
        self.notify(f"View {name}", timeout=1.5, markup=False)
        self.article_list.focus()

    # -- facets -------------------------------------------------------------

    def action_facets(self) -> None:
        self._load_facets(self.effective_query())

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _load_facets(self, text: str) -> None:
        if self.cache is None:
            return
        facets = self.cache.facets(compile_query(parse(text)))
        groups = [
            ("tickers", facets.tickers),
            ("sources", facets.sources),
            ("sentiments", facets.sentiments),
            ("languages", facets.languages),
        ]
        from tickertape.ui.screens.facets import FacetsScreen

        self.call_from_thread(self.push_screen, FacetsScreen(groups), self._facet_chosen)

    def _facet_chosen(self, term: str | None) -> None:
        if term:
            self.set_query(add_term(self.query_text, term))
            self.article_list.focus()

    def action_sort_relevance(self) -> None:
        if not compile_query(parse(self.query_text)).has_text:
            self.notify("Relevance needs words in the query", severity="warning", markup=False)
            return
        self._set_sort("relevance")

    # -- panes, help, warnings ----------------------------------------------

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display

    def action_warnings(self) -> None:
        self._show_warnings()

    @work(thread=True, exclusive=True, group="warnings", exit_on_error=False)
    def _show_warnings(self) -> None:
        problems: list[Problem] = self.cache.problems() if self.cache is not None else []
        from tickertape.ui.screens.warnings import WarningsScreen

        self.call_from_thread(self.push_screen, WarningsScreen(problems))

    def action_help(self) -> None:
        from tickertape.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(binding_groups(type(self)), QUERY_HELP))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from reader_commands(self)

    # -- errors -------------------------------------------------------------

    @_unless_exiting
    def on_work_failed(self, event: messages.WorkFailed) -> None:
        self.notify(
            f"Could not {event.what}: {event.error}", severity="error", markup=False, timeout=8
        )

    def on_worker_state_changed(self, event: object) -> None:
        from textual.worker import Worker, WorkerState

        worker: Worker[object] = event.worker  # type: ignore[attr-defined]
        if worker.state == WorkerState.ERROR and worker.error is not None:
            self.notify(
                f"{worker.name or 'background work'} failed: {worker.error}",
                severity="error",
                markup=False,
                timeout=8,
            )

    def on_unmount(self) -> None:
        if self.cache is not None:
            self.cache.close()
        if self.state is not None:
            self.state.close()
