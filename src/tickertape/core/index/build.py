"""Building and refreshing the cache: scan, read what changed, index its text.

A refresh runs in three phases on its own connection, each in short transactions so
a reader connection sees the list fill and never waits long:

1. *scanning*: list the files and compare (rel, size, mtime_ns) with ``files``;
   rows of removed and changed files are deleted at once.
2. *reading*: new and changed files are read and parsed; their metadata rows are
   committed every ~2,000 articles. A first build inserts at provisional rowids and
   renumbers into date order at the end, so rowid order is date order.
3. *indexing text*: every row past ``meta.fts_upto`` gets its full-text entry; the
   file is read again for the body (bodies are never stored in the cache). This is
   what :meth:`IndexCache.fts_ready` waits for.

Parsing and text extraction use a process pool when there are enough files and more
than one core (measured: about 1.6x faster on two cores for 100k files); threads did
not pay on warm files.
"""

from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import os
import sqlite3
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar

from tickertape.core import stories
from tickertape.core.article import Article, Problem
from tickertape.core.folding import fold_text
from tickertape.core.index import ticker_days
from tickertape.core.index.schema import (
    STAGE_BASE,
    connect,
    create_indexes,
    drop_indexes,
    meta_int,
    published_ms,
    set_meta,
)
from tickertape.core.parent_watch import exit_with_parent
from tickertape.core.scan import FileEntry, path_maker
from tickertape.core.sqlite import end_transaction

BATCH_ARTICLES: Final = 2000
FTS_BATCH: Final = 10000
# FTS5 flushes its pending terms to a new segment at every commit and whenever they
# pass this size (default 1 MB); 16 MB made the full-text pass about 30% faster, 32 MB
# with commits every 10,000 rows a little more (each commit writes a segment).
FTS_HASH_BYTES: Final = 32 * 1024 * 1024
# Below this many files to read, a process pool costs more to start than it saves.
POOL_MIN_FILES: Final = 3000
_TASK_FILES: Final = 250
_KNOWN_PAGE: Final = 5000
"""Rows of ``files`` read at a time by a refresh's merge with the walk."""
_IN_FLIGHT: Final = 6
_FTS_STALE_MIN: Final = 5000
# The builder's WAL auto-checkpoint (pages): a checkpoint copies the pages again, so
# while a build writes hundreds of megabytes it runs rarely (commits ~30% cheaper).
BUILD_CHECKPOINT_PAGES: Final = 100_000
# The WAL is truncated to this size when it is reset after a checkpoint.
WAL_LIMIT_BYTES: Final = 64 * 1024 * 1024
# FTS5's incremental merging (automerge, default 4) is off while the full-text phase
# writes, and back on at its end: at 100k the commits went from ~3.7 s to ~1 s and the
# ~10-20 segments left (big ones: see FTS_HASH_BYTES) searched as fast within noise.
# Later writes merge them as usual.
FTS_AUTOMERGE: Final = 4

Progress = Callable[[str, int, int | None], None]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(slots=True)
class _FtsBatch:
    """Rows of one full-text batch: title and summary by rowid, chunks still to come."""

    fields: dict[int, tuple[str, str]]
    chunks: int
    last: int


@dataclass(slots=True)
class Counts:
    """What a refresh changed, in files."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    cancelled: bool = False
    full: bool = False
    skipped: bool = False
    """Another process held the refresh lock: nothing was compared."""


# -- work done in worker processes (or inline): top-level, picklable ------------------


# One article as the worker sends it: the columns of ``articles`` and ``details`` already
# encoded (JSON, milliseconds, joined tickers), so the writer thread only binds them.
# (id, path, ordinal, published_ms, source, sentiment, language, confidence, tickers,
#  n_warnings, link, title, summary, images_json, extra_json, warnings_json, ticker_rows,
#  label, label_key, score, lead); a ticker row is (code, base, the record's own score
#  for it, how it was found); lead is the body's first line, kept only when there is
#  no title and no summary.
ArticleRecord = tuple[
    str, str, int, int | None, str, str, str, float | None, str, int,
    str, str, str, str, str, str, list[tuple[str, str, float | None, str]],
    str, str, float | None, str,
]  # fmt: skip


def article_record(article: Article) -> ArticleRecord:
    """The pre-encoded row of one article (see :data:`ArticleRecord`)."""
    from tickertape.core.article import ticker_how
    from tickertape.core.sentiment import given_value, label_key
    from tickertape.core.tickers import ticker_base

    given = {ticker.code: given_value(ticker) for ticker in article.given_tickers}
    return (
        article.id, article.path, article.ordinal, published_ms(article.published),
        article.source, article.sentiment, article.language, article.confidence,
        " ".join(article.tickers), len(article.warnings), article.link, article.title,
        article.summary, json.dumps(article.images), json.dumps(article.extra),
        json.dumps(article.warnings),
        [
            (code, ticker_base(code), given.get(code), ticker_how(article, code))
            for code in dict.fromkeys(article.tickers)
        ],
        article.sentiment_label, label_key(article.sentiment_label), article.score,
        "" if article.title or article.summary else lead_line(article.content),
    )  # fmt: skip


# A file's identity in ``files``: (size, mtime_ns, digest of its bytes).
Identity = tuple[int, int, bytes | None]

LEAD_CHARS = 200
"""How much of an untitled article's first line the list keeps to show for it."""


def lead_line(content: str) -> str:
    """The first line of the body's text: what the list shows for an article with
    neither title nor summary (737 of Reuters-21578's)."""
    if not content:
        return ""
    from tickertape.core.clean import html_to_text

    text = html_to_text(content[: LEAD_CHARS * 20])
    return text.split("\n", 1)[0][:LEAD_CHARS]


def read_files(
    items: Sequence[tuple[str, str, int, int]],
) -> list[tuple[str, Identity, list[ArticleRecord], list[Problem]]]:
    """Read and parse files given as (path, rel, size, mtime_ns); only the encoded
    metadata rows cross the process boundary (bodies are dropped)."""
    from tickertape.core.loader import read_entry_with_digest

    out: list[tuple[str, Identity, list[ArticleRecord], list[Problem]]] = []
    for path, rel, size, mtime_ns in items:
        result, digest = read_entry_with_digest(FileEntry(Path(path), rel, size, mtime_ns))
        records = [article_record(article) for article in result.articles]
        out.append((rel, (size, mtime_ns, digest), records, result.problems))
    return out


def file_digests(items: Sequence[tuple[str, str]]) -> list[tuple[str, bytes | None]]:
    """(rel, digest of the file's bytes now) for each (path, rel): what ``index --check``
    compares with the digests kept in ``files``."""
    from tickertape.core.loader import read_digest

    return [(rel, read_digest(Path(path), rel)) for path, rel in items]


def extract_texts(
    items: Sequence[tuple[str, str, Sequence[tuple[int, int, str]]]],
) -> list[tuple[int, str, bytes | None]]:
    """Body text for the full-text index: (rowid, text, story signature) for each
    (rowid, ordinal, title) asked of each (path, rel) file; an article no longer in its
    file gets no body.

    An article file holds one article (ordinal 0) and only its ``content`` field is
    read again (:func:`article_content`): the first pass already parsed the rest.
    The text is folded for search here, in the worker, as titles are by the writer.
    """
    from tickertape.core.clean import html_to_text
    from tickertape.core.formats import is_record_file
    from tickertape.core.loader import read_entry
    from tickertape.core.stories import signature

    out: list[tuple[int, str, bytes | None]] = []
    for path, rel, wanted in items:
        if not is_record_file(rel):
            body = _article_file_body(path, rel)
            for rowid, ordinal, title in wanted:
                text = html_to_text(body) if body and ordinal == 0 else ""
                out.append((rowid, fold_text(text), signature(title, text)))
            continue
        result = read_entry(FileEntry(Path(path), rel, 0, 0))
        by_ordinal = {article.ordinal: article for article in result.articles}
        for rowid, ordinal, title in wanted:
            article = by_ordinal.get(ordinal)
            text = html_to_text(article.content) if article and article.content else ""
            out.append((rowid, fold_text(text), signature(title, text)))
    return out


def _article_file_body(path: str, rel: str) -> str:
    """The raw HTML body of an article file, as ``read_entry`` would give it ("" if none)."""
    from tickertape.core.formats import read_body
    from tickertape.core.loader import MAX_ARTICLE_FILE_BYTES, read_capped

    try:
        data, _ = read_capped(Path(path), rel, MAX_ARTICLE_FILE_BYTES)
    except Exception:  # as read_file: a file that cannot be read has no article
        return ""
    return read_body(data or b"", rel)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Runner:
    """Runs a function over chunks in order: inline, or in a small process pool with a
    bounded number of chunks in flight (so results cannot pile up in memory)."""

    def __init__(self, use_pool: bool) -> None:
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        if use_pool and _start_resource_tracker():
            # spawn, not fork: the reader runs this from a thread of a threaded app.
            context = multiprocessing.get_context("spawn")
            self.pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=min(os.cpu_count() or 1, 4),
                mp_context=context,
                initializer=exit_with_parent,  # no orphans after a kill -9 of the owner
                initargs=(os.getpid(),),
            )

    def map(self, fn: Callable[[Sequence[T]], R], chunks: Iterable[Sequence[T]]) -> Iterator[R]:
        if self.pool is None:
            for chunk in chunks:
                yield fn(chunk)
            return
        pending: list[Future[R]] = []
        for chunk in chunks:
            pending.append(self.pool.submit(fn, chunk))
            if len(pending) >= _IN_FLIGHT:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _start_resource_tracker() -> bool:
    """Start multiprocessing's resource tracker; False when no process can be started.

    The tracker inherits ``sys.stderr``'s descriptor, and under Textual ``sys.stderr``
    is a capture object without a real one, so spawning would fail with "bad value(s)
    in fds_to_keep". It is started once with stderr pointed at the null device.
    """
    from multiprocessing import resource_tracker

    try:
        sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        real = False
    else:
        real = sys.stderr.fileno() >= 0
    try:
        if real:
            resource_tracker.ensure_running()
            return True
        saved = sys.stderr
        with open(os.devnull, "w") as sink:
            sys.stderr = sink
            try:
                resource_tracker.ensure_running()
            finally:
                sys.stderr = saved
    except (OSError, ValueError):
        return False
    return True


def can_start_processes() -> bool:
    """Whether child processes can be started here (see :func:`_start_resource_tracker`)."""
    return _start_resource_tracker()


def runner_for(n_files: int) -> _Runner:
    """A runner for ``n_files`` of work (a process pool when it pays); close it after."""
    return _Runner(use_pool(n_files))


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``size``: the units of work handed to a runner."""
    return _chunks(items, size)


def use_pool(n_files: int) -> bool:
    """Whether a process pool pays for ``n_files`` (``TICKERTAPE_WORKERS=0`` turns it off)."""
    setting = os.environ.get("TICKERTAPE_WORKERS", "")
    if setting == "0":
        return False
    return n_files >= POOL_MIN_FILES and (os.cpu_count() or 1) > 1


# -- the refresh ------------------------------------------------------------------


class Refresher:
    """One refresh of one cache on a writer connection (see the module docstring)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        root: Path,
        progress: Progress,
        cancel: threading.Event | None,
        only: Sequence[str] | None = None,
    ) -> None:
        self.conn = conn
        self.root = root
        self.progress = progress
        self.cancel = cancel
        self.only = only
        """The rels to look at (files that changed, from the folder watch), else all."""
        self.counts = Counts()
        self._pending_articles = 0
        self._next_rowid = 0
        self._fresh = False
        self._files: list[tuple[str, int, int, bytes | None]] = []
        self._problems: list[tuple[str, str, str]] = []
        self._articles: list[tuple[object, ...]] = []
        self._details: list[tuple[object, ...]] = []
        self._tickers: list[tuple[int, str, str, float | None, str]] = []
        self._pending_ids: set[str] = set()
        self._dirty_days: set[str] = set()
        """Days whose articles changed in this transaction (ticker_days counts them again)."""
        self._pool: _Runner | None = None
        self.file_path = path_maker(root)
        # The builder's own connection: WAL with synchronous=NORMAL never corrupts (an
        # OS crash can lose only the last commits, and the cache is rebuildable); rare
        # checkpoints while it writes, one at the end. (The page cache stays at 32 MB: 64 MB
        # did not measurably pay; the builder's peak memory at 100k is about 185 MB.)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA wal_autocheckpoint = {BUILD_CHECKPOINT_PAGES}")
        conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")

    def cancelled(self) -> bool:
        if self.cancel is not None and self.cancel.is_set():
            self.counts.cancelled = True
            return True
        return False

    # -- transactions ---------------------------------------------------------

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        """Commit with a new generation, so readers drop what they derived from the old;
        the per-day ticker counts of the days that changed are counted again first."""
        ticker_days.recount(self.conn, self._dirty_days)
        self._dirty_days.clear()
        self.conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
        )
        self.conn.execute("COMMIT")

    def run(self) -> Counts:
        try:
            if self.only is None:
                todo = self._scan_diff()
            else:
                self.progress("scanning", 0, None)
                todo = self._diff(self.only)
            before = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()
            if not self.cancelled():
                self._read(todo)
            if (
                not self.cancelled()
                and (todo or self.counts.removed)
                and not self._only_known_labels_added(int(before[0]))
            ):
                self._record_unknown_labels()
            del todo  # a tuple per file: tens of megabytes at 100k files
            if not self.cancelled():
                self._index_text()
        except BaseException:
            end_transaction(self.conn)
            raise
        finally:
            if self._pool is not None:
                self._pool.close()
            self._checkpoint()
        return self.counts

    def _runner(self, n_files: int) -> _Runner:
        """The runner for ``n_files`` of work: the read phase's process pool is kept for
        the full-text phase (starting one costs a few hundred milliseconds)."""
        if self._pool is not None:
            return self._pool
        runner = _Runner(use_pool(n_files))
        if runner.pool is not None:
            self._pool = runner
        return runner

    def _checkpoint(self) -> None:
        """Move the WAL into the database now that the writing is over (readers are
        not waited for: PASSIVE), and give the connection back its usual settings."""
        conn = self.conn
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            conn.execute("PRAGMA wal_autocheckpoint = 1000")
        except sqlite3.Error:
            pass

    # -- phase 1: scanning ------------------------------------------------------

    def _scan_diff(self) -> list[tuple[str, int, int]]:
        """Walk the whole index and compare it with ``files`` as it goes; delete what is
        gone or changed, and return the files to read, in path order.

        Streams: the walk yields files in sorted path order, directory by directory, and
        ``files`` is read in the same order a page at a time (a merge), so neither the
        whole file list nor the table is held, only the files to read and those gone or
        changed (at 100k files the list, the table as a dict and a set of seen names
        were about 50 MB of the reader's peak).
        """
        from tickertape.core.scan import scan_index

        known = self._known_files()
        current = next(known, None)
        # Plain tuples, not FileEntry objects: at a million files the difference is
        # hundreds of megabytes.
        todo: list[tuple[str, int, int]] = []
        changed: list[str] = []
        removed: list[str] = []
        scan_problems: list[Problem] = []
        scanned = 0
        self.progress("scanning", 0, None)
        for item in scan_index(self.root):
            if isinstance(item, Problem):
                scan_problems.append(item)
                continue
            rel = item.rel
            while current is not None and current[0] < rel:
                removed.append(current[0])
                current = next(known, None)
            if current is not None and current[0] == rel:
                if current[1] != item.size or current[2] != item.mtime_ns:
                    todo.append((rel, item.size, item.mtime_ns))
                    changed.append(rel)
                    self.counts.changed += 1
                current = next(known, None)
            else:
                todo.append((rel, item.size, item.mtime_ns))
                self.counts.added += 1
            scanned += 1
            if scanned % 5000 == 0:
                self.progress("scanning", scanned, None)
                if self.cancelled():
                    break
        root_failed = not scanned and any(p.path == str(self.root) for p in scan_problems)
        if root_failed or self.counts.cancelled:
            removed = []
        else:
            while current is not None:
                removed.append(current[0])
                current = next(known, None)
        return self._apply_diff(todo, changed, removed, scan_problems)

    def _known_files(self) -> Iterator[tuple[str, int, int]]:
        """``files`` as (rel, size, mtime_ns) in path order, a page at a time (SQLite
        orders text by its UTF-8 bytes: the code point order the walk uses)."""
        rows: list[tuple[str, int, int]] = self.conn.execute(
            "SELECT rel, size, mtime_ns FROM files ORDER BY rel LIMIT ?", (_KNOWN_PAGE,)
        ).fetchall()
        while rows:
            yield from rows
            if len(rows) < _KNOWN_PAGE:
                return
            rows = self.conn.execute(
                "SELECT rel, size, mtime_ns FROM files WHERE rel > ? ORDER BY rel LIMIT ?",
                (rows[-1][0], _KNOWN_PAGE),
            ).fetchall()

    def _stat_only(self, rels: Sequence[str]) -> list[tuple[str, int, int]]:
        """The regular files among ``rels`` with their size and time (the rest: gone);
        a folder among them is walked whole (files made in a new folder before it was
        watched send no notification)."""
        import stat

        from tickertape.core.scan import scan_index

        found: dict[str, tuple[str, int, int]] = {}
        for rel in sorted(set(rels)):
            path = self.file_path(rel)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                found[rel] = (rel, st.st_size, st.st_mtime_ns)
            elif stat.S_ISDIR(st.st_mode):
                for item in scan_index(Path(path)):
                    if isinstance(item, FileEntry):
                        inner = f"{rel}/{item.rel}"
                        found[inner] = (inner, item.size, item.mtime_ns)
        return sorted(found.values())

    def _known_only(self, rels: Sequence[str]) -> Iterator[tuple[str, int, int]]:
        """What ``files`` holds of ``rels``, and of the folders they named."""
        for rel in set(rels):
            yield from self.conn.execute(
                "SELECT rel, size, mtime_ns FROM files WHERE rel = ? OR (rel > ? AND rel < ?)",
                (rel, rel + "/", rel + "0"),  # "0" sorts right after "/"
            )

    def _diff(self, only: Sequence[str]) -> list[tuple[str, int, int]]:
        """The files the folder watch named (``only``): delete what is gone or changed;
        return the files to read, in path order (a few files: held in memory)."""
        entries = self._stat_only(only)
        known = {rel: (size, mtime) for rel, size, mtime in self._known_only(only)}
        todo: list[tuple[str, int, int]] = []
        seen: set[str] = set()
        changed: list[str] = []
        for entry in entries:
            rel = entry[0]
            seen.add(rel)
            old = known.get(rel)
            if old is None:
                todo.append(entry)
                self.counts.added += 1
            elif old != entry[1:]:
                todo.append(entry)
                changed.append(rel)
                self.counts.changed += 1
        removed = [] if self.counts.cancelled else [r for r in known if r not in seen]
        return self._apply_diff(todo, changed, removed, [])

    def _apply_diff(
        self,
        todo: list[tuple[str, int, int]],
        changed: list[str],
        removed: list[str],
        scan_problems: list[Problem],
    ) -> list[tuple[str, int, int]]:
        """Delete the rows of removed and changed files, keep the scan's problems."""
        conn = self.conn
        self.counts.removed = len(removed)
        old_problems = conn.execute(
            "SELECT rel, field, reason FROM problems WHERE kind = 'scan' ORDER BY rowid"
        ).fetchall()
        new_problems = [(p.path, p.field, p.reason) for p in scan_problems]
        if self.only is not None:
            new_problems = old_problems  # only a whole scan knows the folder's problems
        if not removed and not changed and old_problems == new_problems:
            return todo
        self.begin()
        conn.execute("DELETE FROM problems WHERE kind = 'scan'")
        conn.executemany(
            "INSERT INTO problems(rel, field, reason, kind) VALUES (?, ?, ?, 'scan')", new_problems
        )
        freed: list[str] = []
        for rels in _chunks(removed + changed, 500):
            freed += self._delete_files(rels)
        self._restore_ids(freed)
        self.commit()
        return todo

    def _delete_files(self, rels: Sequence[str]) -> list[str]:
        """Delete the rows of these files; return the ids they held."""
        conn = self.conn
        marks = ",".join("?" * len(rels))
        rows = conn.execute(
            f"SELECT rowid, id FROM articles WHERE rel IN ({marks})", tuple(rels)
        ).fetchall()
        if rows:
            rowids = [(rowid,) for rowid, _ in rows]
            self._dirty_days |= ticker_days.days_of(conn, [rowid for rowid, _ in rows])
            stories.forget(conn, [rowid for rowid, _ in rows])
            conn.executemany("DELETE FROM tickers WHERE rowid = ?", rowids)
            conn.executemany("DELETE FROM articles WHERE rowid = ?", rowids)
            conn.executemany("DELETE FROM details WHERE rowid = ?", rowids)
            upto = meta_int(conn, "fts_upto")
            stale = sum(1 for (rowid,) in rowids if rowid <= upto)
            if stale:
                conn.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'fts_stale'",
                    (stale,),
                )
        conn.execute(f"DELETE FROM problems WHERE rel IN ({marks}) AND kind = 'read'", tuple(rels))
        conn.execute(f"DELETE FROM files WHERE rel IN ({marks})", tuple(rels))
        return [article_id for _, article_id in rows]

    def _restore_ids(self, freed: Iterable[str]) -> None:
        """Give a freed id back to the first article that wanted it (the clash rule)."""
        conn = self.conn
        for article_id in freed:
            row = conn.execute(
                "SELECT a.rowid, d.warnings FROM articles AS a JOIN details AS d "
                "ON d.rowid = a.rowid WHERE a.claim = ? ORDER BY a.rel, a.ordinal LIMIT 1",
                (article_id,),
            ).fetchone()
            if (
                row is None
                or conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            ):
                continue
            warnings = [w for w in json.loads(row[1]) if not _is_clash_warning(w, article_id)]
            conn.execute(
                "UPDATE articles SET id = ?, claim = NULL, n_warnings = ? WHERE rowid = ?",
                (article_id, len(warnings), row[0]),
            )
            conn.execute(
                "UPDATE details SET warnings = ? WHERE rowid = ?", (json.dumps(warnings), row[0])
            )

    def _only_known_labels_added(self, before: int) -> bool:
        """Whether a refresh of a few files (a folder watch's) only added articles whose
        labels are all known: then the index's unknown labels are as they were, and
        the GROUP BY over every article (~0.25 s at 100k) is skipped."""
        if self.only is None or self.counts.removed or self.counts.changed:
            return False
        if before >= STAGE_BASE:
            return False
        from tickertape.core.sentiment import is_unknown_label

        labels = self.conn.execute(
            "SELECT DISTINCT label FROM articles WHERE rowid > ? AND label_key != ''", (before,)
        )
        return not any(is_unknown_label(label) for (label,) in labels)

    def _record_unknown_labels(self) -> None:
        """One problem per unknown sentiment label of the whole index (not one per
        file), recomputed whenever files came or went."""
        from tickertape.core.sentiment import unknown_label_problems

        conn = self.conn
        self.begin()
        labels = conn.execute(
            "SELECT min(label), min(rel), count(*) FROM articles WHERE label_key != '' "
            "GROUP BY label_key"
        ).fetchall()
        conn.execute("DELETE FROM problems WHERE kind = 'label'")
        conn.executemany(
            "INSERT INTO problems(rel, field, reason, kind) VALUES (?, ?, ?, 'label')",
            [(p.path, p.field, p.reason) for p in unknown_label_problems(labels)],
        )
        self.commit()

    # -- phase 2: reading ---------------------------------------------------------

    def _read(self, todo: list[tuple[str, int, int]]) -> None:
        conn = self.conn
        if not todo and meta_int(conn, "built") == 1:
            return
        staging = meta_int(conn, "fts_upto") == 0 and (
            conn.execute("SELECT coalesce(min(rowid), ?) FROM articles", (STAGE_BASE,)).fetchone()[
                0
            ]
            >= STAGE_BASE
        )
        top = conn.execute("SELECT max(rowid) FROM articles").fetchone()[0]
        if staging:
            self._next_rowid = STAGE_BASE if top is None else top + 1
        else:  # AUTOINCREMENT: never below a rowid that was ever used
            seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'articles'").fetchone()
            self._next_rowid = max(top or 0, seq[0] if seq else 0) + 1
        # An empty cache is bulk-loaded: nothing to delete per file, and the secondary
        # indexes are built once at the end.
        self._fresh = (
            top is None
            and not conn.execute("SELECT 1 FROM problems WHERE kind = 'read' LIMIT 1").fetchone()
        )
        total = len(todo)
        self.progress("reading", 0, total)
        runner = self._runner(total)
        done = 0
        try:
            tasks = (
                [(self.file_path(rel), rel, size, mtime) for rel, size, mtime in chunk]
                for chunk in _chunks(todo, _TASK_FILES)
            )
            self.begin()
            if self._fresh:
                drop_indexes(conn)
                ticker_days.mark_stale(conn)
            for results in runner.map(read_files, tasks):
                for rel, identity, records, problems in results:
                    self._store_file(rel, identity, records, problems)
                    done += 1
                if self._pending_articles >= BATCH_ARTICLES or not results:
                    self._flush()
                    self.commit()
                    self._pending_articles = 0
                    self.progress("reading", done, total)
                    if self.cancelled():
                        return
                    self.begin()
            self._flush()
            if staging:
                self._renumber()
            create_indexes(conn)
            if not ticker_days.ready(conn):
                ticker_days.rebuild(conn)
            set_meta(conn, "built", 1)
            self.commit()
            self.progress("reading", done, total)
        finally:
            end_transaction(conn)

    def _store_file(
        self,
        rel: str,
        identity: Identity,
        records: list[ArticleRecord],
        problems: list[Problem],
    ) -> None:
        """Queue one file's rows; :meth:`_flush` writes them (in the same transaction)."""
        self._files.append((rel, *identity))
        if not self._fresh:
            self.conn.execute("DELETE FROM problems WHERE rel = ? AND kind = 'read'", (rel,))
        self._problems.extend((p.path, p.field, p.reason) for p in problems)
        now = time.time()
        if not records:
            self._pending_articles += 1
        pending = self._pending_ids
        for record in records:
            article_id = record[0]
            claim: str | None = None
            if article_id in pending or self._id_taken(article_id):
                self._flush()  # the clash rule looks at every row written before
                record, claim = self._claim_id(record)
                article_id = record[0]
            rowid = self._next_rowid
            self._next_rowid += 1
            pending.add(article_id)
            self._articles.append((rowid, article_id, rel, *record[2:10], claim, *record[17:20]))
            self._details.append((rowid, *record[10:16], now, record[20]))
            self._tickers.extend((rowid, *ticker) for ticker in record[16])
            self._pending_articles += 1

    def _id_taken(self, article_id: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            is not None
        )

    def _flush(self) -> None:
        """Write the queued rows with one ``executemany`` per table."""
        conn = self.conn
        if self._files:
            conn.executemany(
                "INSERT OR REPLACE INTO files(rel, size, mtime_ns, digest) VALUES (?, ?, ?, ?)",
                self._files,
            )
            self._files.clear()
        if self._problems:
            conn.executemany(
                "INSERT INTO problems(rel, field, reason, kind) VALUES (?, ?, ?, 'read')",
                self._problems,
            )
            self._problems.clear()
        if self._articles:
            conn.executemany(
                """INSERT INTO articles(rowid, id, rel, ordinal, published, source, sentiment,
                    language, confidence, tickers, n_warnings, claim, label, label_key, score)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                self._articles,
            )
            conn.executemany(
                """INSERT INTO details(rowid, link, title, summary, images, extra, warnings,
                    added, lead) VALUES (?,?,?,?,?,?,?,?,?)""",
                self._details,
            )
            self._articles.clear()
            self._details.clear()
            self._pending_ids.clear()
        if self._tickers:
            conn.executemany(
                "INSERT INTO tickers(rowid, code, base, score, how) VALUES (?, ?, ?, ?, ?)",
                self._tickers,
            )
            if not self._fresh:
                self._dirty_days |= ticker_days.days_of(conn, {row[0] for row in self._tickers})
            self._tickers.clear()

    def _claim_id(self, record: ArticleRecord) -> tuple[ArticleRecord, str | None]:
        """Make the record's id unique by the clash rule; return the record (with its
        new id and warning if it had to give way) and the id it wanted when it or an
        existing row had to give way (None when there was no clash)."""
        article = Article(id=record[0], path=record[1], ordinal=record[2])
        claim = self._claim_article(article)
        if article.warnings:
            warnings = json.loads(record[15]) + article.warnings
            record = (
                article.id, *record[1:9], len(warnings), *record[10:15], json.dumps(warnings),
                *record[16:],
            )  # fmt: skip
        return record, claim

    def _claim_article(self, article: Article) -> str | None:
        from tickertape.core.loader import assign_unique_id

        conn = self.conn
        wanted = article.id
        owner = conn.execute(
            "SELECT a.rowid, a.rel, a.ordinal, d.warnings FROM articles AS a "
            "JOIN details AS d ON d.rowid = a.rowid WHERE a.id = ?",
            (wanted,),
        ).fetchone()
        if owner is None:
            return None

        def owner_of(article_id: str) -> str | None:
            row = conn.execute("SELECT rel FROM articles WHERE id = ?", (article_id,)).fetchone()
            return None if row is None else str(row[0])

        owner_rowid, owner_rel, owner_ordinal, owner_warnings = owner
        if (owner_rel, owner_ordinal) < (article.path, article.ordinal):
            assign_unique_id(article, owner_of)
            return wanted
        # The row already there comes later in path order: it gives the id up.
        stub = Article(id=wanted, path=owner_rel, ordinal=owner_ordinal)

        def owner_of_stub(article_id: str) -> str | None:
            return article.path if article_id == wanted else owner_of(article_id)

        assign_unique_id(stub, owner_of_stub)
        warnings = json.loads(owner_warnings) + stub.warnings
        conn.execute(
            "UPDATE articles SET id = ?, claim = ?, n_warnings = ? WHERE rowid = ?",
            (stub.id, wanted, len(warnings), owner_rowid),
        )
        conn.execute(
            "UPDATE details SET warnings = ? WHERE rowid = ?", (json.dumps(warnings), owner_rowid)
        )
        return None

    def _renumber(self) -> None:
        """Give every row its place in date order as rowid (oldest first, ties by id
        descending, so rowid descending is the natural date order).

        ``articles`` and ``details`` are copied into new tables in the new order and
        swapped in (appending in rowid order is about twice as fast as moving rows
        within a b-tree); secondary indexes go with the old tables, so callers run
        :func:`create_indexes` afterwards.
        """
        conn = self.conn
        conn.execute("DROP TABLE IF EXISTS temp.renum")
        # Keyed by the new rowid, so the copies below read it in order without sorting
        # (a sorter would hold every row of ``details`` in memory).
        conn.execute("CREATE TEMP TABLE renum(new INTEGER PRIMARY KEY, old INTEGER NOT NULL)")
        conn.execute(
            "INSERT INTO temp.renum(new, old) SELECT "
            "row_number() OVER (ORDER BY published ASC, id DESC), rowid FROM articles"
        )
        conn.execute("CREATE INDEX temp.renum_old ON renum(old)")
        for table in ("articles", "details"):
            sql = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()[0]
            columns = [str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")]
            assert columns[0] == "rowid"
            rest = ", ".join(columns[1:])
            conn.execute(f"DROP TABLE IF EXISTS {table}_renum")
            conn.execute(f"CREATE TABLE {table}_renum{sql[sql.index('(') :]}")
            conn.execute(
                f"INSERT INTO {table}_renum(rowid, {rest}) SELECT r.new, {rest} "
                f"FROM temp.renum AS r JOIN {table} AS t ON t.rowid = r.old ORDER BY r.new"
            )
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE {table}_renum RENAME TO {table}")
        conn.execute("DROP INDEX IF EXISTS tickers_rowid")  # rebuilt by create_indexes
        conn.execute(
            "UPDATE tickers SET rowid = (SELECT new FROM temp.renum WHERE old = tickers.rowid)"
        )
        conn.execute("DROP TABLE temp.renum")
        conn.execute("DELETE FROM sqlite_sequence WHERE name IN ('articles', 'articles_renum')")
        conn.execute(
            "INSERT INTO sqlite_sequence(name, seq) "
            "SELECT 'articles', coalesce(max(rowid), 0) FROM articles"
        )

    # -- phase 3: indexing text -----------------------------------------------------

    def _index_text(self) -> None:
        conn = self.conn
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        if meta_int(conn, "fts_stale") > max(_FTS_STALE_MIN, count // 4):
            self._reset_fts()
        upto = meta_int(conn, "fts_upto")
        if (conn.execute("SELECT min(rowid) FROM articles").fetchone()[0] or 0) >= STAGE_BASE:
            return  # a first build that did not finish reading: no final rowids yet
        total = conn.execute("SELECT count(*) FROM articles WHERE rowid > ?", (upto,)).fetchone()[0]
        if not total:
            return
        done = 0
        self.progress("indexing text", 0, total)
        # Batches of rows are read ahead as the workers need files; results come back in
        # order and are inserted as they come, so the workers extract the next files
        # while this thread tokenises (the FTS insert is the longest part of a build).
        # A batch is committed, with its ``fts_upto``, once all its rows are in.
        batches: deque[_FtsBatch] = deque()

        def tasks() -> Iterator[Sequence[tuple[str, str, list[tuple[int, int, str]]]]]:
            after = upto
            while True:
                rows = conn.execute(
                    "SELECT a.rowid, a.rel, a.ordinal, d.title, d.summary FROM articles AS a "
                    "JOIN details AS d ON d.rowid = a.rowid "
                    "WHERE a.rowid > ? ORDER BY a.rowid LIMIT ?",
                    (after, FTS_BATCH),
                ).fetchall()
                if not rows:
                    return
                after = rows[-1][0]
                by_rel: dict[str, list[tuple[int, int, str]]] = {}
                for rowid, rel, ordinal, title, _ in rows:
                    by_rel.setdefault(rel, []).append((rowid, ordinal, title))
                jobs = [(self.file_path(rel), rel, wanted) for rel, wanted in by_rel.items()]
                chunks = list(_chunks(jobs, _TASK_FILES))
                fields = {rowid: (title, summary) for rowid, _, _, title, summary in rows}
                batches.append(_FtsBatch(fields, len(chunks), after))
                yield from chunks

        runner = self._runner(total)
        try:
            self.begin()
            conn.execute("INSERT INTO fts(fts, rank) VALUES ('hashsize', ?)", (FTS_HASH_BYTES,))
            conn.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 0)")
            for result in runner.map(extract_texts, tasks()):
                batch = batches[0]
                fields = batch.fields
                conn.executemany(
                    "INSERT INTO fts(rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                    [
                        (rowid, *(fold_text(value or "") for value in fields[rowid]), text)
                        for rowid, text, _ in result
                    ],
                )
                stories.add(conn, [(rowid, sig) for rowid, _, sig in result])
                batch.chunks -= 1
                if batch.chunks:
                    continue
                batches.popleft()
                set_meta(conn, "fts_upto", batch.last)
                self.commit()
                done += len(fields)
                self.progress("indexing text", done, total)
                if self.cancelled():
                    break
                self.begin()
            if not conn.in_transaction:
                self.begin()
            conn.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', ?)", (FTS_AUTOMERGE,))
            self.commit()
        finally:
            end_transaction(conn)

    def _reset_fts(self) -> None:
        """Too many stale full-text entries: empty the index and renumber by date again."""
        conn = self.conn
        self.begin()
        conn.execute("INSERT INTO fts(fts) VALUES ('delete-all')")
        stories.reset(conn)
        set_meta(conn, "fts_upto", 0)
        set_meta(conn, "fts_stale", 0)
        self._renumber()
        create_indexes(conn)
        self.commit()


def _is_clash_warning(warning: str, article_id: str) -> bool:
    return warning.startswith(f"id: '{article_id}' is also the id of ")


# -- one refresh, start to end --------------------------------------------------------


@dataclass(slots=True, frozen=True)
class RefreshProgress:
    """One step of a refresh: ``phase`` is "scanning", "reading", "indexing text" or "done"."""

    phase: str
    done: int
    total: int | None
    added: int
    changed: int
    removed: int


@dataclass(slots=True, frozen=True)
class RefreshStats:
    """What a refresh did; ``added``/``changed``/``removed`` count files."""

    articles: int
    added: int
    changed: int
    removed: int
    problems: int
    seconds: float
    full: bool = False
    """The disk filled up: the cache was kept as it was before (see the notices)."""


def refresh(
    db_path: Path,
    root: Path,
    *,
    progress: Callable[[RefreshProgress], None] | None,
    cancel: threading.Event | None,
    notices: list[str],
    rebuild: Callable[[str], None],
    wait: bool = False,
    only: Sequence[str] | None = None,
) -> Counts:
    """Run one refresh on a writer connection of its own, then store the sort orders.

    ``only`` limits it to those rels (the files a folder watch saw change).

    When another process holds the refresh lock this one is skipped with a notice or,
    with ``wait``, follows it (``progress`` reports its article count as phase
    "another tickertape is updating") and refreshes once it is done. A cache found
    damaged on the way is rebuilt (``rebuild`` replaces the reader's database) and
    refreshed once more from scratch; a full disk keeps the cache as it was.
    """
    counts = Counts()

    def report(phase: str, done: int, total: int | None) -> None:
        if progress is not None:
            progress(
                RefreshProgress(phase, done, total, counts.added, counts.changed, counts.removed)
            )

    lock = RefreshLock(db_path)
    acquired = lock.acquire()
    if not acquired and wait:
        notices.append("Another tickertape is updating this index's cache; following its progress.")
        acquired = _follow_other(db_path, lock, report, cancel)
        counts.skipped = not acquired
    elif not acquired:
        notices.append("Another tickertape is updating this index's cache; showing it as it is.")
        counts.skipped = True
    if acquired:
        try:
            counts = _refresh_locked(db_path, root, report, cancel, notices, rebuild, only)
        finally:
            lock.release()
    report("done", 1, 1)
    return counts


OTHER_PHASE: Final = "another tickertape is updating"
"""The progress phase while :func:`refresh` waits for another process's refresh."""
_FOLLOW_POLL_S: Final = 0.5


def _follow_other(
    db_path: Path, lock: RefreshLock, report: Progress, cancel: threading.Event | None
) -> bool:
    """Report the cache's article count while another process refreshes it; True once
    this process holds the lock, False if cancelled first."""
    conn: sqlite3.Connection | None = None
    try:
        while True:
            done = 0
            try:
                if conn is None:
                    conn = connect(db_path)
                done = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
            except sqlite3.Error:  # mid-renumbering, or not made yet: ask again soon
                pass
            report(OTHER_PHASE, done, None)
            if cancel is not None and cancel.wait(_FOLLOW_POLL_S):
                return False
            if cancel is None:
                time.sleep(_FOLLOW_POLL_S)
            if lock.acquire():
                return True
    finally:
        if conn is not None:
            conn.close()


def _refresh_locked(
    db_path: Path,
    root: Path,
    report: Progress,
    cancel: threading.Event | None,
    notices: list[str],
    rebuild: Callable[[str], None],
    only: Sequence[str] | None = None,
) -> Counts:
    from tickertape.core.index.select import store_orders
    from tickertape.core.sqlite import classify

    for attempt in range(2):
        writer = connect(db_path)
        refresher: Refresher | None = None
        try:
            refresher = Refresher(writer, root, report, cancel, None if attempt else only)
            counts = refresher.counts
            refresher.run()
            # A live refresh (``only``) leaves a burst's other sort keys for later.
            store_orders(writer, lazy=only is not None and not attempt)
            return counts
        except sqlite3.DatabaseError as error:
            kind = classify(error)
            if kind == "full":
                # Every commit left the cache whole, and the rollback undid the rest:
                # it is kept as it is, and the next refresh carries on.
                notices.append(
                    "The disk is full: the index cache could not be brought up to date "
                    f"({reason(error)}); the cache as it was is kept and used."
                )
                counts = refresher.counts if refresher is not None else Counts()
                counts.full = True
                return counts
            # Locked or read-only say nothing against the file; anything else (damaged
            # pages, a table gone) is answered by a rebuild, once.
            if attempt or kind in ("locked", "readonly"):
                raise
            writer.close()
            rebuild(reason(error))
        finally:
            writer.close()
    raise AssertionError("unreachable")


def store_missing_orders(db_path: Path, stop: Callable[[], bool]) -> None:
    """Sort and store the orders a live refresh left out, one key at a time, while
    ``stop`` says False (an idle writer's work); skipped while another refresh runs."""
    from tickertape.core.index.select import store_orders

    lock = RefreshLock(db_path)
    if not lock.acquire():
        return
    try:
        writer = connect(db_path)
        try:
            store_orders(writer, stop=stop)
        finally:
            writer.close()
    except sqlite3.Error:
        pass  # the next refresh stores them, or a reader sorts them itself
    finally:
        lock.release()


def reason(error: BaseException) -> str:
    """An error's message, safe to show and short."""
    from tickertape.core.sanitize import sanitize_inline

    return sanitize_inline(str(error) or type(error).__name__)[:200]


class RefreshLock:
    """An exclusive, non-blocking lock file beside the database: one refresher at a time
    across processes (and instances). The OS drops it if the process dies."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(str(db_path) + ".lock")
        self.handle: int | None = None

    def acquire(self) -> bool:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): rely on SQLite's own locking
            return True
        try:
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return True
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            return False
        self.handle = handle
        return True

    def release(self) -> None:
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None
