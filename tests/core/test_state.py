"""The user's state: flags, history, views, settings, and surviving bad files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tickertape.core.paths import data_dir
from tickertape.core.state import (
    FOLDER_SCOPE,
    HISTORY_CAP,
    STATE_FILENAME,
    SavedView,
    StateError,
    StateStore,
    empty_flag_tables_sql,
    flag_views_sql,
    index_setting,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore.open(tmp_path / "state") as opened:
        yield opened


def _aside_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"{STATE_FILENAME}.corrupt-*"))


# -- opening ---------------------------------------------------------------------


def test_open_defaults_to_data_dir_and_creates_it() -> None:
    assert not data_dir().exists()
    with StateStore.open() as store:
        assert store.path == data_dir() / STATE_FILENAME
        assert store.path.is_file()
        assert store.persistent
        assert store.notices == []


def test_open_uses_wal_so_readers_do_not_block_writers(store: StateStore) -> None:
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()


def test_closed_store_raises_state_error_and_close_is_idempotent(tmp_path: Path) -> None:
    store = StateStore.open(tmp_path)
    store.close()
    store.close()
    with pytest.raises(StateError, match="closed"):
        store.is_read("a")
    with pytest.raises(StateError):
        store.set_read(["a"])


# -- flags -----------------------------------------------------------------------


def test_flags_survive_close_and_reopen(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.set_read(["a", "b"])
        store.set_starred(["b", "c"])
    with StateStore.open(tmp_path) as store:
        assert store.read_ids() == {"a", "b"}
        assert store.starred_ids() == {"b", "c"}
        assert store.is_read("a")
        assert not store.is_starred("a")
        assert store.is_starred("c")
        assert not store.is_read("c")


def test_unknown_article_is_unread_and_unstarred(store: StateStore) -> None:
    assert not store.is_read("never-seen")
    assert not store.is_starred("never-seen")
    assert store.read_ids() == set()


def test_toggles_return_the_new_value(store: StateStore) -> None:
    assert store.toggle_read("a") is True
    assert store.is_read("a")
    assert store.toggle_read("a") is False
    assert not store.is_read("a")
    assert store.toggle_starred("a") is True
    assert store.toggle_starred("a") is False
    assert store.toggle_starred("a") is True
    assert store.flags_for(["a"]) == {"a": (False, True)}


def test_marking_unread_keeps_star_and_touches_only_given_ids(store: StateStore) -> None:
    store.set_read(["a", "b", "c"])
    store.set_starred(["a"])
    store.set_read(["a", "b"], read=False)
    assert store.read_ids() == {"c"}
    assert store.starred_ids() == {"a"}
    store.set_starred(["a"], starred=False)
    assert store.flags_for(["a", "b", "c"]) == {
        "a": (False, False),
        "b": (False, False),
        "c": (True, False),
    }


def test_clearing_flags_leaves_no_empty_rows(store: StateStore) -> None:
    store.set_read([f"id{i}" for i in range(100)], read=False)  # never read: nothing stored
    store.set_read(["x"])
    store.toggle_read("x")
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("SELECT count(*) FROM flags").fetchone() == (0,)
    finally:
        conn.close()


def test_set_read_accepts_any_iterable_and_empty(store: StateStore) -> None:
    store.set_read(iter(["g1", "g2", "g1"]))
    store.set_read([])
    store.set_starred(article_id for article_id in ["s1"])
    assert store.read_ids() == {"g1", "g2"}
    assert store.starred_ids() == {"s1"}


def test_flags_for_five_thousand_ids(store: StateStore) -> None:
    ids = [f"{i:016x}" for i in range(5000)]
    store.set_read(ids[::2])
    store.set_starred(ids[::3])
    flags = store.flags_for(ids)
    assert len(flags) == 5000
    for i, article_id in enumerate(ids):
        assert flags[article_id] == (i % 2 == 0, i % 3 == 0)
    assert store.flags_for([]) == {}
    assert store.flags_for([ids[0], ids[0]]) == {ids[0]: (True, True)}


def test_ids_with_odd_characters_are_just_data(store: StateStore) -> None:
    odd = ["it's", 'a"b', "x); DROP TABLE flags; --", "é\u202e", ""]
    store.set_starred(odd)
    assert store.starred_ids() == set(odd)


# -- history ---------------------------------------------------------------------


def test_history_is_oldest_first_and_rerun_moves_to_end(store: StateStore) -> None:
    for query in ["nvda", "sentiment:neg", "ticker:AAPL", "nvda"]:
        store.add_history("k1", query)
    assert store.history("k1") == ["sentiment:neg", "ticker:AAPL", "nvda"]


def test_history_is_kept_per_index(store: StateStore) -> None:
    store.add_history("k1", "one")
    store.add_history("k2", "two")
    assert store.history("k1") == ["one"]
    assert store.history("k2") == ["two"]
    assert store.history("k3") == []


def test_history_ignores_blank_queries_and_strips(store: StateStore) -> None:
    store.add_history("k", "   ")
    store.add_history("k", "")
    store.add_history("k", "  nvda ")
    store.add_history("k", "nvda")
    assert store.history("k") == ["nvda"]


def test_history_is_capped_keeping_the_newest(store: StateStore) -> None:
    for i in range(HISTORY_CAP + 50):
        store.add_history("k", f"q{i}")
    store.add_history("other", "kept")
    history = store.history("k")
    assert HISTORY_CAP == 200
    assert len(history) == HISTORY_CAP
    assert history[0] == "q50"
    assert history[-1] == f"q{HISTORY_CAP + 49}"
    assert store.history("other") == ["kept"]


def test_history_survives_reopen(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.add_history("k", "a")
        store.add_history("k", "b")
    with StateStore.open(tmp_path) as store:
        store.add_history("k", "a")
        assert store.history("k") == ["b", "a"]


# -- views -----------------------------------------------------------------------


def test_views_get_slots_in_order_of_creation(store: StateStore) -> None:
    assert store.save_view("Chips", "ticker:NVDA") == SavedView(1, "Chips", "ticker:NVDA")
    assert store.save_view("Bad news", "sentiment:neg") == SavedView(2, "Bad news", "sentiment:neg")
    assert store.views() == [
        SavedView(1, "Chips", "ticker:NVDA"),
        SavedView(2, "Bad news", "sentiment:neg"),
    ]


def test_saving_an_existing_name_replaces_query_and_keeps_slot(store: StateStore) -> None:
    store.save_view("a", "one")
    store.save_view("b", "two")
    assert store.save_view("a", "uno") == SavedView(1, "a", "uno")
    assert store.views() == [SavedView(1, "a", "uno"), SavedView(2, "b", "two")]


def test_deleting_a_view_moves_later_ones_up(store: StateStore) -> None:
    for name in "abc":
        store.save_view(name, f"q-{name}")
    store.delete_view("a")
    store.delete_view("no-such-view")
    assert store.views() == [SavedView(1, "b", "q-b"), SavedView(2, "c", "q-c")]
    assert store.save_view("a", "again") == SavedView(3, "a", "again")


def test_views_beyond_nine_have_slot_zero(store: StateStore) -> None:
    for i in range(11):
        store.save_view(f"v{i}", f"q{i}")
    assert [view.slot for view in store.views()] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0]


def test_view_needs_a_name(store: StateStore) -> None:
    with pytest.raises(ValueError, match="name"):
        store.save_view("  ", "q")


def test_views_survive_reopen(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.save_view("x", "lang:en")
    with StateStore.open(tmp_path) as store:
        assert store.views() == [SavedView(1, "x", "lang:en")]


# -- settings and runs -----------------------------------------------------------


def test_settings_round_trip_with_default(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        assert store.get_setting("theme") is None
        assert store.get_setting("theme", "textual-dark") == "textual-dark"
        store.set_setting("theme", "nord")
        store.set_setting("theme", "gruvbox")
        store.set_setting(index_setting("k1", "sort"), "date")
        store.set_setting(index_setting("k2", "sort"), "title")
    with StateStore.open(tmp_path) as store:
        assert store.get_setting("theme") == "gruvbox"
        assert store.get_setting(index_setting("k1", "sort")) == "date"
        assert store.get_setting(index_setting("k2", "sort")) == "title"


def test_last_opened_is_none_then_what_was_marked(store: StateStore) -> None:
    assert store.last_opened("k") is None
    store.mark_opened("k", 1_700_000_000.5)
    assert store.last_opened("k") == 1_700_000_000.5
    store.mark_opened("k", 1_800_000_000.0)
    assert store.last_opened("k") == 1_800_000_000.0
    assert store.last_opened("other") is None


# -- bad files -------------------------------------------------------------------


def test_garbage_file_is_moved_aside_and_a_new_store_works(tmp_path: Path) -> None:
    garbage = b"\x00\xffnot a database at all\x1b[31m" * 200
    (tmp_path / STATE_FILENAME).write_bytes(garbage)
    with StateStore.open(tmp_path) as store:
        (aside,) = _aside_files(tmp_path)
        assert aside.read_bytes() == garbage
        assert len(store.notices) == 1
        assert "moved" in store.notices[0]
        assert aside.name in store.notices[0]
        assert store.persistent
        store.set_starred(["a"])
        assert store.is_starred("a")
    with StateStore.open(tmp_path) as store:
        assert store.notices == []
        assert store.starred_ids() == {"a"}


def test_stale_wal_of_a_garbage_file_does_not_leak_into_the_new_store(tmp_path: Path) -> None:
    (tmp_path / STATE_FILENAME).write_bytes(b"garbage" * 100)
    (tmp_path / f"{STATE_FILENAME}-wal").write_bytes(b"old wal" * 100)
    with StateStore.open(tmp_path) as store:
        assert len(store.notices) == 1
        store.set_read(["a"])
        assert store.read_ids() == {"a"}
        wal = tmp_path / f"{STATE_FILENAME}-wal"
        assert not wal.exists() or not wal.read_bytes().startswith(b"old wal")
    with StateStore.open(tmp_path) as store:
        assert store.notices == []
        assert store.read_ids() == {"a"}


def test_corrupt_pages_in_a_real_state_file_are_detected(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.set_read([f"{i:032x}" for i in range(5000)])
    path = tmp_path / STATE_FILENAME
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    assert len(data) > 6 * page_size
    for page in range(2, len(data) // page_size):  # keep the header page, trash the rest
        start = page * page_size
        data[start : start + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    with StateStore.open(tmp_path) as store:
        assert len(store.notices) == 1
        assert store.read_ids() == set()
        store.set_read(["fresh"])
        assert store.read_ids() == {"fresh"}
    assert len(_aside_files(tmp_path)) == 1


def test_foreign_sqlite_database_is_moved_aside(tmp_path: Path) -> None:
    foreign = sqlite3.connect(tmp_path / STATE_FILENAME)
    foreign.execute("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)")
    foreign.execute("INSERT INTO customers(name) VALUES ('keep me')")
    foreign.commit()
    foreign.close()
    with StateStore.open(tmp_path) as store:
        assert len(store.notices) == 1
        assert "not a tickertape state database" in store.notices[0]
        store.set_read(["a"])
        assert store.read_ids() == {"a"}
    (aside,) = _aside_files(tmp_path)
    kept = sqlite3.connect(aside)
    try:
        assert kept.execute("SELECT name FROM customers").fetchall() == [("keep me",)]
    finally:
        kept.close()


def test_state_database_of_another_schema_version_is_moved_aside(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.set_read(["old"])
    conn = sqlite3.connect(tmp_path / STATE_FILENAME)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with StateStore.open(tmp_path) as store:
        assert "schema version" in store.notices[0]
        assert store.read_ids() == set()
    assert len(_aside_files(tmp_path)) == 1


def test_unopenable_state_path_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / STATE_FILENAME).mkdir()  # cannot be opened as a database file
    with StateStore.open(tmp_path) as store:
        assert len(store.notices) == 1
        assert (tmp_path / STATE_FILENAME).is_file()
        store.set_starred(["a"])
        assert store.starred_ids() == {"a"}
    (aside,) = _aside_files(tmp_path)
    assert aside.is_dir()


def test_empty_file_becomes_a_new_store_without_notice(tmp_path: Path) -> None:
    (tmp_path / STATE_FILENAME).write_bytes(b"")
    with StateStore.open(tmp_path) as store:
        assert store.notices == []
        store.set_read(["a"])
        assert store.is_read("a")
    assert _aside_files(tmp_path) == []


def test_unusable_directory_falls_back_to_a_session_only_store(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    store = StateStore.open(blocker / "state")
    try:
        assert not store.persistent
        assert len(store.notices) == 1
        assert "not be kept" in store.notices[0]
        store.toggle_starred("a")
        assert store.starred_ids() == {"a"}
        session_file = store.path
        assert session_file.is_file()
    finally:
        store.close()
    assert not session_file.exists()
    assert blocker.read_text() == "a file where the data directory should be"


# -- sharing ---------------------------------------------------------------------


def test_two_stores_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as first, StateStore.open(tmp_path) as second:
        first.set_read(["a"])
        assert second.is_read("a")
        second.set_starred(["a"])
        assert first.is_starred("a")
        assert first.toggle_read("b") is True
        assert second.toggle_read("b") is False
        assert not first.is_read("b")
        second.add_history("k", "one")
        first.add_history("k", "two")
        second.save_view("v", "q")
        assert first.history("k") == ["one", "two"]
        assert first.views() == [SavedView(1, "v", "q")]
        assert second.read_ids() == first.read_ids() == {"a"}


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tickertape.core.state import StateStore\n"
        "with StateStore.open(Path(sys.argv[1])) as store:\n"
        "    for i in range(150):\n"
        "        store.set_read([f'child-{i}'])\n"
        "        store.toggle_starred('shared')\n"
    )
    StateStore.open(tmp_path).close()  # create the schema before the race
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)])
    with StateStore.open(tmp_path) as store:
        for i in range(150):
            store.set_read([f"parent-{i}"])
            store.toggle_starred("shared")
        assert child.wait(timeout=120) == 0
        assert len(store.read_ids()) == 300
        # 300 toggles in all: each one read and wrote under the write lock.
        assert not store.is_starred("shared")


def test_threads_sharing_one_store(store: StateStore) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                store.set_read([f"t{n}-{i}"])
                store.toggle_starred(f"t{n}")
                store.flags_for([f"t{n}-{j}" for j in range(i)])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.read_ids()) == 200
    assert store.starred_ids() == set()


def test_flags_are_read_while_a_write_waits_for_another_process(store: StateStore) -> None:
    """The list reads flags for every page it paints; a toggle waiting for another
    process's write lock must not hold that up."""
    from concurrent.futures import ThreadPoolExecutor

    store.set_starred(["before"])
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another tickertape is writing
        with ThreadPoolExecutor(max_workers=2) as pool:
            waiting = pool.submit(store.toggle_starred, "after")
            try:
                flags = pool.submit(store.flags_for, ["before"]).result(timeout=60)  # hang guard
            finally:
                other.execute("COMMIT")
            assert waiting.result() is True
    finally:
        other.close()
    assert flags == {"before": (False, True)}
    assert store.is_starred("after")


# -- the cache's view of the flags -------------------------------------------------


def test_attached_state_exposes_flags_as_temp_views(store: StateStore) -> None:
    store.set_starred(["s1", "s2"])
    store.set_read(["r1"])
    cache = sqlite3.connect(":memory:")
    try:
        cache.execute("ATTACH DATABASE ? AS state", (str(store.path),))
        for statement in flag_views_sql():
            cache.execute(statement)
        for statement in flag_views_sql():  # idempotent
            cache.execute(statement)
        starred = cache.execute("SELECT article_id FROM flag_starred ORDER BY 1").fetchall()
        assert starred == [("s1",), ("s2",)]
        assert cache.execute("SELECT article_id FROM flag_read").fetchall() == [("r1",)]
        store.set_starred(["s3"])
        store.set_starred(["s1"], starred=False)
        starred = cache.execute("SELECT article_id FROM flag_starred ORDER BY 1").fetchall()
        assert starred == [("s2",), ("s3",)]
    finally:
        cache.close()


def test_flag_views_use_the_given_schema_name(store: StateStore) -> None:
    store.set_read(["r"])
    cache = sqlite3.connect(":memory:")
    try:
        cache.execute("ATTACH DATABASE ? AS user_state", (str(store.path),))
        for statement in flag_views_sql("user_state"):
            cache.execute(statement)
        assert cache.execute("SELECT article_id FROM flag_read").fetchall() == [("r",)]
    finally:
        cache.close()


@pytest.mark.parametrize("schema", ["", "state; DROP TABLE x", "1abc", "a.b", 'st"ate'])
def test_flag_views_refuse_odd_schema_names(schema: str) -> None:
    with pytest.raises(ValueError, match="schema"):
        flag_views_sql(schema)


def test_empty_flag_tables_stand_in_without_state() -> None:
    cache = sqlite3.connect(":memory:")
    try:
        cache.execute("CREATE TABLE articles(id TEXT)")
        cache.execute("INSERT INTO articles VALUES ('a'), ('b')")
        for statement in empty_flag_tables_sql() + empty_flag_tables_sql():
            cache.execute(statement)
        unread = cache.execute(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM flag_read)"
        ).fetchone()
        starred = cache.execute(
            "SELECT count(*) FROM articles WHERE id IN (SELECT article_id FROM flag_starred)"
        ).fetchone()
        assert unread == (2,)
        assert starred == (0,)
        assert cache.execute("SELECT name FROM sqlite_master").fetchall() == [("articles",)]
    finally:
        cache.close()


def test_a_view_marked_as_alert_keeps_the_mark_when_saved_again(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.save_view("Chips", "ticker:NVDA", alert=True)
        store.save_view("Chips", "ticker:AMD")
        assert store.views() == [SavedView(1, "Chips", "ticker:AMD", alert=True)]
        assert store.set_view_alert("Chips", False)
        assert not store.set_view_alert("nothing", True)
    with StateStore.open(tmp_path) as store:
        assert store.views() == [SavedView(1, "Chips", "ticker:AMD", alert=False)]


def test_a_version_2_state_file_keeps_its_views_without_alerts(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.save_view("Chips", "ticker:NVDA")
        path = store.path
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE views DROP COLUMN alert")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with StateStore.open(tmp_path) as store:
        assert store.notices == []
        assert store.views() == [SavedView(1, "Chips", "ticker:NVDA", alert=False)]


def test_flags_of_one_database_are_not_another_s(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.set_read(["a1"])
        store.scope = "pg:first"
        assert store.flags_for(["a1"]) == {"a1": (False, False)}
        store.set_starred(["a1", "a2"])
        assert store.toggle_read("a2") is True
        store.scope = "pg:second"
        assert store.starred_ids() == set()
        assert store.flags_for(["a1", "a2"]) == {"a1": (False, False), "a2": (False, False)}
        store.scope = FOLDER_SCOPE
        assert store.read_ids() == {"a1"}
        assert store.starred_ids() == set()
    with StateStore.open(tmp_path) as store:
        store.scope = "pg:first"
        assert store.flags_for(["a1", "a2"]) == {"a1": (False, True), "a2": (True, True)}
        store.set_starred(["a1"], False)
        assert store.starred_ids() == {"a2"}


def test_a_version_3_state_file_keeps_its_flags_for_the_folders(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILENAME
    with StateStore.open(tmp_path) as store:
        store.save_view("Chips", "ticker:NVDA")
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        DROP TABLE flags;
        CREATE TABLE flags(article_id TEXT PRIMARY KEY, read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0, changed REAL);
        CREATE INDEX flags_read ON flags(article_id, read) WHERE read = 1;
        CREATE INDEX flags_starred ON flags(article_id, starred) WHERE starred = 1;
        INSERT INTO flags VALUES ('old-read', 1, 0, 1.0), ('old-star', 0, 1, 2.0);
        UPDATE meta SET value = '3' WHERE key = 'schema_version';
        """
    )
    conn.close()
    with StateStore.open(tmp_path) as store:
        assert store.notices == []
        assert store.read_ids() == {"old-read"}
        assert store.starred_ids() == {"old-star"}
        assert store.views() == [SavedView(1, "Chips", "ticker:NVDA")]
        store.scope = "pg:some-database"
        assert store.read_ids() == set()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        "4",
    )
    conn.close()
