"""``W``: the watched tickers, one row each — unread, new since the last run, the last 7
days against the 7 before, the mean sentiment with an arrow, and a 30-day sparkline.

Enter filters the reader's list by the ticker, ``T`` opens its desk, ``+`` stops
watching it. The rows are counted in a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, ListItem, ListView, Sparkline, Static

from tickertape.desk import SPARK_DAYS, Watchlist, WatchRow, load_watchlist

if TYPE_CHECKING:
    from tickertape.session import ReaderSession

# What the screen returns: ("filter" | "desk", code), or None for esc.
WatchChoice = tuple[str, str]


def _mean_cell(mean: float | None, before: float | None) -> Content:
    """``+0.42 ↑`` (against the 7 days before), ``-`` without a sentiment."""
    if mean is None:
        return Content.styled("    -  ", "$text-muted")
    style = "$success" if mean > 0.05 else "$error" if mean < -0.05 else "$text-muted"
    arrow = " "
    if before is not None:
        arrow = "↑" if mean > before + 0.05 else "↓" if mean < before - 0.05 else "→"
    return Content.assemble((f"{mean:+.2f}", style), f" {arrow} ")


def row_content(row: WatchRow, name_width: int) -> Content:
    """The text part of a row: code, name, unread, new, 7d vs previous 7d, mean."""
    name = (row.name or "")[:name_width].ljust(name_width)
    change = row.last7 - row.prev7
    change_style = "$success" if change > 0 else "$error" if change < 0 else "$text-muted"
    return Content.assemble(
        (f"{row.code:<9}", "bold $text-warning"), " ",
        (name + " " if name_width else "", ""),
        (f"{row.unread:>6,}", "$text-accent" if row.unread else "$text-muted"), " ",
        (f"{row.new:>4,}", "$text-accent" if row.new else "$text-muted"), " ",
        (f"{row.last7:>5,}", "bold"), (f" {change:+4d} ", change_style),
        _mean_cell(row.mean7, row.prev_mean7),
    )  # fmt: skip


def header_content(name_width: int) -> Content:
    name = "Name".ljust(name_width) + " " if name_width else ""
    return Content.styled(
        f"{'Ticker':<9} {name}{'Unread':>6} {'New':>4} {'7d':>5} {'vs7':>5} {'Mean7d':<8}"
        f"{SPARK_DAYS} days",
        "bold $text-muted",
    )


class WatchlistLoaded(Message):
    def __init__(self, watchlist: Watchlist) -> None:
        self.watchlist = watchlist
        super().__init__()


class WatchlistScreen(Screen[WatchChoice | None]):
    """The watchlist; dismisses with what to do with the chosen ticker."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,W", "close", "Close", id="watch.close"),
        Binding("enter", "choose('filter')", "Filter list", id="watch.filter"),
        Binding("T", "choose('desk')", "Ticker desk", id="watch.desk"),
        Binding("plus,delete", "unwatch", "Stop watching", id="watch.remove"),
    ]

    def __init__(self, session: ReaderSession, *, today: Callable[[], date]) -> None:
        super().__init__()
        self.session = session
        self._today = today
        self.watchlist: Watchlist | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="watchlist-dialog"):
            yield Static(Content.styled("Watchlist", "bold"), id="watchlist-title")
            yield Static("", id="watchlist-header", markup=False)
            yield ListView(id="watchlist-rows")
            yield Static("Counting…", id="watchlist-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ListView).focus()
        self._load()

    def _name_width(self) -> int:
        return 0 if self.app.size.width < 100 else 20

    @work(thread=True, exclusive=True, group="watchlist", exit_on_error=False)
    def _load(self) -> None:
        index = self.session.index
        if index is None:
            return
        codes = self.session.watchlist()
        loaded = load_watchlist(index, codes, self._today(), self.session.previous_run)
        self.post_message(WatchlistLoaded(loaded))

    def on_watchlist_loaded(self, event: WatchlistLoaded) -> None:
        watchlist = event.watchlist
        keep = self._current_code()
        self.watchlist = watchlist
        width = self._name_width()
        self.query_one("#watchlist-header", Static).update(header_content(width))
        view = self.query_one(ListView)
        view.clear()
        for row in watchlist.rows:
            view.append(
                ListItem(
                    Horizontal(
                        Static(row_content(row, width), classes="watch-text", markup=False),
                        Sparkline(row.daily, summary_function=max, classes="watch-spark"),
                        classes="watch-row",
                    ),
                    name=row.code,
                )
            )
        codes = [row.code for row in watchlist.rows]
        if codes:
            view.index = codes.index(keep) if keep in codes else 0
        note = self.query_one("#watchlist-note", Static)
        if not watchlist.rows:
            note.update(
                Content.styled(
                    "Nothing watched yet: + on an article, the ticker desk or in the facets "
                    "adds a ticker.",
                    "$text-muted",
                )
            )
            return
        end = f"{watchlist.end:%Y-%m-%d}"
        text = (
            f"Periods end at the newest article ({end}): the index is older than today."
            if watchlist.anchored
            else f"Periods end today ({end})."
        )
        note.update(
            Content.assemble(
                (text, "$warning" if watchlist.anchored else "$text-muted"),
                ("  enter: filter · T: desk · +: stop watching · esc: close", "$text-muted"),
            )
        )

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        self.action_choose("filter")

    def _current_code(self) -> str | None:
        item = self.query_one(ListView).highlighted_child
        return item.name if item is not None else None

    def action_choose(self, what: str) -> None:
        code = self._current_code()
        if code is not None:
            self.dismiss((what, code))

    def action_unwatch(self) -> None:
        code = self._current_code()
        if code is None:
            return
        watched = self.session.toggle_watch(code)
        if watched is not None:
            self.notify(f"Stopped watching {code}" if not watched else f"Watching {code}",
                        timeout=1.5, markup=False)  # fmt: skip
        self._load()

    def action_close(self) -> None:
        self.dismiss(None)
