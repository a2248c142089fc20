"""Per-ticker, per-day counts kept beside the ``tickers`` table (``ticker_days``).

The desk's figures without a query (``tickers``, ``trend``, the ticker screen's chart
and counts, the watchlist's days) are sums over these rows instead of one ``GROUP BY``
over every ticker row joined to ``articles``: at 100k articles the whole-index
summaries went from about a second of CPU to milliseconds.

Each article counts once per row it belongs to, exactly as the joins in
:mod:`~tickertape.core.index.ticker_stats` count it: rows with ``bare = 0`` are keyed
by the listing (``NVDA.O``), rows with ``bare = 1`` by the bare symbol (``NVDA``), and
an article naming two listings of one symbol counts once for the symbol, with the mean
of its scores for them. An article's score is its own score for the ticker, else its
score, else +1/0/-1 from its direction; the rows keep the sum and how many were scored.

The rows are maintained by the refresh in the transactions that change ``articles``:
the days an added or removed article falls on are counted again from the base tables
(:func:`recount`), and ``ticker_totals`` (one row per key, the sums of its days) again
for the keys those days hold. A first build bulk-loads without them and counts everything once at
the end (:func:`rebuild`); until then ``meta.ticker_days`` is 0 and readers use the
joins (:func:`ready`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Final

from tickertape.core.index.aggregate import _SCORE_SQL
from tickertape.core.index.schema import TICKER_DAYS_KEY as META_KEY
from tickertape.core.index.schema import meta_int, published_ms, set_meta

DAY_SQL: Final = "coalesce(date(a.published / 1000.0, 'unixepoch'), '')"
"""An article's day (UTC, ISO), ``''`` for none; ``/ 1000.0`` so that a time just
before midnight before 1970 is not rounded into the next day."""
_SECOND_MS: Final = 1000
_DAY_MS: Final = 86_400_000
MAX_RECOUNT_DAYS: Final = 400
"""More changed days than this in one transaction: counting everything is cheaper."""



def _insert_sql(column: str, where: str) -> str:
    """Count the articles ``where`` selects into rows keyed by ``column`` (``code`` or
    ``base``): one row per article and key first (scores of its listings averaged)."""
    bare = 1 if column == "base" else 0
    return (
        "INSERT INTO ticker_days(bare, code, day, articles, positive, negative, neutral, "
        "score_sum, scored, first, last) "
        f"SELECT {bare}, code, day, count(*), sum(sentiment = 'positive'), "
        "sum(sentiment = 'negative'), sum(sentiment = 'neutral'), total(s), count(s), "
        "min(published), max(published) FROM ("
        f"SELECT t.{column} AS code, {DAY_SQL} AS day, a.sentiment AS sentiment, "
        f"a.published AS published, {_SCORE_SQL.replace('t.score', 'avg(t.score)')} AS s "
        f"FROM articles AS a CROSS JOIN tickers AS t ON t.rowid = a.rowid WHERE {where} "
        f"GROUP BY a.rowid, t.{column}"
        ") GROUP BY code, day"
    )


_TOTALS_SQL: Final = (
    "INSERT INTO ticker_totals(bare, code, articles, positive, negative, neutral, score_sum, "
    "scored, first, last) SELECT bare, code, sum(articles), sum(positive), sum(negative), "
    "sum(neutral), total(score_sum), sum(scored), min(first), max(last) FROM ticker_days"
)


def ready(conn: sqlite3.Connection) -> bool:
    """Whether the rows are complete (not during or after an unfinished first build)."""
    return meta_int(conn, META_KEY) == 1


def mark_stale(conn: sqlite3.Connection) -> None:
    """A bulk load starts: the rows are not kept up to date until :func:`rebuild`."""
    set_meta(conn, META_KEY, 0)


def rebuild(conn: sqlite3.Connection) -> None:
    """Count every article again (inside the caller's transaction)."""
    conn.execute("DELETE FROM ticker_days")
    for column in ("code", "base"):
        conn.execute(_insert_sql(column, "1"))
    conn.execute("DELETE FROM ticker_totals")
    conn.execute(f"{_TOTALS_SQL} GROUP BY bare, code")
    set_meta(conn, META_KEY, 1)


def days_of(conn: sqlite3.Connection, rowids: Iterable[int]) -> set[str]:
    """The days of these articles (call it before deleting them)."""
    days: set[str] = set()
    wanted = list(rowids)
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        marks = ",".join("?" * len(part))
        days.update(
            str(day)
            for (day,) in conn.execute(
                f"SELECT DISTINCT {DAY_SQL} FROM articles AS a WHERE a.rowid IN ({marks})", part
            )
        )
    return days


def recount(conn: sqlite3.Connection, days: Iterable[str]) -> None:
    """Count the articles of these days again (inside the caller's transaction, after
    it changed them); a no-op while the rows are stale (the build counts them all)."""
    wanted = sorted(set(days))
    if not wanted or not ready(conn):
        return
    if len(wanted) > MAX_RECOUNT_DAYS:
        rebuild(conn)
        return
    params: tuple[object, ...]
    keys: set[tuple[int, str]] = set()
    held = "SELECT DISTINCT bare, code FROM ticker_days WHERE day = ?"
    for day in wanted:
        keys.update(conn.execute(held, (day,)))
        conn.execute("DELETE FROM ticker_days WHERE day = ?", (day,))
        if day == "":
            where, params = "a.published IS NULL", ()
        else:
            # The published index narrows to the day (a second either side), the day
            # expression decides.
            start = published_ms(datetime.combine(date.fromisoformat(day), time(), UTC))
            assert start is not None
            where = f"a.published >= ? AND a.published < ? AND {DAY_SQL} = ?"
            params = (start - _SECOND_MS, start + _DAY_MS + _SECOND_MS, day)
        for column in ("code", "base"):
            conn.execute(_insert_sql(column, where), params)
        keys.update(conn.execute(held, (day,)))
    for bare, code in keys:
        conn.execute("DELETE FROM ticker_totals WHERE bare = ? AND code = ?", (bare, code))
        conn.execute(
            f"{_TOTALS_SQL} WHERE bare = ? AND code = ? GROUP BY bare, code", (bare, code)
        )
