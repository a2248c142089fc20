"""The detail pane: the cleaned article as Content, with clickable tickers and links.

Every piece of text here comes from an index, so it is assembled into ``Content``
objects span by span and never parsed as markup. Ticker and link spans carry our
own meta keys (``ticker``, ``link``), which a click handler reads; they carry no
``@click`` action, so nothing in an article can make the app run an action.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

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

TICKER_STYLE = "bold $text-warning underline"
NAME_STYLE = "$text-warning 70% underline"  # a company named in words: dimmer than a ticker
LINK_STYLE = "$text-accent underline"
NUMBER_STYLE = "$text-accent"
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
    text = span.text
    if span.kind in ("ticker", "name") and span.ticker:
        look = NAME_STYLE if span.kind == "name" else TICKER_STYLE
        style = Style.parse(look) + Style.from_meta({"ticker": span.ticker})
        return Content.styled(text, style)
    if span.kind == "link" and span.link_number is not None:
        meta = Style.from_meta({"link": span.link_number})
        return Content.assemble(
            Content.styled(text, Style.parse(LINK_STYLE) + meta),
            Content.styled(f" [{span.link_number}]", Style.parse(NUMBER_STYLE) + meta),
        )
    if span.kind == "emphasis":
        return Content.styled(text, "italic")
    if span.kind == "strong":
        return Content.styled(text, "bold")
    if span.kind == "code":
        return Content.styled(text, "$text-secondary")
    return Content(text)


def block_content(block: Block) -> Content:
    """A block with its prefix: bullets for items, a bar for quotes, bold headings."""
    body = Content.assemble(*(span_content(span) for span in block.spans))
    indent = "  " * max(block.level - 1, 0) if block.kind == "item" else ""
    if block.kind == "heading":
        return body.stylize("bold")
    if block.kind == "item":
        return Content.assemble(indent, ("• ", "$text-muted"), body)
    if block.kind == "quote":
        return Content.assemble(("▌ ", "$text-muted"), body.stylize("italic"))
    if block.kind == "pre":
        return body.stylize("$text-secondary")
    return body  # paragraphs, and table rows (cells joined by " │ ")


def highlight(content: Content, pattern: re.Pattern[str] | None) -> Content:
    """Mark every match of the search terms."""
    for start, end in match_spans(pattern, content.plain):
        content = content.stylize(MATCH_STYLE, start, end)
    return content


class ArticleView(VerticalScroll, can_focus=True):
    """Title, source and date, the summary set apart, then the article's blocks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to list", id="article.leave"),
        Binding("left_square_bracket", "step(-1)", "Previous article", id="article.previous"),
        Binding("right_square_bracket", "step(1)", "Next article", id="article.next"),
        Binding("j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("space", "page_down", "Page down", show=False, id="article.page"),
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

    class Step(Message):
        """Move to the previous (-1) or next (+1) article from inside the view."""

        def __init__(self, delta: int) -> None:
            self.delta = delta
            super().__init__()

    def compose(self) -> ComposeResult:
        yield Static(id="article-title", markup=False)
        yield Static(id="article-meta", markup=False)
        yield Static(id="article-summary", markup=False)
        yield Static(id="article-body", markup=False)

    def show_placeholder(self, text: str) -> None:
        """An empty state: no article, still loading, or nothing matches."""
        self.query_one("#article-title", Static).update(Content.styled(text, "$text-muted"))
        self.query_one("#article-meta", Static).update("")
        self.query_one("#article-summary", Static).display = False
        self.query_one("#article-body", Static).update("")

    def show_article(
        self, article: Article, cleaned: CleanedArticle, terms: Sequence[str] = ()
    ) -> None:
        pattern = terms_pattern(terms)
        title = (
            Content.assemble(*(span_content(span) for span in cleaned.title))
            if cleaned.title
            else Content(article.title or "(no title)")
        )
        self.query_one("#article-title", Static).update(highlight(title.stylize("bold"), pattern))
        self.query_one("#article-meta", Static).update(published_line(article))
        summary = self.query_one("#article-summary", Static)
        summary.display = bool(article.summary)
        summary_content = (
            Content.assemble(*(span_content(span) for span in cleaned.summary))
            if cleaned.summary
            else Content(article.summary)
        )
        summary.update(highlight(summary_content, pattern))
        parts = [highlight(block_content(block), pattern) for block in cleaned.blocks]
        if cleaned.truncated:
            parts.append(
                Content.styled("[article truncated: too long to show whole]", "$text-warning")
            )
        if not parts:
            parts.append(Content.styled("(this article has no content)", "$text-muted"))
        self.query_one("#article-body", Static).update(Content("\n\n").join(parts))
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
        self.post_message(self.Leave())

    def action_step(self, delta: int) -> None:
        self.post_message(self.Step(delta))
