"""The cache under faults: damaged pages, a full disk, a folder we cannot write, edits
that keep size and mtime, and a damaged stored sort order. Nothing may crash, give a
wrong answer, or throw a good cache away."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest

from tickertape.core.index import CacheDamaged, IndexCache
from tickertape.core.index import build as build_module
from tickertape.core.index.schema import connect as schema_connect
from tickertape.core.query import compile_query, parse
from tickertape.core.sqlite import classify

N_ARTICLES = 600


def write_articles(root: Path, count: int = N_ARTICLES) -> Path:
    """``count`` articles with enough text that the cache spans a few hundred pages."""
    root.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        word = "oil" if n % 7 == 0 else "grain"
        (root / f"{n:04d}_{n:016x}.txt").write_text(
            f"link: https://news.example/{n}\n\nsource: wire{n % 13}.example\n\n"
            f"title: Story {n} about {word} prices and the markets in week {n % 52}\n\n"
            f"summary: {'A summary that fills a page. ' * 6}{n}\n\n"
            f"publishDate: 2024-{1 + n % 12:02d}-{1 + n % 28:02d}T10:{n % 60:02d}:00Z\n\n"
            f"sentiment: {('positive', 'negative', 'neutral')[n % 3]}\n\n"
            f"confidence: 0.{n % 97:02d}\n\n"
            f"content: <p>{word} body {n}. {'Filler text for the body. ' * 20}</p>\n",
            encoding="utf-8",
        )
    return root


@pytest.fixture
def news(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "news")


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def built(root: Path, cache_dir: Path) -> Path:
    """Build the cache of ``root`` and fold its WAL into the file; returns the file."""
    with IndexCache.open(root, cache_dir=cache_dir) as cache:
        cache.refresh()
        path = cache.db_path
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def damage_page(path: Path, fraction: float, seed: int = 1) -> None:
    """Write one page (4 KB) of random bytes at ``fraction`` of the file."""
    size = path.stat().st_size
    offset = int(size * fraction) // 4096 * 4096
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(random.Random(seed).randbytes(4096))


def q(text: str) -> object:
    return compile_query(parse(text))


def answers(cache: IndexCache) -> tuple[int, list[str], list[str], list[str]]:
    """What a user sees: the count, every row by date, the oil search, titles by title."""
    rowids = cache.select()
    ids = [row.id for row in cache.rows(rowids)]
    oil = [row.id for row in cache.rows(cache.select(q("oil")))]  # type: ignore[arg-type]
    by_title = [row.title for row in cache.rows(cache.select(sort="title"))]
    return cache.count(), ids, oil, by_title


# -- classifying SQLite's errors -------------------------------------------------------


def sqlite_error(code: int) -> sqlite3.Error:
    error = sqlite3.DatabaseError("boom")
    error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (11, "corrupt"),  # SQLITE_CORRUPT
        (26, "corrupt"),  # SQLITE_NOTADB
        (267, "corrupt"),  # SQLITE_CORRUPT_VTAB (an extended code)
        (13, "full"),  # SQLITE_FULL
        (5, "locked"),  # SQLITE_BUSY
        (6, "locked"),  # SQLITE_LOCKED
        (517, "locked"),  # SQLITE_BUSY_SNAPSHOT
        (8, "readonly"),  # SQLITE_READONLY
        (10, "io"),  # SQLITE_IOERR
        (3338, "io"),  # SQLITE_IOERR_FSYNC
        (14, "cantopen"),  # SQLITE_CANTOPEN
        (1, "other"),  # SQLITE_ERROR: a bug in our SQL, not the file
    ],
)
def test_sqlite_errors_are_classified_by_their_result_code(code: int, kind: str) -> None:
    assert classify(sqlite_error(code)) == kind


def test_a_real_full_database_is_classified_full(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "small.sqlite")
    conn.execute("CREATE TABLE t(x)")
    conn.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.Error) as caught:
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 100)
    conn.close()
    assert classify(caught.value) == "full"


def test_a_real_damaged_file_is_classified_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "bad.sqlite"
    path.write_bytes(b"this is not a database" * 200)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.Error) as caught:
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()
    assert classify(caught.value) == "corrupt"


# -- damaged pages -----------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.2, 0.35, 0.5, 0.65, 0.8])
def test_damaged_pages_give_the_right_answer_or_a_rebuild_never_a_wrong_one(
    news: Path, cache_dir: Path, tmp_path: Path, fraction: float
) -> None:
    other = tmp_path / "other-cache"
    path = built(news, cache_dir)
    with IndexCache.open(news, cache_dir=other) as good:
        good.refresh()
        expected = answers(good)
    assert expected[0] == N_ARTICLES

    damage_page(path, fraction)
    with IndexCache.open(news, cache_dir=cache_dir) as cache:
        try:
            seen = answers(cache)
        except CacheDamaged:
            cache.rebuild()
            cache.refresh()
            assert any("damaged" in notice for notice in cache.notices)
            seen = answers(cache)
        else:
            cache.refresh()  # a refresh that meets the damage rebuilds on its own
            seen = answers(cache)
        assert seen == expected


@pytest.mark.parametrize("fraction", [0.2, 0.35, 0.5, 0.65, 0.8])
def test_check_finds_damaged_pages_and_rebuilds(
    news: Path, cache_dir: Path, fraction: float
) -> None:
    path = built(news, cache_dir)
    damage_page(path, fraction)
    with IndexCache.open(news, cache_dir=cache_dir) as cache:
        report = cache.check()
        assert report.damaged
        assert any("damaged" in notice for notice in cache.notices)
        assert cache.count() == N_ARTICLES
        assert len(cache.select(q("oil"))) == len(range(0, N_ARTICLES, 7))  # type: ignore[arg-type]
        assert not cache.check().damaged


def test_check_on_a_sound_cache_changes_nothing(news: Path, cache_dir: Path) -> None:
    built(news, cache_dir)
    with IndexCache.open(news, cache_dir=cache_dir) as cache:
        report = cache.check()
        assert not report.damaged
        assert report.changed_files == 0
        assert not cache.notices


def test_check_catches_a_same_size_edit_whose_mtime_was_restored(
    news: Path, cache_dir: Path
) -> None:
    built(news, cache_dir)
    target = news / "0003_0000000000000003.txt"
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    edited = text.replace("Story 3 about grain", "Story 3 about wheat")
    assert len(edited) == len(text)
    target.write_text(edited, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size

    with IndexCache.open(news, cache_dir=cache_dir) as cache:
        cache.refresh()  # size and mtime match: a refresh cannot see it
        assert len(cache.select(q("wheat"))) == 0  # type: ignore[arg-type]
        report = cache.check()
        assert report.changed_files == 1
        assert [row.title for row in cache.rows(cache.select(q("wheat")))] == [  # type: ignore[arg-type]
            "Story 3 about wheat prices and the markets in week 3"
        ]


def test_a_damaged_stored_sort_order_does_not_drop_rows(news: Path, cache_dir: Path) -> None:
    path = built(news, cache_dir)
    conn = sqlite3.connect(path)
    (data,) = conn.execute("SELECT data FROM orders WHERE key = 'title'").fetchone()
    scribbled = bytearray(data)
    scribbled[80:160] = random.Random(2).randbytes(80)  # ten rowids of garbage
    conn.execute("UPDATE orders SET data = ? WHERE key = 'title'", (bytes(scribbled),))
    (data,) = conn.execute("SELECT data FROM orders WHERE key = 'source'").fetchone()
    conn.execute("UPDATE orders SET data = ? WHERE key = 'source'", (data[: len(data) // 2],))
    conn.commit()
    conn.close()

    with IndexCache.open(news, cache_dir=cache_dir) as cache:
        for key in ("title", "source"):
            try:
                rowids = cache.select(sort=key)
            except CacheDamaged:
                cache.rebuild()
                cache.refresh()
                rowids = cache.select(sort=key)
            assert len(rowids) == N_ARTICLES
            assert len(set(rowids)) == N_ARTICLES
            assert len(cache.rows(rowids)) == N_ARTICLES


# -- a full disk -----------------------------------------------------------------------


def test_a_full_disk_during_a_refresh_keeps_the_previous_cache_and_says_so(
    news: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = built(news, cache_dir)
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    write_articles(news.parent / "more", 400)
    for item in (news.parent / "more").iterdir():
        item.rename(news / f"more-{item.name}")

    real_connect = schema_connect

    def full_disk_connect(db: Path) -> sqlite3.Connection:
        conn = real_connect(db)
        conn.execute(f"PRAGMA max_page_count = {pages + 4}")  # SQLITE_FULL soon
        return conn

    monkeypatch.setattr(build_module, "connect", full_disk_connect)
    with IndexCache.open(news, cache_dir=cache_dir) as cache:
        stats = cache.refresh()
        assert any("full" in notice for notice in cache.notices)
        assert not any("rebuilt" in notice for notice in cache.notices)
        assert stats.full
    monkeypatch.undo()
    with IndexCache.open(news, cache_dir=cache_dir) as cache:
        assert cache.count() >= N_ARTICLES  # the good cache is still there
        assert len(cache.select(q("oil"))) >= len(range(0, N_ARTICLES, 7))  # type: ignore[arg-type]
        cache.refresh()
        assert cache.count() == N_ARTICLES + 400


# -- a cache folder we cannot write ---------------------------------------------------------


def test_a_cache_variable_pointing_at_a_file_keeps_a_working_cache_and_says_where(
    tmp_path: Path,
) -> None:
    news = write_articles(tmp_path / "news", 20)
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder")
    with IndexCache.open(news, cache_dir=blocker) as cache:
        assert cache.temporary
        (notice,) = [n for n in cache.notices if "cannot be used" in n]
        assert str(blocker) in notice
        assert str(cache.db_path.parent) in notice  # where the cache is kept instead
        cache.refresh()
        assert cache.count() == 20


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_cache_folder_keeps_a_working_cache(tmp_path: Path) -> None:
    news = write_articles(tmp_path / "news", 20)
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with IndexCache.open(news, cache_dir=folder) as cache:
            assert cache.temporary
            cache.refresh()
            assert cache.count() == 20
    finally:
        folder.chmod(0o700)
