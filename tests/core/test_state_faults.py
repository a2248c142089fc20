"""The user's state under faults: a lock held by another process, a damaged file.

Flags are the one thing tickertape keeps that cannot be rebuilt, so a damaged file
gives up only what it must, and a write that cannot be made now is retried and
reported, never lost silently and never allowed to stall the caller.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tickertape.core.state import STATE_FILENAME, StateStore
from tickertape.core.state_writer import StateWriter, WriteOutcome

READ = [f"r{n:031x}" for n in range(3000)]
STARRED = [f"s{n:031x}" for n in range(3000)]


def filled_state(directory: Path) -> Path:
    with StateStore.open(directory) as store:
        store.set_read(READ)
        store.set_starred(STARRED)
        store.set_setting("theme", "nord")
    path = directory / STATE_FILENAME
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def trash_btree(path: Path, name: str) -> None:
    """Overwrite the root page of table or index ``name`` with garbage."""
    conn = sqlite3.connect(path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xa5" * page_size)


# -- a damaged file keeps what can be read ------------------------------------------------


def test_damaged_star_index_loses_nothing(tmp_path: Path) -> None:
    path = filled_state(tmp_path)
    trash_btree(path, "flags_starred")
    with StateStore.open(tmp_path) as store:
        assert store.read_ids() == set(READ)
        assert store.starred_ids() == set(STARRED)
        assert store.get_setting("theme") == "nord"
        assert store.notices, "the user is told the file was damaged"


def test_damaged_flags_table_keeps_read_and_starred_flags_from_their_indexes(
    tmp_path: Path,
) -> None:
    path = filled_state(tmp_path)
    trash_btree(path, "flags")
    with StateStore.open(tmp_path) as store:
        assert store.read_ids() == set(READ)
        assert store.starred_ids() == set(STARRED)
        (notice,) = store.notices
        assert "3,000 read" in notice
        assert "3,000 starred" in notice


def test_read_flags_survive_when_only_stars_are_lost(tmp_path: Path) -> None:
    path = filled_state(tmp_path)
    trash_btree(path, "flags")
    trash_btree(path, "flags_starred")
    with StateStore.open(tmp_path) as store:
        assert store.read_ids() == set(READ)
        assert store.get_setting("theme") == "nord"
        (notice,) = store.notices
        assert "starred flags could not be read" in notice
        assert "corrupt-" in notice  # where the damaged file was kept
        store.set_starred(["new"])
        assert store.starred_ids() == {"new"}


def test_stars_survive_when_only_read_flags_are_lost(tmp_path: Path) -> None:
    path = filled_state(tmp_path)
    trash_btree(path, "flags")
    trash_btree(path, "flags_read")
    with StateStore.open(tmp_path) as store:
        assert store.starred_ids() == set(STARRED)
        (notice,) = store.notices
        assert "read flags could not be read" in notice


# -- writes that cannot be made now ---------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore.open(tmp_path / "state") as opened:
        yield opened


class Locker:
    """Another process's long write transaction on the state file."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def collect() -> tuple[list[WriteOutcome], threading.Event, Callable[[WriteOutcome], None]]:
    outcomes: list[WriteOutcome] = []
    done = threading.Event()

    def report(outcome: WriteOutcome) -> None:
        outcomes.append(outcome)
        done.set()

    return outcomes, done, report


def test_a_write_returns_at_once_and_is_saved_in_the_background(store: StateStore) -> None:
    outcomes, done, report = collect()
    writer = StateWriter(store, report)
    try:
        writer.set_flag("a", "starred", True)
        assert writer.flags_for(["a"]) == {"a": (False, True)}  # shown at once
        assert done.wait(30)
        assert outcomes[-1].ok
        assert store.is_starred("a")
        assert not writer.unsaved()
    finally:
        writer.close()


def test_a_locked_state_is_retried_then_reported_and_the_flag_stays_unsaved(
    store: StateStore,
) -> None:
    store.busy_timeout = 0.05  # another process holds the lock far longer than this
    outcomes, done, report = collect()
    writer = StateWriter(store, report, attempts=3, pause=0.01)
    locker = Locker(store.path)
    try:
        writer.set_flag("a", "starred", True)
        assert done.wait(30)
        (outcome,) = outcomes
        assert not outcome.ok
        assert outcome.attempts == 3
        assert "locked" in outcome.message
        assert writer.unsaved() == {"a"}
        assert writer.flags_for(["a", "b"]) == {"a": (False, True), "b": (False, False)}
        assert not store.is_starred("a")

        locker.release()
        done.clear()
        writer.retry_unsaved()
        assert done.wait(30)
        assert outcomes[-1].ok
        assert store.is_starred("a")
        assert not writer.unsaved()
    finally:
        writer.close()


def test_later_writes_to_one_flag_win_in_order(store: StateStore) -> None:
    outcomes, _, report = collect()
    writer = StateWriter(store, report)
    try:
        for value in (True, False, True, False, True):
            writer.set_flag("a", "read", value)
        writer.flush()
        assert store.is_read("a")
        assert all(outcome.ok for outcome in outcomes)
    finally:
        writer.close()


def test_closing_tries_the_unsaved_flags_once_more(store: StateStore) -> None:
    store.busy_timeout = 0.05
    outcomes, done, report = collect()
    writer = StateWriter(store, report, attempts=1, pause=0)
    locker = Locker(store.path)
    writer.set_flag("a", "read", True)
    assert done.wait(30)
    assert writer.unsaved() == {"a"}
    locker.release()
    writer.close()  # the lock is gone now: saved on the way out
    assert not writer.unsaved()
    assert store.is_read("a")
    assert outcomes[-1].ok
