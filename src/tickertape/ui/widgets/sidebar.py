"""The metadata sidebar: everything known about the selected article, at a glance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from rich.cells import cell_len
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
    glyph, style = GLYPHS.get(direction, ("?", "$text-secondary"))
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
    """What a trader reads first at the top: sentiment, confidence and score, the
    tickers with their sentiment; then source, date, language and link; then the rest
    (images, id, file, extra keys, warnings)."""

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
            here = {t.code: t.score for t in article.given_tickers if t.score is not None}
            wide = self.content_region.width >= 30
            content = tickers_content(article.tickers, ticker_stats, here, wide=wide)
            sections.append(("Tickers", content))
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
        self._show(sections)

    def show_hints(self, title: str, hints: Sequence[tuple[str, str]]) -> None:
        """No article to show: say what the keys can do about it instead of nothing."""
        lines = [
            Content.assemble((key, "bold $text-accent"), "  ", (text, "$text-muted"))
            for key, text in hints
        ]
        self._show([(title, Content("\n").join(lines))])

    def _show(self, sections: Sequence[tuple[str, Content]]) -> None:
        body = Content("\n\n").join(
            Content.assemble((title.upper(), "bold $text-muted"), "\n", value)
            for title, value in sections
        )
        self.query_one("#sidebar-body", Static).update(body)
        self.scroll_home(animate=False)

    def clear(self) -> None:
        self.query_one("#sidebar-body", Static).update("")


def tickers_content(
    codes: Sequence[str],
    ticker_stats: Mapping[str, tuple[int, float | None]],
    here: Mapping[str, float] | None = None,
    *,
    wide: bool = True,
) -> Content:
    """A line a ticker: its code, the mean sentiment of the articles that mention it,
    how many do (``NVDA.O  ▲+0.17  6 articles``; the count alone when narrow), and the
    article's own score for it when the record gives one (``here ▼-0.40``)."""
    width = max((cell_len(code) for code in codes), default=0)
    lines = []
    for code in codes:
        count, average = ticker_stats.get(code, (0, None))
        mood = Content.styled("  –   ", "$text-muted")
        if average is not None:
            glyph, style = GLYPHS[score_direction(average)]
            mood = Content.styled(f"{glyph}{average:+.2f}", style)
        noun = (" article" if count == 1 else " articles") if wide else ""
        line = Content.assemble(
            (code.ljust(width), "bold $text-accent"),
            "  ",
            mood,
            (f"  {count:,}{noun}", "$text-muted"),
        )
        score = (here or {}).get(code)
        if score is not None:
            glyph, style = GLYPHS[score_direction(score)]
            line = Content.assemble(
                line, ("  here ", "$text-muted"), (f"{glyph}{score:+.2f}", style)
            )
        lines.append(line)
    return Content("\n").join(lines)
