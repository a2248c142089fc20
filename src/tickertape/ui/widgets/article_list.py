"""The list pane: a virtual list that renders only the rows on screen.

It holds an array of row ids (a million is fine) and asks its row source for the
few dozen rows it paints, caching them by page. No DataTable: building one row
object per article would take seconds at this scale.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from tickertape.core.index import ArticleRow
from tickertape.ui.matching import match_spans, terms_pattern

RowSource = Callable[[Sequence[int]], list[ArticleRow]]
FlagSource = Callable[[Sequence[str]], dict[str, tuple[bool, bool]]]

PAGE = 128
CACHE_PAGES = 64
GLYPHS = {"positive": "▲", "negative": "▼", "neutral": "■"}
SORT_LABELS = {
    "date": "Date",
    "sentiment": "S",
    "confidence": "Conf",
    "source": "Source",
    "title": "Title",
}
# What the confidence column holds, and its title: confidences only, signed scores
# only, or both (the score where an article has no confidence).
CONF_MODES = {"conf": "Conf", "score": "Score", "both": "Cf/Sc"}


@dataclass(slots=True, frozen=True)
class Column:
    """Where a column sits in a row of a given width."""

    key: str
    start: int
    width: int


def layout_columns(width: int, conf_mode: str = "conf") -> list[Column]:
    """Column positions for a pane ``width`` cells wide; the title takes what is left.

    The confidence column is one cell wider when it shows signed scores (``+1.00``).
    """
    conf_width = 4 if conf_mode == "conf" else 5
    fixed = [("flags", 2), ("date", 12), ("sentiment", 1), ("confidence", conf_width)]
    source_width = max(8, min(22, width // 8))
    tickers_width = 0 if width < 90 else max(8, min(22, width // 9))
    columns: list[Column] = []
    x = 0
    for key, size in fixed:
        columns.append(Column(key, x, size))
        x += size + 1
    columns.append(Column("source", x, source_width))
    x += source_width + 1
    title_width = max(10, width - x - (tickers_width + 1 if tickers_width else 0))
    columns.append(Column("title", x, title_width))
    x += title_width + 1
    if tickers_width:
        columns.append(Column("tickers", x, tickers_width))
    return columns


def compact_date(published_ms: int | None, now: datetime | None = None) -> str:
    """``Dec 03 16:56`` in local time this year, ``2023-12-03`` otherwise."""
    if published_ms is None:
        return "—"
    when = datetime.fromtimestamp(published_ms / 1000).astimezone()
    now = now or datetime.now().astimezone()
    if when.year == now.year:
        return when.strftime("%b %d %H:%M")
    return when.strftime("%Y-%m-%d")


def _fit(text: str, width: int) -> str:
    if cell_len(text) > width:
        return set_cell_size(text, max(width - 1, 0)) + "…"
    return set_cell_size(text, width)


def conf_cell(confidence: float | None, score: float | None, width: int) -> str:
    """`` .93`` for a confidence, ``-.42`` for a signed score (always with its sign,
    so a column holding both still tells them apart), `` - `` for neither."""
    if confidence is not None:
        text = f"{confidence:.2f}"
    elif score is not None:
        text = f"{score:+.2f}"
    else:
        return "  - ".ljust(width)
    text = text.replace("0.", ".", 1) if text.lstrip("+-").startswith("0.") else text
    return text.rjust(width)


class ListHeader(Widget):
    """Column titles above the list; clicking one sorts by it."""

    DEFAULT_CSS = """
    ListHeader { height: 1; }
    """

    class SortClicked(Message):
        """A column title was clicked."""

        def __init__(self, key: str) -> None:
            self.key = key
            super().__init__()

    sort_key: reactive[str] = reactive("date")
    reverse: reactive[bool] = reactive(False)
    conf_mode: reactive[str] = reactive("conf")

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.rich_style
        if y != 0:
            return Strip.blank(width, style)
        line = [" "] * width
        for column in layout_columns(width - 1, self.conf_mode):
            label = SORT_LABELS.get(column.key, column.key.capitalize())
            if column.key == "flags":
                label = ""
            if column.key == "confidence":
                label = CONF_MODES.get(self.conf_mode, "Conf")
                if self.sort_key in ("confidence", "score"):
                    sorted_by = "Conf" if self.sort_key == "confidence" else "Scr"
                    label = sorted_by + ("▼" if not self.reverse else "▲")
            elif column.key == self.sort_key:
                label += "▼" if not self.reverse else "▲"
            text = _fit(label, column.width)
            line[column.start : column.start + column.width] = list(text)
        return Strip([Segment("".join(line)[:width], style)], width)

    def on_click(self, event: events.Click) -> None:
        for column in layout_columns(self.size.width - 1, self.conf_mode):
            if column.start <= event.x < column.start + column.width + 1:
                key = column.key
                if key == "confidence" and (
                    self.conf_mode == "score"
                    or (self.conf_mode == "both" and self.sort_key == "confidence")
                ):
                    key = "score"  # a second click on Cf/Sc sorts by the score
                if key in SORT_LABELS or key == "score":
                    self.post_message(self.SortClicked(key))
                return


class ArticleList(ScrollView, can_focus=True):
    """One line an article: flags, date, sentiment, confidence, source, title, tickers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Previous", show=False, id="list.up"),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("g,home", "first", "First article", show=False, id="list.first"),
        Binding("G,end", "last", "Last article", show=False, id="list.last"),
        Binding("enter", "open", "Read", id="list.open"),
    ]

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--date",
        "article-list--positive",
        "article-list--negative",
        "article-list--neutral",
        "article-list--unknown",
        "article-list--source",
        "article-list--tickers",
        "article-list--unread",
        "article-list--unread-title",
        "article-list--starred",
        "article-list--match",
    }

    DEFAULT_CSS = """
    ArticleList { scrollbar-size-vertical: 1; overflow-x: hidden; scrollbar-gutter: stable; }
    ArticleList > .article-list--cursor { background: $block-cursor-blurred-background; }
    ArticleList:focus > .article-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    ArticleList > .article-list--date { color: $text-muted; }
    ArticleList > .article-list--positive { color: $success; }
    ArticleList > .article-list--negative { color: $error; }
    ArticleList > .article-list--neutral { color: $text-muted; }
    ArticleList > .article-list--unknown { color: $warning; }
    ArticleList > .article-list--source { color: $text-secondary; }
    ArticleList > .article-list--tickers { color: $warning; }
    ArticleList > .article-list--unread { color: $text-accent; }
    ArticleList > .article-list--unread-title { text-style: bold; }
        ArticleList > .article-list--starred { color: $warning; }
    ArticleList > .article-list--match { text-style: bold reverse; }
    """

    cursor: reactive[int] = reactive(0, always_update=False)

    class Highlighted(Message):
        """The cursor moved to another article (None: the list is empty)."""

        def __init__(self, rowid: int | None) -> None:
            self.rowid = rowid
            super().__init__()

    class Opened(Message):
        """The user asked to read the article under the cursor."""

        def __init__(self, rowid: int) -> None:
            self.rowid = rowid
            super().__init__()

    def __init__(
        self,
        row_source: RowSource,
        flag_source: FlagSource,
        *,
        clock: Callable[[], datetime] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._row_source = row_source
        self._flag_source = flag_source
        self._rowids: Sequence[int] = ()
        self._pages: OrderedDict[int, list[ArticleRow | None]] = OrderedDict()
        self._flags: dict[str, tuple[bool, bool]] = {}
        self._highlight: re.Pattern[str] | None = None
        self._new: set[int] = set()
        self._last_posted: int | None = -1
        self._conf_mode = "conf"

    # -- data ---------------------------------------------------------------

    @property
    def rowids(self) -> Sequence[int]:
        return self._rowids

    @property
    def current_rowid(self) -> int | None:
        if 0 <= self.cursor < len(self._rowids):
            return self._rowids[self.cursor]
        return None

    def current_row(self) -> ArticleRow | None:
        return self.row_at(self.cursor) if self.current_rowid is not None else None

    def set_rowids(self, rowids: Sequence[int], *, keep: int | None = None) -> None:
        """Show ``rowids``; the cursor stays on article ``keep`` when it is still there."""
        self._rowids = rowids
        self._pages.clear()
        self._flags.clear()
        self.virtual_size = Size(self.size.width, len(rowids))
        target = 0
        if keep is not None:
            try:
                target = rowids.index(keep)
            except ValueError:
                target = 0
        self.set_cursor(target, force=True)
        self.refresh()

    def invalidate_rows(self) -> None:
        """Forget cached rows and flags (after a refresh or a state change)."""
        self._pages.clear()
        self._flags.clear()
        self.refresh()

    def set_new(self, rowids: set[int]) -> None:
        """Mark these articles as new since the last run (◆ instead of ●)."""
        self._new = rowids
        self.refresh()

    def set_conf_mode(self, mode: str) -> None:
        """What the confidence column shows: ``conf``, ``score`` or ``both``."""
        if mode != self._conf_mode:
            self._conf_mode = mode
            self.refresh()

    def set_highlight(self, terms: Sequence[str]) -> None:
        """Mark these search terms in titles (ignoring case and accents, as search does)."""
        self._highlight = terms_pattern(terms)
        self.refresh()

    def row_at(self, index: int) -> ArticleRow | None:
        if not 0 <= index < len(self._rowids):
            return None
        page_number = index // PAGE
        page = self._pages.get(page_number)
        if page is None:
            start = page_number * PAGE
            ids = list(self._rowids[start : start + PAGE])
            # By rowid, never by position: a rowid the cache no longer has (another
            # process renumbered the rows) leaves a blank line, not the next row's text.
            found = {row.rowid: row for row in self._row_source(ids)}
            page = [found.get(rowid) for rowid in ids]
            self._pages[page_number] = page
            if len(self._pages) > CACHE_PAGES:
                self._pages.popitem(last=False)
            self._flags.update(self._flag_source([row.id for row in found.values()]))
        else:
            self._pages.move_to_end(page_number)
        offset = index % PAGE
        return page[offset] if offset < len(page) else None

    # -- cursor -------------------------------------------------------------

    def set_cursor(self, index: int, *, force: bool = False) -> None:
        count = len(self._rowids)
        index = max(0, min(index, count - 1)) if count else 0
        self.cursor = index
        self._scroll_to_cursor()
        rowid = self.current_rowid
        if force or rowid != self._last_posted:
            self._last_posted = rowid
            self.post_message(self.Highlighted(rowid))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height or 1
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.set_cursor(self.cursor - 1)

    def action_page_down(self) -> None:
        self.set_cursor(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.set_cursor(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.set_cursor(0)

    def action_last(self) -> None:
        self.set_cursor(len(self._rowids) - 1)

    def action_open(self) -> None:
        rowid = self.current_rowid
        if rowid is not None:
            self.post_message(self.Opened(rowid))

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_y)
        if 0 <= index < len(self._rowids):
            self.set_cursor(index)
            if event.chain >= 2:
                self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._rowids))
        self._scroll_to_cursor()

    # -- rendering ----------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_y)
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, base)
        on_cursor = index == self.cursor
        if on_cursor:
            base = base + self.get_component_rich_style("article-list--cursor")
        read, starred = self._flags.get(row.id, (False, False))
        segments: list[Segment] = []
        x = 0
        for column in layout_columns(width, self._conf_mode):
            if column.start > x:
                segments.append(Segment(" " * (column.start - x), base))
            segments.extend(
                self._cell(column, row, read=read, starred=starred, base=base, plain=on_cursor)
            )
            x = column.start + column.width
        if x < width:
            segments.append(Segment(" " * (width - x), base))
        return Strip(segments).crop(0, width)

    def _cell(
        self,
        column: Column,
        row: ArticleRow,
        *,
        read: bool,
        starred: bool,
        base: Style,
        plain: bool,
    ) -> list[Segment]:
        """One cell; on the cursor row (``plain``) only the glyphs keep their colours."""

        def style(name: str, *, glyph: bool = False) -> Style:
            if plain and not glyph:
                return base
            return base + self.get_component_rich_style(f"article-list--{name}", partial=True)

        key, width = column.key, column.width
        if key == "flags":
            star = Segment("★" if starred else " ", style("starred", glyph=True))
            mark = " " if read else "◆" if row.rowid in self._new else "●"
            dot = Segment(mark, style("unread", glyph=True))
            return [star, dot]
        if key == "date":
            date = compact_date(row.published_ms, self._clock().astimezone())
            return [Segment(_fit(date, width), style("date"))]
        if key == "sentiment":  # the direction, whatever the label says
            glyph = GLYPHS.get(row.sentiment, "?")
            name = row.sentiment if row.sentiment in GLYPHS else "unknown"
            return [Segment(glyph, style(name, glyph=True))]
        if key == "confidence":
            return [Segment(conf_cell(row.confidence, row.score, width), base)]
        if key == "source":
            return [Segment(_fit(row.source or "—", width), style("source"))]
        if key == "tickers":
            return [Segment(_fit(" ".join(row.tickers), width), style("tickers"))]
        title_style = base if read else style("unread-title", glyph=True)
        return self._highlighted(_fit(row.title or "(no title)", width), title_style)

    def _highlighted(self, text: str, style: Style) -> list[Segment]:
        if self._highlight is None:
            return [Segment(text, style)]
        match_style = style + self.get_component_rich_style("article-list--match", partial=True)
        segments: list[Segment] = []
        position = 0
        for start, end in match_spans(self._highlight, text):
            segments.append(Segment(text[position:start], style))
            segments.append(Segment(text[start:end], match_style))
            position = end
        segments.append(Segment(text[position:], style))
        return segments
