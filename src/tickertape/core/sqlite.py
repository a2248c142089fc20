"""SQLite plumbing shared by the cache and the state store, so both open, lock and recover
the same way.

Connections are in autocommit mode (``isolation_level=None``): every transaction is
begun explicitly, writes as ``BEGIN IMMEDIATE`` so a read-modify-write cannot interleave
with another process's write. They may be used from any thread; each owner serialises
its use of one connection with its own lock. A failed statement inside a transaction
is always followed by a rollback, so a connection can never be left stuck in one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

# Primary result codes: a database another connection holds for too long.
BUSY_CODES: Final = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED
# Primary result codes: the file is not a database SQLite can use.
NOT_A_DATABASE_CODES: Final = frozenset({11, 14, 26})  # CORRUPT, CANTOPEN, NOTADB
# Primary result codes: the file is SQLite's but some of its pages are damaged.
DAMAGED_CODES: Final = frozenset({11, 26})  # CORRUPT, NOTADB
# What each primary result code means for the one who meets it (see classify).
_KINDS: Final[dict[int, str]] = {
    5: "locked", 6: "locked",  # BUSY, LOCKED: wait, or try again later
    11: "corrupt", 26: "corrupt",  # CORRUPT, NOTADB: the file is damaged
    13: "full",  # FULL: the disk (or a size limit) is full; the file is fine
    8: "readonly",  # READONLY: the file or its folder cannot be written
    10: "io",  # IOERR: the OS failed a read or write
    14: "cantopen",  # CANTOPEN: no such folder, or no permission
}  # fmt: skip
# Files SQLite keeps beside a database in WAL or rollback mode: a stale WAL left behind
# would be replayed into a new database of the same name.
SIDE_SUFFIXES: Final = ("-wal", "-shm", "-journal")


def connect(
    path: Path, *, busy_timeout_s: float, pragmas: Iterable[str] = ()
) -> sqlite3.Connection:
    """A connection in autocommit mode, usable from any thread, waiting ``busy_timeout_s``
    for a lock; ``pragmas`` (``"cache_size = -32000"``) are set before it is returned."""
    conn = sqlite3.connect(
        path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        for pragma in pragmas:
            conn.execute(f"PRAGMA {pragma}")
    except BaseException:
        conn.close()
        raise
    return conn


def end_transaction(conn: sqlite3.Connection) -> None:
    """Roll back whatever is open, so a failed statement or COMMIT cannot leave the
    connection inside a transaction (the next BEGIN would fail for ever)."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One ``BEGIN IMMEDIATE`` transaction: the write lock is taken up front, committed at
    the end of the block and rolled back if it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        end_transaction(conn)
        raise


@contextlib.contextmanager
def read_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction, so several statements see one state of the database."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        end_transaction(conn)


def user_tables(conn: sqlite3.Connection) -> set[str]:
    """Names of the tables in the main schema, SQLite's own excepted."""
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(name) for (name,) in rows if not str(name).startswith("sqlite_")}


def error_code(error: sqlite3.Error) -> int:
    """The primary result code of ``error`` (-1 when SQLite gave none)."""
    code: int = getattr(error, "sqlite_errorcode", -1)
    return code & 0xFF if code >= 0 else -1


def is_busy(error: sqlite3.Error) -> bool:
    """Whether ``error`` means another connection held the database past the timeout:
    a passing condition, never a reason to delete or move the file."""
    return error_code(error) in BUSY_CODES


def is_not_a_database(error: sqlite3.Error) -> bool:
    """Whether ``error`` means the file is corrupt, unopenable or not SQLite at all."""
    return error_code(error) in NOT_A_DATABASE_CODES


def is_damaged(error: sqlite3.Error) -> bool:
    """Whether ``error`` means pages of the file are damaged (rebuild a cache; salvage
    what can be read of a user's file)."""
    return error_code(error) in DAMAGED_CODES


def classify(error: sqlite3.Error) -> str:
    """What ``error`` means: "corrupt", "full", "locked", "readonly", "io", "cantopen" or
    "other" (an error in the statement, not in the file).

    The answer decides what may be done about it: only "corrupt" justifies deleting
    a cache; "full" and "locked" pass, and a good file must be kept through them.
    """
    return _KINDS.get(error_code(error), "other")


def remove_database(path: Path) -> None:
    """Delete a database with its WAL, shared-memory and journal files."""
    for suffix in ("", *SIDE_SUFFIXES):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(path) + suffix)


def move_database(path: Path, target: Path) -> None:
    """Rename a database and its side files to ``target`` (+ the same suffixes)."""
    os.replace(path, target)
    for suffix in SIDE_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            os.replace(str(path) + suffix, str(target) + suffix)
