"""The user's own data: read and starred flags, query history, saved views, settings.

It lives in one SQLite file in the user's data directory, apart from the cache: the
cache can be deleted and rebuilt at any time, this cannot. Flags are keyed by a scope
and the article id. Folder indexes share one scope (:data:`FOLDER_SCOPE`), so their
flags survive a cache rebuild and the index moving to another path; each PostgreSQL
database has a scope of its own (its ``database_id``), so two databases holding the
same article ids do not share flags. :attr:`StateStore.scope` picks the one in use.

Two tickertape processes may share the file: the database is in WAL mode, waits up to
five seconds for a lock, and every write is one ``BEGIN IMMEDIATE`` transaction, so a
read-modify-write (a toggle) cannot interleave with another process's write. Within a
process one connection is shared by the UI thread and worker threads behind a lock.

A file we cannot use (not SQLite, corrupt, unreadable, or another program's database)
is moved aside, never deleted, and a new one is started; ``StateStore.notices`` says
so, for the UI to show.

The cache module ATTACHes this file to its own connection and reads ``flags`` through
the TEMP views from :func:`flag_views_sql`; keep those names as they are.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Final, Literal, Self

from tickertape.core.paths import data_dir
from tickertape.core.sqlite import (
    connect,
    is_busy,
    is_damaged,
    is_not_a_database,
    move_database,
    read_transaction,
    user_tables,
    write_transaction,
)

STATE_FILENAME: Final = "state.sqlite"
SCHEMA_VERSION: Final = 4
FOLDER_SCOPE: Final = ""
"""The flags scope of every folder (SQLite cache) index."""
HISTORY_CAP: Final = 200
VIEW_SLOTS: Final = 9
BUSY_TIMEOUT_S: Final = 5.0
# Well under SQLite's bound-parameter limit (999 before 3.32, 32766 since).
_CHUNK: Final = 500

_TABLES: Final = frozenset({"meta", "flags", "history", "views", "settings", "runs", "watchlist"})
_FLAG_INDEXES: Final = (
    "CREATE INDEX IF NOT EXISTS flags_read ON flags(scope, article_id, read) WHERE read = 1",
    "CREATE INDEX IF NOT EXISTS flags_starred ON flags(scope, article_id, starred) "
    "WHERE starred = 1",
)
_FLAGS_TABLE: Final = """CREATE TABLE IF NOT EXISTS flags(
        scope TEXT NOT NULL DEFAULT '',
        article_id TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        changed REAL,
        PRIMARY KEY(scope, article_id)
    )"""

# Version 1 had no watchlist, version 2 no alert flag on views, version 3 flags keyed
# by article id alone (they all go to the folder scope, where they were seen): such a
# file is brought up to date, not moved aside.
_MIGRATIONS: Final = {
    "1": ("CREATE TABLE IF NOT EXISTS watchlist(code TEXT PRIMARY KEY, added REAL NOT NULL)",),
    "2": ("ALTER TABLE views ADD COLUMN alert INTEGER NOT NULL DEFAULT 0",),
    "3": (
        "DROP INDEX IF EXISTS flags_read",
        "DROP INDEX IF EXISTS flags_starred",
        "ALTER TABLE flags RENAME TO flags_v3",
        _FLAGS_TABLE,
        "INSERT INTO flags(scope, article_id, read, starred, changed) "
        "SELECT '', article_id, read, starred, changed FROM flags_v3",
        "DROP TABLE flags_v3",
        *_FLAG_INDEXES,
    ),
}

_SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    _FLAGS_TABLE,
    # The partial indexes make the cache's flag_read / flag_starred views covering index
    # scans; holding the flag too, each is a second copy of one kind of flag, so a damaged
    # table (or the other index) does not lose it (see _salvage).
    *_FLAG_INDEXES,
    # seq, not the implicit rowid, gives the order: VACUUM may renumber implicit rowids.
    """CREATE TABLE IF NOT EXISTS history(
        seq INTEGER PRIMARY KEY,
        index_key TEXT NOT NULL,
        query TEXT NOT NULL,
        used REAL NOT NULL,
        UNIQUE(index_key, query)
    )""",
    """CREATE TABLE IF NOT EXISTS views(
        name TEXT PRIMARY KEY,
        query TEXT NOT NULL,
        created REAL NOT NULL,
        seq INTEGER NOT NULL,
        alert INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS runs(index_key TEXT PRIMARY KEY, opened REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS watchlist(code TEXT PRIMARY KEY, added REAL NOT NULL)",
)

_Flag = Literal["read", "starred"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class StateError(Exception):
    """The state database failed at run time (disk full, locked for too long, closed).

    The UI reports it and carries on: losing one flag change must not end a session.
    """


@dataclass(slots=True, frozen=True)
class SavedView:
    """A named query bound to a number key.

    ``slot`` is 1 to 9 in order of creation, so the first view is always on key 1;
    views beyond the ninth get 0 (reachable from the palette, not from a key).
    """

    slot: int
    name: str
    query: str
    alert: bool = False
    """Whether a new article matching the view rings the reader's bell."""


class _Unusable(Exception):
    """The file at the state path is not a tickertape state database we can use;
    ``damaged`` when it is ours but its pages are (what can be read is kept)."""

    def __init__(self, message: str, *, damaged: bool = False) -> None:
        super().__init__(message)
        self.damaged = damaged


def flag_views_sql(schema: str = "state") -> list[str]:
    """Statements that expose the attached state's flags of the folder scope (every
    SQLite cache's) as ``flag_read``/``flag_starred``.

    Run them on the cache connection after ``ATTACH DATABASE ? AS <schema>``. They are
    TEMP views, so nothing is written to the cache file and they follow the attached
    file live: a flag set through :class:`StateStore` shows in the next query.
    Note that ``IF NOT EXISTS`` also skips a view when :func:`empty_flag_tables_sql`
    already made a table of that name: use one or the other on a connection.
    """
    if not _IDENTIFIER.match(schema):
        raise ValueError(f"not a schema name: {schema!r}")
    # Safe to format: the schema was just checked to be a bare identifier.
    view = (
        "CREATE TEMP VIEW IF NOT EXISTS flag_{0} AS "
        "SELECT article_id FROM {1}.flags WHERE scope = '' AND {0} = 1"
    )
    return [view.format(flag, schema) for flag in ("read", "starred")]


def empty_flag_tables_sql() -> list[str]:
    """Empty stand-ins for the flag views, so queries compile when no state is attached."""
    return [
        "CREATE TEMP TABLE IF NOT EXISTS flag_read(article_id TEXT PRIMARY KEY)",
        "CREATE TEMP TABLE IF NOT EXISTS flag_starred(article_id TEXT PRIMARY KEY)",
    ]


def _flags_in(count: int) -> str:
    """The flags lookup in one scope (the first parameter) for ``count`` ids; only ``?``
    placeholders are formatted in."""
    marks = ",".join("?" * count)
    return (
        "SELECT article_id, read, starred FROM flags "
        f"WHERE scope = ? AND article_id IN ({marks})"
    )


@dataclass(slots=True, frozen=True)
class _FlagSql:
    """The statements for one flag column, spelled out so no SQL is built at run time."""

    select: str  # (scope, article_id)
    upsert: str  # (scope, article_id, value, changed)
    clear: str  # (changed, scope, article_id): never inserts a row


_FLAG_SQL: Final[dict[_Flag, _FlagSql]] = {
    "read": _FlagSql(
        select="SELECT read FROM flags WHERE scope = ? AND article_id = ?",
        upsert="INSERT INTO flags(scope, article_id, read, changed) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(scope, article_id) DO UPDATE SET read = excluded.read, "
        "changed = excluded.changed",
        clear="UPDATE flags SET read = 0, changed = ? "
        "WHERE scope = ? AND article_id = ? AND read = 1",
    ),
    "starred": _FlagSql(
        select="SELECT starred FROM flags WHERE scope = ? AND article_id = ?",
        upsert="INSERT INTO flags(scope, article_id, starred, changed) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(scope, article_id) DO UPDATE SET starred = excluded.starred, "
        "changed = excluded.changed",
        clear="UPDATE flags SET starred = 0, changed = ? "
        "WHERE scope = ? AND article_id = ? AND starred = 1",
    ),
}
_DROP_UNFLAGGED: Final = (
    "DELETE FROM flags WHERE scope = ? AND article_id = ? AND read = 0 AND starred = 0"
)


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _open_checked(path: Path) -> sqlite3.Connection:
    """A connection to a usable state database at ``path``, or _Unusable / sqlite3.Error.

    The connection is closed on failure, as the file may have to be renamed next
    (which Windows refuses while it is open).
    """
    try:
        conn = connect(path, busy_timeout_s=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise _as_unusable(error) from error
    try:
        _prepare(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _as_unusable(error: sqlite3.Error) -> Exception:
    """_Unusable for SQLite's "this is not a database I can open" errors, else ``error``.

    A lock held too long or a full disk stay what they are, because moving a good
    file aside for a passing condition would hide the user's data for nothing.
    """
    if not is_not_a_database(error):
        return error
    return _Unusable(str(error), damaged=is_damaged(error))


def _prepare(conn: sqlite3.Connection) -> None:
    """Check that ``conn`` holds our schema (creating it in an empty file), or raise _Unusable."""
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        tables = user_tables(conn)
        if not tables:
            with write_transaction(conn):
                if not user_tables(conn):  # another process may have won the race
                    for statement in _SCHEMA:
                        conn.execute(statement)
                    conn.execute(
                        "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                        (str(SCHEMA_VERSION),),
                    )
            tables = user_tables(conn)
        if "meta" in tables and "flags" in tables:
            _migrate(conn)
            tables = user_tables(conn)
        if tables != _TABLES:
            extra = sorted(tables - _TABLES)
            missing = sorted(_TABLES - tables)
            detail = []
            if extra:
                detail.append("tables " + ", ".join(extra[:5]))
            if missing:
                detail.append("no " + ", ".join(missing))
            raise _Unusable(f"not a tickertape state database ({'; '.join(detail)})")
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or row[0] != str(SCHEMA_VERSION):
            found = "none" if row is None else repr(row[0])[:20]
            raise _Unusable(f"schema version {found}, expected {SCHEMA_VERSION}")
        check = conn.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            raise _Unusable(f"corrupt ({str(check[0][0])[:80]})", damaged=True)
        _upgrade_flag_indexes(conn)
    except sqlite3.Error as error:
        raise _as_unusable(error) from error


def _upgrade_flag_indexes(conn: sqlite3.Connection) -> None:
    """Files made before the flag indexes held the flag get the covering ones."""
    found = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'flags_read'"
    ).fetchone()
    if found is not None and ", read)" in str(found[0]):
        return
    try:
        with write_transaction(conn):
            conn.execute("DROP INDEX IF EXISTS flags_read")
            conn.execute("DROP INDEX IF EXISTS flags_starred")
            for statement in _FLAG_INDEXES:
                conn.execute(statement)
    except sqlite3.OperationalError as error:
        if not is_busy(error):  # busy: another process upgrades it, or the next run
            raise


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a state file of an earlier version up to this one, step by step."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    while row is not None and str(row[0]) in _MIGRATIONS:
        with write_transaction(conn):
            version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if version is None or str(version[0]) != str(row[0]):
                break  # another process migrated it meanwhile
            for statement in _MIGRATIONS[str(row[0])]:
                try:
                    conn.execute(statement)
                except sqlite3.OperationalError as error:
                    if "duplicate column" not in str(error):
                        raise  # the column is there already: nothing to add
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(int(row[0]) + 1),)
            )
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()


def _move_aside(path: Path) -> Path:
    """Rename the database and its WAL/SHM files to ``<name>.corrupt-<timestamp>``.

    The WAL must go too: left behind, SQLite would replay it into the new database.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    move_database(path, aside)
    return aside


_SALVAGE_TABLES: Final = (
    # (table, columns, what the user calls its rows)
    ("history", "seq, index_key, query, used", "history entries"),
    ("views", "name, query, created, seq", "saved views"),
    ("settings", "key, value", "settings"),
    ("runs", "index_key, opened", "last-opened times"),
)


def _read_rows(conn: sqlite3.Connection, sql: str) -> tuple[list[tuple[object, ...]], bool]:
    """The rows ``sql`` yields before any error, and whether it read them all."""
    rows: list[tuple[object, ...]] = []
    try:
        for row in conn.execute(sql):
            rows.append(tuple(row))
    except sqlite3.Error:
        return rows, False
    return rows, True


@dataclass(slots=True)
class _Salvage:
    """What could be read from a damaged state file, and what could not."""

    flags: dict[tuple[str, str], list[object]]  # (scope, article_id) -> [read, starred, changed]
    tables: dict[str, list[tuple[object, ...]]]
    lost: list[str]

    def write(self, conn: sqlite3.Connection) -> None:
        with write_transaction(conn):
            conn.executemany(
                "INSERT OR REPLACE INTO flags(scope, article_id, read, starred, changed) "
                "VALUES (?, ?, ?, ?, ?)",
                [(*key, *values) for key, values in self.flags.items()],
            )
            for table, columns, _ in _SALVAGE_TABLES:
                rows = self.tables.get(table, [])
                if rows:
                    marks = ",".join("?" * len(rows[0]))
                    conn.executemany(
                        f"INSERT OR REPLACE INTO {table}({columns}) VALUES ({marks})", rows
                    )

    def summary(self) -> str:
        """One sentence of what was kept and one of what was lost."""
        read = sum(1 for values in self.flags.values() if values[0])
        starred = sum(1 for values in self.flags.values() if values[1])
        kept = [f"{read:,} read and {starred:,} starred flags"]
        kept += [
            f"{len(self.tables[table]):,} {noun}"
            for table, _, noun in _SALVAGE_TABLES
            if self.tables.get(table)
        ]
        text = "kept " + ", ".join(kept) + "."
        if self.lost:
            text += " Lost: " + "; ".join(self.lost) + " (the moved file still holds them)."
        else:
            text += " Nothing was lost."
        return text


def _salvage(path: Path) -> _Salvage | None:
    """Read what can be read of a damaged state file (None if it is not ours at all).

    Each flag has two copies: the row in ``flags`` and an entry in its partial index
    (``flags_read``/``flags_starred``), so a damaged table or index alone loses nothing.
    """
    try:
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA query_only = 1")
        names, _ = _read_rows(conn, "SELECT name FROM sqlite_master WHERE type = 'table'")
        if ("flags",) not in names:
            return None
        names, _ = _read_rows(conn, "SELECT name FROM pragma_table_info('flags')")
        scope = "scope" if ("scope",) in names else "''"  # files before version 4
        flags: dict[tuple[str, str], list[object]] = {}
        rows, table_ok = _read_rows(
            conn, f"SELECT {scope}, article_id, read, starred, changed FROM flags"
        )
        for where, article_id, read, starred, changed in rows:
            flags[(str(where), str(article_id))] = [int(bool(read)), int(bool(starred)), changed]
        lost: list[str] = []
        for position, flag in enumerate(("read", "starred")):
            if table_ok:
                continue
            ids, index_ok = _read_rows(
                conn,
                f"SELECT {scope}, article_id FROM flags INDEXED BY flags_{flag} WHERE {flag} = 1",
            )
            for where, article_id in ids:
                flags.setdefault((str(where), str(article_id)), [0, 0, None])[position] = 1
            if not index_ok:
                lost.append(f"{flag} flags could not be read in full")
        tables: dict[str, list[tuple[object, ...]]] = {}
        for table, columns, noun in _SALVAGE_TABLES:
            tables[table], ok = _read_rows(conn, f"SELECT {columns} FROM {table}")
            if not ok:
                lost.append(f"{noun} could not be read in full")
        return _Salvage(flags, tables, lost)
    finally:
        conn.close()


class StateStore:
    """The user's flags, history, views and settings, persisted in one SQLite file.

    Open with :meth:`open`. Every method may be called from any thread. Errors at run
    time surface as :class:`StateError`.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        notices: list[str],
        *,
        persistent: bool = True,
        scratch_dir: Path | None = None,
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.Lock()
        # Flags are read for every page of the list, on the UI thread: a connection of
        # their own (WAL) never waits for a write in progress on the other one.
        self._flags_conn: sqlite3.Connection | None = None
        self._flags_lock = threading.Lock()
        self._scratch_dir = scratch_dir
        self.path = path
        self.notices = notices
        self._busy_timeout = BUSY_TIMEOUT_S
        # False when the data directory could not be used and this session's state
        # lives in a temp file that is removed on close.
        self.persistent = persistent
        self.scope: str = FOLDER_SCOPE
        """Whose flags the flag methods read and write: :data:`FOLDER_SCOPE`, or a
        PostgreSQL database's ``flag_scope``. Set it before the first flag call."""

    @classmethod
    def open(cls, directory: Path | None = None) -> StateStore:
        """Open (creating if needed) the state database in ``directory``, default data_dir().

        Never fails for a bad file: an unusable one is moved aside and a new one made;
        if the directory itself cannot be used, state is kept in a temp file for this
        session only. Each such event adds a sentence to ``notices``.
        """
        directory = Path(directory) if directory is not None else data_dir()
        path = directory / STATE_FILENAME
        notices: list[str] = []
        try:
            directory.mkdir(parents=True, exist_ok=True)
            return cls(cls._open_file(path, notices), path, notices)
        except (OSError, sqlite3.Error, _Unusable) as error:
            notices.append(
                f"Could not use the state database {path} ({error}); read and starred "
                "flags, history and views will not be kept after this session."
            )
        scratch = Path(tempfile.mkdtemp(prefix="tickertape-state-"))
        temp_path = scratch / STATE_FILENAME
        try:
            conn = _open_checked(temp_path)
        except (sqlite3.Error, _Unusable) as error:
            shutil.rmtree(scratch, ignore_errors=True)
            raise StateError(f"no usable state database: {error}") from error
        return cls(conn, temp_path, notices, persistent=False, scratch_dir=scratch)

    @staticmethod
    def _open_file(path: Path, notices: list[str]) -> sqlite3.Connection:
        """Connect to ``path``; on an unusable file move it aside once and start afresh,
        keeping whatever of it can still be read."""
        try:
            return _open_checked(path)
        except _Unusable as problem:
            if not os.path.lexists(path):
                raise  # nothing to move: the directory itself is the trouble
            aside = _move_aside(path)
            salvage = _salvage(aside) if problem.damaged else None
            conn = _open_checked(path)
            if salvage is None:
                notices.append(
                    f"The state database {path} could not be used ({problem}); it was moved "
                    f"to {aside.name} and a new one was started: earlier read and starred "
                    "flags, history and views are in the moved file."
                )
                return conn
            try:
                salvage.write(conn)
            except BaseException:
                conn.close()
                raise
            notices.append(
                f"The state database {path} was damaged ({problem}); it was moved to "
                f"{aside.name} and a new one was started with what could be read: "
                f"{salvage.summary()}"
            )
            return conn

    def close(self) -> None:
        """Close the connection (idempotent); a session-only store also deletes its file."""
        with self._lock, self._flags_lock:
            for conn in (self._conn, self._flags_conn):
                if conn is not None:
                    conn.close()
            self._conn = self._flags_conn = None
            if self._scratch_dir is not None:
                shutil.rmtree(self._scratch_dir, ignore_errors=True)
                self._scratch_dir = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def busy_timeout(self) -> float:
        """Seconds a statement waits for another process's lock before it fails."""
        return self._busy_timeout

    @busy_timeout.setter
    def busy_timeout(self, seconds: float) -> None:
        with self._read() as conn:
            conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        self._busy_timeout = seconds

    # -- plumbing --------------------------------------------------------------

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """The connection, held by this thread for the duration; errors as StateError."""
        with self._lock, self._guarded() as conn:
            yield conn

    @contextlib.contextmanager
    def _flags_reader(self) -> Iterator[sqlite3.Connection]:
        """The connection for reading flags, opened when first needed."""
        with self._flags_lock, self._guarded():
            if self._flags_conn is None:
                self._flags_conn = connect(self.path, busy_timeout_s=BUSY_TIMEOUT_S)
            yield self._flags_conn

    @contextlib.contextmanager
    def _guarded(self) -> Iterator[sqlite3.Connection]:
        """The main connection, or StateError when the store is closed; SQLite's errors
        in the block come out as StateError."""
        conn = self._conn
        if conn is None:
            raise StateError("the state store is closed")
        try:
            yield conn
        except sqlite3.Error as error:
            raise StateError(f"state database: {error}") from error

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: takes the write lock up front, so no other process
        can change what we read between our read and our write."""
        with self._read() as conn, write_transaction(conn):
            yield conn

    # -- flags -----------------------------------------------------------------

    def set_read(self, ids: Iterable[str], read: bool = True) -> None:
        """Mark articles read (or unread)."""
        self._set_flag("read", ids, read)

    def set_starred(self, ids: Iterable[str], starred: bool = True) -> None:
        """Star (or unstar) articles."""
        self._set_flag("starred", ids, starred)

    def _set_flag(self, flag: _Flag, ids: Iterable[str], value: bool) -> None:
        """Set one flag. Clearing never inserts, and rows left with no flag are deleted,
        so "mark all unread" on a big index leaves the table small."""
        sql = _FLAG_SQL[flag]
        now = time.time()
        unique = list(dict.fromkeys(ids))
        if not unique:
            return
        with self._write() as conn:
            scope = self.scope
            if value:
                conn.executemany(sql.upsert, [(scope, i, 1, now) for i in unique])
            else:
                conn.executemany(sql.clear, [(now, scope, i) for i in unique])
                conn.executemany(_DROP_UNFLAGGED, [(scope, i) for i in unique])

    def toggle_read(self, article_id: str) -> bool:
        """Flip the read flag; returns the new value."""
        return self._toggle("read", article_id)

    def toggle_starred(self, article_id: str) -> bool:
        """Flip the starred flag; returns the new value."""
        return self._toggle("starred", article_id)

    def _toggle(self, flag: _Flag, article_id: str) -> bool:
        """Read and write in one IMMEDIATE transaction, so two processes toggling the
        same article flip it twice rather than both setting the same value."""
        sql = _FLAG_SQL[flag]
        with self._write() as conn:
            scope = self.scope
            row = conn.execute(sql.select, (scope, article_id)).fetchone()
            new = not (row is not None and row[0])
            conn.execute(sql.upsert, (scope, article_id, int(new), time.time()))
            if not new:
                conn.execute(_DROP_UNFLAGGED, (scope, article_id))
        return new

    def is_read(self, article_id: str) -> bool:
        """Whether the article has been read."""
        return self.flags_for([article_id])[article_id][0]

    def is_starred(self, article_id: str) -> bool:
        """Whether the article is starred."""
        return self.flags_for([article_id])[article_id][1]

    def read_ids(self) -> set[str]:
        """Every read article id of the scope in use."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT article_id FROM flags WHERE scope = ? AND read = 1", (self.scope,)
            )
            return {r[0] for r in rows}

    def starred_ids(self) -> set[str]:
        """Every starred article id of the scope in use."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT article_id FROM flags WHERE scope = ? AND starred = 1", (self.scope,)
            )
            return {r[0] for r in rows}

    def flags_for(self, ids: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        """``(read, starred)`` for each given id; ids never flagged map to ``(False, False)``.

        Queried in chunks to stay under SQLite's limit on bound parameters, inside one
        read transaction so the answer is one consistent snapshot.
        """
        result = dict.fromkeys(ids, (False, False))
        unique = list(result)
        if not unique:
            return result
        with self._flags_reader() as conn, read_transaction(conn):
            for chunk in _chunks(unique):
                rows = conn.execute(_flags_in(len(chunk)), (self.scope, *chunk))
                for article_id, read, starred in rows:
                    result[article_id] = (bool(read), bool(starred))
        return result

    # -- history ---------------------------------------------------------------

    def add_history(self, index_key: str, query: str) -> None:
        """Remember a query run on an index; running it again moves it to the end.

        Blank queries are not history. The oldest entries beyond the cap are dropped.
        """
        query = query.strip()
        if not query:
            return
        with self._write() as conn:
            conn.execute(
                "DELETE FROM history WHERE index_key = ? AND query = ?", (index_key, query)
            )
            conn.execute(
                "INSERT INTO history(index_key, query, used) VALUES (?, ?, ?)",
                (index_key, query, time.time()),
            )
            conn.execute(
                "DELETE FROM history WHERE index_key = ? AND seq NOT IN ("
                "SELECT seq FROM history WHERE index_key = ? ORDER BY seq DESC LIMIT ?)",
                (index_key, index_key, HISTORY_CAP),
            )

    def history(self, index_key: str) -> list[str]:
        """The index's queries, oldest first, newest last (as a shell's history)."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT query FROM history WHERE index_key = ? ORDER BY seq", (index_key,)
            )
            return [row[0] for row in rows]

    # -- saved views -----------------------------------------------------------

    def save_view(self, name: str, query: str, *, alert: bool | None = None) -> SavedView:
        """Save a named query. An existing name gets the new query and keeps its slot
        (and its alert flag, unless ``alert`` says otherwise)."""
        name = name.strip()
        if not name:
            raise ValueError("a view needs a name")
        query = query.strip()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO views(name, query, created, seq, alert) "
                "VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM views), ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query",
                (name, query, time.time(), int(bool(alert))),
            )
            if alert is not None:
                conn.execute("UPDATE views SET alert = ? WHERE name = ?", (int(alert), name))
            views = self._views(conn)
        return next(view for view in views if view.name == name)

    def views(self) -> list[SavedView]:
        """All saved views in order of creation; the first nine carry slots 1 to 9."""
        with self._read() as conn:
            return self._views(conn)

    @staticmethod
    def _views(conn: sqlite3.Connection) -> list[SavedView]:
        rows = conn.execute("SELECT name, query, alert FROM views ORDER BY seq").fetchall()
        return [
            SavedView(slot=n if n <= VIEW_SLOTS else 0, name=name, query=query, alert=bool(alert))
            for n, (name, query, alert) in enumerate(rows, start=1)
        ]

    def set_view_alert(self, name: str, alert: bool) -> bool:
        """Mark a view as an alert (or not); whether there is such a view."""
        with self._write() as conn:
            done = conn.execute(
                "UPDATE views SET alert = ? WHERE name = ?", (int(alert), name.strip())
            )
            return done.rowcount > 0

    def delete_view(self, name: str) -> None:
        """Forget a view (no error if there is none); later views move up a slot."""
        with self._write() as conn:
            conn.execute("DELETE FROM views WHERE name = ?", (name.strip(),))

    # -- settings --------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """A stored setting, or ``default`` when it was never set."""
        with self._read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting, replacing any earlier value."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- runs ------------------------------------------------------------------

    def last_opened(self, index_key: str) -> float | None:
        """When the index was last opened (unix seconds), or None the first time."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT opened FROM runs WHERE index_key = ?", (index_key,)
            ).fetchone()
        return None if row is None else float(row[0])

    def mark_opened(self, index_key: str, when: float) -> None:
        """Record an opening; read :meth:`last_opened` first to count what is new."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO runs(index_key, opened) VALUES (?, ?) "
                "ON CONFLICT(index_key) DO UPDATE SET opened = excluded.opened",
                (index_key, when),
            )

    # -- watchlist -------------------------------------------------------------

    def watchlist(self) -> list[str]:
        """The watched tickers, in the order they were added."""
        with self._read() as conn:
            rows = conn.execute("SELECT code FROM watchlist ORDER BY added, code").fetchall()
        return [str(row[0]) for row in rows]

    def set_watch(self, code: str, watched: bool) -> None:
        """Watch ``code`` or stop; setting what is already so changes nothing."""
        with self._write() as conn:
            if not watched:
                conn.execute("DELETE FROM watchlist WHERE code = ?", (code,))
            else:
                conn.execute(
                    "INSERT OR IGNORE INTO watchlist(code, added) VALUES (?, ?)",
                    (code, time.time()),
                )

    def toggle_watch(self, code: str) -> bool:
        """Watch ``code``, or stop watching it; whether it is watched now."""
        with self._write() as conn:
            gone = conn.execute("DELETE FROM watchlist WHERE code = ?", (code,)).rowcount
            if not gone:
                conn.execute(
                    "INSERT INTO watchlist(code, added) VALUES (?, ?)", (code, time.time())
                )
        return not gone


def index_setting(index_key: str, name: str) -> str:
    """The settings key for a per-index setting, e.g. ``index_setting(key, "sort")``.

    One spelling shared by the UI and the command line, so both find the same value.
    """
    return f"index:{index_key}:{name}"
