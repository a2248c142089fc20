"""The detail pane: the cleaned article as Content, with clickable tickers and links.

Every piece of text here comes from an index, so it is assembled into ``Content``
objects span by span and never parsed as markup. Ticker and link spans carry our
own meta keys (``ticker``, ``link``), which a click handler reads; they carry no
``@click`` action, so nothing in an article can make the app run an action.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widgets import Static

from tickertape.core.article import Article
from tickertape.ui.matching import match_spans, terms_pattern

if TYPE_CHECKING:
    from tickertape.core.clean import Block, CleanedArticle, Span

TICKER_STYLE = "bold $text-accent underline"
NAME_STYLE = "$text-accent 70% underline"  # a company named in words: dimmer than a ticker
LINK_STYLE = "$text-primary underline"
NUMBER_STYLE = "$text-primary"
MATCH_STYLE = "bold reverse"


def published_line(article: Article) -> Content:
    """``source · Tue 03 Dec 2024, 17:56`` in local time."""
    parts: list[str] = [article.source or "unknown source"]
    if article.published is not None:
        local = article.published.astimezone()
        parts.append(local.strftime("%a %d %b %Y, %H:%M %Z").strip())
    else:
        parts.append("no date")
    return Content.styled(" · ".join(parts), "$text-muted")


def span_content(span: Span) -> Content:
    """One inline span as Content; tickers and links get their meta and style."""
    # Colours stay theme variables (strings, resolved when painted, so a theme change
    # recolours them); the click meta rides on a span of its own.
    text = span.text
    if span.kind in ("ticker", "name") and span.ticker:
        look = NAME_STYLE if span.kind == "name" else TICKER_STYLE
        meta = Style.from_meta({"ticker": span.ticker})
        return Content.styled(text, look).stylize(meta)
    if span.kind == "link" and span.link_number is not None:
        meta = Style.from_meta({"link": span.link_number})
        return Content.assemble(
            Content.styled(text, LINK_STYLE), Content.styled(f" [{span.link_number}]", NUMBER_STYLE)
        ).stylize(meta)
    if span.kind == "emphasis":
        return Content.styled(text, "italic")
    if span.kind == "strong":
        return Content.styled(text, "bold")
    if span.kind == "code":
        return Content.styled(text, "$text-secondary")
    return Content(text)


@dataclass(slots=True, frozen=True)
class Part:
    """A block ready to show: its text, and what starts its first and later lines.

    List items and quotes keep their text clear of the bullet or bar when they wrap
    (a hanging indent): the view wraps them itself, at its own width.
    """

    body: Content
    first: str = ""
    rest: str = ""
    prefix_style: str = "$text-muted"
    run: str = ""  # "item" or "row": parts of one run follow each other with no gap

    def lines(self, width: int) -> Content:
        """The part as text ``width`` cells wide (unwrapped when the width is unknown)."""
        first = Content.styled(self.first, self.prefix_style)
        if not self.first:
            return self.body
        rest = Content.styled(self.rest, self.prefix_style)
        room = width - max(cell_len(self.first), cell_len(self.rest))
        if width <= 0 or room < 10:
            return Content.assemble(first, self.body)
        wrapped = self.body.wrap(room)
        return Content("\n").join(
            Content.assemble(first if index == 0 else rest, line)
            for index, line in enumerate(wrapped)
        )


def block_part(block: Block) -> Part:
    """A block with its prefix: bullets for items, a bar for quotes, bold headings."""
    body = Content.assemble(*(span_content(span) for span in block.spans))
    if block.kind == "heading":
        return Part(body.stylize("bold"))
    if block.kind == "item":
        indent = "  " * max(block.level - 1, 0)
        marker = f"{block.number}. " if block.number else "• "
        return Part(body, indent + marker, " " * cell_len(indent + marker), run="item")
    if block.kind == "quote":
        bar = "▌ " * max(block.level, 1)
        return Part(body.stylize("italic"), bar, bar)
    if block.kind == "pre":
        return Part(body.stylize("$text-secondary"))
    if block.kind == "row":
        return Part(body, run="row")  # cells joined by " │ "
    return Part(body)


def untitled(article: Article, cleaned: CleanedArticle | None) -> str:
    """What stands in for a missing title: the first line of the summary or body."""
    candidates = (
        [article.summary, *(block.text for block in cleaned.blocks[:1])]
        if cleaned
        else [article.summary]
    )
    for text in candidates:
        first = text.strip().split("\n", 1)[0].strip()
        if first:
            return first if cell_len(first) <= 120 else first[:119] + "…"
    return "(no title)"


class ArticleBody(Static):
    """The article's blocks, wrapped at the view's width so items hang indented."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._parts: Sequence[Part] = ()
        self._width = 0

    def show(self, parts: Sequence[Part]) -> None:
        self._parts = parts
        self._width = self.content_region.width if self.is_mounted else 0
        self._paint()

    def _paint(self) -> None:
        pieces: list[Content] = []
        previous: Part | None = None
        for part in self._parts:
            if previous is not None:
                tight = bool(part.run) and part.run == previous.run
                pieces.append(Content("\n" if tight else "\n\n"))
            pieces.append(part.lines(self._width))
            previous = part
        self.update(Content.assemble(*pieces))

    def on_resize(self) -> None:
        width = self.content_region.width
        if width != self._width and self._parts:
            self._width = width
            self._paint()


def highlight(content: Content, pattern: re.Pattern[str] | None) -> Content:
    """Mark every match of the search terms."""
    for start, end in match_spans(pattern, content.plain):
        content = content.stylize(MATCH_STYLE, start, end)
    return content


class ArticleView(VerticalScroll, can_focus=True):
    """Title, source and date, the summary set apart, then the article's blocks."""

    ALLOW_MAXIMIZE = True  # z, or the palette's "Maximize": the article alone on screen

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to list", id="article.leave"),
        Binding("z", "toggle_maximize", "Full screen", id="article.full_screen"),
        Binding("left_square_bracket", "step(-1)", "Previous article", id="article.previous"),
        Binding("right_square_bracket", "step(1)", "Next article", id="article.next"),
        Binding("j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("space", "read_on", "Page, then next unread", show=False, id="article.page"),
    ]

    class TickerChosen(Message):
        """A ticker in the article was clicked."""

        def __init__(self, ticker: str) -> None:
            self.ticker = ticker
            super().__init__()

    class LinkChosen(Message):
        """A numbered link in the article was clicked."""

        def __init__(self, number: int) -> None:
            self.number = number
            super().__init__()

    class Focused(Message):
        """The view took the focus: the user is reading the article."""

    class Leave(Message):
        """Escape: hand the focus back to the list."""

    class PastEnd(Message):
        """Space at the end of the article: go on to the next unread one."""

    def action_read_on(self) -> None:
        if self.scroll_y >= self.max_scroll_y:
            self.post_message(self.PastEnd())
        else:
            self.scroll_page_down(animate=False)

    class Step(Message):
        """Move to the previous (-1) or next (+1) article from inside the view."""

        def __init__(self, delta: int) -> None:
            self.delta = delta
            super().__init__()

    def compose(self) -> ComposeResult:
        yield Static(id="article-title", markup=False)
        yield Static(id="article-meta", markup=False)
        yield Static(id="article-summary", markup=False)
        yield ArticleBody(id="article-body")

    def show_placeholder(self, text: str, hints: Sequence[str] = ()) -> None:
        """An empty state: no article, still loading, or nothing matches (and what
        would: ``hints``, a line each)."""
        self.query_one("#article-title", Static).update(Content.styled(text, "$text-muted"))
        self.query_one("#article-meta", Static).update("")
        self.query_one("#article-summary", Static).display = False
        self.query_one(ArticleBody).show([Part(Content(hint), run="hint") for hint in hints])

    def show_article(
        self, article: Article, cleaned: CleanedArticle, terms: Sequence[str] = ()
    ) -> None:
        from tickertape.core.clean import repeats_summary

        pattern = terms_pattern(terms)
        if cleaned.title:
            title = Content.assemble(*(span_content(span) for span in cleaned.title))
            title = title.stylize("bold")
        elif article.title:
            title = Content.styled(article.title, "bold")
        else:  # dimmed: it is the article's first line, not a title
            title = Content.styled(untitled(article, cleaned), "$text-muted")
        self.query_one("#article-title", Static).update(highlight(title, pattern))
        self.query_one("#article-meta", Static).update(published_line(article))
        summary = self.query_one("#article-summary", Static)
        summary.display = bool(article.summary) and not repeats_summary(
            article.summary, cleaned.blocks
        )
        summary_content = (
            Content.assemble(*(span_content(span) for span in cleaned.summary))
            if cleaned.summary
            else Content(article.summary)
        )
        summary.update(highlight(summary_content, pattern))
        parts = [
            Part(highlight(part.body, pattern), part.first, part.rest, run=part.run)
            for part in map(block_part, cleaned.blocks)
        ]
        if cleaned.truncated:
            parts.append(
                Part(Content.styled("[article truncated: too long to show whole]", "$text-warning"))
            )
        if not parts:
            parts.append(Part(Content.styled("(this article has no content)", "$text-muted")))
        self.query_one(ArticleBody).show(parts)
        self.scroll_home(animate=False)

    def on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        if "ticker" in meta:
            event.stop()
            self.post_message(self.TickerChosen(str(meta["ticker"])))
        elif "link" in meta:
            event.stop()
            self.post_message(self.LinkChosen(int(meta["link"])))

    def on_focus(self) -> None:
        self.post_message(self.Focused())

    def action_leave(self) -> None:
        if self.screen.maximized is not None:
            self.screen.minimize()  # esc steps back one level: full screen, then the list
            return
        self.post_message(self.Leave())

    def action_toggle_maximize(self) -> None:
        """The article alone on the screen, or back beside the list and sidebar."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        else:
            self.screen.maximize(self, container=False)

    def action_step(self, delta: int) -> None:
        self.post_message(self.Step(delta))
