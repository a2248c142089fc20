"""PostgresIndex: the PostgreSQL engine behind the :class:`~tickertape.core.index.Index`
protocol, so the reader, the query language and the command line work on it as on the
SQLite cache.

Readers never load: ``refresh`` only re-reads what the database holds (a loader,
``tickertape index PATH --to URL``, writes it). Connections come from a small
``psycopg_pool`` pool with connect and statement timeouts; every failure surfaces as
:class:`~tickertape.core.pg.schema.DatabaseError` with a message fit for the user.
Sorting works as in the SQLite engine: each sort key's full order is fetched once per
generation of the database, and a filtered result is ordered by each row's rank in
it, so results, ties and reversal are the same on both engines.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final, cast

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from tickertape.core import stories
from tickertape.core.article import Article, Problem
from tickertape.core.index.aggregate import Facets
from tickertape.core.index.build import RefreshProgress, RefreshStats
from tickertape.core.index.rows import ArticleRow, article_from_row
from tickertape.core.index.schema import from_ms, published_ms
from tickertape.core.index.select import SORT_KEYS, Rowids
from tickertape.core.index.ticker_stats import (
    Period,
    TickerSummary,
    WatchFigures,
    next_period,
    period_start,
    period_starts,
)
from tickertape.core.pg import schema
from tickertape.core.pg.query import PgQuery, compile_pg
from tickertape.core.pg.url import redact
from tickertape.core.query import CompiledQuery
from tickertape.core.sentiment import DIRECTION_NAMES, family_keys, label_direction
from tickertape.core.tickers import How, TickerMatch

POOL_TIMEOUT_S: Final = 8.0
RETRY_AFTER_S: Final = 5.0
"""After a failure, calls fail at once for this long: the list paints its rows on the
UI thread, which must not wait for a timeout on every line."""

# Natural order of each sort key, as in core/index/schema.ORDER_TERMS: NULLs lowest
# (SQLite's rule), text compared byte-wise after ASCII lower-casing (COLLATE NOCASE).
_ORDER: Final[dict[str, str]] = {
    "date": 'a.published DESC NULLS LAST, a.id COLLATE "C"',
    "title": (
        "(a.title = '') ASC, lower(a.title COLLATE \"C\") ASC, "
        'a.published DESC NULLS LAST, a.id COLLATE "C"'
    ),
    "source": (
        "(a.source = '') ASC, lower(a.source COLLATE \"C\") ASC, "
        'a.published DESC NULLS LAST, a.id COLLATE "C"'
    ),
    "sentiment": (
        "CASE a.sentiment WHEN 'positive' THEN 0 WHEN 'neutral' THEN 1 "
        "WHEN 'negative' THEN 2 WHEN '' THEN 4 ELSE 3 END, "
        'a.published DESC NULLS LAST, a.id COLLATE "C"'
    ),
    "confidence": (
        "(a.confidence IS NULL) ASC, a.confidence DESC NULLS LAST, "
        'a.published DESC NULLS LAST, a.id COLLATE "C"'
    ),
    "score": (
        "(a.score IS NULL) ASC, a.score DESC NULLS LAST, "
        'a.published DESC NULLS LAST, a.id COLLATE "C"'
    ),
}
_ROW_COLUMNS: Final = (
    "a.rowid, a.id, a.rel, a.link, a.source, a.title, a.summary, a.published, a.language, "
    "a.sentiment, a.confidence, a.tickers, a.n_warnings, a.score, a.lead"
)
_ARTICLE_COLUMNS: Final = (
    "a.rowid, a.id, a.rel, a.ordinal, a.link, a.source, a.title, a.summary, a.published, "
    "a.language, a.sentiment, a.confidence, a.tickers, a.images, a.extra, a.warnings, "
    "a.label, a.score"
)
_SCORE_SQL: Final = (
    "coalesce(t.score, a.score, CASE a.sentiment WHEN 'positive' THEN 1.0 "
    "WHEN 'negative' THEN -1.0 WHEN 'neutral' THEN 0.0 END)"
)
_DAY_SQL: Final = "(to_timestamp(a.published / 1000) AT TIME ZONE 'UTC')"
_MONTH_SQL: Final = f"coalesce(to_char({_DAY_SQL}, 'YYYY-MM'), '')"
_BUCKET_SQL: Final = {
    "day": f"to_char({_DAY_SQL}, 'YYYY-MM-DD')",
    "week": f"to_char(date_trunc('week', {_DAY_SQL}), 'YYYY-MM-DD')",
    "month": f"to_char(date_trunc('month', {_DAY_SQL}), 'YYYY-MM-DD')",
}
_COUNTS_SQL: Final = (
    "count(*), count(*) FILTER (WHERE a.sentiment = 'positive'), "
    "count(*) FILTER (WHERE a.sentiment = 'negative'), "
    f"count(*) FILTER (WHERE a.sentiment = 'neutral'), avg({_SCORE_SQL})"
)
_JOIN: Final = "tickers AS t JOIN articles AS a ON a.rowid = t.rowid"

Row = tuple[Any, ...]


def _one_ticker(code: str) -> str:
    column = "code" if "." in code else "base"
    return (
        "(SELECT rowid, avg(score) AS score FROM tickers "
        f"WHERE {column} = %s GROUP BY rowid) AS t JOIN articles AS a ON a.rowid = t.rowid"
    )


class _Derived:
    """What this reader derived from one generation of the database."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.orders: dict[str, array[int]] = {}
        self.ranks: dict[str, array[int]] = {}
        self.count: int | None = None
        self.ticker_stats: dict[str, tuple[int, float | None]] | None = None


class PostgresIndex:
    """A shared index in PostgreSQL; open with :meth:`open`, close with :meth:`close`."""

    def __init__(
        self, url: str, pool: ConnectionPool[Any], state_path: Path | None, database_id: str
    ) -> None:
        self.url = url
        self.flag_scope = f"pg:{database_id}"
        """The reader's flags of this database in its state store (``StateStore.scope``):
        keyed by the database's identity, so another database's same ids do not share
        them, and a replica or another URL of this one does."""
        self.root = Path(redact(url))
        self.notices: list[str] = []
        self._pool = pool
        self._state_path = state_path
        self._derived = _Derived(-1)
        self._lock = threading.Lock()
        self._failed: tuple[float, str] | None = None

    @classmethod
    def open(cls, url: str, *, state_path: Path | None = None) -> PostgresIndex:
        """Connect and check the database holds an index this version reads.

        Raises :class:`~tickertape.core.pg.schema.DatabaseError` with a clear message.
        """
        pool: ConnectionPool[Any] = ConnectionPool(
            url,
            min_size=1,
            max_size=4,
            open=False,
            timeout=POOL_TIMEOUT_S,
            kwargs={
                "autocommit": True,
                "connect_timeout": schema.CONNECT_TIMEOUT_S,
                "options": f"-c statement_timeout={schema.STATEMENT_TIMEOUT_MS}",
            },
            name="tickertape",
        )
        try:
            with schema.translated(url):
                conn = schema.connect(url)
                try:
                    schema.check_readable(conn, url)
                    database_id = schema.database_id(conn)
                finally:
                    conn.close()
                pool.open(wait=False)
        except BaseException:
            pool.close()
            raise
        return cls(url, pool, state_path, database_id)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._pool.close(timeout=2)

    def __enter__(self) -> PostgresIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Row]]:
        """A pooled connection; every failure as a :class:`schema.DatabaseError`."""
        failed = self._failed
        if failed is not None and time.monotonic() - failed[0] < RETRY_AFTER_S:
            raise schema.DatabaseError(failed[1])
        try:
            with self._pool.connection() as conn:
                yield conn
        except PoolTimeout as error:
            raise self._failure(
                f"cannot reach the database {redact(self.url)} (no connection within "
                f"{POOL_TIMEOUT_S:.0f} s)"
            ) from error
        except schema.DatabaseError:
            raise
        except (psycopg.OperationalError, psycopg.InterfaceError) as error:
            raise self._failure(schema.describe(error, self.url)) from error
        except psycopg.Error as error:
            raise schema.DatabaseError(schema.describe(error, self.url)) from error
        self._failed = None

    def _failure(self, message: str) -> schema.DatabaseError:
        self._failed = (time.monotonic(), message)
        return schema.DatabaseError(message)

    @contextlib.contextmanager
    def _snapshot(
        self, pg: PgQuery | None = None
    ) -> Iterator[tuple[psycopg.Connection[Row], _Derived]]:
        """One repeatable-read transaction, so a select sees one state throughout.

        With words in the query, sequential scans are off for the transaction: the
        planner prices a scan without the cost of decompressing every row's tsvector,
        and picked one over the GIN index for common words (measured at 100k:
        `inflation rates` 5.3 s by a scan, 0.35 s by the index).
        """
        with self._conn() as conn:
            try:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                if pg is not None and "a.tsv @@" in pg.where:
                    conn.execute("SET LOCAL enable_seqscan = off")
                yield conn, self._current(conn)
            finally:
                if not conn.closed:
                    with contextlib.suppress(psycopg.Error):
                        conn.execute("ROLLBACK")

    def _current(self, conn: psycopg.Connection[Row]) -> _Derived:
        generation = schema.generation(conn)
        with self._lock:
            if self._derived.generation != generation:
                self._derived = _Derived(generation)
            return self._derived

    # -- the protocol: state of the index ----------------------------------------------

    def refresh(
        self,
        *,
        progress: Callable[[RefreshProgress], None] | None = None,
        cancel: threading.Event | None = None,
        wait: bool = False,
    ) -> RefreshStats:
        """Readers do not load (a loader does): this re-reads the counts."""
        started = time.perf_counter()
        total = self.count()
        problems = len(self.problems())
        if progress is not None:
            progress(RefreshProgress("done", total, total, 0, 0, 0))
        return RefreshStats(total, 0, 0, 0, problems, time.perf_counter() - started)

    def rebuild(self, reason: str = "") -> None:
        self.notices.append(
            f"The shared index reported damage ({reason}); reload it with "
            f"tickertape index PATH --to {redact(self.url)}."
        )

    def is_built(self) -> bool:
        return True

    def fts_ready(self) -> bool:
        return True

    def count(self) -> int:
        with self._snapshot() as (conn, derived):
            return self._count(conn, derived)

    def _count(self, conn: psycopg.Connection[Row], derived: _Derived) -> int:
        if derived.count is None:
            derived.count = int(_one(conn, "SELECT count(*) FROM articles"))
        return derived.count

    # -- queries ------------------------------------------------------------------------

    def _flag_ids(self, flag: str) -> list[str]:
        """Ids the user flagged ``read``/``starred`` (their local state store)."""
        if self._state_path is None or not Path(self._state_path).is_file():
            return []
        column = "starred" if flag == "starred" else "read"
        try:
            conn = sqlite3.connect(f"file:{self._state_path}?mode=ro", uri=True, timeout=5)
            try:
                rows = conn.execute(
                    f"SELECT article_id FROM flags WHERE scope = ? AND {column} = 1",
                    (self.flag_scope,),
                )
                return [str(r[0]) for r in rows]
            finally:
                conn.close()
        except sqlite3.Error:
            return []

    def _pg(self, query: CompiledQuery | None) -> PgQuery:
        if query is None or query.node is None:
            return PgQuery("true", (), None)
        return compile_pg(query.node, now=query.now, flags=self._flag_ids)

    def select(
        self,
        query: CompiledQuery | None = None,
        *,
        sort: str = "date",
        reverse: bool = False,
        limit: int | None = None,
    ) -> Sequence[int]:
        """Rowids in display order, as :meth:`IndexCache.select` gives them."""
        if sort not in SORT_KEYS and sort != "relevance":
            raise ValueError(f"unknown sort key {sort!r}")
        if limit is not None and limit <= 0:
            return Rowids(array("q"))
        pg = self._pg(query)
        with self._snapshot(pg) as (conn, derived):
            if sort == "relevance":
                if pg.rank is not None:
                    return self._relevance(conn, pg, reverse, limit)
                sort = "date"
            order = self._order(conn, derived, sort)
            if pg.where == "true":
                result = Rowids(order, reverse)
            else:
                rank = self._rank(derived, sort, order)
                top = len(rank)
                matches = [
                    int(r)
                    for (r,) in conn.execute(
                        f"SELECT a.rowid FROM articles AS a WHERE {pg.where}",
                        pg.params,
                    )
                    if int(r) < top and rank[int(r)] >= 0
                ]
                matches.sort(key=rank.__getitem__)
                result = Rowids(array("q", matches), reverse)
        return result if limit is None else Rowids(array("q", result[:limit]))

    def _relevance(
        self, conn: psycopg.Connection[Row], pg: PgQuery, reverse: bool, limit: int | None
    ) -> Rowids:
        direction = "ASC" if reverse else "DESC"
        date_order = _ORDER["date"]
        if reverse:
            date_order = 'a.published ASC NULLS FIRST, a.id COLLATE "C" DESC'
        sql = (
            f"SELECT a.rowid FROM articles AS a WHERE {pg.where} "
            f"ORDER BY ts_rank_cd(a.tsv, %s::tsquery) {direction}, {date_order}"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = conn.execute(sql, (*pg.params, pg.rank))
        return Rowids(array("q", [int(r) for (r,) in rows]))

    def _order(self, conn: psycopg.Connection[Row], derived: _Derived, key: str) -> array[int]:
        order = derived.orders.get(key)
        if order is None:
            sql = f"SELECT a.rowid FROM articles AS a ORDER BY {_ORDER[key]}"
            order = array("q", [int(r) for (r,) in conn.execute(sql)])
            derived.orders[key] = order
        return order

    def _rank(self, derived: _Derived, key: str, order: array[int]) -> array[int]:
        rank = derived.ranks.get(key)
        if rank is None:
            rank = array("q", [-1]) * (max(order, default=0) + 1)
            for position, rowid in enumerate(order):
                rank[rowid] = position
            derived.ranks[key] = rank
        return rank

    def find(self, id_or_prefix: str) -> list[int]:
        text = id_or_prefix.strip()
        if not text:
            return []
        with self._conn() as conn:
            for candidate in dict.fromkeys((text, text.lower())):
                row = conn.execute(
                    "SELECT rowid FROM articles WHERE id = %s", (candidate,)
                ).fetchone()
                if row is not None:
                    return [int(row[0])]
            for candidate in dict.fromkeys((text, text.lower())):
                escaped = candidate.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                rows = conn.execute(
                    'SELECT rowid FROM articles WHERE id COLLATE "C" LIKE %s '
                    'ORDER BY id COLLATE "C" LIMIT 1000',
                    (escaped + "%",),
                ).fetchall()
                if rows:
                    return [int(r[0]) for r in rows]
        return []

    def find_file(self, rel: str) -> list[int]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT rowid FROM articles WHERE rel = %s ORDER BY ordinal", (rel,)
            ).fetchall()
        return [int(r[0]) for r in rows]

    # -- rows and articles -----------------------------------------------------------------

    def rows(self, rowids: Sequence[int]) -> list[ArticleRow]:
        wanted = list(rowids)
        with self._conn() as conn:
            found = {
                int(r[0]): ArticleRow(
                    int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                    tuple(str(r[11]).split()), int(r[12] or 0), r[13], r[14] or "",
                )
                for r in conn.execute(
                    f"SELECT {_ROW_COLUMNS} FROM articles AS a WHERE a.rowid = ANY(%s)",
                    (wanted,),
                )
            }
        return [found[r] for r in wanted if r in found]

    def articles(self, rowids: Sequence[int]) -> list[Article]:
        return self._articles(rowids, body=False)

    def _articles(self, rowids: Sequence[int], *, body: bool) -> list[Article]:
        wanted = list(rowids)
        columns = _ARTICLE_COLUMNS + (", a.body" if body else "")
        with self._conn() as conn:
            hows: dict[int, dict[str, str]] = {}
            for rowid, code, how in conn.execute(
                "SELECT rowid, code, how FROM tickers WHERE rowid = ANY(%s)", (wanted,)
            ):
                hows.setdefault(int(rowid), {})[str(code)] = str(how)
            found: dict[int, Article] = {}
            for row in conn.execute(
                f"SELECT {columns} FROM articles AS a WHERE a.rowid = ANY(%s)",
                (wanted,),
            ):
                article = article_from_row(row)
                given = hows.get(int(row[0]), {})
                article.ticker_matches = [
                    TickerMatch(code, cast(How, given.get(code, "symbol")))
                    for code in article.tickers
                ]
                if body:
                    article.content = str(row[18])
                found[int(row[0])] = article
        return [found[r] for r in wanted if r in found]

    def load_article(self, rowid: int) -> Article:
        """The full article, its body from the database (readers elsewhere have no files)."""
        found = self._articles([rowid], body=True)
        if not found:
            raise KeyError(rowid)
        return found[0]

    def file_path(self, rel: str) -> str:
        return rel

    def problems(self) -> list[Problem]:
        with self._conn() as conn:
            found = [
                Problem(str(rel), str(field), str(reason))
                for rel, field, reason in conn.execute(
                    'SELECT rel, field, reason FROM problems ORDER BY rel COLLATE "C", ctid'
                )
            ]
        found.sort(key=lambda p: p.path)
        return found

    # -- aggregates --------------------------------------------------------------------------

    def ticker_stats(self) -> dict[str, tuple[int, float | None]]:
        with self._snapshot() as (conn, derived):
            if derived.ticker_stats is None:
                derived.ticker_stats = {
                    str(code): (int(n), None if score is None else float(score))
                    for code, n, score in conn.execute(
                        f"SELECT t.code, count(*), avg({_SCORE_SQL}) FROM {_JOIN} GROUP BY t.code"
                    )
                }
            return dict(derived.ticker_stats)

    def ticker_means(
        self, query: CompiledQuery | None, codes: Sequence[str]
    ) -> dict[str, float | None]:
        pg = self._pg(query)
        means: dict[str, float | None] = dict.fromkeys(codes)
        if not codes:
            return means
        with self._snapshot(pg) as (conn, _):
            for code, mean in conn.execute(
                f"SELECT t.code, avg({_SCORE_SQL}) FROM {_JOIN} "
                f"WHERE t.code = ANY(%s) AND {pg.where} GROUP BY t.code",
                (list(codes), *pg.params),
            ):
                means[str(code)] = None if mean is None else float(mean)
        return means

    def value_columns(self) -> tuple[bool, bool]:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT EXISTS(SELECT 1 FROM articles WHERE confidence IS NOT NULL), "
                "EXISTS(SELECT 1 FROM articles WHERE confidence IS NULL AND score IS NOT NULL)"
            ).fetchone()
        assert row is not None
        return bool(row[0]), bool(row[1])

    def added_since(self, when: float) -> set[int]:
        with self._conn() as conn:
            return {
                int(r)
                for (r,) in conn.execute("SELECT rowid FROM articles WHERE added > %s", (when,))
            }

    def count_added_since(self, when: float) -> int:
        with self._conn() as conn:
            row = conn.execute("SELECT count(*) FROM articles WHERE added > %s", (when,))
            found = row.fetchone()
        return int(found[0]) if found else 0

    def watch_figures(
        self, codes: Sequence[str], first: date, last: date, new_after: float | None
    ) -> dict[str, WatchFigures]:
        """Per ticker, from the engine's own selects and trends (a few queries a code;
        a watchlist is tens of codes, each query served by an index)."""
        from tickertape.core.query import compile_query, parse

        new = self.added_since(new_after) if new_after is not None else set()
        figures: dict[str, WatchFigures] = {}
        for code in dict.fromkeys(codes):
            unread = len(self.select(compile_query(parse(f"ticker:{code} is:unread"))))
            mentioned = self.select(compile_query(parse(f"ticker:{code}"))) if new else ()
            figures[code] = WatchFigures(
                unread=unread,
                new=sum(1 for rowid in mentioned if rowid in new),
                days=self.ticker_trend(code, None, "day", first, last),
            )
        return figures

    def _group(
        self, conn: psycopg.Connection[Row], expr: str, pg: PgQuery, limit: int | None,
        *, tickers: bool = False, by_key: bool = False,
    ) -> tuple[tuple[str, int], ...]:  # fmt: skip
        source = _JOIN if tickers else "articles AS a"
        order = f'{expr} COLLATE "C" DESC' if by_key else f'count(*) DESC, {expr} COLLATE "C"'
        sql = f"SELECT {expr}, count(*) FROM {source} WHERE {pg.where} GROUP BY 1 ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return tuple(
            (str(key), int(n)) for key, n in conn.execute(sql, pg.params)
        )

    def _labels(self, conn: psycopg.Connection[Row], pg: PgQuery) -> list[tuple[str, str, int]]:
        sql = (
            "SELECT a.label_key, a.label, count(*) FROM articles AS a "
            f"WHERE ({pg.where}) AND a.label_key != '' GROUP BY 1, 2 "
            'ORDER BY a.label_key COLLATE "C", 3 DESC, a.label COLLATE "C"'
        )
        found: dict[str, tuple[str, int]] = {}
        for key, label, n in conn.execute(sql, pg.params):
            spelling, total = found.get(str(key), (str(label), 0))
            found[str(key)] = (spelling, total + int(n))
        ranked = sorted(found.items(), key=lambda item: (-item[1][1], item[0]))
        return [(key, spelling, n) for key, (spelling, n) in ranked]

    def facets(self, query: CompiledQuery | None, limit: int = 50) -> Facets:
        pg = self._pg(query)
        with self._snapshot(pg) as (conn, _):
            total = _one(conn, f"SELECT count(*) FROM articles AS a WHERE {pg.where}", pg.params)
            directions = self._group(conn, "a.sentiment", pg, limit)
            labels = self._labels(conn, pg)
            counts = {key: n for key, _, n in labels}
            shown: list[tuple[str, int]] = []
            for key, label, _ in labels:
                if key in DIRECTION_NAMES or label_direction(label) == "":
                    continue
                shown.append((label, sum(counts.get(k, 0) for k in family_keys(key))))
            shown.sort(key=lambda item: -item[1])
            return Facets(
                int(total),
                self._group(conn, "t.code", pg, limit, tickers=True),
                self._group(conn, "a.source", pg, limit),
                directions + tuple(shown[:limit]),
                self._group(conn, "a.language", pg, limit),
            )

    def values(self, field: str, limit: int | None = 50) -> tuple[tuple[str, int], ...]:
        column = {
            "sentiment": "a.sentiment", "label": "a.label", "source": "a.source",
            "language": "a.language",
        }[field]  # fmt: skip
        with self._snapshot() as (conn, _):
            return self._group(conn, column, PgQuery("true", (), None), limit)

    def stats(self, query: CompiledQuery | None) -> dict[str, list[tuple[str, int]]]:
        pg = self._pg(query)
        with self._snapshot(pg) as (conn, _):
            return {
                "source": list(self._group(conn, "a.source", pg, None)),
                "sentiment": list(self._group(conn, "a.sentiment", pg, None)),
                "label": [(label, n) for _, label, n in self._labels(conn, pg) if label],
                "language": list(self._group(conn, "a.language", pg, None)),
                "ticker": list(self._group(conn, "t.code", pg, 20, tickers=True)),
                "month": list(self._group(conn, _MONTH_SQL, pg, None, by_key=True)),
            }

    # -- stories: not computed by this engine yet (every article is its own story) ----------

    def collapse(self, rowids: Sequence[int]) -> Sequence[int]:
        return rowids

    def clusters(self, rowids: Sequence[int]) -> dict[int, tuple[int, str, int, int]]:
        return {}

    def cluster(self, rowid: int) -> list[int]:
        return [rowid]

    def story_stats(self, top: int = 5) -> stories.StoryStats:
        count = self.count()
        return stories.StoryStats(count, 0, [])

    # -- the ticker desk ------------------------------------------------------------------------

    def _where(self, query: CompiledQuery | None, since: datetime | None) -> PgQuery:
        pg = self._pg(query)
        if since is None:
            return pg
        return PgQuery(
            f"({pg.where}) AND a.published >= %s", (*pg.params, published_ms(since)), pg.rank
        )

    def ticker_summaries(
        self, query: CompiledQuery | None, since: datetime | None = None
    ) -> list[TickerSummary]:
        pg = self._where(query, since)
        sql = (
            f"SELECT t.code, {_COUNTS_SQL}, min(a.published), max(a.published) FROM {_JOIN} "
            f'WHERE {pg.where} GROUP BY t.code ORDER BY 2 DESC, t.code COLLATE "C"'
        )
        with self._snapshot(pg) as (conn, _):
            return [
                TickerSummary(
                    str(code), int(n), int(pos or 0), int(neg or 0), int(neu or 0),
                    None if mean is None else float(mean), from_ms(first), from_ms(last),
                )
                for code, n, pos, neg, neu, mean, first, last in conn.execute(
                    sql, pg.params
                )
            ]

    def ticker_trend(
        self, code: str, query: CompiledQuery | None, by: str, first: date, last: date
    ) -> list[Period]:
        start = datetime.combine(period_start(first, by), datetime.min.time(), UTC)
        end = datetime.combine(next_period(period_start(last, by), by), datetime.min.time(), UTC)
        pg = self._where(query, start)
        sql = (
            f"SELECT {_BUCKET_SQL[by]}, {_COUNTS_SQL}, count({_SCORE_SQL}) "
            f"FROM {_one_ticker(code)} WHERE {pg.where} AND a.published < %s GROUP BY 1"
        )
        with self._snapshot(pg) as (conn, _):
            found = {
                str(key): (int(n), int(pos or 0), int(neg or 0), int(neu or 0), mean, int(scored))
                for key, n, pos, neg, neu, mean, scored in conn.execute(
                    sql, (code, *pg.params, published_ms(end))
                )
            }
        periods: list[Period] = []
        for day in period_starts(first, last, by):
            n, pos, neg, neu, mean, scored = found.get(day.isoformat(), (0, 0, 0, 0, None, 0))
            periods.append(
                Period(day, n, pos, neg, neu, None if mean is None else float(mean), scored)
            )
        return periods

    def ticker_co_mentions(
        self, code: str, query: CompiledQuery | None, limit: int = 10
    ) -> list[tuple[str, int]]:
        pg = self._pg(query)
        column = "o.code" if "." in code else "o.base"
        sql = (
            f"SELECT o.code, count(*) FROM {_one_ticker(code)} "
            f"JOIN tickers AS o ON o.rowid = t.rowid WHERE {column} != %s AND {pg.where} "
            'GROUP BY o.code ORDER BY 2 DESC, o.code COLLATE "C" LIMIT %s'
        )
        with self._snapshot(pg) as (conn, _):
            return [
                (str(c), int(n))
                for c, n in conn.execute(sql, (code, code, *pg.params, limit))
            ]

    def ticker_sources(
        self, code: str, query: CompiledQuery | None, limit: int = 10
    ) -> list[tuple[str, int]]:
        pg = self._pg(query)
        sql = (
            f"SELECT a.source, count(*) FROM {_one_ticker(code)} WHERE {pg.where} "
            'GROUP BY 1 ORDER BY 2 DESC, a.source COLLATE "C" LIMIT %s'
        )
        with self._snapshot(pg) as (conn, _):
            return [
                (str(s), int(n))
                for s, n in conn.execute(sql, (code, *pg.params, limit))
            ]

    def ticker_directions(self, code: str, query: CompiledQuery | None) -> dict[str, int]:
        pg = self._pg(query)
        sql = f"SELECT a.sentiment, count(*) FROM {_one_ticker(code)} WHERE {pg.where} GROUP BY 1"
        with self._snapshot(pg) as (conn, _):
            return {
                str(s): int(n)
                for s, n in conn.execute(sql, (code, *pg.params))
            }

    def date_range(
        self, query: CompiledQuery | None = None
    ) -> tuple[datetime | None, datetime | None]:
        pg = self._pg(query)
        with self._snapshot(pg) as (conn, _):
            row = conn.execute(
                f"SELECT min(a.published), max(a.published) FROM articles AS a WHERE {pg.where}",
                pg.params,
            ).fetchone()
        assert row is not None
        return from_ms(row[0]), from_ms(row[1])


def _one(conn: psycopg.Connection[Row], sql: str, params: Sequence[object] = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0]

