"""Checking a cache through and through, for ``tickertape index --check``.

Everyday use finds damage only where it reads (and then the cache is rebuilt); this
reads everything: SQLite's integrity check over every page and index, FTS5's own
check of the full-text index, the stored sort orders against their checksums, and
every file against the digest of its bytes kept in ``files`` (an edit that kept the
size and the modification time is invisible to a refresh).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

from tickertape.core import sqlite
from tickertape.core.index import build
from tickertape.core.index.schema import CacheDamaged, connect, meta_int, unpack_order

_REPORTED: Final = 3  # integrity messages quoted in the notice


def damage(db_path: Path) -> str:
    """What is wrong with the cache's pages, in words ("" when it is sound)."""
    conn = connect(db_path)
    try:
        problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(20)")]
        if problems != ["ok"]:
            return "integrity check: " + "; ".join(problems[:_REPORTED])[:300]
        conn.execute("INSERT INTO fts(fts, rank) VALUES ('integrity-check', 0)")
        with sqlite.read_transaction(conn):
            count = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
            generation = meta_int(conn, "generation")
            for (blob,) in conn.execute(
                "SELECT data FROM orders WHERE generation = ?", (generation,)
            ).fetchall():
                unpack_order(blob, count)
    except CacheDamaged as error:
        return str(error)
    except sqlite3.DatabaseError as error:
        if sqlite.is_busy(error):
            raise
        return build.reason(error)
    finally:
        conn.close()
    return ""


def mark_changed_files(db_path: Path, root: Path) -> int:
    """Compare every file with the digest kept of it; files that differ get an
    impossible modification time, so the next refresh reads them again. Returns how
    many differ."""
    conn = connect(db_path)
    try:
        known = conn.execute("SELECT rel, digest FROM files").fetchall()
        root_is_file = root.is_file()
        items = [(str(root) if root_is_file else str(root / rel), rel) for rel, _ in known]
        kept = {rel: digest for rel, digest in known}
        runner = build.runner_for(len(items))
        changed: list[str] = []
        try:
            for results in runner.map(build.file_digests, build.chunks(items, 250)):
                changed += [
                    rel for rel, digest in results if digest is not None and digest != kept[rel]
                ]
        finally:
            runner.close()
        if changed:
            with sqlite.write_transaction(conn):
                conn.executemany(
                    "UPDATE files SET mtime_ns = -1 WHERE rel = ?", [(rel,) for rel in changed]
                )
        return len(changed)
    finally:
        conn.close()
