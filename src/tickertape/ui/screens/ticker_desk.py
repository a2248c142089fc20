"""``T``: one ticker's desk — its chart over time, counts by direction and source, the
tickers mentioned with it, and its articles in the same virtual list as the reader.

Also here: choosing a ticker (several on an article, or a code typed with completion),
and reading one of the desk's articles. Aggregates run in thread workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from tickertape.core.tickers import normalise_ticker
from tickertape.desk import Desk, load_desk, shift, zoom
from tickertape.ui.widgets.article_list import ArticleList, ListHeader
from tickertape.ui.widgets.article_view import ArticleView
from tickertape.ui.widgets.header import count_text
from tickertape.ui.widgets.ticker_chart import TickerChart

if TYPE_CHECKING:
    from tickertape.session import LoadedArticle, ReaderSession

_DIRECTIONS = (("positive", "▲", "$success"), ("negative", "▼", "$error"),
               ("neutral", "■", "$text-muted"), ("", "?", "$warning"))  # fmt: skip


class DeskLoaded(Message):
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        super().__init__()


class DeskFailed(Message):
    def __init__(self, error: Exception) -> None:
        self.error = error
        super().__init__()


_CODE_STYLE = "bold reverse $warning"
"""The ticker's code at the head of the desk, before and after its figures load."""


def desk_title(desk: Desk, watched: bool) -> Content:
    """``NVDA.O  NVIDIA Corp  · 123 articles · 2024-01-02 – 2024-12-20  ★ watched``."""
    parts: list[tuple[str, str] | str] = [(f" {desk.code} ", _CODE_STYLE)]
    if desk.name:
        parts.append((f"  {desk.name}", "bold"))
    parts.append((f"  · {count_text(len(desk.rowids), len(desk.rowids), False)}", "$text-muted"))
    if watched:
        parts.append(("  ★ watched", "$warning"))
    return Content.assemble(*parts)


def counts_panel(desk: Desk) -> Content:
    """Directions, sources and co-mentioned tickers, one short line each."""
    lines: list[Content] = [Content.styled("Direction", "bold $text-muted")]
    directions = Content.assemble(
        *(
            (f"{glyph}{desk.directions.get(key, 0):,} ", style)
            for key, glyph, style in _DIRECTIONS
            if desk.directions.get(key, 0) or key
        )
    )
    lines.append(directions)
    lines.append(Content.styled("Sources", "bold $text-muted"))
    for source, n in desk.sources or [("(none)", 0)]:
        lines.append(Content.assemble((f"{n:,} ", "$text-muted"), source or "(none)"))
    lines.append(Content.styled("Mentioned with", "bold $text-muted"))
    if not desk.co_mentions:
        lines.append(Content.styled("  (no other ticker)", "$text-muted"))
    for code, n in desk.co_mentions:
        lines.append(Content.assemble((f"{n:,} ", "$text-muted"), (code, "$warning")))
    return Content("\n").join(lines)


def period_line(desk: Desk) -> Content:
    """What the chart shows: the period, the window and how many articles fall in it."""
    if desk.periods:
        span = f"{desk.periods[0].start:%Y-%m-%d} – {desk.end:%Y-%m-%d}"
    else:
        span = "no dated articles"
    total = sum(p.articles for p in desk.periods)
    return Content.assemble(
        (f" per {desk.by}: ", "bold"), ("█ articles", "$primary"), "  ",
        ("• mean -1..+1", "$warning"), f"  {span} · {total:,} shown",
    )  # fmt: skip


class TickerDeskScreen(Screen[None]):
    """One ticker's desk; esc goes back to where it was opened."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="desk.back"),
        Binding("plus", "toggle_watch", "Watch", id="desk.watch"),
        # Priority: on the desk z zooms the chart, not the list to full screen.
        Binding("z", "zoom(-1)", "Zoom in", priority=True, id="desk.zoom_in"),
        Binding("x", "zoom(1)", "Zoom out", priority=True, id="desk.zoom_out"),
        Binding("comma", "move(-1)", "Earlier", id="desk.earlier"),
        Binding("full_stop", "move(1)", "Later", id="desk.later"),
        Binding("f", "filter", "Filter list", id="desk.filter"),
        Binding("m", "mentioned", "Mentioned with", id="desk.mentioned"),
    ]

    def __init__(
        self, session: ReaderSession, code: str, *, clock: Callable[[], datetime],
        on_filter: Callable[[str], None] | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.session = session
        self.code = code
        self.clock = clock
        self.desk: Desk | None = None
        self._on_filter = on_filter
        self._by: str | None = None
        self._end: date | None = None
        self._watched = code in session.watchlist()

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(f" {self.code} ", _CODE_STYLE), id="desk-title")
        with Horizontal(id="desk-top"):
            yield TickerChart(id="desk-chart")
            yield Static("Counting…", id="desk-counts", markup=False)
        yield Static("", id="desk-period", markup=False)
        with Vertical(id="desk-list-pane"):
            yield ListHeader(id="desk-list-header")
            yield ArticleList(
                self.session.rows, self.session.flags, clock=self.clock, id="desk-list",
                full_screen=False,
            )  # fmt: skip
        yield Footer()

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#desk-list", ArticleList)

    def on_mount(self) -> None:
        self.article_list.focus()
        self._load()

    @work(thread=True, exclusive=True, group="desk", exit_on_error=False)
    def _load(self) -> None:
        index = self.session.index
        if index is None:
            return
        try:
            desk = load_desk(index, self.code, self._by, self._end)
        except Exception as error:
            self.post_message(DeskFailed(error))
        else:
            self.post_message(DeskLoaded(desk))

    def on_desk_loaded(self, event: DeskLoaded) -> None:
        desk = event.desk
        first_time = self.desk is None
        self.desk = desk
        self._by, self._end = desk.by, desk.end
        self.query_one("#desk-title", Static).update(desk_title(desk, self._watched))
        self.query_one("#desk-counts", Static).update(counts_panel(desk))
        self.query_one("#desk-period", Static).update(period_line(desk))
        self.query_one(TickerChart).show(desk.periods, desk.by)
        if first_time:
            self.article_list.set_rowids(desk.rowids)

    def on_desk_failed(self, event: DeskFailed) -> None:
        self.notify(f"Could not count {self.code}: {event.error}", severity="error", markup=False)

    # -- keys ---------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_zoom(self, step: int) -> None:
        if self._by is None:
            return
        by = zoom(self._by, step)
        if by == self._by:
            self.notify(
                "Already showing days" if step < 0 else "Already showing months",
                timeout=1.5, markup=False,
            )  # fmt: skip
            return
        self._by = by
        self._load()

    def action_move(self, step: int) -> None:
        desk = self.desk
        if desk is None or self._by is None or self._end is None:
            return
        half = max(1, len(desk.periods) // 2)
        end = shift(self._end, self._by, step * half)
        if desk.last is not None and end > desk.last:
            end = desk.last
        if desk.first is not None and end < desk.first:
            end = desk.first
        if end == self._end:
            self.notify("No more articles that way", timeout=1.5, markup=False)
            return
        self._end = end
        self._load()

    def action_toggle_watch(self) -> None:
        watched = self.session.toggle_watch(self.code)
        if watched is None:
            self.notify("No state store: the watchlist is unavailable", severity="warning",
                        markup=False)  # fmt: skip
            return
        self._watched = watched
        self.notify(
            f"Watching {self.code}" if watched else f"Stopped watching {self.code}",
            timeout=1.5, markup=False,
        )  # fmt: skip
        if self.desk is not None:
            self.query_one("#desk-title", Static).update(desk_title(self.desk, watched))

    def action_mentioned(self) -> None:
        """Pick one of the tickers mentioned with this one and open its desk here."""
        if self.desk is None or not self.desk.co_mentions:
            self.notify("No other ticker is mentioned with it", timeout=1.5, markup=False)
            return
        codes = [code for code, _ in self.desk.co_mentions]
        self.app.push_screen(TickerPickScreen(codes, "Open the desk of"), self._switch_to)

    def _switch_to(self, code: str | None) -> None:
        if code is None or code == self.code:
            return
        self.code = code
        self.desk = None
        self._by = self._end = None
        self._watched = code in self.session.watchlist()
        self.query_one("#desk-title", Static).update(Content.styled(f" {code} ", _CODE_STYLE))
        self._load()

    def action_filter(self) -> None:
        """Back to the reader with its list filtered by this ticker."""
        self.dismiss(None)
        if self._on_filter is not None:
            self._on_filter(self.code)

    @on(ArticleList.Opened)
    def _opened(self, event: ArticleList.Opened) -> None:
        event.stop()
        self.app.push_screen(DeskArticleScreen(self.session, self.article_list))


class DeskArticleScreen(Screen[None]):
    """One of the desk's articles, full screen; esc goes back to the desk."""

    def __init__(self, session: ReaderSession, article_list: ArticleList) -> None:
        super().__init__()
        self.session = session
        self._list = article_list

    def compose(self) -> ComposeResult:
        yield ArticleView(id="desk-article")
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one(ArticleView)
        view.show_placeholder("Loading…")
        view.focus()
        self._load_current()

    def _load_current(self) -> None:
        rowid = self._list.current_rowid
        if rowid is not None:
            self._load(rowid)

    @work(thread=True, exclusive=True, group="desk-article", exit_on_error=False)
    def _load(self, rowid: int) -> None:
        loaded = self.session.load_article(rowid)
        if loaded is not None:
            self.app.call_from_thread(self._show, loaded)

    def _show(self, loaded: LoadedArticle) -> None:
        if loaded.rowid != self._list.current_rowid:
            return
        self.query_one(ArticleView).show_article(loaded.article, loaded.cleaned, ())
        if self.session.mark_read_later(loaded.article.id):
            self._list.invalidate_rows()  # the flag shows at once; it is saved meanwhile

    @on(ArticleView.Leave)
    def _leave(self) -> None:
        self.dismiss(None)

    @on(ArticleView.Step)
    def _step(self, event: ArticleView.Step) -> None:
        self._list.set_cursor(self._list.cursor + event.delta)
        self._load_current()


class TickerPickScreen(ModalScreen[str | None]):
    """Several tickers on an article: pick one (or esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", id="pick.close")]

    def __init__(self, codes: Sequence[str], prompt: str = "Which ticker?") -> None:
        super().__init__()
        self._codes = list(codes)
        self._prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(id="ticker-pick-dialog"):
            yield Static(Content.styled(f"{self._prompt} — enter: choose · esc: close", "bold"))
            yield OptionList(
                *(Option(Content.styled(code, "bold $text-warning"), id=code)
                  for code in self._codes),
                id="ticker-pick-options",
            )  # fmt: skip

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)


class TickerAskScreen(ModalScreen[str | None]):
    """No ticker at hand: type a code, completed from the index's tickers."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", id="ask.close")]

    def __init__(self, known: Sequence[str]) -> None:
        super().__init__()
        self._known = list(known)

    def compose(self) -> ComposeResult:
        with Vertical(id="ticker-ask-dialog"):
            yield Static(Content.styled("Ticker (→ completes) — enter: open · esc: close", "bold"))
            yield Input(
                placeholder="NVDA.O",
                suggester=SuggestFromList(self._known, case_sensitive=False),
                id="ticker-ask-input",
            )
            yield Static("", id="ticker-ask-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        code = normalise_ticker(event.value)
        if code is None:
            self.query_one("#ticker-ask-error", Static).update(
                Content.styled("Not a ticker (try NVDA.O or NVDA)", "$error")
            )
            return
        self.dismiss(code)

    def action_close(self) -> None:
        self.dismiss(None)
