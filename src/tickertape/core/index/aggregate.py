"""Counting over a result: facets for the sidebar, stats for ``tickertape stats``, and
per-ticker figures, each one ``GROUP BY`` over the query's ``WHERE``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from tickertape.core.index.select import Derived

if TYPE_CHECKING:
    from tickertape.core.query import CompiledQuery

_SCORE_SQL: Final = (
    "CASE a.sentiment WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -1.0 "
    "WHEN 'neutral' THEN 0.0 END"
)
_MONTH_SQL: Final = "coalesce(strftime('%Y-%m', a.published / 1000, 'unixepoch'), '')"


@dataclass(slots=True, frozen=True)
class Facets:
    """Values of the current result with their counts, most frequent first."""

    total: int
    tickers: tuple[tuple[str, int], ...]
    sources: tuple[tuple[str, int], ...]
    sentiments: tuple[tuple[str, int], ...]
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
        _group(conn, "a.sentiment", where, params, limit),
        _group(conn, "a.language", where, params, limit),
    )


def stats(
    conn: sqlite3.Connection, query: CompiledQuery | None
) -> dict[str, list[tuple[str, int]]]:
    """Counts by source, sentiment, language, ticker (top 20) and month (YYYY-MM)."""
    where, params = _where(query)
    return {
        "source": list(_group(conn, "a.source", where, params, None)),
        "sentiment": list(_group(conn, "a.sentiment", where, params, None)),
        "language": list(_group(conn, "a.language", where, params, None)),
        "ticker": list(_group(conn, "t.code", where, params, 20, tickers=True)),
        "month": list(_group(conn, _MONTH_SQL, where, params, None, by_key=True)),
    }


def ticker_stats(conn: sqlite3.Connection, derived: Derived) -> dict[str, tuple[int, float | None]]:
    """code -> (articles mentioning it, mean sentiment +1/0/-1 over labelled ones)."""
    if derived.ticker_stats is None:
        derived.ticker_stats = {
            code: (int(n), None if score is None else float(score))
            for code, n, score in conn.execute(
                f"SELECT t.code, count(*), avg({_SCORE_SQL}) FROM tickers AS t "
                "JOIN articles AS a ON a.rowid = t.rowid GROUP BY t.code"
            )
        }
    return dict(derived.ticker_stats)


def added_since(conn: sqlite3.Connection, when: float) -> set[int]:
    """Rowids of the articles that entered the cache after ``when`` (unix seconds)."""
    return {
        rowid for (rowid,) in conn.execute("SELECT rowid FROM details WHERE added > ?", (when,))
    }


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
