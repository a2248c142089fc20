"""Loading a folder (or a JSON Lines stream) into PostgreSQL.

The core reads and parses (``loader.read_entry_with_digest``, ``build.article_record``,
``clean.html_to_text``, ``folding.fold_text``), in the same process pool the SQLite
refresh uses; this module only writes. A folder loads incrementally by file identity
(size and modification time), as the SQLite cache refreshes: new and changed files
are read, rows of changed and removed ones deleted. Each batch is one transaction
(``COPY`` for the rows) that bumps ``meta.generation``. Two loaders of the same folder
take turns on an advisory lock; loaders of different folders run side by side.

A first load (no articles yet) drops the full-text GIN index and builds it in one pass
at the end: inserting row by row into it cost the server more than the rest of the
load (see docs/postgresql-scaling.md). Any load ends by building it if it is missing,
so a first load that was cut short leaves it to the next.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Final

import psycopg

from tickertape.core.article import Article, Problem
from tickertape.core.index.build import (
    ArticleRecord,
    Identity,
    RefreshProgress,
    article_record,
    chunks,
    runner_for,
)
from tickertape.core.pg import schema
from tickertape.core.scan import FileEntry, scan_index

TEXT_INDEX: Final = "CREATE INDEX IF NOT EXISTS articles_tsv ON articles USING gin(tsv)"
INDEX_MEMORY: Final = "256MB"  # maintenance_work_mem while the GIN index is built
BATCH_ARTICLES: Final = 2000
TASK_FILES: Final = 250
STDIN_ROOT: Final = "-"
STDIN_REL: Final = "stdin.jsonl"
_ARTICLE_COLUMNS: Final = (
    "rowid, root_id, id, rel, ordinal, published, source, sentiment, language, confidence, "
    "tickers, n_warnings, label, label_key, score, link, title, summary, images, extra, "
    "warnings, added, lead, body, tsv"
)

# One article ready to write: its record, its raw body, its tsvector literal.
Prepared = tuple[ArticleRecord, str, str]
# One file read: its rel, its identity (None for a stream), its articles, its problems.
FileBatch = list[tuple[str, Identity | None, list[Prepared], list[Problem]]]


@dataclass(slots=True)
class LoadStats:
    """What a load did, in files and articles."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    articles: int = 0
    problems: int = 0
    seconds: float = 0.0
    waited: bool = False
    notices: list[str] = field(default_factory=list)


def prepare(article: Article) -> Prepared:
    """An article's row, body and full text (tokenised as FTS5 would, see ``text``)."""
    from tickertape.core.clean import html_to_text
    from tickertape.core.folding import fold_text
    from tickertape.core.pg.text import tsvector_literal

    body = html_to_text(article.content) if article.content else ""
    tsv = tsvector_literal(fold_text(part) for part in (article.title, article.summary, body))
    return article_record(article), article.content, tsv


def read_files(
    items: Sequence[tuple[str, str, int, int]],
) -> list[tuple[str, Identity, list[Prepared], list[Problem]]]:
    """Read and prepare files given as (path, rel, size, mtime_ns): run in the pool."""
    from tickertape.core.loader import read_entry_with_digest

    out: list[tuple[str, Identity, list[Prepared], list[Problem]]] = []
    for path, rel, size, mtime_ns in items:
        result, digest = read_entry_with_digest(FileEntry(Path(path), rel, size, mtime_ns))
        prepared = [prepare(article) for article in result.articles]
        out.append((rel, (size, mtime_ns, digest), prepared, result.problems))
    return out


Conn = psycopg.Connection[tuple[object, ...]]


def folder_lock_key(root_path: str) -> int:
    """The advisory lock of one folder: a signed 64-bit hash of its resolved path."""
    digest = hashlib.blake2b(f"tickertape:{root_path}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Loader:
    """Writes one folder's articles into the database (see the module docstring)."""

    def __init__(
        self,
        conn: Conn,
        root_path: str,
        progress: Callable[[RefreshProgress], None] | None = None,
    ) -> None:
        self.conn = conn
        self.root_path = root_path
        self.progress = progress
        self.stats = LoadStats()
        self.root_id = 0
        self._pending: FileBatch = []
        self._pending_articles = 0
        self._done = 0
        self._total: int | None = None

    # -- locking --------------------------------------------------------------

    def lock(self, wait_notice: Callable[[str], None] | None = None) -> None:
        """Take the folder's advisory lock (held by this session until it closes)."""
        key = folder_lock_key(self.root_path)
        row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        if not row or not row[0]:
            self.stats.waited = True
            if wait_notice is not None:
                wait_notice(
                    "another loader is loading this folder into the database; "
                    "waiting for it to finish"
                )
            self.conn.execute("SET statement_timeout = 0")
            self.conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        with self.conn.transaction():
            self.conn.execute(
                "INSERT INTO roots(path) VALUES (%s) ON CONFLICT (path) DO NOTHING",
                (self.root_path,),
            )
            found = self.conn.execute(
                "SELECT root_id FROM roots WHERE path = %s", (self.root_path,)
            ).fetchone()
        assert found is not None
        self.root_id = int(str(found[0]))

    def _report(self, phase: str) -> None:
        if self.progress is not None:
            self.progress(
                RefreshProgress(
                    phase, self._done, self._total, self.stats.added, self.stats.changed,
                    self.stats.removed,
                )
            )

    # -- the full-text index ---------------------------------------------------

    def defer_text_index(self) -> bool:
        """Drop the full-text index when the database holds no article yet (it is built
        at the end, :meth:`build_text_index`); whether it was dropped."""
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (schema.SCHEMA_LOCK,))
            row = self.conn.execute("SELECT EXISTS(SELECT 1 FROM articles)").fetchone()
            if row is None or row[0]:
                return False
            self.conn.execute("DROP INDEX IF EXISTS articles_tsv")
        return True

    def build_text_index(self) -> None:
        """Build the full-text index if it is missing (after a first load, or one cut
        short), in one pass; readers go on meanwhile (searching without it, slowly)."""
        row = self.conn.execute("SELECT to_regclass('articles_tsv') IS NULL").fetchone()
        if row is None or not row[0]:
            return
        self._report("indexing text")
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (schema.SCHEMA_LOCK,))
            self.conn.execute("SET LOCAL statement_timeout = 0")
            self.conn.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_MEMORY}'")
            self.conn.execute(TEXT_INDEX)

    # -- a folder ---------------------------------------------------------------

    def load_folder(self, root: Path, cancel: threading.Event | None = None) -> LoadStats:
        started = time.perf_counter()
        self._report("scanning")
        entries: dict[str, FileEntry] = {}
        scan_problems: list[Problem] = []
        for item in scan_index(root):
            if isinstance(item, FileEntry):
                entries[item.rel] = item
            else:
                scan_problems.append(item)
        known = {
            str(rel): (int(str(size)), int(str(mtime)))
            for rel, size, mtime in self.conn.execute(
                "SELECT rel, size, mtime_ns FROM files WHERE root_id = %s", (self.root_id,)
            )
        }
        todo = [
            entry for rel, entry in entries.items()
            if known.get(rel) != (entry.size, entry.mtime_ns)
        ]  # fmt: skip
        removed = [rel for rel in known if rel not in entries]
        self.stats.changed = sum(1 for entry in todo if entry.rel in known)
        self.stats.removed = len(removed)
        with self.conn.transaction():
            self._delete([*removed, *(e.rel for e in todo if e.rel in known)], files=True)
            self.conn.execute(
                "DELETE FROM problems WHERE root_id = %s AND kind = 'scan'", (self.root_id,)
            )
            self._write_problems(scan_problems, "scan")
            self._bump()
        self._total = len(todo)
        self._report("reading")
        runner = runner_for(len(todo))
        try:
            work = [(str(e.path), e.rel, e.size, e.mtime_ns) for e in todo]
            for done in runner.map(read_files, chunks(work, TASK_FILES)):
                for rel, identity, prepared, problems in done:
                    if rel not in known:
                        self.stats.added += 1
                    self._add(rel, identity, prepared, problems)
                self._report("reading")
                if cancel is not None and cancel.is_set():
                    break
        finally:
            runner.close()
        self._flush()
        self.conn.execute("ANALYZE articles")
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    # -- a stream ----------------------------------------------------------------

    def load_stream(self, stream: BinaryIO) -> LoadStats:
        """Load JSON Lines from ``stream`` (standard input), a batch at a time; a record
        whose id is already there replaces it."""
        from tickertape.core.formats import read_file

        started = time.perf_counter()
        base = int(
            str(
                self.conn.execute(
                    "SELECT coalesce(max(ordinal) + 1, 0) FROM articles WHERE root_id = %s",
                    (self.root_id,),
                ).fetchone()[0]  # type: ignore[index]
            )
        )
        self._report("reading")
        lines: list[bytes] = []
        for line in stream:
            lines.append(line)
            if len(lines) >= BATCH_ARTICLES:
                base = self._stream_batch(read_file, lines, base)
                lines = []
        if lines:
            self._stream_batch(read_file, lines, base)
        self._flush()
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    def _stream_batch(
        self, read_file: Callable[[bytes, str], object], lines: list[bytes], base: int
    ) -> int:
        from tickertape.core.formats import ReadResult

        result = read_file(b"".join(lines), STDIN_REL)
        assert isinstance(result, ReadResult)
        prepared: list[Prepared] = []
        for article in result.articles:
            article.ordinal += base
            prepared.append(prepare(article))
        ids = [p[0][0] for p in prepared]
        with self.conn.transaction():
            self.conn.execute(
                "DELETE FROM articles WHERE root_id = %s AND id = ANY(%s)", (self.root_id, ids)
            )
        problems = [
            Problem(p.path, p.field, p.reason) for p in result.problems
        ]  # fmt: skip
        self._add(STDIN_REL, None, prepared, problems)
        self._flush()
        return base + len(lines)

    # -- writing ---------------------------------------------------------------------

    def _add(
        self, rel: str, identity: Identity | None, prepared: list[Prepared],
        problems: list[Problem],
    ) -> None:  # fmt: skip
        self._pending.append((rel, identity, prepared, problems))
        self._pending_articles += len(prepared)
        self._done += 1
        if self._pending_articles >= BATCH_ARTICLES:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending, self._pending_articles = self._pending, [], 0
        with self.conn.transaction():
            self._write(batch)
            self._bump()
        self._report("reading")

    def _bump(self) -> None:
        self.conn.execute(
            "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'generation'"
        )

    def _delete(self, rels: Sequence[str], *, files: bool) -> None:
        if not rels:
            return
        rels = list(rels)
        self.conn.execute(
            "DELETE FROM articles WHERE root_id = %s AND rel = ANY(%s)", (self.root_id, rels)
        )
        self.conn.execute(
            "DELETE FROM problems WHERE root_id = %s AND rel = ANY(%s)", (self.root_id, rels)
        )
        if files:
            self.conn.execute(
                "DELETE FROM files WHERE root_id = %s AND rel = ANY(%s)", (self.root_id, rels)
            )

    def _write_problems(self, problems: Iterable[Problem], kind: str) -> None:
        rows = [(self.root_id, p.path, p.field, p.reason, kind) for p in problems]
        if rows:
            with self.conn.cursor().copy(
                "COPY problems(root_id, rel, field, reason, kind) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        self.stats.problems += len(rows)

    def _unique(self, batch: FileBatch) -> None:
        """Ids made unique by the core's clash rule: the article loaded later gives way."""
        from tickertape.core.loader import assign_unique_id

        wanted = [p[0][0] for _, _, prepared, _ in batch for p in prepared]
        taken = {
            str(article_id): str(rel)
            for article_id, rel in self.conn.execute(
                "SELECT id, rel FROM articles WHERE id = ANY(%s)", (wanted,)
            )
        }
        for _, _, prepared, problems in batch:
            for index, (record, body, tsv) in enumerate(prepared):
                article_id = record[0]
                if article_id not in taken:
                    taken[article_id] = record[1]
                    continue
                stub = Article(id=article_id, path=record[1], ordinal=record[2])
                clash = assign_unique_id(stub, taken.get)
                taken[stub.id] = record[1]
                if clash is not None:
                    problems.append(clash)
                warnings = [*json.loads(record[15]), *stub.warnings]
                record = (
                    stub.id, *record[1:9], len(warnings), *record[10:15], json.dumps(warnings),
                    *record[16:],
                )  # fmt: skip
                prepared[index] = (record, body, tsv)

    def _write(self, batch: FileBatch) -> None:
        conn = self.conn
        self._unique(batch)
        count = sum(len(prepared) for _, _, prepared, _ in batch)
        rowids = [
            int(str(r[0]))
            for r in conn.execute(
                "SELECT nextval('articles_rowid_seq') FROM generate_series(1, %s)", (count,)
            )
        ]
        now = time.time()
        next_id = iter(rowids)
        tickers: list[tuple[int, str, str, float | None, str]] = []
        with conn.cursor().copy(f"COPY articles({_ARTICLE_COLUMNS}) FROM STDIN") as copy:
            for rel, _, prepared, _ in batch:
                for record, body, tsv in prepared:
                    rowid = next(next_id)
                    (
                        article_id, path, ordinal, published, source, sentiment, language,
                        confidence, codes, n_warnings, link, title, summary, images, extra,
                        warnings, ticker_rows, label, label_key, score, lead,
                    ) = record  # fmt: skip
                    copy.write_row((
                        rowid, self.root_id, article_id, rel if path == STDIN_REL else path,
                        ordinal, published, source, sentiment, language, confidence, codes,
                        n_warnings, label, label_key, score, link, title, summary, images,
                        extra, warnings, now, lead, body.replace("\x00", ""), tsv,
                    ))  # fmt: skip
                    tickers.extend((rowid, *row) for row in ticker_rows)
        if tickers:
            sql = "COPY tickers(rowid, code, base, score, how) FROM STDIN"
            with conn.cursor().copy(sql) as copy:
                for row in tickers:
                    copy.write_row(row)
        files = [(rel, identity) for rel, identity, _, _ in batch if identity is not None]
        if files:
            with conn.cursor().copy(
                "COPY files(root_id, rel, size, mtime_ns, digest) FROM STDIN"
            ) as copy:
                for rel, (size, mtime_ns, digest) in files:
                    copy.write_row((self.root_id, rel, size, mtime_ns, digest))
        self._write_problems((p for _, _, _, problems in batch for p in problems), "read")
        self.stats.articles += count


def load(
    url: str,
    source: str,
    *,
    progress: Callable[[RefreshProgress], None] | None = None,
    notice: Callable[[str], None] | None = None,
    stream: BinaryIO | None = None,
) -> LoadStats:
    """Create or migrate the schema, then load the folder ``source`` (or JSON Lines
    from ``stream`` when ``source`` is ``-``). Raises :class:`schema.DatabaseError`."""
    conn = schema.connect(url)
    try:
        with schema.translated(url):
            schema.migrate(conn)
            root_path = STDIN_ROOT if source == STDIN_ROOT else str(Path(source).resolve())
            loader = Loader(conn, root_path, progress)
            loader.lock(notice)
            loader.defer_text_index()
            if source == STDIN_ROOT:
                stats = loader.load_stream(stream if stream is not None else sys.stdin.buffer)
            else:
                stats = loader.load_folder(Path(source))
            started = time.perf_counter()
            loader.build_text_index()
            stats.seconds += time.perf_counter() - started
            return stats
    finally:
        conn.close()
