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
    stored = conn.execute("SELECT key, data FROM orders").fetchall()
    if not stored:
        return {}
    alive = {int(r) for (r,) in conn.execute("SELECT rowid FROM articles")}
    carried: dict[str, array[int]] = {}
    for key, data in stored:
        if key not in ORDER_TERMS:
            continue
        order = unpack_order(bytes(data), (len(data) - _ORDER_DIGEST_BYTES) // 8)
        known = set(order)
        if len(known) != len(order):
            continue
        removed = known - alive
        added = alive - known
        if len(removed) + len(added) > limit:
            continue
        carried[str(key)] = _carry(conn, str(key), order, removed, added)
    return carried


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
