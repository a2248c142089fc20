"""The cheap "nothing changed" check: folder times plus a bounded sample of files.

A full refresh stats every file (1.4 s at 100k files). Adding, removing or renaming a
file changes its folder's modification and change times, so a snapshot of every
folder's times, taken just before a full refresh scans and kept in the cache's
``meta`` table once it has finished, answers "was anything added or removed?" with
one stat a folder. A file rewritten in place changes no folder; for those a sample
of the cached files (all of them in a small index, a fresh random draw of
:data:`SAMPLE_FILES` each time in a large one) is compared with the size and time
the cache holds. What the sample cannot cover is said: :attr:`Freshness.complete`.

The snapshot is taken *before* the scan, so a change made while the refresh runs
differs from it and is found by the next check. A folder whose change time is within
:data:`RACY_NS` of the snapshot is stored as unknown (a change in the same clock tick
would keep its time), so the next check refreshes rather than trusting it.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from tickertape.core.index.schema import meta_int, set_meta

META_KEY: Final = "quick_check"
SAMPLE_FILES: Final = 400
"""Files compared in one check of a large index (about a millisecond of stats)."""
RACY_NS: Final = 100_000_000
MAX_FOLDERS: Final = 100_000
"""Past this many folders the snapshot is not kept (the check would cost a refresh)."""

# One folder: its path relative to the root ("" for the root), mtime_ns, ctime_ns.
Folder = tuple[str, int, int]


@dataclass(slots=True, frozen=True)
class Snapshot:
    """The folders' times before a refresh (``None``: too many folders to keep)."""

    taken_ns: int
    folders: list[Folder] | None


@dataclass(slots=True, frozen=True)
class Freshness:
    """What :func:`check` found.

    ``changed`` says a refresh is needed (and why, in ``reason``); otherwise
    ``complete`` says whether every file was compared, and ``checked_at`` is when the
    last full refresh finished (seconds since the epoch).
    """

    changed: bool
    reason: str
    complete: bool = False
    sampled: int = 0
    files: int = 0
    checked_at: float = 0.0


def snapshot(root: Path) -> Snapshot:
    """Every folder under ``root`` (following links to folders, each once) with its
    times; the walk lists folders without a stat per file (``DirEntry.is_dir``)."""
    taken = time.time_ns()
    try:
        root_stat = os.stat(root)
    except OSError:
        return Snapshot(taken, [])
    if not stat.S_ISDIR(root_stat.st_mode):
        return Snapshot(taken, [])  # a single file: the sample covers it
    folders: list[Folder] = []
    visited = {(root_stat.st_dev, root_stat.st_ino)}
    pending: list[tuple[str, str, os.stat_result]] = [(str(root), "", root_stat)]
    while pending:
        path, rel, info = pending.pop()
        folders.append((rel, _settled(info.st_mtime_ns, taken), _settled(info.st_ctime_ns, taken)))
        if len(folders) > MAX_FOLDERS:
            return Snapshot(taken, None)
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    try:
                        if not entry.is_dir():
                            continue
                        child = entry.stat()
                    except OSError:
                        continue  # the refresh reports it; its parent's times cover it
                    identity = (child.st_dev, child.st_ino)
                    if identity in visited:
                        continue
                    visited.add(identity)
                    pending.append((entry.path, f"{rel}{entry.name}/", child))
        except OSError:
            continue  # unreadable: its own times are kept, so a change of mode is seen
    return Snapshot(taken, folders)


def _settled(time_ns: int, taken_ns: int) -> int:
    """A folder time, or -1 when it is too close to the snapshot to be trusted."""
    return -1 if time_ns > taken_ns - RACY_NS else time_ns


def store(conn: sqlite3.Connection, shot: Snapshot) -> None:
    """Keep ``shot`` in ``meta`` (on a writer connection, in its own transaction)."""
    value = (
        ""
        if shot.folders is None
        else json.dumps({"at": time.time(), "folders": shot.folders}, separators=(",", ":"))
    )
    conn.execute("BEGIN IMMEDIATE")
    try:
        set_meta(conn, META_KEY, value)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def check(conn: sqlite3.Connection, root: Path, *, sample: int | None = None) -> Freshness:
    """Whether the files may have changed since the last full refresh (see the module);
    ``sample`` files at most are compared (default :data:`SAMPLE_FILES`)."""
    if meta_int(conn, "built") != 1:
        return Freshness(True, "the cache has not read every file yet")
    upto = meta_int(conn, "fts_upto")
    row = conn.execute("SELECT EXISTS(SELECT 1 FROM articles WHERE rowid > ?)", (upto,)).fetchone()
    if row[0]:
        return Freshness(True, "the full-text index is not complete")
    found = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    if found is None or not found[0]:
        return Freshness(True, "no folder times are kept")
    try:
        kept = json.loads(found[0])
        at = float(kept["at"])
        folders = [(str(r), int(m), int(c)) for r, m, c in kept["folders"]]
    except (ValueError, KeyError, TypeError):
        return Freshness(True, "the folder times kept are unreadable")
    base = str(root)
    for rel, mtime_ns, ctime_ns in folders:
        try:
            info = os.stat(os.path.join(base, rel) if rel else base)
        except OSError:
            return Freshness(True, f"folder {rel or '.'} cannot be read")
        if (info.st_mtime_ns, info.st_ctime_ns) != (mtime_ns, ctime_ns):
            return Freshness(True, f"folder {rel or '.'} changed")
    files, rows, complete = _sample(conn, SAMPLE_FILES if sample is None else sample)
    folder = bool(folders)
    for rel, size, mtime_ns in rows:
        try:
            info = os.stat(os.path.join(base, rel) if folder else base)
        except OSError:
            return Freshness(True, f"file {rel} cannot be read")
        if (info.st_size, info.st_mtime_ns) != (size, mtime_ns):
            return Freshness(True, f"file {rel} changed")
    return Freshness(False, "", complete, len(rows), files, at)


def _sample(conn: sqlite3.Connection, size: int) -> tuple[int, list[tuple[str, int, int]], bool]:
    """(how many files, a sample of (rel, size, mtime_ns), whether it is all of them)."""
    files = int(conn.execute("SELECT count(*) FROM files").fetchone()[0])
    if files <= size:
        rows = conn.execute("SELECT rel, size, mtime_ns FROM files").fetchall()
        return files, rows, True
    low, high = conn.execute(  # two lookups (min and max together would scan the table)
        "SELECT (SELECT min(rowid) FROM articles), (SELECT max(rowid) FROM articles)"
    ).fetchone()
    if low is None:
        return files, [], False
    # A sample, not a secret: any generator will do.
    picks = sorted({random.randint(int(low), int(high)) for _ in range(size)})  # noqa: S311
    marks = ",".join("?" * len(picks))
    rows = conn.execute(
        "SELECT DISTINCT f.rel, f.size, f.mtime_ns FROM articles AS a "
        f"JOIN files AS f ON f.rel = a.rel WHERE a.rowid IN ({marks})",
        picks,
    ).fetchall()
    return files, rows, False
