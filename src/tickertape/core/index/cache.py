"""The SQLite/FTS5 cache of an index: what makes a million articles open instantly.

One database per index in the cache directory holds every article's metadata,
tickers, warnings and file identity, with a contentless FTS5 index over title,
summary and body text; bodies are read from the files when shown. Opening never
fails on a bad cache (it is rebuilt, and :attr:`IndexCache.notices` says so);
:meth:`IndexCache.refresh` brings it up to date reading only new and changed files.

This class owns the connection and its lock and delegates the work to the modules
beside it (``build``, ``select``, ``rows``, ``aggregate``, ``articles``); it is the
SQLite implementation of :class:`tickertape.core.index.protocol.Index`.

Threads: an ``IndexCache`` holds a reader connection for queries, shared by every
thread behind a lock (``check_same_thread=False``), and a second one for rows and
articles by rowid behind a lock of its own: WAL lets both read at once, so the list
pages in its rows while a worker's search holds the first one for a second.
:meth:`refresh` opens its own writer connection, so the list can be painted while a
worker refreshes, and a reader sees each committed batch. Processes: a refresh holds
an exclusive lock file beside the database; a second process's refresh is skipped
with a notice.
Rowids are stable except once: at the end of the reading phase of a first build the
rows are renumbered into date order, so callers re-select after a refresh phase
change (the reader does so on every progress event and at the end).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tickertape.core import sqlite, stories
from tickertape.core.article import Article, Problem
from tickertape.core.index import aggregate, articles, freshness, rows, select, ticker_stats
from tickertape.core.index.aggregate import Facets
from tickertape.core.index.rows import ArticleRow
from tickertape.core.index.schema import CacheDamaged, Unusable, connect, meta_int, prepare
from tickertape.core.index.select import SORT_KEYS, Derived
from tickertape.core.index.ticker_stats import Period, TickerSummary, WatchFigures

if TYPE_CHECKING:
    from tickertape.core.index.build import RefreshProgress, RefreshStats
    from tickertape.core.query import CompiledQuery


@dataclass(slots=True, frozen=True)
class CheckReport:
    """What :meth:`IndexCache.check` found: damage (then rebuilt), files whose bytes
    changed behind an unchanged size and time (then re-read), and the refresh after."""

    damaged: bool
    changed_files: int
    stats: RefreshStats
    seconds: float


class IndexCache:
    """The cache of one index; open with :meth:`open`, close with :meth:`close`."""

    def __init__(
        self, root: Path, db_path: Path, conn: sqlite3.Connection, notices: list[str],
        temp_dir: Path | None,
    ) -> None:  # fmt: skip
        self.root = root
        self.db_path = db_path
        self.notices = notices
        self._conn = conn
        self._lock = threading.RLock()
        self._rows_conn: sqlite3.Connection | None = None
        self._rows_lock = threading.Lock()
        self._temp_dir = temp_dir
        self._derived = Derived()
        self._followers: tuple[int, array[int]] = (-2, array("q"))
        self._root_text = str(root.expanduser().resolve())
        self._state_path: Path | None = None

    # -- opening --------------------------------------------------------------

    @classmethod
    def open(
        cls, root: Path, *, cache_dir: Path | None = None, state_path: Path | None = None
    ) -> IndexCache:
        """Open (creating if needed) the cache of the index at ``root``.

        Never raises for a bad cache: a corrupt, foreign or unreadable file is deleted
        and rebuilt, and a directory we cannot write sends the cache to a temporary
        one for this run; :attr:`notices` says which.
        """
        from tickertape.core.paths import cache_dir as default_cache_dir
        from tickertape.core.paths import index_key

        root = Path(root)
        directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        root_text = str(root.expanduser().resolve())
        name = f"{index_key(root)}.sqlite"
        notices: list[str] = []
        temp_dir: Path | None = None
        conn: sqlite3.Connection | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)
            conn = _open_or_rebuild(directory / name, root_text, notices)
        except (OSError, sqlite3.Error, Unusable) as error:
            temp_dir = Path(tempfile.mkdtemp(prefix="tickertape-cache-"))
            why = _reason(error)
            if isinstance(error, FileExistsError) or (
                directory.exists() and not directory.is_dir()
            ):
                why = "it is a file, not a folder"
            notices.append(
                f"The cache folder {directory} cannot be used ({why}); "
                f"this session keeps its cache in the temporary folder {temp_dir}, "
                "which is removed at the end: nothing is kept for the next run."
            )
            directory = temp_dir
            conn = _open_or_rebuild(directory / name, root_text, notices)
        cache = cls(root, directory / name, conn, notices, temp_dir)
        cache._attach_state(state_path)
        return cache

    def _attach_state(self, state_path: Path | None) -> None:
        """Expose the user's flags as ``flag_read``/``flag_starred`` (empty without state)."""
        from tickertape.core.state import empty_flag_tables_sql, flag_views_sql

        conn = self._conn
        self._state_path = state_path
        if state_path is not None and Path(state_path).is_file():
            try:
                conn.execute("ATTACH DATABASE ? AS state", (str(state_path),))
                for statement in flag_views_sql("state"):
                    conn.execute(statement)
                conn.execute("SELECT count(*) FROM flag_read").fetchone()
                return
            except sqlite3.Error as error:
                self.notices.append(
                    f"Read and starred flags are unavailable ({_reason(error)})."
                )
                for view in ("flag_read", "flag_starred"):
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute(f"DROP VIEW IF EXISTS temp.{view}")
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("DETACH DATABASE state")
        for statement in empty_flag_tables_sql():
            conn.execute(statement)

    def close(self) -> None:
        """Close the connections (and drop a temporary cache folder, if one was used)."""
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._close_rows()
            if self._temp_dir is not None:
                shutil.rmtree(self._temp_dir, ignore_errors=True)
                self._temp_dir = None

    @property
    def temporary(self) -> bool:
        """Whether the cache lives in a temporary folder that goes when it is closed
        (its folder could not be used): nothing is kept for the next run."""
        return self._temp_dir is not None

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The query connection under its lock, damage translated (see :meth:`_damage`)."""
        with self._lock, self._damage():
            yield self._conn

    @contextlib.contextmanager
    def _damage(self) -> Iterator[None]:
        """Damaged pages met in the block surface as :class:`CacheDamaged`, never as a
        wrong or partial answer."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            if sqlite.is_damaged(error):
                raise CacheDamaged(_reason(error), self.db_path) from error
            raise
        except CacheDamaged as error:
            error.db_path = self.db_path
            raise

    def __enter__(self) -> IndexCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- refreshing -------------------------------------------------------------

    def refresh(
        self,
        *,
        progress: Callable[[RefreshProgress], None] | None = None,
        cancel: threading.Event | None = None,
        wait: bool = False,
        only: Sequence[str] | None = None,
    ) -> RefreshStats:
        """Bring the cache up to date with the files: read only new and changed ones
        (of ``only``, rels a folder watch saw change, when it is given).

        Safe to run in a worker thread while other threads select. When another
        process is refreshing the same cache, this one is skipped with a notice, or
        with ``wait`` follows that one's progress and refreshes after it. A cache found
        corrupt on the way is rebuilt from scratch; a full disk keeps it as it was.
        """
        started = time.perf_counter()
        # Before the scan: see core/index/freshness.py. Not for a refresh of a few files
        # (a folder watch's): listing every folder cost ~0.4 s of CPU at 100k a file
        # landed; the times kept from the last whole refresh then only make the next
        # quick check ask for a refresh, which is right.
        shot = freshness.snapshot(self.root) if only is None else None
        from tickertape.core.index import build

        counts = build.refresh(
            self.db_path, self.root, progress=progress, cancel=cancel,
            notices=self.notices, rebuild=self.rebuild, wait=wait, only=only,
        )  # fmt: skip
        if shot is not None and not (counts.cancelled or counts.full or counts.skipped):
            self._keep_snapshot(shot)
        with self._reading():
            total = self.count()
            problems = len(self.problems())
        return build.RefreshStats(
            total, counts.added, counts.changed, counts.removed, problems,
            time.perf_counter() - started, counts.full,
        )  # fmt: skip

    def _keep_snapshot(self, shot: freshness.Snapshot) -> None:
        """Store the folder times a finished refresh started from (best effort: without
        them the next quick check asks for a refresh)."""
        try:
            writer = connect(self.db_path)
        except (sqlite3.Error, OSError):
            return
        try:
            freshness.store(writer, shot)
        except sqlite3.Error:
            pass
        finally:
            writer.close()

    def quick_check(self) -> freshness.Freshness:
        """Whether the files may have changed since the last finished refresh, from the
        folders' times and a sample of files: milliseconds where a refresh takes
        seconds (see core/index/freshness.py)."""
        with self._reading():
            return freshness.check(self._conn, self.root)

    def rebuild(self, reason: str = "") -> None:
        """Replace a damaged database with an empty one under the same reader (a
        :meth:`refresh` fills it again); :attr:`notices` says why."""
        because = f" ({reason})" if reason else ""
        self.notices.append(
            f"The index cache was damaged{because}; it is being rebuilt from the files "
            "(they are untouched, and read and starred flags are kept apart)."
        )
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._close_rows()
            sqlite.remove_database(self.db_path)
            notices: list[str] = []
            self._conn = _open_or_rebuild(self.db_path, self._root_text, notices)
            self._derived = Derived()
        self._attach_state(self._state_path)

    # -- state of the cache --------------------------------------------------------

    def check(self, *, progress: Callable[[RefreshProgress], None] | None = None) -> CheckReport:
        """Check every page of the cache (SQLite's integrity check, the full-text index,
        the stored sort orders) and every file against the digest kept of it; rebuild
        a damaged cache, re-read files that changed without a new size or time, and
        refresh. Slow (it reads everything): for ``tickertape index --check``."""
        from tickertape.core.index import verify

        started = time.perf_counter()
        damage = verify.damage(self.db_path)
        if damage:
            self.rebuild(damage)
            changed = 0
        else:
            changed = verify.mark_changed_files(self.db_path, self.root)
        stats = self.refresh(progress=progress)
        return CheckReport(
            damaged=bool(damage), changed_files=changed, stats=stats,
            seconds=time.perf_counter() - started,
        )  # fmt: skip

    def is_built(self) -> bool:
        """Whether a first build has read every file once (the list can be trusted)."""
        with self._reading():
            return meta_int(self._conn, "built") == 1

    def fts_ready(self) -> bool:
        """Whether every article is in the full-text index (search finds all of them)."""
        with self._reading():
            upto = meta_int(self._conn, "fts_upto")
            row = self._conn.execute(
                "SELECT EXISTS(SELECT 1 FROM articles WHERE rowid > ?)", (upto,)
            ).fetchone()
            return not row[0] and self.is_built()

    def count(self) -> int:
        """How many articles the cache holds."""
        with self._reading():
            return select.count(self._conn, self._current())

    def _current(self) -> Derived:
        """Derived data for the cache as it is now; dropped when a refresh committed."""
        self._derived = select.current(self._conn, self._derived)
        return self._derived

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[Derived]:
        """One read transaction, so a select sees one state of the cache throughout."""
        with self._reading(), sqlite.read_transaction(self._conn):
            yield self._current()

    # -- selecting -----------------------------------------------------------------

    def select(
        self,
        query: CompiledQuery | None = None,
        *,
        sort: str = "date",
        reverse: bool = False,
        limit: int | None = None,
    ) -> Sequence[int]:
        """Rowids of the articles ``query`` selects, in display order.

        ``date`` is newest first, ``title``/``source`` A-Z, ``sentiment`` positive,
        neutral, negative, other, none; ``confidence`` high to low; ``relevance`` best
        match first (date without words). Ties go by date (newest first), then id;
        rows without a value go last. ``reverse`` mirrors the whole order.
        """
        if sort not in SORT_KEYS and sort != "relevance":
            raise ValueError(f"unknown sort key {sort!r}")
        with self._snapshot() as derived:
            return select.select(
                self._conn, derived, query, sort=sort, reverse=reverse, limit=limit
            )

    def find(self, id_or_prefix: str) -> list[int]:
        """Rowids of the article with this id, else of every article whose id starts so."""
        with self._reading():
            return select.find(self._conn, id_or_prefix)

    def find_file(self, rel: str) -> list[int]:
        """Rowids of the articles of the file ``rel`` (a warning's path), in file order."""
        with self._lock:
            return select.find_file(self._conn, rel)

    # -- rows and articles -------------------------------------------------------------

    @contextlib.contextmanager
    def _rows_reader(self) -> Iterator[sqlite3.Connection]:
        """The connection for reading by rowid, opened when first needed; never waits
        for the query connection's lock (a search may hold it for a while)."""
        with self._rows_lock:
            if self._rows_conn is None:
                self._rows_conn = connect(self.db_path)
            yield self._rows_conn

    def _close_rows(self) -> None:
        with self._rows_lock:
            if self._rows_conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._rows_conn.close()
                self._rows_conn = None

    def rows(self, rowids: Sequence[int]) -> list[ArticleRow]:
        """The list rows of ``rowids``, in the given order (unknown rowids are left out)."""
        with self._rows_reader() as conn, self._damage(), sqlite.read_transaction(conn):
            return rows.rows(conn, rowids)

    def articles(self, rowids: Sequence[int]) -> list[Article]:
        """Cached articles (every field but ``content``) in the given order."""
        with self._rows_reader() as conn, self._damage(), sqlite.read_transaction(conn):
            return rows.articles(conn, rowids)

    def problems(self) -> list[Problem]:
        """Every file-level and article-level problem, by path."""
        with self._reading():
            return rows.problems(self._conn)

    def file_path(self, rel: str) -> str:
        """The path of the file ``rel`` of this index (the root itself for a one-file index)."""
        from tickertape.core.scan import file_path

        return file_path(self.root, rel)

    def load_article(self, rowid: int) -> Article:
        """The full article, body included, read again from its file.

        When the file is gone or no longer holds the record, the cached metadata comes
        back with a warning saying so. Raises ``KeyError`` for a rowid not in the cache.
        """
        with self._rows_reader() as conn, self._damage():
            cached, claim = articles.cached_article(conn, rowid)
        return articles.reread(self.root, cached, claim)

    # -- aggregates ----------------------------------------------------------------------

    def ticker_stats(self) -> dict[str, tuple[int, float | None]]:
        """code -> (articles mentioning it, mean sentiment: each article's score for the
        ticker or its own, else +1/0/-1 from its direction)."""
        with self._reading():
            return aggregate.ticker_stats(self._conn, self._current())

    def ticker_means(
        self, query: CompiledQuery | None, codes: Sequence[str]
    ) -> dict[str, float | None]:
        """The mean sentiment of each of ``codes`` over what ``query`` selects."""
        with self._snapshot():
            return aggregate.ticker_means(self._conn, query, codes)

    def value_columns(self) -> tuple[bool, bool]:
        """(any confidence, any score without a confidence): what the Conf column shows."""
        with self._reading():
            return aggregate.value_columns(self._conn)

    def added_since(self, when: float) -> set[int]:
        """Rowids of the articles that entered the cache after ``when`` (unix seconds).

        With the time of the previous run, these are the articles that are new to the
        user; a rebuilt cache makes everything look new, so callers cap what they show.
        """
        with self._reading():
            return aggregate.added_since(self._conn, when)

    def count_added_since(self, when: float) -> int:
        """How many articles entered the cache after ``when`` (unix seconds)."""
        with self._reading():
            return aggregate.count_added_since(self._conn, when)

    def facets(self, query: CompiledQuery | None, limit: int = 50) -> Facets:
        """Tickers, sources, sentiments and languages of the result, most frequent first."""
        with self._snapshot():
            return aggregate.facets(self._conn, query, limit)

    def values(self, field: str, limit: int | None = 50) -> tuple[tuple[str, int], ...]:
        """What ``sentiment`` (the direction), ``label`` (the sentiment label as written),
        ``source`` or ``language`` holds across the index, with
        counts, most frequent first: what a query that found nothing could ask for."""
        with self._snapshot():
            return aggregate.values(self._conn, field, limit)

    def stats(self, query: CompiledQuery | None) -> dict[str, list[tuple[str, int]]]:
        """Counts by source, sentiment, label, language, ticker (top 20) and month."""
        with self._snapshot():
            return aggregate.stats(self._conn, query)

    # -- stories ---------------------------------------------------------------------

    def collapse(self, rowids: Sequence[int]) -> Sequence[int]:
        """``rowids`` without the versions that are not their cluster's lead."""
        with self._snapshot() as derived:
            if self._followers[0] != derived.generation:
                self._followers = (derived.generation, stories.followers(self._conn))
        return select.without(rowids, self._followers[1])

    def clusters(self, rowids: Sequence[int]) -> dict[int, tuple[int, str, int, int]]:
        """rowid -> (lead rowid, lead id, versions, sources) for those in a cluster."""
        with self._rows_reader() as conn, sqlite.read_transaction(conn):
            return stories.cluster_info(conn, rowids)

    def cluster(self, rowid: int) -> list[int]:
        """Every version of the article's story, the lead first, then by date."""
        with self._rows_reader() as conn, sqlite.read_transaction(conn):
            return stories.cluster_of(conn, rowid)

    def story_stats(self, top: int = 5) -> stories.StoryStats:
        """How many stories the index holds and its largest clusters."""
        with self._snapshot():
            return stories.story_stats(self._conn, top)

    # -- the ticker desk (see ticker_stats) -----------------------------------------------

    def ticker_summaries(
        self, query: CompiledQuery | None, since: datetime | None = None
    ) -> list[TickerSummary]:
        """Every ticker of what ``query`` selects (published since ``since``)."""
        with self._snapshot():
            return ticker_stats.summaries(self._conn, query, since)

    def ticker_trend(
        self, code: str, query: CompiledQuery | None, by: str, first: date, last: date
    ) -> list[Period]:
        """The ticker's articles and mean sentiment per period, zeros included."""
        with self._snapshot():
            return ticker_stats.trend(self._conn, code, query, by, first, last)

    def ticker_co_mentions(
        self, code: str, query: CompiledQuery | None, limit: int = 10
    ) -> list[tuple[str, int]]:
        with self._snapshot():
            return ticker_stats.co_mentions(self._conn, code, query, limit)

    def ticker_sources(
        self, code: str, query: CompiledQuery | None, limit: int = 10
    ) -> list[tuple[str, int]]:
        with self._snapshot():
            return ticker_stats.by_source(self._conn, code, query, limit)

    def ticker_directions(self, code: str, query: CompiledQuery | None) -> dict[str, int]:
        with self._snapshot():
            return ticker_stats.by_direction(self._conn, code, query)

    def watch_figures(
        self, codes: Sequence[str], first: date, last: date, new_after: float | None
    ) -> dict[str, WatchFigures]:
        """Unread, new (added after ``new_after``) and daily figures of every watched
        code, in one query (see :func:`ticker_stats.watch_figures`)."""
        from tickertape.core.query import compile_query, parse

        unread = compile_query(parse("is:unread"))
        read = compile_query(parse("is:read"))
        with self._snapshot():
            return ticker_stats.watch_figures(
                self._conn, codes, unread, first, last, new_after, read
            )

    def date_range(
        self, query: CompiledQuery | None = None
    ) -> tuple[datetime | None, datetime | None]:
        """First and last publication dates of what ``query`` selects."""
        with self._snapshot():
            return ticker_stats.date_range(self._conn, query)


def _open_or_rebuild(path: Path, root_text: str, notices: list[str]) -> sqlite3.Connection:
    """Open the cache at ``path``; delete and recreate it when it is not usable.

    A database locked past the busy timeout is not damaged: that error propagates
    (the caller falls back to a temporary cache) rather than deleting it.
    """
    for attempt in range(3):
        conn: sqlite3.Connection | None = None
        try:
            conn = connect(path)
            prepare(conn, root_text)
            return conn
        except (Unusable, sqlite3.DatabaseError) as error:
            if conn is not None:
                conn.close()
            # Only a file that is not a usable cache is deleted: locked, full, read-only
            # or failing I/O say nothing against it (the caller uses a temporary one).
            unusable = isinstance(error, Unusable) or sqlite.is_not_a_database(error)
            if not unusable or attempt == 2:
                raise
            sqlite.remove_database(path)
            notices.append(f"The index cache {path.name} {_unusable_reason(error)}; rebuilding it.")
    raise AssertionError("unreachable")


def _unusable_reason(error: BaseException) -> str:
    if isinstance(error, Unusable):
        return str(error)
    if isinstance(error, sqlite3.Error) and sqlite.is_damaged(error):
        return f"is damaged ({_reason(error)})"
    return f"could not be used ({_reason(error)})"


def _reason(error: BaseException) -> str:
    """:func:`build.reason`, imported when needed: the refresh's module (process pool,
    file readers) is not loaded by a command the cache answers without one."""
    from tickertape.core.index.build import reason

    return reason(error)
