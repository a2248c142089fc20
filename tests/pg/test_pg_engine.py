"""The PostgreSQL engine: loading a folder or a stream, reading it through the Index
protocol, taking turns on one folder, and clear words when the server is not there."""

from __future__ import annotations

import io
import json
import os
import threading
import time
from pathlib import Path

import pytest

from tests.ui.articles import ARTICLES, write_index
from tickertape.core.index import IndexCache
from tickertape.core.query import compile_query, parse

pytest.importorskip("psycopg", reason="psycopg is not installed (the postgresql extra)")

from tickertape.core.pg import load as pg_load
from tickertape.core.pg.engine import PostgresIndex
from tickertape.core.pg.schema import SCHEMA_VERSION, connect
from tickertape.core.pg.url import DatabaseError


def ids(index: PostgresIndex | IndexCache, query: str = "", sort: str = "date") -> list[str]:
    compiled = compile_query(parse(query)) if query else None
    return [row.id for row in index.rows(list(index.select(compiled, sort=sort)))]


def test_a_loaded_folder_reads_as_its_cache_does(tmp_path: Path, pg_url: str) -> None:
    folder = write_index(tmp_path / "news")
    stats = pg_load.load(pg_url, str(folder))
    assert (stats.added, stats.articles) == (len(ARTICLES), len(ARTICLES))
    with PostgresIndex.open(pg_url) as pg, IndexCache.open(folder) as cache:
        cache.refresh()
        for sort in ("date", "title", "source", "sentiment", "confidence"):
            assert ids(pg, sort=sort) == ids(cache, sort=sort)
        for query in ("chips", "ticker:NVDA", "sentiment:positive", "-export", "export rules"):
            assert ids(pg, query) == ids(cache, query)
        rowid = pg.find(ids(pg)[0])[0]
        article = pg.load_article(rowid)
        expected = cache.load_article(cache.find(article.id)[0])
        assert article == expected  # the body too, from the database
        assert pg.stats(None) == cache.stats(None)
        assert pg.facets(None) == cache.facets(None)


def test_a_second_load_reads_only_what_changed(tmp_path: Path, pg_url: str) -> None:
    folder = write_index(tmp_path / "news")
    pg_load.load(pg_url, str(folder))
    again = pg_load.load(pg_url, str(folder))
    assert (again.added, again.changed, again.removed, again.articles) == (0, 0, 0, 0)
    first, second = sorted(folder.iterdir())[:2]
    first.write_text(first.read_text().replace("Chipmakers rally", "Chipmakers soar"))
    os.utime(first, ns=(time.time_ns(), time.time_ns() + 10**9))
    second.unlink()
    changed = pg_load.load(pg_url, str(folder))
    assert (changed.added, changed.changed, changed.removed, changed.articles) == (0, 1, 1, 1)
    with PostgresIndex.open(pg_url) as pg:
        assert pg.count() == len(ARTICLES) - 1
        assert len(ids(pg, "soar")) == 1
        assert ids(pg, "rally") == []


def test_json_lines_load_from_a_stream(pg_url: str) -> None:
    records = [
        {"id": f"s{n}", "title": f"Stream story {n}", "content": "Nvidia chips", "source": "pipe"}
        for n in range(3)
    ]
    data = "".join(json.dumps(record) + "\n" for record in records).encode()
    stats = pg_load.load(pg_url, "-", stream=io.BytesIO(data))
    assert stats.articles == 3
    # The same ids again replace, never duplicate.
    pg_load.load(pg_url, "-", stream=io.BytesIO(data))
    with PostgresIndex.open(pg_url) as pg:
        assert sorted(ids(pg, "nvidia")) == ["s0", "s1", "s2"]
        assert pg.load_article(pg.find("s1")[0]).content == "Nvidia chips"


def test_two_loaders_of_one_folder_take_turns(tmp_path: Path, pg_url: str) -> None:
    folder = write_index(tmp_path / "news")
    pg_load.load(pg_url, str(tmp_path / "news"))  # the schema exists
    holder = connect(pg_url)
    key = pg_load.folder_lock_key(str(folder.resolve()))
    holder.execute("SELECT pg_advisory_lock(%s)", (key,))
    notices: list[str] = []
    done = threading.Event()

    def second() -> None:
        pg_load.load(pg_url, str(folder), notice=notices.append)
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    try:
        for _ in range(200):
            if notices:
                break
            time.sleep(0.05)
        assert notices
        assert "another loader" in notices[0]
        assert not done.is_set()
    finally:
        holder.execute("SELECT pg_advisory_unlock(%s)", (key,))
        thread.join(timeout=60)
        holder.close()
    assert done.is_set()


def test_the_schema_is_versioned(pg_url: str) -> None:
    pg_load.load(pg_url, "-", stream=io.BytesIO(b""))
    with connect(pg_url) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert row == (str(SCHEMA_VERSION),)
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(DatabaseError, match="newer"):
        PostgresIndex.open(pg_url)
    with pytest.raises(DatabaseError, match="newer"):
        pg_load.load(pg_url, "-", stream=io.BytesIO(b""))


def test_an_empty_database_says_how_to_load_it(pg_url: str) -> None:
    with pytest.raises(DatabaseError, match="tickertape index PATH --to"):
        PostgresIndex.open(pg_url)


def test_no_server_is_a_clear_message(tmp_path: Path) -> None:
    url = f"postgresql://someone:secret@/db?host={tmp_path}&connect_timeout=2"
    with pytest.raises(DatabaseError) as caught:
        PostgresIndex.open(url)
    assert "cannot reach the database" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_a_dropped_connection_fails_fast_with_a_message(tmp_path: Path, pg_url: str) -> None:
    folder = write_index(tmp_path / "news")
    pg_load.load(pg_url, str(folder))
    pg = PostgresIndex.open(pg_url)
    try:
        rowids = list(pg.select())
        assert len(pg.rows(rowids)) == len(ARTICLES)
        with connect(pg_url) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid != pg_backend_pid()"
            )
        failures = []
        for _ in range(3):  # the pool hands out the dead connection, then knows
            try:
                pg.rows(rowids)
            except DatabaseError as error:
                failures.append(str(error))
        assert failures
        assert all("database" in failure for failure in failures)
    finally:
        pg.close()


def test_a_version_1_database_is_migrated_and_gets_an_identity(pg_url: str) -> None:
    from tickertape.core.pg.schema import MIGRATIONS

    with connect(pg_url) as conn:
        conn.execute("CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL)")
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    with pytest.raises(DatabaseError, match="older"):
        PostgresIndex.open(pg_url)
    pg_load.load(pg_url, "-", stream=io.BytesIO(b""))
    with PostgresIndex.open(pg_url) as first, PostgresIndex.open(pg_url) as again:
        assert first.flag_scope.startswith("pg:")
        assert len(first.flag_scope) > 20
        assert again.flag_scope == first.flag_scope


def test_new_articles_are_counted_from_an_index(tmp_path: Path, pg_url: str) -> None:
    pg_load.load(pg_url, str(write_index(tmp_path / "news")))
    with PostgresIndex.open(pg_url) as pg:
        assert pg.count_added_since(0) == len(ARTICLES)
        assert pg.count_added_since(time.time() + 60) == 0
    with connect(pg_url) as conn:
        conn.execute("SET enable_seqscan = off")
        plan = conn.execute("EXPLAIN SELECT count(*) FROM articles WHERE added > 0").fetchall()
    assert "articles_added" in " ".join(str(row[0]) for row in plan)


def test_a_first_load_builds_the_full_text_index_once_at_its_end(
    tmp_path: Path, pg_url: str
) -> None:
    folder = write_index(tmp_path / "news")
    phases: list[str] = []
    pg_load.load(pg_url, str(folder), progress=lambda step: phases.append(step.phase))
    assert phases[-1] == "indexing text"
    with connect(pg_url) as conn:
        assert conn.execute("SELECT to_regclass('articles_tsv') IS NOT NULL").fetchone() == (True,)
        conn.execute("DROP INDEX articles_tsv")  # as a first load cut short leaves it
    from tickertape.core.pg.check import check

    assert any("full-text index is missing" in fault for fault in check(pg_url).faults)
    with PostgresIndex.open(pg_url) as pg:
        found = ids(pg, "export rules")  # searching works without it

    pg_load.load(pg_url, str(folder))  # nothing new to read: it builds the index
    assert check(pg_url).faults == []
    with PostgresIndex.open(pg_url) as pg:
        assert ids(pg, "export rules") == found != []
