"""Per-ticker aggregates for the ticker desk and ``tickertape tickers``/``trend``.

Without a query (or with only a start date) the figures are sums over the per-day
rows of ``ticker_days`` (:mod:`~tickertape.core.index.ticker_days`); with one, each is
one ``GROUP BY`` over the ``tickers`` table joined to ``articles``. A ticker's mean
sentiment counts each article as :func:`~tickertape.core.index.aggregate.ticker_means`
does: the record's own score for the ticker, else the article's score, else +1/0/-1
from its direction.

A code with an exchange suffix (``NVDA.O``) matches that listing; a bare symbol
(``NVDA``) matches every listing of it, as ``ticker:`` does in a query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from tickertape.core.index import ticker_days
from tickertape.core.index.aggregate import _SCORE_SQL
from tickertape.core.index.schema import from_ms, published_ms

if TYPE_CHECKING:
    from tickertape.core.query import CompiledQuery

PERIODS: Final = ("day", "week", "month")

# The first day of an article's period, as an ISO date (UTC); weeks start on Monday.
_BUCKET_SQL: Final = {
    "day": "date(a.published / 1000.0, 'unixepoch')",
    "week": "date(a.published / 1000.0, 'unixepoch', 'weekday 0', '-6 days')",
    "month": "date(a.published / 1000.0, 'unixepoch', 'start of month')",
}
# The same for a ``ticker_days`` row's day.
_DAY_BUCKET_SQL: Final = {
    "day": "day",
    "week": "date(day, 'weekday 0', '-6 days')",
    "month": "date(day, 'start of month')",
}
_DAY_COUNTS_SQL: Final = (
    "sum(articles), sum(positive), sum(negative), sum(neutral), total(score_sum), sum(scored)"
)
_COUNTS_SQL: Final = (
    "count(*), sum(a.sentiment = 'positive'), sum(a.sentiment = 'negative'), "
    f"sum(a.sentiment = 'neutral'), avg({_SCORE_SQL})"
)
# Articles first, each probing its few ticker rows: both are read in rowid order. SQLite
# chose to walk the tickers by code and probe an article for each row, in no order: at
# 100k articles (179k ticker rows) the summaries took 2.2-2.7 s that way against 5-6 s
# on the same loaded machine.
_JOIN: Final = "articles AS a CROSS JOIN tickers AS t ON t.rowid = a.rowid"


def _one_ticker(code: str) -> str:
    """``t`` as one row per article mentioning ``code`` (a bare symbol may match several
    listings of one article), joined to ``a``; its one parameter is the code."""
    return (
        "(SELECT rowid, avg(score) AS score FROM tickers "
        f"WHERE {ticker_column(code).removeprefix('t.')} = ? GROUP BY rowid) AS t "
        "JOIN articles AS a ON a.rowid = t.rowid"
    )


@dataclass(slots=True, frozen=True)
class TickerSummary:
    """One ticker over the articles a query selects."""

    code: str
    articles: int
    positive: int
    negative: int
    neutral: int
    mean: float | None
    first: datetime | None
    last: datetime | None


@dataclass(slots=True, frozen=True)
class Period:
    """One period of a ticker's trend: its first day and what its articles say."""

    start: date
    articles: int
    positive: int
    negative: int
    neutral: int
    mean: float | None
    scored: int = 0
    """How many of the articles have a sentiment (the mean is over these)."""


def ticker_column(code: str) -> str:
    """The ``tickers`` column a code is matched on: the listing, or every listing."""
    return "t.code" if "." in code else "t.base"


def _bare(code: str) -> int:
    """The ``ticker_days.bare`` of a code: 0 for a listing, 1 for every listing of it."""
    return 0 if "." in code else 1


def _mean(score_sum: float | None, scored: int | None) -> float | None:
    return float(score_sum or 0.0) / scored if scored else None


def _day_since(since: datetime | None) -> tuple[bool, str | None]:
    """Whether the ``ticker_days`` rows can answer for ``since`` (a midnight, UTC, or
    none), and the first day it lets in (None for no bound)."""
    if since is None:
        return True, None
    since = since.astimezone(UTC)
    return since.time() == datetime.min.time(), since.date().isoformat()


def _where(query: CompiledQuery | None, since: datetime | None) -> tuple[str, tuple[object, ...]]:
    where, params = ("1", ()) if query is None else (f"({query.where})", query.params)
    if since is not None:
        where += " AND a.published >= ?"
        params = (*params, published_ms(since))
    return where, params


def summaries(
    conn: sqlite3.Connection, query: CompiledQuery | None, since: datetime | None = None
) -> list[TickerSummary]:
    """Every ticker of the selected articles, most mentioned first (then by code)."""
    whole_days, day = _day_since(since)
    if query is None and whole_days and ticker_days.ready(conn):
        return _day_summaries(conn, day)
    where, params = _where(query, since)
    sql = (
        f"SELECT t.code, {_COUNTS_SQL}, min(a.published), max(a.published) FROM {_JOIN} "
        f"WHERE {where} GROUP BY t.code ORDER BY 2 DESC, 1"
    )
    return [
        TickerSummary(
            str(code),
            int(n),
            int(pos or 0),
            int(neg or 0),
            int(neu or 0),
            None if mean is None else float(mean),
            from_ms(first),
            from_ms(last),
        )
        for code, n, pos, neg, neu, mean, first, last in conn.execute(sql, params)
    ]


def _day_summaries(conn: sqlite3.Connection, since: str | None) -> list[TickerSummary]:
    sql = (  # the whole index: one row a code, the sums of its days
        "SELECT code, articles, positive, negative, neutral, score_sum, scored, first, last "
        "FROM ticker_totals WHERE bare = 0"
    )
    params: tuple[object, ...] = ()
    if since is not None:
        sql = (
            f"SELECT code, {_DAY_COUNTS_SQL}, min(first), max(last) FROM ticker_days "
            "WHERE bare = 0 AND day >= ? GROUP BY code"
        )
        params = (since,)
    found = [
        TickerSummary(
            str(code), int(n), int(pos), int(neg), int(neu), _mean(score_sum, scored),
            from_ms(first), from_ms(last),
        )
        for code, n, pos, neg, neu, score_sum, scored, first, last in conn.execute(sql, params)
    ]  # fmt: skip
    found.sort(key=lambda row: (-row.articles, row.code))
    return found


def date_range(
    conn: sqlite3.Connection, query: CompiledQuery | None = None
) -> tuple[datetime | None, datetime | None]:
    """The first and last publication dates of the selected articles (None for none)."""
    if query is None:  # two probes of the date index (one scan of it with both in one)
        row = conn.execute(
            "SELECT (SELECT min(published) FROM articles), (SELECT max(published) FROM articles)"
        ).fetchone()
        return from_ms(row[0]), from_ms(row[1])
    where, params = _where(query, None)
    row = conn.execute(
        f"SELECT min(a.published), max(a.published) FROM articles AS a WHERE {where}", params
    ).fetchone()
    return from_ms(row[0]), from_ms(row[1])


def period_start(day: date, by: str) -> date:
    """The first day of the period holding ``day``."""
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def next_period(start: date, by: str) -> date:
    if by == "week":
        return start + timedelta(days=7)
    if by == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=1)


def period_starts(first: date, last: date, by: str) -> list[date]:
    """Every period from the one holding ``first`` to the one holding ``last``."""
    starts: list[date] = []
    current, end = period_start(first, by), period_start(last, by)
    while current <= end:
        starts.append(current)
        current = next_period(current, by)
    return starts


def trend(
    conn: sqlite3.Connection, code: str, query: CompiledQuery | None, by: str,
    first: date, last: date,
) -> list[Period]:  # fmt: skip
    """One :class:`Period` per ``by`` from ``first`` to ``last``, zeros where the
    ticker has no article."""
    if query is None and ticker_days.ready(conn):
        return _day_trend(conn, code, by, first, last)
    start = datetime.combine(period_start(first, by), datetime.min.time(), UTC)
    end = datetime.combine(next_period(period_start(last, by), by), datetime.min.time(), UTC)
    where, params = _where(query, start)
    sql = (
        f"SELECT {_BUCKET_SQL[by]}, {_COUNTS_SQL}, count({_SCORE_SQL}) FROM {_one_ticker(code)} "
        f"WHERE {where} AND a.published < ? GROUP BY 1"
    )
    found = {
        str(key): (int(n), int(pos or 0), int(neg or 0), int(neu or 0), mean, int(scored))
        for key, n, pos, neg, neu, mean, scored in conn.execute(
            sql, (code, *params, published_ms(end))
        )
    }
    periods: list[Period] = []
    for day in period_starts(first, last, by):
        n, pos, neg, neu, mean, scored = found.get(day.isoformat(), (0, 0, 0, 0, None, 0))
        periods.append(Period(day, n, pos, neg, neu, None if mean is None else float(mean), scored))
    return periods


def _day_trend(
    conn: sqlite3.Connection, code: str, by: str, first: date, last: date
) -> list[Period]:
    start, end = period_start(first, by), next_period(period_start(last, by), by)
    sql = (
        f"SELECT {_DAY_BUCKET_SQL[by]}, {_DAY_COUNTS_SQL} FROM ticker_days "
        "WHERE bare = ? AND code = ? AND day >= ? AND day < ? GROUP BY 1"
    )
    found = {
        str(key): (int(n), int(pos), int(neg), int(neu), _mean(score_sum, scored), int(scored))
        for key, n, pos, neg, neu, score_sum, scored in conn.execute(
            sql, (_bare(code), code, start.isoformat(), end.isoformat())
        )
    }
    return [
        Period(day, *found.get(day.isoformat(), (0, 0, 0, 0, None, 0)))
        for day in period_starts(first, last, by)
    ]


def co_mentions(
    conn: sqlite3.Connection, code: str, query: CompiledQuery | None, limit: int = 10
) -> list[tuple[str, int]]:
    """The tickers most often in the same articles as ``code`` (the code itself left out)."""
    where, params = _where(query, None)
    column = ticker_column(code)
    sql = (
        f"SELECT o.code, count(*) FROM {_one_ticker(code)} "
        "JOIN tickers AS o ON o.rowid = t.rowid "
        f"WHERE {column.replace('t.', 'o.')} != ? AND {where} "
        "GROUP BY o.code ORDER BY 2 DESC, 1 LIMIT ?"
    )
    return [(str(c), int(n)) for c, n in conn.execute(sql, (code, code, *params, limit))]


def by_source(
    conn: sqlite3.Connection, code: str, query: CompiledQuery | None, limit: int = 10
) -> list[tuple[str, int]]:
    """The sources of the ticker's articles, most articles first."""
    where, params = _where(query, None)
    sql = (
        f"SELECT a.source, count(*) FROM {_one_ticker(code)} "
        f"WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?"
    )
    return [(str(s), int(n)) for s, n in conn.execute(sql, (code, *params, limit))]


def by_direction(
    conn: sqlite3.Connection, code: str, query: CompiledQuery | None
) -> dict[str, int]:
    """Articles about the ticker by direction (``""`` for none)."""
    if query is None and ticker_days.ready(conn):
        row = conn.execute(
            "SELECT sum(articles), sum(positive), sum(negative), sum(neutral) FROM ticker_days "
            "WHERE bare = ? AND code = ?",
            (_bare(code), code),
        ).fetchone()
        n, pos, neg, neu = (int(v or 0) for v in row)
        counts = {"positive": pos, "negative": neg, "neutral": neu, "": n - pos - neg - neu}
        return {direction: count for direction, count in counts.items() if count}
    where, params = _where(query, None)
    sql = f"SELECT a.sentiment, count(*) FROM {_one_ticker(code)} WHERE {where} GROUP BY 1"
    return {str(s): int(n) for s, n in conn.execute(sql, (code, *params))}


def known_codes(conn: sqlite3.Connection, codes: Sequence[str]) -> list[str]:
    """Which of ``codes`` (listings or bare symbols) the index mentions at all."""
    return [
        code for code in codes
        if conn.execute(
            f"SELECT 1 FROM tickers AS t WHERE {ticker_column(code)} = ? LIMIT 1", (code,)
        ).fetchone()
    ]  # fmt: skip


def pooled_mean(periods: Sequence[Period]) -> float | None:
    """The mean sentiment over several periods (weighted by their scored articles)."""
    scored = sum(p.scored for p in periods)
    if not scored:
        return None
    return sum((p.mean or 0.0) * p.scored for p in periods) / scored


@dataclass(slots=True, frozen=True)
class WatchFigures:
    """What the watchlist shows of one ticker: unread and new articles (all time) and
    one :class:`Period` a day from ``first`` to ``last``."""

    unread: int
    new: int
    days: list[Period]


def watch_figures(
    conn: sqlite3.Connection, codes: Sequence[str], unread: CompiledQuery,
    first: date, last: date, new_after: float | None, read: CompiledQuery | None = None,
) -> dict[str, WatchFigures]:  # fmt: skip
    """The figures of every code in one grouped query (the watchlist used to run three
    a ticker: a trend, an unread count and a mention list).

    With ``read`` (the negation of ``unread``) and complete ``ticker_days`` rows, the
    days and totals are sums over those rows and only the read (and new) articles are
    joined: the work follows what the user read, not how much news the tickers have.

    Rows are grouped by ticker and by day inside ``first``..``last`` (one group for
    the days outside), so unread and new counts cover all time and the days only the
    window. A code missing from the index gets zeros.
    """
    if read is not None and ticker_days.ready(conn):
        return _day_watch_figures(conn, codes, read, first, last, new_after)
    listings = list(dict.fromkeys(c for c in codes if "." in c))
    bases = list(dict.fromkeys(c for c in codes if "." not in c))
    parts: list[str] = []
    for column, group in (("code", listings), ("base", bases)):
        if group:
            marks = ",".join("?" * len(group))
            parts.append(
                f"SELECT {column} AS watched, rowid, avg(score) AS score FROM tickers "
                f"WHERE {column} IN ({marks}) GROUP BY {column}, rowid"
            )
    figures: dict[str, WatchFigures] = {}
    found: dict[str, dict[str, tuple[int, int, int, int, float | None, int]]] = {}
    totals: dict[str, tuple[int, int]] = {}
    if parts:
        start = datetime.combine(first, datetime.min.time(), UTC)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
        new_sql, join = "0", ""
        new_params: tuple[object, ...] = ()
        if new_after is not None:
            new_sql, join = "sum(d.added > ?)", " JOIN details AS d ON d.rowid = a.rowid"
            new_params = (new_after,)
        sql = (
            f"SELECT t.watched, CASE WHEN a.published >= ? AND a.published < ? "
            f"THEN {_BUCKET_SQL['day']} END, {_COUNTS_SQL}, count({_SCORE_SQL}), "
            f"sum({unread.where}), {new_sql} "
            f"FROM ({' UNION ALL '.join(parts)}) AS t JOIN articles AS a ON a.rowid = t.rowid"
            f"{join} GROUP BY 1, 2"
        )
        params = (
            published_ms(start), published_ms(end), *unread.params, *new_params,
            *listings, *bases,
        )  # fmt: skip
        for code, day, n, pos, neg, neu, mean, scored, unread_n, new_n in conn.execute(sql, params):
            had = totals.get(code, (0, 0))
            totals[code] = (had[0] + int(unread_n or 0), had[1] + int(new_n or 0))
            if day is not None:
                found.setdefault(code, {})[str(day)] = (
                    int(n), int(pos or 0), int(neg or 0), int(neu or 0),
                    None if mean is None else float(mean), int(scored),
                )  # fmt: skip
    days = period_starts(first, last, "day")
    for code in codes:
        by_day = found.get(code, {})
        periods = [Period(day, *by_day.get(day.isoformat(), (0, 0, 0, 0, None, 0))) for day in days]
        unread_n, new_n = totals.get(code, (0, 0))
        figures[code] = WatchFigures(unread_n, new_n, periods)
    return figures


def _day_watch_figures(
    conn: sqlite3.Connection, codes: Sequence[str], read: CompiledQuery,
    first: date, last: date, new_after: float | None,
) -> dict[str, WatchFigures]:  # fmt: skip
    keys = list(dict.fromkeys((_bare(code), code) for code in codes))
    totals: dict[tuple[int, str], int] = {}
    found: dict[tuple[int, str], dict[str, tuple[int, int, int, int, float | None, int]]] = {}
    read_n: dict[tuple[int, str], int] = {}
    new_n: dict[tuple[int, str], int] = {}
    for bare, code in keys:
        totals[bare, code] = int(
            conn.execute(
                "SELECT total(articles) FROM ticker_days WHERE bare = ? AND code = ?", (bare, code)
            ).fetchone()[0]
        )
        found[bare, code] = {
            str(day): (int(n), int(pos), int(neg), int(neu), _mean(total, scored), int(scored))
            for day, n, pos, neg, neu, total, scored in conn.execute(
                f"SELECT day, {_DAY_COUNTS_SQL} FROM ticker_days WHERE bare = ? AND code = ? "
                "AND day >= ? AND day <= ? GROUP BY day",
                (bare, code, first.isoformat(), last.isoformat()),
            )
        }
    for column, bare in (("code", 0), ("base", 1)):
        group = [code for b, code in keys if b == bare]
        if not group:
            continue
        marks = ",".join("?" * len(group))
        # One row per article and key (a bare symbol may match two listings of one).
        sql = (
            f"SELECT t.{column}, count(DISTINCT a.rowid) FROM articles AS a CROSS JOIN tickers "
            f"AS t ON t.rowid = a.rowid WHERE ({read.where}) AND t.{column} IN ({marks}) "
            "GROUP BY 1"
        )
        for code, n in conn.execute(sql, (*read.params, *group)):
            read_n[bare, str(code)] = int(n)
        if new_after is not None:
            sql = (
                f"SELECT t.{column}, count(DISTINCT d.rowid) FROM details AS d CROSS JOIN "
                f"tickers AS t ON t.rowid = d.rowid WHERE d.added > ? AND t.{column} IN ({marks}) "
                "GROUP BY 1"
            )
            for code, n in conn.execute(sql, (new_after, *group)):
                new_n[bare, str(code)] = int(n)
    days = period_starts(first, last, "day")
    figures: dict[str, WatchFigures] = {}
    for code in codes:
        key = (_bare(code), code)
        by_day = found.get(key, {})
        periods = [Period(day, *by_day.get(day.isoformat(), (0, 0, 0, 0, None, 0))) for day in days]
        figures[code] = WatchFigures(
            totals.get(key, 0) - read_n.get(key, 0), new_n.get(key, 0), periods
        )
    return figures
