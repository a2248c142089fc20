"""The Article record, and the Problem record that says what went wrong reading one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

KNOWN_SENTIMENTS = ("positive", "negative", "neutral")


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
        return f"{self.path}: {self.field}: {self.reason}"

    def short(self) -> str:
        """The message without the path: for the article's own list of warnings."""
        return f"{self.field}: {self.reason}"


@dataclass(slots=True)
class Article:
    """One news article, every text field already sanitised.

    ``content`` stays raw HTML (cleaned only when displayed, by ``clean``);
    ``published`` is an aware UTC datetime or ``None``; ``sentiment`` is one of
    :data:`KNOWN_SENTIMENTS`, an unknown label as given, or ``""``.
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
    content: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    ordinal: int = 0  # position of the record within its file (JSON Lines); 0 for article files


def format_published(when: datetime | None) -> str | None:
    """ISO 8601 in UTC ending in ``Z``, with milliseconds only when there are any."""
    if when is None:
        return None
    when = when.astimezone(UTC)
    if when.microsecond:
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
