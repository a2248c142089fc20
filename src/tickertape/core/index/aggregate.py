"""Counting over a result: facets for the sidebar, stats for ``tickertape stats``, and
per-ticker figures, each one ``GROUP BY`` over the query's ``WHERE``."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from tickertape.core.index.schema import TICKER_DAYS_KEY, meta_int
from tickertape.core.index.select import Derived
from tickertape.core.sentiment import DIRECTION_NAMES, family_keys, label_direction

if TYPE_CHECKING:
    from tickertape.core.query import CompiledQuery

# What one (article, ticker) row adds to the ticker's mean sentiment: the record's own
# score for the ticker, else the article's score, else +1/0/-1 from its direction.
_SCORE_SQL: Final = (
    "coalesce(t.score, a.score, CASE a.sentiment WHEN 'positive' THEN 1.0 "
    "WHEN 'negative' THEN -1.0 WHEN 'neutral' THEN 0.0 END)"
)
_MONTH_SQL: Final = "coalesce(strftime('%Y-%m', a.published / 1000, 'unixepoch'), '')"


@dataclass(slots=True, frozen=True)
class Facets:
    """Values of the current result with their counts, most frequent first."""

    total: int
    tickers: tuple[tuple[str, int], ...]
    sources: tuple[tuple[str, int], ...]
    sentiments: tuple[tuple[str, int], ...]  # directions ("" for none), then labels
    languages: tuple[tuple[str, int], ...]


def _where(query: CompiledQuery | None) -> tuple[str, tuple[object, ...]]:
    return ("1", ()) if query is None else (query.where, query.params)


def facets(conn: sqlite3.Connection, query: CompiledQuery | None, limit: int) -> Facets:
    """Tickers, sources, sentiments and languages of the result, most frequent first."""
    where, params = _where(query)
    total = conn.execute(f"SELECT count(*) FROM articles AS a WHERE {where}", params).fetchone()
    return Facets(
        int(total[0]),
        _group(conn, "t.code", where, params, limit, tickers=True),
        _group(conn, "a.source", where, params, limit),
        _sentiment_facets(conn, where, params, limit),
        _group(conn, "a.language", where, params, limit),
    )


def stats(
    conn: sqlite3.Connection, query: CompiledQuery | None
) -> dict[str, list[tuple[str, int]]]:
    """Counts by source, sentiment (direction), label (as written), language, ticker
    (top 20) and month (YYYY-MM)."""
    where, params = _where(query)
    return {
        "source": list(_group(conn, "a.source", where, params, None)),
        "sentiment": list(_group(conn, "a.sentiment", where, params, None)),
        "label": [(label, n) for _, label, n in _labels(conn, where, params) if label],
        "language": list(_group(conn, "a.language", where, params, None)),
        "ticker": list(_group(conn, "t.code", where, params, 20, tickers=True)),
        "month": list(_group(conn, _MONTH_SQL, where, params, None, by_key=True)),
    }


VALUE_COLUMNS: Final = {
    "sentiment": "a.sentiment", "label": "a.label", "source": "a.source",
    "language": "a.language",
}  # fmt: skip


def values(conn: sqlite3.Connection, field: str, limit: int | None) -> tuple[tuple[str, int], ...]:
    """The values one field takes across the index, most frequent first."""
    return _group(conn, VALUE_COLUMNS[field], "1", (), limit)


def ticker_stats(conn: sqlite3.Connection, derived: Derived) -> dict[str, tuple[int, float | None]]:
    """code -> (articles mentioning it, mean sentiment over those that have one).

    An article counts with the score its record gives the ticker, else its own score,
    else +1/0/-1 from its direction; articles with none are left out.
    """
    if derived.ticker_stats is None and meta_int(conn, TICKER_DAYS_KEY) == 1:
        # The per-ticker totals (core/index/ticker_days.py), when they are complete.
        derived.ticker_stats = {
            code: (int(n), float(total) / scored if scored else None)
            for code, n, total, scored in conn.execute(
                "SELECT code, articles, score_sum, scored FROM ticker_totals WHERE bare = 0"
            )
        }
    if derived.ticker_stats is None:
        derived.ticker_stats = {
            code: (int(n), None if score is None else float(score))
            for code, n, score in conn.execute(
                f"SELECT t.code, count(*), avg({_SCORE_SQL}) FROM tickers AS t "
                "JOIN articles AS a ON a.rowid = t.rowid GROUP BY t.code"
            )
        }
    return dict(derived.ticker_stats)


def ticker_means(
    conn: sqlite3.Connection, query: CompiledQuery | None, codes: Sequence[str]
) -> dict[str, float | None]:
    """The mean sentiment of each of ``codes`` over the articles ``query`` selects
    (counted as in :func:`ticker_stats`); None for a ticker none of them scores."""
    where, params = _where(query)
    means: dict[str, float | None] = dict.fromkeys(codes)
    if not codes:
        return means
    marks = ",".join("?" * len(codes))
    for code, mean in conn.execute(
        f"SELECT t.code, avg({_SCORE_SQL}) FROM tickers AS t JOIN articles AS a "
        f"ON a.rowid = t.rowid WHERE t.code IN ({marks}) AND {where} GROUP BY t.code",
        (*codes, *params),
    ):
        means[str(code)] = None if mean is None else float(mean)
    return means


def value_columns(conn: sqlite3.Connection) -> tuple[bool, bool]:
    """Whether any article has a confidence, and whether any has a score but no
    confidence: what the list's Conf/Score column will show."""
    row = conn.execute(
        "SELECT EXISTS(SELECT 1 FROM articles WHERE confidence IS NOT NULL), "
        "EXISTS(SELECT 1 FROM articles WHERE confidence IS NULL AND score IS NOT NULL)"
    ).fetchone()
    return bool(row[0]), bool(row[1])


def _labels(
    conn: sqlite3.Connection, where: str, params: tuple[object, ...]
) -> list[tuple[str, str, int]]:
    """(label key, its most common spelling, count) of the result's labels, most
    frequent first."""
    sql = (
        "SELECT a.label_key, a.label, count(*) FROM articles AS a "
        f"WHERE ({where}) AND a.label_key != '' GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2"
    )
    found: dict[str, tuple[str, int]] = {}
    for key, label, n in conn.execute(sql, params):
        spelling, total = found.get(str(key), (str(label), 0))
        found[str(key)] = (spelling, total + int(n))
    ranked = sorted(found.items(), key=lambda item: (-item[1][1], item[0]))
    return [(key, spelling, n) for key, (spelling, n) in ranked]


def _sentiment_facets(
    conn: sqlite3.Connection, where: str, params: tuple[object, ...], limit: int
) -> tuple[tuple[str, int], ...]:
    """Directions first, then labels that are more than a direction's name. A plain
    label counts its graded forms too (Bullish with Somewhat-Bullish), as choosing it
    does in a query."""
    directions = _group(conn, "a.sentiment", where, params, limit)
    labels = _labels(conn, where, params)
    counts = {key: n for key, _, n in labels}
    shown: list[tuple[str, int]] = []
    for key, label, _ in labels:
        if key in DIRECTION_NAMES or label_direction(label) == "":
            continue
        shown.append((label, sum(counts.get(k, 0) for k in family_keys(key))))
    shown.sort(key=lambda item: -item[1])
    return directions + tuple(shown[:limit])


def added_since(conn: sqlite3.Connection, when: float) -> set[int]:
    """Rowids of the articles that entered the cache after ``when`` (unix seconds)."""
    return {
        rowid for (rowid,) in conn.execute("SELECT rowid FROM details WHERE added > ?", (when,))
    }


def count_added_since(conn: sqlite3.Connection, when: float) -> int:
    """How many articles entered the cache after ``when``: counted in SQL, where
    :func:`added_since` builds a set of every rowid (a second at 100k after a rebuild)."""
    return int(conn.execute("SELECT count(*) FROM details WHERE added > ?", (when,)).fetchone()[0])


def _group(
    conn: sqlite3.Connection, expr: str, where: str, params: tuple[object, ...],
    limit: int | None, *, tickers: bool = False, by_key: bool = False,
) -> tuple[tuple[str, int], ...]:  # fmt: skip
    source = "tickers AS t JOIN articles AS a ON a.rowid = t.rowid" if tickers else "articles AS a"
    order = "1 DESC" if by_key else "2 DESC, 1"
    sql = f"SELECT {expr}, count(*) FROM {source} WHERE {where} GROUP BY 1 ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return tuple((str(key), int(n)) for key, n in conn.execute(sql, params))
