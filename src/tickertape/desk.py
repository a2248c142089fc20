"""What the ticker screen and the watchlist show, with no Textual in it.

:func:`load_desk` gathers one ticker's chart, counts and articles; :func:`load_watchlist`
one row per watched ticker. Both block (run them in thread workers) and return plain
data. Relative periods end at the newest article when the index is older than today,
so an archive still reads sensibly; :attr:`Watchlist.anchored` says when they do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from tickertape.core.index.ticker_stats import (
    PERIODS,
    Period,
    next_period,
    period_start,
    pooled_mean,
)
from tickertape.core.query import compile_query, parse

if TYPE_CHECKING:
    from tickertape.core.index import Index

SPAN: Final = {"day": 60, "week": 52, "month": 36}
"""How many periods the chart shows at once, by period."""
SPARK_DAYS: Final = 30


def company_name(code: str) -> str | None:
    """The company a ticker belongs to, from the bundled company list where known
    (a bare symbol takes the first listing of it)."""
    from tickertape.core.companies import company_catalog

    names = company_catalog().names
    if code in names:
        return names[code]
    if "." not in code:
        return next((name for listed, name in names.items() if listed.split(".")[0] == code), None)
    return None


def choose_period(first: date, last: date) -> str:
    """Day for up to two months of news, week for up to a year, month beyond."""
    days = (last - first).days
    return "day" if days <= 62 else "week" if days <= 366 else "month"


def zoom(by: str, step: int) -> str:
    """The next finer (``step`` -1) or coarser (+1) period, staying within day..month."""
    position = max(0, min(len(PERIODS) - 1, PERIODS.index(by) + step))
    return PERIODS[position]


def shift(end: date, by: str, periods: int) -> date:
    """``end`` moved by a number of periods (negative: back in time)."""
    current = period_start(end, by)
    for _ in range(abs(periods)):
        current = (
            next_period(current, by)
            if periods > 0
            else period_start(current - timedelta(days=1), by)
        )
    return current


def window_start(end: date, by: str) -> date:
    """The first day of the chart's window that ends with the period holding ``end``."""
    return shift(end, by, -(SPAN[by] - 1))


@dataclass(slots=True, frozen=True)
class Desk:
    """One ticker's screen: its chart window, counts and articles (newest first)."""

    code: str
    name: str | None
    by: str
    end: date
    periods: list[Period]
    directions: dict[str, int]
    sources: list[tuple[str, int]]
    co_mentions: list[tuple[str, int]]
    rowids: Sequence[int]
    first: date | None
    last: date | None


def ticker_query(code: str) -> str:
    return f"ticker:{code}"


def load_desk(index: Index, code: str, by: str | None = None, end: date | None = None) -> Desk:
    """Everything the ticker screen shows for ``code`` (blocking).

    Without ``by`` the period follows the index's range; without ``end`` the chart ends
    at the newest article.
    """
    query = compile_query(parse(ticker_query(code)))
    first_at, last_at = index.date_range()
    first = first_at.date() if first_at else None
    last = last_at.date() if last_at else None
    if by is None:
        by = choose_period(first, last) if first and last else "month"
    end = end or last or date.today()
    start = window_start(end, by)
    if first is not None:
        start = max(start, period_start(first, by))
    periods = index.ticker_trend(code, None, by, start, end) if start <= end else []
    return Desk(
        code=code,
        name=company_name(code),
        by=by,
        end=end,
        periods=periods,
        directions=index.ticker_directions(code, None),
        sources=index.ticker_sources(code, None, 6),
        co_mentions=index.ticker_co_mentions(code, None, 10),
        rowids=index.select(query),
        first=first,
        last=last,
    )


@dataclass(slots=True, frozen=True)
class WatchRow:
    """One watched ticker: unread and new articles, last 7 days against the 7 before."""

    code: str
    name: str | None
    unread: int
    new: int
    last7: int
    prev7: int
    mean7: float | None
    prev_mean7: float | None
    daily: list[int]


@dataclass(slots=True, frozen=True)
class Watchlist:
    rows: list[WatchRow]
    end: date
    """The last day of the 7- and 30-day windows."""
    anchored: bool
    """Whether the windows end at the newest article because the index is older than today."""


def load_watchlist(
    index: Index, codes: Sequence[str], today: date, previous_run: float | None
) -> Watchlist:
    """One :class:`WatchRow` per code (blocking)."""
    _, last_at = index.date_range()
    newest = last_at.date() if last_at else today
    end = min(today, newest)
    anchored = end < today
    added = index.count_added_since(previous_run) if previous_run is not None else 0
    news = 0 < added < index.count()  # a rebuilt cache is not news
    start = end - timedelta(days=SPARK_DAYS - 1)
    figures = index.watch_figures(
        codes, start, end, previous_run if news else None
    )  # one grouped query for every ticker
    rows: list[WatchRow] = []
    for code in codes:
        found = figures[code]
        days = found.days
        rows.append(
            WatchRow(
                code=code,
                name=company_name(code),
                unread=found.unread,
                new=found.new,
                last7=sum(p.articles for p in days[-7:]),
                prev7=sum(p.articles for p in days[-14:-7]),
                mean7=pooled_mean(days[-7:]),
                prev_mean7=pooled_mean(days[-14:-7]),
                daily=[p.articles for p in days],
            )
        )
    return Watchlist(rows, end, anchored)
