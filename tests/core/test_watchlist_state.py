"""The watchlist in the state store, and a state file from before it existed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tickertape.core.state import STATE_FILENAME, StateStore


def test_watching_and_unwatching_persists_in_order(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        assert store.watchlist() == []
        assert store.toggle_watch("NVDA.O") is True
        assert store.toggle_watch("AMZN.O") is True
    with StateStore.open(tmp_path) as store:
        assert store.watchlist() == ["NVDA.O", "AMZN.O"]
        assert store.toggle_watch("NVDA.O") is False
        assert store.watchlist() == ["AMZN.O"]


def test_a_version_1_state_file_gains_a_watchlist_and_keeps_its_flags(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.set_read(["kept"])
    conn = sqlite3.connect(tmp_path / STATE_FILENAME)
    conn.execute("DROP TABLE watchlist")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with StateStore.open(tmp_path) as store:
        assert store.notices == []
        assert store.read_ids() == {"kept"}
        assert store.toggle_watch("XOM.N") is True
        assert store.watchlist() == ["XOM.N"]
