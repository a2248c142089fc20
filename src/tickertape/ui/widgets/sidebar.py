"""The metadata sidebar: everything known about the selected article, at a glance."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tickertape.core.article import Article
from tickertape.core.links import display_link
from tickertape.core.sanitize import visible_path
from tickertape.core.sentiment import score_direction

GLYPHS = {
    "positive": ("▲", "$text-success"),
    "negative": ("▼", "$text-error"),
    "neutral": ("■", "$text-muted"),
}
BAR_WIDTH = 12


def describe_age(when: datetime, now: datetime) -> str:
    """``3 days ago``: the relative half of the published line."""
    seconds = (now - when).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("year", 31_536_000), ("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    return "just now"


def confidence_bar(confidence: float) -> Content:
    """A bar of eighths and the number: ``██████▍     0.53``."""
    eighths = round(confidence * BAR_WIDTH * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return Content.assemble((bar.ljust(BAR_WIDTH), "$text-primary"), (" ", ""), f"{confidence:.2f}")


def sentiment_content(direction: str, label: str = "") -> Content:
    """The glyph of the direction and the label as written, with the direction when
    the label does not say it plainly (``▲ Somewhat-Bullish  positive``)."""
    if not label and not direction:
        return Content.styled("? none", "$text-muted")
    glyph, style = GLYPHS.get(direction, ("?", "$text-warning"))
    if not label:
        return Content.assemble(
            (f"{glyph} {direction}", style), ("  from the score", "$text-muted")
        )
    if label.lower() == direction:
        return Content.styled(f"{glyph} {label}", style)
    note = direction or "unknown label"
    return Content.assemble((f"{glyph} {label}", style), (f"  {note}", "$text-muted"))


def score_content(score: float) -> Content:
    """A signed score, coloured by its direction: ``▼ -0.42``."""
    glyph, style = GLYPHS[score_direction(score)]
    return Content.styled(f"{glyph} {score:+.2f}", style)


class Sidebar(VerticalScroll):
    """Source, dates, language, sentiment, confidence, tickers, link, images, id, file."""

    def compose(self) -> ComposeResult:
        yield Static(id="sidebar-body", markup=False)

    def show_article(
        self,
        article: Article,
        ticker_stats: Mapping[str, tuple[int, float | None]],
        *,
        now: datetime | None = None,
    ) -> None:
        now = now or datetime.now(UTC)
        sections: list[tuple[str, Content]] = []
        sections.append(("Source", Content(article.source or "—")))
        if article.published is not None:
            utc = article.published.astimezone(UTC)
            sections.append(
                (
                    "Published",
                    Content.assemble(
                        utc.strftime("%Y-%m-%d %H:%M UTC"),
                        "\n",
                        (describe_age(utc, now), "$text-muted"),
                    ),
                )
            )
        else:
            sections.append(("Published", Content.styled("unknown", "$text-muted")))
        sections.append(("Language", Content(article.language or "—")))
        sections.append(
            ("Sentiment", sentiment_content(article.sentiment, article.sentiment_label))
        )
        if article.confidence is not None:
            sections.append(("Confidence", confidence_bar(article.confidence)))
        else:
            sections.append(("Confidence", Content.styled("—", "$text-muted")))
        if article.score is not None:
            sections.append(("Score", score_content(article.score)))
        if article.tickers:
            given = {ticker.code: ticker for ticker in article.given_tickers}
            lines = []
            for code in article.tickers:
                count, average = ticker_stats.get(code, (0, None))
                mood = ""
                if average is not None:
                    mood = f" {GLYPHS[score_direction(average)][0]}{average:+.2f}"
                here = given.get(code)
                if here is not None and here.score is not None:
                    mood += f" (here {here.score:+.2f})"
                lines.append(
                    Content.assemble(
                        (code, "bold $text-warning"),
                        (f"  {count:,} article{'s' if count != 1 else ''}{mood}", "$text-muted"),
                    )
                )
            sections.append(("Tickers", Content("\n").join(lines)))
        sections.append(("Link", Content(display_link(article.link) if article.link else "—")))
        if article.images:
            sections.append(
                (
                    "Images",
                    Content("\n").join(
                        Content(f"{n}. {display_link(url)}")
                        for n, url in enumerate(article.images, 1)
                    ),
                )
            )
        sections.append(("Id", Content(article.id)))
        sections.append(("File", Content(visible_path(article.path))))
        for key, value in article.extra.items():
            sections.append((key, Content(value)))
        if article.warnings:
            sections.append(
                (
                    "Warnings",
                    Content("\n").join(
                        Content.styled(w, "$text-warning") for w in article.warnings
                    ),
                )
            )
        body = Content("\n\n").join(
            Content.assemble((title.upper(), "bold $text-muted"), "\n", value)
            for title, value in sections
        )
        self.query_one("#sidebar-body", Static).update(body)

    def clear(self) -> None:
        self.query_one("#sidebar-body", Static).update("")
