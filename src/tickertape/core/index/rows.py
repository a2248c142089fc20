"""Reading records back out of the cache: list rows, cached articles, problems.

The list pane asks for a page of rows at a time, by rowid; nothing here touches the
index's files (see ``articles.py`` for that).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar, cast

from tickertape.core.article import Article, Problem
from tickertape.core.index.schema import ORDER_FROM, from_ms
from tickertape.core.tickers import How, TickerMatch

T = TypeVar("T")
# Well under SQLite's bound-parameter limit.
_CHUNK: Final = 500
_ROW_COLUMNS: Final = (
    "a.rowid, a.id, a.rel, d.link, a.source, d.title, d.summary, a.published, a.language, "
    "a.sentiment, a.confidence, a.tickers, a.n_warnings, a.score, d.lead"
)
ARTICLE_COLUMNS: Final = (
    "a.rowid, a.id, a.rel, a.ordinal, d.link, a.source, d.title, d.summary, a.published, "
    "a.language, a.sentiment, a.confidence, a.tickers, d.images, d.extra, d.warnings, "
    "a.label, a.score"
)
"""The columns :func:`article_from_row` reads, in its order."""


@dataclass(slots=True, frozen=True)
class ArticleRow:
    """What the list pane and ``tickertape list`` need of an article: no body."""

    rowid: int
    id: str
    rel: str
    link: str
    source: str
    title: str
    summary: str
    published_ms: int | None
    language: str
    sentiment: str  # the direction; "" for none
    confidence: float | None
    tickers: tuple[str, ...]
    n_warnings: int
    score: float | None = None
    lead: str = ""
    """The body's first line, kept only for an article with no title and no summary."""
    versions: int = 1
    """Versions of the article's story (set by the reader's session when collapsed)."""
    sources: int = 1
    """Distinct sources among those versions."""


def rows(conn: sqlite3.Connection, rowids: Sequence[int]) -> list[ArticleRow]:
    """The list rows of ``rowids``, in the given order (unknown rowids are left out)."""
    return _fetch(conn, rowids, _ROW_COLUMNS, _row_from_record)


def articles(conn: sqlite3.Connection, rowids: Sequence[int]) -> list[Article]:
    """Cached articles (every field but ``content``) in the given order, with how
    each ticker was found."""
    hows = _ticker_hows(conn, rowids)

    def make(row: Sequence[Any]) -> Article:
        article = article_from_row(row)
        found = hows.get(row[0], {})
        article.ticker_matches = [
            TickerMatch(code, cast(How, found.get(code, "symbol"))) for code in article.tickers
        ]
        return article

    return _fetch(conn, rowids, ARTICLE_COLUMNS, make)


def _ticker_hows(conn: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, dict[str, str]]:
    """``{rowid: {code: how}}`` from the tickers table, a chunk at a time."""
    hows: dict[int, dict[str, str]] = {}
    wanted = list(rowids)
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        for rowid, code, how in conn.execute(
            f"SELECT rowid, code, how FROM tickers WHERE rowid IN ({marks})", part
        ):
            hows.setdefault(rowid, {})[code] = how
    return hows


def _fetch(
    conn: sqlite3.Connection,
    rowids: Sequence[int],
    columns: str,
    make: Callable[[Sequence[Any]], T],
) -> list[T]:
    """``make`` applied to each row of ``rowids``, in the given order, a chunk at a time."""
    found: dict[int, T] = {}
    wanted = list(rowids)
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        for row in conn.execute(
            f"SELECT {columns} FROM {ORDER_FROM} WHERE a.rowid IN ({marks})", part
        ):
            found[row[0]] = make(row)
    return [found[r] for r in wanted if r in found]


def problems(conn: sqlite3.Connection) -> list[Problem]:
    """Every file-level and article-level problem, by path."""
    found = [
        Problem(rel, field_, reason)
        for rel, field_, reason in conn.execute(
            "SELECT rel, field, reason FROM problems ORDER BY rel, rowid"
        )
    ]
    for rel, warnings, claim in conn.execute(
        "SELECT a.rel, d.warnings, a.claim FROM articles AS a JOIN details AS d "
        "ON d.rowid = a.rowid WHERE a.claim IS NOT NULL"
    ):
        for warning in json.loads(warnings):
            if warning.startswith(f"id: '{claim}' "):
                found.append(Problem(rel, "id", warning[4:]))
    found.sort(key=lambda p: p.path)
    return found


def _row_from_record(row: Sequence[Any]) -> ArticleRow:
    """A list row from a ``_ROW_COLUMNS`` record."""
    return ArticleRow(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
        row[8], row[9], row[10], tuple(row[11].split()), row[12] or 0, row[13], row[14] or "",
    )  # fmt: skip


def article_from_row(row: Sequence[object]) -> Article:
    """An article (no ``content``) from an :data:`ARTICLE_COLUMNS` record."""
    (
        _, article_id, rel, ordinal, link, source, title, summary, published, language,
        sentiment, confidence, tickers, images, extra, warnings, label, score,
    ) = row[:18]  # fmt: skip
    return Article(
        id=str(article_id),
        path=str(rel),
        link=str(link),
        source=str(source),
        title=str(title),
        summary=str(summary),
        published=from_ms(published if isinstance(published, int) else None),
        language=str(language),
        sentiment=str(sentiment),
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        images=list(json.loads(str(images))),
        tickers=str(tickers).split(),
        extra=dict(json.loads(str(extra))),
        warnings=list(json.loads(str(warnings))),
        ordinal=int(ordinal) if isinstance(ordinal, int) else 0,
        sentiment_label=str(label),
        score=float(score) if isinstance(score, int | float) else None,
    )
