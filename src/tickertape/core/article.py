"""The Article record, and the Problem record that says what went wrong reading one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tickertape.core.sanitize import visible_path
from tickertape.core.tickers import TickerMatch

KNOWN_SENTIMENTS = ("positive", "negative", "neutral")
"""The directions an article's ``sentiment`` can hold (see ``core.sentiment``)."""


@dataclass(slots=True, frozen=True)
class Problem:
    """One thing wrong with one file: shown in the warnings view and on stderr.

    ``path`` is relative to the index root; ``field`` names the article field, or
    ``"file"`` when the file as a whole is at fault.
    """

    path: str
    field: str
    reason: str

    def __str__(self) -> str:
        """The message with its path; a control character in a name shown as an escape."""
        return f"{visible_path(self.path)}: {self.field}: {self.reason}"

    def short(self) -> str:
        """The message without the path: for the article's own list of warnings."""
        return f"{self.field}: {self.reason}"


@dataclass(slots=True, frozen=True)
class GivenTicker:
    """A ticker a record lists itself, with the sentiment the feed gives it.

    Alpha Vantage writes ``ticker_sentiment: [{ticker, ticker_sentiment_score,
    ticker_sentiment_label, relevance_score}]``: these are used as given, not
    recomputed from the article.
    """

    code: str
    score: float | None = None
    label: str = ""
    relevance: float | None = None


@dataclass(slots=True)
class Article:
    """One news article, every text field already sanitised.

    ``content`` stays raw HTML (cleaned only when displayed, by ``clean``);
    ``published`` is an aware UTC datetime or ``None``. ``sentiment_label`` is the
    label as the file writes it; ``sentiment`` its direction, one of
    :data:`KNOWN_SENTIMENTS` (from the label, else from the sign of ``score``), or
    ``""`` when there is none. ``score`` is a signed sentiment score in [-1, 1].
    ``given_tickers`` are the tickers a record lists with their own sentiment; their
    codes are in ``tickers`` too. ``tickers`` are the codes of ``ticker_matches``, which
    also say how each was found (empty for an article rebuilt from a source that did
    not keep it).
    """

    id: str
    path: str
    link: str = ""
    source: str = ""
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    language: str = ""
    sentiment: str = ""
    confidence: float | None = None
    images: list[str] = field(default_factory=list)
    tickers: list[str] = field(default_factory=list)
    ticker_matches: list[TickerMatch] = field(default_factory=list)
    content: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    ordinal: int = 0  # position of the record within its file (JSON Lines); 0 for article files
    sentiment_label: str = ""
    score: float | None = None
    given_tickers: tuple[GivenTicker, ...] = ()


def ticker_how(article: Article, code: str) -> str:
    """How ``code`` was found in ``article``: link, symbol, name or given."""
    for match in article.ticker_matches:
        if match.code == code:
            return match.how
    return "symbol"


def format_published(when: datetime | None) -> str | None:
    """ISO 8601 in UTC ending in ``Z``, with milliseconds only when there are any."""
    if when is None:
        return None
    when = when.astimezone(UTC)
    if when.microsecond:
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
