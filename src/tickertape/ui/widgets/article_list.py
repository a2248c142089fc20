"""The list pane: a virtual list that renders only the rows on screen.

It holds an array of row ids (a million is fine) and asks its row source for the
few dozen rows it paints, caching them by page. No DataTable: building one row
object per article would take seconds at this scale.
"""

from __future__ import annotations

import itertools
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar, Self

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region, Size
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
ASCENDING = frozenset({"title", "source"})
"""Sort keys whose natural order is ascending (A→Z); the others start from the top."""


@dataclass(slots=True, frozen=True)
class Column:
    """Where a column sits in a row of a given width."""

    key: str
    start: int
    width: int


WIDE = 110
"""From this list width on, dates always show the time of day."""
TITLE_WANTED = 40
"""The title's share before any other column shrinks: the title gives way last."""
MIN_SOURCE = 8
MIN_TICKERS = 7
"""Room for one code (``NVDA.O``, ``AMZN.OQ``): the tickers column never vanishes."""
MIN_TITLE = 10


def date_width(with_time: bool) -> int:
    """``Dec 03 16:56`` takes 12 cells, ``2025-03-12 16:56`` 16."""
    return 16 if with_time else 12


def layout_columns(width: int, conf_mode: str = "conf", *, with_time: bool = False) -> list[Column]:
    """Column positions for a pane ``width`` cells wide.

    Flags, date, sentiment and confidence keep their size (the confidence column is one
    cell wider when it shows signed scores, ``+1.00``). Of the rest, the tickers column
    gives way first (down to one code), then the source, and the title last; the title
    takes whatever is left over.
    """
    conf_width = 4 if conf_mode == "conf" else 5
    fixed = [
        ("flags", 2), ("date", date_width(with_time)), ("sentiment", 1), ("confidence", conf_width)
    ]  # fmt: skip
    columns: list[Column] = []
    x = 0
    for key, size in fixed:
        columns.append(Column(key, x, size))
        x += size + 1
    room = max(width - x - 2, 0)  # source, title and tickers, and the two gaps between
    tickers = max(MIN_TICKERS, min(22, width // 7))
    source = max(MIN_SOURCE, min(22, width // 8))
    for shrink in ("tickers", "source"):
        excess = TITLE_WANTED + source + tickers - room
        if excess <= 0:
            break
        if shrink == "tickers":
            tickers -= min(excess, tickers - MIN_TICKERS)
        else:
            source -= min(excess, source - MIN_SOURCE)
    if room - source - tickers < MIN_TITLE:  # too narrow for all three: tickers go
        tickers = 0
        room += 1
    title = max(MIN_TITLE, room - source - tickers)
    columns.append(Column("source", x, source))
    x += source + 1
    columns.append(Column("title", x, title))
    x += title + 1
    if tickers:
        columns.append(Column("tickers", x, tickers))
    return columns


def compact_date(
    published_ms: int | None, now: datetime | None = None, *, with_time: bool = False
) -> str:
    """``Dec 03 16:56`` in local time this year; ``2023-12-03``, with the time of day
    (``2023-12-03 16:56``) when ``with_time``."""
    if published_ms is None:
        return "—"
    when = datetime.fromtimestamp(published_ms / 1000).astimezone()
    now = now or datetime.now().astimezone()
    if when.year == now.year:
        return when.strftime("%b %d %H:%M")
    return when.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


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


def shares_dates(rows: Sequence[ArticleRow]) -> bool:
    """Whether neighbouring ``rows`` often fall on the same local day (a quarter of the
    pairs or more): then the day alone tells them apart no more, and the list shows the
    time of day too. A whole feed of one day is the common case."""
    days = [
        datetime.fromtimestamp(row.published_ms / 1000).astimezone().date()
        for row in rows
        if row.published_ms is not None
    ]
    pairs = len(days) - 1
    same = sum(1 for a, b in itertools.pairwise(days) if a == b)
    return pairs > 0 and same * 4 >= pairs


def display_source(source: str) -> str:
    """The source as the list shows it: ``www.`` says nothing and costs four cells."""
    return source[4:] if source[:4].lower() == "www." and len(source) > 4 else source


def fit_tickers(codes: Sequence[str], width: int) -> str:
    """Whole codes that fit, then ``…`` when some are left out; the first code always
    shows (cut with ``…`` only when the column is narrower than it)."""
    shown: list[str] = []
    used = 0
    for index, code in enumerate(codes):
        need = cell_len(code) + (1 if shown else 0)
        more = index + 1 < len(codes)
        if used + need + (1 if more else 0) > width:
            if not shown:
                return _fit(code + ("…" if more else ""), width)
            return _fit(" ".join(shown) + "…", width)
        shown.append(code)
        used += need
    return _fit(" ".join(shown), width)


def untitled_label(row: ArticleRow) -> str:
    """What stands in for a missing title: the first line of the summary or body."""
    for text in (row.summary, row.lead):
        first = text.strip().split("\n", 1)[0].strip()
        if first:
            return first
    return "(no title)"


class ListHeader(Widget):
    """Column titles above the list; clicking one sorts by it.

    The arrow shows the direction of the order: ``▲`` ascending (A→Z, oldest or lowest
    first), ``▼`` descending.
    """

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
    with_time: reactive[bool] = reactive(False)
    conf_mode: reactive[str] = reactive("conf")

    def columns(self) -> list[Column]:
        """The columns as the list below lays them out (it has a scrollbar cell)."""
        return layout_columns(self.size.width - 1, self.conf_mode, with_time=self.with_time)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.rich_style
        if y != 0:
            return Strip.blank(width, style)
        line = [" "] * width
        for column in self.columns():
            label = SORT_LABELS.get(column.key, column.key.capitalize())
            if column.key == "flags":
                label = ""
            if column.key == "confidence":
                label = CONF_MODES.get(self.conf_mode, "Conf")
                if self.sort_key in ("confidence", "score"):
                    sorted_by = "Conf" if self.sort_key == "confidence" else "Scr"
                    label = sorted_by + ("▼" if not self.reverse else "▲")
            elif column.key == self.sort_key:
                label += "▲" if (column.key in ASCENDING) != self.reverse else "▼"
            text = _fit(label, column.width)
            line[column.start : column.start + column.width] = list(text)
        return Strip([Segment("".join(line)[:width], style)], width)

    def on_click(self, event: events.Click) -> None:
        for column in self.columns():
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


class ListPane(Vertical):
    """The column titles and the list, kept in step when the list changes its columns."""

    def on_article_list_columns_changed(self, event: ArticleList.ColumnsChanged) -> None:
        self.query_one(ListHeader).with_time = event.with_time


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
        Binding("z", "full_screen", "Full screen", id="list.full_screen"),
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
        "article-list--story",
        "article-list--starred",
        "article-list--match",
        "article-list--untitled",
        "article-list--empty",
        "article-list--hint",
    }

    # Colours come from the theme only; rows resolve them against the list's own
    # background (see _style), so "auto" and translucent colours read in light themes.
    DEFAULT_CSS = """
    ArticleList { scrollbar-size-vertical: 1; overflow-x: hidden; scrollbar-gutter: stable; }
    ArticleList > .article-list--cursor { background: $block-cursor-blurred-background; }
    ArticleList:focus > .article-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    ArticleList > .article-list--date { color: $foreground-muted; }
    ArticleList > .article-list--positive { color: $text-success; }
    ArticleList > .article-list--negative { color: $text-error; }
    ArticleList > .article-list--neutral { color: $foreground-muted; }
    ArticleList > .article-list--unknown { color: $foreground-muted; }
    ArticleList > .article-list--source { color: $text-secondary; }
    ArticleList > .article-list--tickers { color: $text-accent; }
    ArticleList > .article-list--unread { color: $text-primary; }
    ArticleList > .article-list--unread-title { text-style: bold; }
    ArticleList > .article-list--starred { color: $text-warning; }
    ArticleList > .article-list--story { color: $text-accent; }
    ArticleList > .article-list--match { text-style: bold reverse; }
    ArticleList > .article-list--untitled { color: $foreground-muted; text-style: italic; }
    ArticleList > .article-list--empty { text-style: bold; }
    ArticleList > .article-list--hint { color: $foreground-muted; }
    """

    cursor: reactive[int] = reactive(0, always_update=False)

    class Highlighted(Message):
        """The cursor moved to another article (None: the list is empty)."""

        def __init__(self, rowid: int | None) -> None:
            self.rowid = rowid
            super().__init__()

    class ColumnsChanged(Message):
        """The date column switched between day only and day with time of day."""

        def __init__(self, with_time: bool) -> None:
            self.with_time = with_time
            super().__init__()

    class Opened(Message):
        """The user asked to read the article under the cursor (``z``: full screen)."""

        def __init__(self, rowid: int, *, maximize: bool = False) -> None:
            self.rowid = rowid
            self.maximize = maximize
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
        full_screen: bool = True,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._full_screen = full_screen
        self._clock = clock or (lambda: datetime.now(UTC))
        self._row_source = row_source
        self._flag_source = flag_source
        self._rowids: Sequence[int] = ()
        self._pages: OrderedDict[int, list[ArticleRow | None]] = OrderedDict()
        self._flags: dict[str, tuple[bool, bool]] = {}
        self._highlight: re.Pattern[str] | None = None
        self._new: set[int] = set()
        self._last_posted: int | None = -1
        self._styles: dict[str, Style] = {}
        self._shared_dates = False
        self.with_time = False
        self._empty: Sequence[str] = ()
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
        """Show ``rowids``; the cursor stays on article ``keep`` when it is still there,
        on the same line of the screen (rows arriving above it scroll in out of sight)."""
        line = self.cursor - int(self.scroll_y) if self._rowids else -1
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
        height = self.scrollable_content_region.height
        if target and 0 <= line < height and target - line != int(self.scroll_y):
            self.scroll_to(y=max(0, target - line), animate=False, immediate=True)
        self._shared_dates = shares_dates(
            [row for row in (self.row_at(i) for i in range(min(len(rowids), PAGE))) if row]
        )
        self._update_columns()
        self.set_cursor(target, force=True)
        self.refresh()

    def set_conf_mode(self, mode: str) -> None:
        """What the confidence column shows: ``conf``, ``score`` or ``both``."""
        if mode != self._conf_mode:
            self._conf_mode = mode
            self.refresh()

    def set_empty_text(self, lines: Sequence[str]) -> None:
        """What an empty list says: what happened first, then what to do about it."""
        self._empty = lines
        self.refresh()

    def _update_columns(self) -> None:
        """Show the time of day in a wide list, or when the day alone repeats."""
        with_time = self._shared_dates or self.scrollable_content_region.width >= WIDE
        if with_time != self.with_time:
            self.with_time = with_time
            self.post_message(self.ColumnsChanged(with_time))
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if repaint:  # a new theme repaints; Textual drops its own style cache here too
            self._styles.clear()
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _style(self, name: str) -> Style:
        """A component's style with its colours blended onto the list's background.

        Rich styles carry no alpha: unblended, a translucent colour is drawn solid. (An
        "auto" colour such as ``$text-muted`` is resolved by Textual against no
        background at all, which made it white on a light theme's white: the rows use
        ``$foreground-muted`` instead.)
        """
        style = self._styles.get(name)
        if style is None:
            styles = self.get_component_styles(f"article-list--{name}")
            background = self.background_colors[1]
            bgcolor = None
            if styles.has_rule("background"):
                background = background + styles.background
                bgcolor = background.rich_color
            color = None
            if styles.has_rule("color"):
                color = (background + styles.color).rich_color
            style = Style(color=color, bgcolor=bgcolor) + styles.text_style
            self._styles[name] = style
        return style

    def invalidate_rows(self) -> None:
        """Forget cached rows and flags (after a refresh or a state change)."""
        self._pages.clear()
        self._flags.clear()
        self.refresh()

    def set_new(self, rowids: set[int]) -> None:
        """Mark these articles as new since the last run (◆ instead of ●)."""
        self._new = rowids
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

    def action_open(self, maximize: bool = False) -> None:
        rowid = self.current_rowid
        if rowid is not None:
            self.post_message(self.Opened(rowid, maximize=maximize))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Where ``z`` means something else (the desk zooms its chart), the list's
        full-screen key is neither offered nor shown."""
        return self._full_screen or action != "full_screen"

    def action_full_screen(self) -> None:
        """Read the article under the cursor with the whole screen."""
        self.action_open(maximize=True)

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_y)
        if 0 <= index < len(self._rowids):
            self.set_cursor(index)
            if event.chain >= 2:
                self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._rowids))
        self._update_columns()
        self._scroll_to_cursor()

    # -- rendering ----------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_y)
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = self.row_at(index)
        if row is None:
            if not self._rowids and 0 < y <= len(self._empty):
                name = "empty" if y == 1 else "hint"
                text = _fit(self._empty[y - 1], max(width - 2, 0))
                line = [Segment("  " + text, base + self._style(name))]
                return Strip(line).extend_cell_length(width, base).crop(0, width)
            return Strip.blank(width, base)
        on_cursor = index == self.cursor
        if on_cursor:
            base = base + self._style("cursor")
        read, starred = self._flags.get(row.id, (False, False))
        segments: list[Segment] = []
        x = 0
        for column in layout_columns(width, self._conf_mode, with_time=self.with_time):
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
            return base + self._style(name)

        key, width = column.key, column.width
        if key == "flags":
            star = Segment("★" if starred else " ", style("starred", glyph=True))
            mark = " " if read else "◆" if row.rowid in self._new else "●"
            dot = Segment(mark, style("unread", glyph=True))
            return [star, dot]
        if key == "date":
            now = self._clock().astimezone()
            date = compact_date(row.published_ms, now, with_time=self.with_time)
            return [Segment(_fit(date, width), style("date"))]
        if key == "sentiment":  # the direction, whatever the label says
            glyph = GLYPHS.get(row.sentiment, "?")
            name = row.sentiment if row.sentiment in GLYPHS else "unknown"
            return [Segment(glyph, style(name, glyph=True))]
        if key == "confidence":
            return [Segment(conf_cell(row.confidence, row.score, width), base)]
        if key == "source":
            return [Segment(_fit(display_source(row.source) or "—", width), style("source"))]
        if key == "tickers":
            return [Segment(fit_tickers(row.tickers, width), style("tickers"))]
        if not row.title:
            return [Segment(_fit(untitled_label(row), width), style("untitled"))]
        title_style = base if read else style("unread-title", glyph=True)
        if row.versions > 1:  # a story: +N more versions, from S sources
            marker = f"+{row.versions - 1}·{row.sources} "
            rest = max(width - len(marker), 0)
            return [
                Segment(marker[:width], style("story", glyph=True)),
                *self._highlighted(_fit(row.title, rest), title_style),
            ]
        return self._highlighted(_fit(row.title, width), title_style)

    def _highlighted(self, text: str, style: Style) -> list[Segment]:
        if self._highlight is None:
            return [Segment(text, style)]
        match_style = style + self._style("match")
        segments: list[Segment] = []
        position = 0
        for start, end in match_spans(self._highlight, text):
            segments.append(Segment(text[position:start], style))
            segments.append(Segment(text[start:end], match_style))
            position = end
        segments.append(Segment(text[position:], style))
        return segments
