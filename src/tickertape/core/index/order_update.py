"""Carrying the stored sort orders over a small change, instead of sorting again.

A refresh that adds or removes a few articles (a live folder gaining a file) would
otherwise sort every key afresh: about a second at 100k rows. A bigger change (a burst
of files) is not carried over: a live refresh then sorts only the date order again and
leaves the other keys to be sorted when the writer is idle (see
:func:`tickertape.core.index.select.store_orders`). Here each stored order
loses its removed rowids and gains the new ones at the place SQLite's own ``ORDER BY``
gives them (a binary search whose comparisons are two-row ``ORDER BY`` queries), so
the order is exactly the one :func:`select.compute_order` would give.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Sequence
from typing import Final

from tickertape.core.index.schema import (
    _ORDER_DIGEST_BYTES,
    ORDER_FROM,
    ORDER_TERMS,
    order_by,
    unpack_order,
)

MAX_CHANGES: Final = 500
"""More added and removed rows than this: sorting again is cheaper than carrying over."""


def carried_orders(
    conn: sqlite3.Connection, max_changes: int | None = None
) -> dict[str, array[int]]:
    """The sort keys whose stored order can be carried over to the rows now in
    ``articles``, with that order; a key is left out when it is not stored, its
    blob is not whole, or more than ``max_changes`` rows came or went (sorting that
    key again, now or later, is then cheaper than carrying it over)."""
    limit = MAX_CHANGES if max_changes is None else max_changes
    stored = conn.execute("SELECT key, generation, data FROM orders").fetchall()
    if not stored:
        return {}
    # Orders stored for one generation hold the same rows: what came and went is
    # worked out once a generation, not once a key (sets of 100k rowids).
    changes: dict[tuple[int, int], tuple[set[int], set[int]] | None] = {}
    carried: dict[str, array[int]] = {}
    for key, generation, data in stored:
        if key not in ORDER_TERMS:
            continue
        order = unpack_order(bytes(data), (len(data) - _ORDER_DIGEST_BYTES) // 8)
        rows = (int(generation), len(order))
        if rows not in changes:
            changes[rows] = _changes(conn, order)
        change = changes[rows]
        if change is None or len(change[0]) + len(change[1]) > limit:
            continue
        carried[str(key)] = _carry(conn, str(key), order, *change)
    return carried


def _changes(conn: sqlite3.Connection, order: array[int]) -> tuple[set[int], set[int]] | None:
    """The rowids gone from ``order``'s rows and the ones new since; None when the
    order repeats a row. Rowids only grow (AUTOINCREMENT): the new ones are above the
    order's highest, and when as many rows as it holds are left at or below that,
    none went (no set of every rowid is built for the common case, a file landing)."""
    if not order:
        return None
    top = max(order)
    added = {r for (r,) in conn.execute("SELECT rowid FROM articles WHERE rowid > ?", (top,))}
    left = conn.execute("SELECT count(*) FROM articles WHERE rowid <= ?", (top,)).fetchone()[0]
    if left == len(order):
        return set(), added  # (a repeated row would leave fewer rows than the order holds)
    known = set(order)
    if len(known) != len(order):
        return None
    alive = {r for (r,) in conn.execute("SELECT rowid FROM articles WHERE rowid <= ?", (top,))}
    return known - alive, added


def _carry(
    conn: sqlite3.Connection, key: str, order: array[int], removed: set[int], added: set[int]
) -> array[int]:
    base = array("q", [r for r in order if r not in removed]) if removed else order
    if not added:
        return base
    new = _sorted(conn, key, sorted(added))
    result = array("q")
    start = 0
    for rowid in new:
        position = _position(conn, key, base, rowid, start)
        result.extend(base[start:position])
        result.append(rowid)
        start = position
    result.extend(base[start:])
    return result


def _sorted(conn: sqlite3.Connection, key: str, rowids: Sequence[int]) -> list[int]:
    marks = ",".join("?" * len(rowids))
    sql = f"SELECT a.rowid FROM {ORDER_FROM} WHERE a.rowid IN ({marks}) ORDER BY {order_by(key)}"
    return [int(r) for (r,) in conn.execute(sql, tuple(rowids))]


def _position(
    conn: sqlite3.Connection, key: str, base: array[int], rowid: int, start: int
) -> int:
    """Where ``rowid`` goes in ``base`` (at or after ``start``): before the first row
    that sorts after it."""
    sql = (
        f"SELECT a.rowid FROM {ORDER_FROM} WHERE a.rowid IN (?, ?) "
        f"ORDER BY {order_by(key)} LIMIT 1"
    )
    low, high = start, len(base)
    while low < high:
        middle = (low + high) // 2
        first = conn.execute(sql, (rowid, base[middle])).fetchone()
        if first is not None and int(first[0]) == rowid:
            high = middle
        else:
            low = middle + 1
    return low
