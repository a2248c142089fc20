"""The bulk-loading path of a first build: batched inserts, indexes built at the end,
the date-order renumbering by copy, and the process pool kept across phases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tickertape.core import loader
from tickertape.core.index import IndexCache
from tickertape.core.index import build as index_build
from tickertape.core.index.schema import SECONDARY_INDEXES
from tickertape.core.query import compile_query, parse

from .test_index import article_text, write


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def _db(cache: IndexCache) -> sqlite3.Connection:
    return sqlite3.connect(cache.db_path)


def _dated(n: int) -> str:
    return f"2024-05-{1 + n % 28:02d}T{n % 24:02d}:00:00Z"


def test_a_first_build_ends_with_every_index_and_rowids_in_date_order(
    tmp_path: Path, cache_dir: Path
) -> None:
    root = tmp_path / "index"
    for n in range(40):
        published = None if n % 13 == 0 else _dated(n * 7)
        write(root, f"d{n % 3}/{n:03d}_{n:016x}.txt", article_text(f"t{n}", published=published))
    with IndexCache.open(root, cache_dir=cache_dir) as cache:
        cache.refresh()
        db = _db(cache)
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {name for name, _ in SECONDARY_INDEXES} <= names
        assert "sqlite_autoindex_articles_1" in names  # UNIQUE(id) is kept
        rows = db.execute("SELECT rowid, published, id FROM articles ORDER BY rowid").fetchall()
        assert [r[0] for r in rows] == list(range(1, 41))
        keyed = [(-1 if p is None else p, i) for _, p, i in rows]
        assert keyed == sorted(keyed, key=lambda k: (k[0], [-ord(c) for c in k[1]]))
        assert db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'articles'").fetchone() == (
            40,
        )
        # Tickers and details follow their articles.
        assert db.execute(
            "SELECT count(*) FROM articles AS a JOIN details AS d ON d.rowid = a.rowid"
        ).fetchone() == (40,)
        # A later file gets a new rowid; a deleted one is never reused.
        (root / "d0/039_0000000000000027.txt").unlink()
        write(root, "d9/100_00000000000000ff.txt", article_text("late"))
        cache.refresh()
        late = cache.find("00000000000000ff")
        assert late == [41]
        (root / "d9/100_00000000000000ff.txt").unlink()
        cache.refresh()
        write(root, "d9/101_00000000000000fe.txt", article_text("later"))
        cache.refresh()
        assert cache.find("00000000000000fe") == [42]
        assert cache.select(compile_query(parse("later")))
        db.close()


def test_id_clashes_inside_one_batch_follow_the_rule(tmp_path: Path, cache_dir: Path) -> None:
    root = tmp_path / "clash"
    # Three files claim one id, and another pair claims a second: all in one batch.
    for rel in ("c/001_00000000000000aa.txt", "a/001_00000000000000aa.txt",
                "b/001_00000000000000aa.txt", "a/002_00000000000000bb.txt",
                "z/002_00000000000000bb.txt"):  # fmt: skip
        write(root, rel, article_text(rel))
    with IndexCache.open(root, cache_dir=cache_dir) as cache:
        cache.refresh()
        got = sorted((a.id, a.path, len(a.warnings)) for a in cache.articles(cache.select()))
        loaded = loader.load_index(root)
        assert got == sorted((a.id, a.path, len(a.warnings)) for a in loaded.articles)
        assert cache.rows(cache.find("00000000000000aa"))[0].title == "a/001_00000000000000aa.txt"
        assert sorted(p.path for p in cache.problems() if p.field == "id") == [
            "b/001_00000000000000aa.txt", "c/001_00000000000000aa.txt",
            "z/002_00000000000000bb.txt",
        ]  # fmt: skip


def test_a_build_with_the_process_pool_indexes_everything(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_build, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(index_build, "BATCH_ARTICLES", 7)
    monkeypatch.setattr(index_build, "FTS_BATCH", 9)
    monkeypatch.delenv("TICKERTAPE_WORKERS", raising=False)
    root = tmp_path / "index"
    for n in range(30):
        write(root, f"p/{n:03d}_{n + 1:016x}.txt", article_text(
            f"title {n}", published=_dated(n * 5), content=f"<p>body word{n} here</p>"
        ))  # fmt: skip
    with IndexCache.open(root, cache_dir=cache_dir) as cache:
        cache.refresh()
        assert cache.count() == 30
        assert cache.fts_ready()
        assert len(cache.select(compile_query(parse("word17")))) == 1
        assert len(cache.select(compile_query(parse("here")))) == 30
        db = _db(cache)
        # automerge is back to its default once the full-text phase is over.
        assert db.execute("SELECT v FROM fts_config WHERE k = 'automerge'").fetchone() == (4,)
        db.close()


def test_a_refresh_merging_the_files_table_a_page_at_a_time_finds_every_change(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refresh walks the folder and reads ``files`` in the same path order a few
    rows at a time; names that sort differently as paths and as folders (``a-c`` and
    ``a/``, ``a0``) and changes on page edges are all found."""
    monkeypatch.setattr(index_build, "_KNOWN_PAGE", 3)
    root = tmp_path / "index"
    rels = ["a/1.txt", "a/2.txt", "a-c/1.txt", "a0.txt", "a.txt", "b/x/1.txt", "b/y.txt"]
    rels += [f"c/{n:02d}.txt" for n in range(10)]
    for n, rel in enumerate(rels):
        write(root, rel, article_text(f"title {n}", published=_dated(n)))
    with IndexCache.open(root, cache_dir=cache_dir) as cache:
        first = cache.refresh()
        assert (first.added, first.changed, first.removed) == (len(rels), 0, 0)
        unchanged = cache.refresh()
        assert (unchanged.added, unchanged.changed, unchanged.removed) == (0, 0, 0)
        (root / "a-c/1.txt").unlink()  # removed
        (root / "c/04.txt").rename(root / "c/04b.txt")  # renamed: one gone, one new
        write(root, "a0.txt", article_text("a0 rewritten, longer than before"))  # changed
        write(root, "c/09.txt", article_text("the last one, rewritten and longer"))
        write(root, "a/0.txt", article_text("new first"))  # added
        stats = cache.refresh()
        assert (stats.added, stats.changed, stats.removed) == (2, 2, 2)
        titles = {r[0] for r in _db(cache).execute("SELECT title FROM details")}
        assert {"new first", "a0 rewritten, longer than before", "title 11"} <= titles
        assert "title 2" not in titles  # a-c/1.txt
        assert stats.articles == len(rels)
