"""The SQLite/FTS5 cache: builds, incremental refresh, recovery, ordering, and safety."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import pytest

from tickertape.core import loader
from tickertape.core.formats import ReadResult, read_file
from tickertape.core.index import SORT_KEYS, IndexCache, RefreshProgress
from tickertape.core.index.schema import SCHEMA_VERSION
from tickertape.core.query import CompiledQuery, compile_query, parse

REPO = Path(__file__).resolve().parents[2]


def article_text(
    title: str,
    *,
    published: str | None = "2024-05-01T10:00:00Z",
    source: str = "www.reuters.com",
    sentiment: str | None = "neutral",
    confidence: str | None = "0.5",
    content: str = "<p>Plain body text.</p>",
    link: str = "https://www.reuters.com/a",
) -> str:
    fields = [f"link: {link}", f"source: {source}", f"title: {title}"]
    if published is not None:
        fields.append(f"publishDate: {published}")
    fields.append("language: en")
    if sentiment is not None:
        fields.append(f"sentiment: {sentiment}")
    if confidence is not None:
        fields.append(f"confidence: {confidence}")
    fields.append(f"content: {content}")
    return "\n\n".join(fields) + "\n\n"


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def bump_mtime(path: Path) -> None:
    """Make a rewrite visible even on file systems with coarse timestamps."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@pytest.fixture
def index(tmp_path: Path) -> Path:
    root = tmp_path / "index"
    write(root, "a/001_00000000000000a1.txt", article_text(
        "Nvidia chips lift markets", published="2024-05-03T09:00:00Z", sentiment="positive",
        confidence="0.9",
        content='<p>Nvidia <a href="https://www.reuters.com/markets/companies/NVDA.O">(NVDA.O)</a>'
        " rallied on servers.</p>",
    ))  # fmt: skip
    write(root, "a/002_00000000000000b2.txt", article_text(
        "banks slump on rates", published="2024-05-01T09:00:00Z", sentiment="negative",
        confidence="0.7", source="www.ft.com",
    ))  # fmt: skip
    write(root, "b/003_00000000000000c3.txt", article_text(
        "Oil steady", published="2024-05-02T09:00:00Z", sentiment="neutral", confidence=None,
        content="<p>Crude prices held; Apple (AAPL.O) unchanged.</p>",
    ))  # fmt: skip
    write(root, "b/004_00000000000000d4.txt", article_text(
        "Undated note", published=None, sentiment=None, confidence=None, source="",
    ))  # fmt: skip
    return root


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def cache(index: Path, cache_dir: Path) -> Iterator[IndexCache]:
    opened = IndexCache.open(index, cache_dir=cache_dir)
    opened.refresh()
    yield opened
    opened.close()


def titles(cache: IndexCache, rowids: Sequence[int]) -> list[str]:
    return [row.title for row in cache.rows(rowids)]


def q(text: str) -> CompiledQuery:
    return compile_query(parse(text))


# -- building ------------------------------------------------------------------------


def test_first_build_holds_every_article_with_metadata(cache: IndexCache) -> None:
    assert cache.is_built()
    assert cache.fts_ready()
    assert cache.count() == 4
    rows = cache.rows(cache.select())
    first = rows[0]
    assert first.title == "Nvidia chips lift markets"
    assert first.id == "00000000000000a1"
    assert first.rel == "a/001_00000000000000a1.txt"
    assert first.tickers == ("NVDA.O",)
    assert first.sentiment == "positive"
    assert first.confidence == pytest.approx(0.9)
    assert first.published_ms == 1714726800000
    assert rows[-1].published_ms is None


def test_an_untitled_article_without_summary_keeps_its_first_line_for_the_list(
    tmp_path: Path,
) -> None:
    root = tmp_path / "index"
    write(
        root,
        "a.txt",
        article_text("", content="<pre>&#2;\nSHULTZ SAYS ECONOMY IS STRONG\nMore.</pre>"),
    )
    write(root, "b.txt", article_text("Titled", content="<p>Body line.</p>"))
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        leads = {row.rel: row.lead for row in cache.rows(cache.select())}
    assert leads == {"a.txt": "SHULTZ SAYS ECONOMY IS STRONG", "b.txt": ""}


def test_cache_lives_in_the_cache_dir_named_by_index_key(index: Path, cache_dir: Path) -> None:
    from tickertape.core.paths import index_key

    with IndexCache.open(index, cache_dir=cache_dir) as cache:
        assert cache.db_path == cache_dir / f"{index_key(index)}.sqlite"
        assert cache.db_path.is_file()


def test_env_var_chooses_the_cache_dir(
    index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKERTAPE_CACHE_DIR", str(tmp_path / "elsewhere"))
    with IndexCache.open(index) as cache:
        assert cache.db_path.parent == tmp_path / "elsewhere"


def test_progress_reports_each_phase(index: Path, cache_dir: Path) -> None:
    steps: list[RefreshProgress] = []
    with IndexCache.open(index, cache_dir=cache_dir) as cache:
        cache.refresh(progress=steps.append)
    phases = [step.phase for step in steps]
    assert phases[0] == "scanning"
    assert "reading" in phases
    assert "indexing text" in phases
    assert phases[-1] == "done"
    reading = [s for s in steps if s.phase == "reading"]
    assert reading[-1].done == reading[-1].total == 4


def test_full_text_search_finds_title_summary_and_body(cache: IndexCache) -> None:
    assert titles(cache, cache.select(q("servers"))) == ["Nvidia chips lift markets"]
    assert titles(cache, cache.select(q("crude"))) == ["Oil steady"]
    assert titles(cache, cache.select(q("slump"))) == ["banks slump on rates"]
    assert titles(cache, cache.select(q("ticker:AAPL.O"))) == ["Oil steady"]
    assert titles(cache, cache.select(q("ticker:NVDA"))) == ["Nvidia chips lift markets"]


# -- incremental refresh ----------------------------------------------------------------


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the path of every file the cache parses."""
    seen: list[str] = []

    def counting(data: bytes, rel_path: str) -> ReadResult:
        seen.append(rel_path)
        return read_file(data, rel_path)

    monkeypatch.setattr("tickertape.core.loader.read_file", counting)
    return seen


def test_refresh_reads_only_new_and_changed_files(
    index: Path, cache: IndexCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        index,
        "c/005_00000000000000e5.txt",
        article_text("Fresh story", published="2024-06-01T00:00:00Z"),
    )
    changed = write(
        index,
        "a/002_00000000000000b2.txt",
        article_text("banks recover", published="2024-05-01T09:00:00Z"),
    )
    bump_mtime(changed)
    (index / "b/003_00000000000000c3.txt").unlink()
    seen = count_reads(monkeypatch)

    stats = cache.refresh()

    assert (stats.added, stats.changed, stats.removed) == (1, 1, 1)
    assert stats.articles == 4
    assert set(seen) == {"c/005_00000000000000e5.txt", "a/002_00000000000000b2.txt"}
    assert titles(cache, cache.select()) == [
        "Fresh story", "Nvidia chips lift markets", "banks recover", "Undated note",
    ]  # fmt: skip
    assert cache.select(q("crude")) == []
    assert titles(cache, cache.select(q("recover"))) == ["banks recover"]
    assert cache.select(q("slump")) == []
    assert cache.fts_ready()


def test_refresh_without_changes_reads_nothing(
    cache: IndexCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = count_reads(monkeypatch)
    stats = cache.refresh()
    assert (stats.added, stats.changed, stats.removed, stats.articles) == (0, 0, 0, 4)
    assert seen == []


def test_a_reader_sees_the_refresh_of_another_instance(index: Path, cache_dir: Path) -> None:
    with IndexCache.open(index, cache_dir=cache_dir) as reader:
        reader.refresh()
        assert len(reader.select()) == 4
        write(
            index,
            "c/new_00000000000000f6.txt",
            article_text("Late news", published="2025-01-01T00:00:00Z"),
        )
        with IndexCache.open(index, cache_dir=cache_dir) as writer:
            writer.refresh()
        assert titles(reader, reader.select(limit=1)) == ["Late news"]
        assert len(reader.select(sort="title")) == 5


# -- recovery ----------------------------------------------------------------------------


def _damage_garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database at all\x00" * 500)


def _damage_truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _damage_version(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


def _damage_foreign(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE something_else(x)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "damage", [_damage_garbage, _damage_truncate, _damage_version, _damage_foreign]
)
def test_a_damaged_cache_is_rebuilt_with_a_notice(
    index: Path, cache_dir: Path, damage: object
) -> None:
    with IndexCache.open(index, cache_dir=cache_dir) as cache:
        cache.refresh()
        path = cache.db_path
    conn = sqlite3.connect(path)  # fold the WAL in so the damage hits the data
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    damage(path)  # type: ignore[operator]

    with IndexCache.open(index, cache_dir=cache_dir) as cache:
        stats = cache.refresh()
        assert cache.notices, "the user is told the cache was rebuilt"
        assert stats.articles == 4
        assert len(cache.select(q("servers"))) == 1
        assert cache.fts_ready()


def test_an_unwritable_cache_dir_falls_back_to_a_temporary_one(index: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    with IndexCache.open(index, cache_dir=blocker / "cache") as cache:
        assert cache.notices
        cache.refresh()
        assert cache.count() == 4
        temp = cache.db_path.parent
    assert not temp.exists()


def test_a_cache_damaged_while_open_is_rebuilt_by_refresh(index: Path, cache_dir: Path) -> None:
    with IndexCache.open(index, cache_dir=cache_dir) as cache:
        cache.refresh()
        conn = sqlite3.connect(cache.db_path)
        conn.execute("DROP TABLE tickers")
        conn.commit()
        conn.close()
        write(index, "c/005_00000000000000e5.txt", article_text("More", content="<p>(AMZN.O)</p>"))
        stats = cache.refresh()
        assert any("rebuilt" in notice for notice in cache.notices)
        assert stats.articles == 5
        assert len(cache.select(q("ticker:NVDA.O"))) == 1


# -- safety ------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            stat = path.stat()
            found[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns)
    found["."] = (0, root.stat().st_mtime_ns)
    return found


def test_the_cache_never_writes_into_the_index_folder(index: Path, cache_dir: Path) -> None:
    before = snapshot(index)
    time.sleep(0.01)
    with IndexCache.open(index, cache_dir=cache_dir) as cache:
        cache.refresh()
        rowids = cache.select(q("servers"), sort="relevance")
        cache.load_article(rowids[0])
        cache.facets(None)
        cache.refresh()
    assert snapshot(index) == before
    assert not index.joinpath(".tickertape").exists()


def test_two_instances_one_refreshing_one_selecting(index: Path, cache_dir: Path) -> None:
    for n in range(40):
        write(
            index,
            f"bulk/{n:03d}_{n:016x}.txt",
            article_text(f"Bulk {n}", published=f"2023-01-{n % 28 + 1:02d}T00:00:00Z"),
        )
    errors: list[BaseException] = []
    with (
        IndexCache.open(index, cache_dir=cache_dir) as reader,
        IndexCache.open(index, cache_dir=cache_dir) as writer,
    ):
        done = threading.Event()

        def refresh() -> None:
            try:
                writer.refresh()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                done.set()

        thread = threading.Thread(target=refresh)
        thread.start()
        while not done.is_set():
            rowids = reader.select(sort="title")
            reader.rows(rowids[:50])
            reader.select(q("bulk"))
        thread.join()
        assert not errors
        assert reader.count() == 44
        assert len(reader.select(q("bulk"))) == 40
        assert titles(reader, reader.select(limit=1)) == ["Nvidia chips lift markets"]


def test_a_second_refresher_is_skipped_with_a_notice(index: Path, cache_dir: Path) -> None:
    from tickertape.core.index.build import RefreshLock

    with IndexCache.open(index, cache_dir=cache_dir) as cache:
        lock = RefreshLock(cache.db_path)
        assert lock.acquire()
        try:
            stats = cache.refresh()
        finally:
            lock.release()
        assert stats.articles == 0
        assert any("Another tickertape" in notice for notice in cache.notices)
        assert cache.refresh().articles == 4


# -- ordering ------------------------------------------------------------------------------


@pytest.fixture
def sortable(tmp_path: Path, cache_dir: Path) -> Iterator[IndexCache]:
    root = tmp_path / "sortable"
    specs = [
        # name, title, published, source, sentiment, confidence
        ("01", "delta", "2024-01-05T00:00:00Z", "www.b.com", "negative", "0.5"),
        ("02", "Alpha", "2024-01-03T00:00:00Z", "www.a.com", "positive", "0.9"),
        # a signed score in confidence: -0.4 (an unknown label takes its direction)
        ("03", "charlie", "2024-01-03T00:00:00Z", "www.c.com", "mixed", "-0.4"),
        ("04", "", "2024-01-04T00:00:00Z", "", None, "-0.9"),
        ("05", "bravo", None, "www.a.com", "neutral", "0.9"),
        ("06", "alpha", "2024-01-03T00:00:00Z", "www.a.com", "positive", "0.2"),
    ]
    for name, title, published, source, sentiment, confidence in specs:
        write(root, f"{name}_00000000000000{name}.txt", article_text(
            title, published=published, source=source, sentiment=sentiment,
            confidence=confidence, content=f"<p>common {title}</p>",
        ))  # fmt: skip
    with IndexCache.open(root, cache_dir=cache_dir) as cache:
        cache.refresh()
        yield cache


def ids(cache: IndexCache, rowids: Sequence[int]) -> list[str]:
    return [row.id[-2:] for row in cache.rows(rowids)]


EXPECTED = {
    # ties by date (newest first), then id; missing values last
    "date": ["01", "04", "02", "03", "06", "05"],
    "title": ["02", "06", "05", "03", "01", "04"],
    "source": ["02", "06", "05", "01", "03", "04"],
    "sentiment": ["02", "06", "05", "01", "04", "03"],
    "confidence": ["02", "05", "01", "06", "04", "03"],
    "score": ["03", "04", "01", "02", "06", "05"],
}


@pytest.mark.parametrize("key", SORT_KEYS)
def test_each_sort_key_orders_with_stable_ties_and_missing_last(
    sortable: IndexCache, key: str
) -> None:
    assert ids(sortable, sortable.select(sort=key)) == EXPECTED[key]
    assert ids(sortable, sortable.select(sort=key, reverse=True)) == EXPECTED[key][::-1]
    # A filtered result keeps the same order.
    assert ids(sortable, sortable.select(q("common"), sort=key)) == EXPECTED[key]
    assert (
        ids(sortable, sortable.select(q("common"), sort=key, reverse=True)) == EXPECTED[key][::-1]
    )
    assert ids(sortable, sortable.select(sort=key, limit=2)) == EXPECTED[key][:2]
    assert (
        ids(sortable, sortable.select(q("common"), sort=key, reverse=True, limit=2))
        == EXPECTED[key][::-1][:2]
    )


def test_relevance_ranks_matches_and_falls_back_to_date(sortable: IndexCache) -> None:
    assert ids(sortable, sortable.select(q("alpha"), sort="relevance")) == ["02", "06"]
    assert ids(sortable, sortable.select(None, sort="relevance")) == EXPECTED["date"]
    with pytest.raises(ValueError, match="sort key"):
        sortable.select(sort="colour")


def test_the_result_finds_positions_for_the_cursor(sortable: IndexCache) -> None:
    rowids = sortable.select(sort="title", reverse=True)
    for position, rowid in enumerate(list(rowids)):
        assert rowids.index(rowid) == position
    with pytest.raises(ValueError, match="not"):
        rowids.index(10**9)


def test_order_survives_files_added_out_of_date_order(sortable: IndexCache) -> None:
    root = sortable.root
    write(
        root,
        "07_0000000000000007.txt",
        article_text("oldest", published="2020-01-01T00:00:00Z", content="<p>common</p>"),
    )
    write(
        root,
        "08_0000000000000008.txt",
        article_text("middle", published="2024-01-04T00:00:00Z", content="<p>common</p>"),
    )
    sortable.refresh()
    expected = ["01", "04", "08", "02", "03", "06", "07", "05"]
    assert ids(sortable, sortable.select()) == expected
    assert ids(sortable, sortable.select(q("common"))) == expected


# -- rows, articles, find ----------------------------------------------------------------------


def test_rows_come_in_the_order_asked(cache: IndexCache) -> None:
    rowids = list(cache.select())
    wanted = [rowids[2], rowids[0], 10**9, rowids[1]]
    assert [row.rowid for row in cache.rows(wanted)] == [rowids[2], rowids[0], rowids[1]]


def test_find_by_exact_id_and_by_prefix(cache: IndexCache) -> None:
    assert len(cache.find("00000000000000a1")) == 1
    assert len(cache.find("00000000000000A1")) == 1
    assert len(cache.find("0000000000000")) == 4
    assert cache.find("ffff") == []
    assert cache.find("") == []


def test_load_article_reads_the_body_from_the_file(index: Path, cache: IndexCache) -> None:
    (rowid,) = cache.find("00000000000000c3")
    article = cache.load_article(rowid)
    assert "Crude prices held" in article.content
    assert article.path == "b/003_00000000000000c3.txt"
    (index / article.path).unlink()
    gone = cache.load_article(rowid)
    assert gone.title == "Oil steady"
    assert gone.content == ""
    assert any("changed or gone" in warning for warning in gone.warnings)
    with pytest.raises(KeyError):
        cache.load_article(10**9)


def test_articles_carry_the_cached_fields(cache: IndexCache) -> None:
    articles = cache.articles(cache.select(limit=1))
    assert articles[0].title == "Nvidia chips lift markets"
    assert articles[0].tickers == ["NVDA.O"]
    assert articles[0].published is not None


# -- ids -------------------------------------------------------------------------------------------


def test_an_id_clash_gives_the_later_path_its_path_hash(tmp_path: Path, cache_dir: Path) -> None:
    from tickertape.core.formats.article_file import path_id

    root = tmp_path / "clash"
    write(root, "b/001_00000000000000aa.txt", article_text("second path"))
    with IndexCache.open(root, cache_dir=cache_dir) as cache:
        cache.refresh()
        assert cache.rows(cache.find("00000000000000aa"))[0].title == "second path"
        # An earlier path claiming the same id takes it; the later one gets its hash.
        write(root, "a/001_00000000000000aa.txt", article_text("first path"))
        cache.refresh()
        assert cache.rows(cache.find("00000000000000aa"))[0].title == "first path"
        later = cache.rows(cache.find(path_id("b/001_00000000000000aa.txt")))
        assert later[0].title == "second path"
        assert later[0].n_warnings == 1
        assert [p.path for p in cache.problems() if p.field == "id"] == [
            "b/001_00000000000000aa.txt"
        ]
        # The same as loading the whole index in memory.
        loaded = loader.load_index(root)
        assert sorted((a.id, a.path) for a in loaded.articles) == sorted(
            (a.id, a.path) for a in cache.articles(cache.select())
        )
        # When the owner goes, the id goes back to the one that wanted it.
        (root / "a/001_00000000000000aa.txt").unlink()
        cache.refresh()
        back = cache.rows(cache.find("00000000000000aa"))
        assert back[0].title == "second path"
        assert back[0].n_warnings == 0
        assert cache.problems() == []


# -- problems and aggregates ---------------------------------------------------------------------


def test_problems_name_their_files(index: Path, cache_dir: Path) -> None:
    write(index, "z/broken.txt", "")
    (index / "z/binary.txt").write_bytes(bytes(range(256)) * 20)
    with IndexCache.open(index, cache_dir=cache_dir) as cache:
        stats = cache.refresh()
        paths = {p.path for p in cache.problems()}
        assert {"z/broken.txt", "z/binary.txt"} <= paths
        assert stats.problems == len(cache.problems())
        (index / "z/broken.txt").unlink()
        cache.refresh()
        assert "z/broken.txt" not in {p.path for p in cache.problems()}


def test_facets_stats_and_ticker_stats(cache: IndexCache) -> None:
    facets = cache.facets(None)
    assert facets.total == 4
    assert dict(facets.tickers) == {"NVDA.O": 1, "AAPL.O": 1}
    assert facets.sources[0] == ("www.reuters.com", 2)
    narrowed = cache.facets(q("sentiment:positive"))
    assert narrowed.total == 1
    assert narrowed.sentiments == (("positive", 1),)
    stats = cache.stats(None)
    assert dict(stats["month"]) == {"2024-05": 3, "": 1}
    assert dict(stats["ticker"]) == {"NVDA.O": 1, "AAPL.O": 1}
    assert cache.ticker_stats() == {"NVDA.O": (1, 1.0), "AAPL.O": (1, 0.0)}


def test_flags_from_the_state_store_filter_the_list(
    index: Path, cache_dir: Path, tmp_path: Path
) -> None:
    from tickertape.core.state import StateStore

    state = StateStore.open(tmp_path / "state")
    state.set_starred(["00000000000000c3"])
    with IndexCache.open(index, cache_dir=cache_dir, state_path=state.path) as cache:
        cache.refresh()
        assert titles(cache, cache.select(q("is:starred"))) == ["Oil steady"]
        assert len(cache.select(q("is:unread"))) == 4
    state.close()
    with IndexCache.open(index, cache_dir=cache_dir) as cache:
        assert cache.select(q("is:starred")) == []


def test_a_one_file_index(tmp_path: Path, cache_dir: Path) -> None:
    path = write(
        tmp_path, "single_00000000000000ab.txt", article_text("Alone", content="<p>solo body</p>")
    )
    with IndexCache.open(path, cache_dir=cache_dir) as cache:
        cache.refresh()
        (rowid,) = cache.select(q("solo"))
        assert "solo body" in cache.load_article(rowid).content


# -- the benchmark corpus ---------------------------------------------------------------


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_corpus", REPO / "benchmarks" / "generate_corpus.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_corpus_generator_is_deterministic_and_clean(tmp_path: Path) -> None:
    generator = _generator()
    generator.generate(tmp_path / "one", 60, 7)
    generator.generate(tmp_path / "two", 60, 7)
    files = sorted((tmp_path / "one").rglob("*.txt"))
    assert len(files) == 60
    for path in files:
        twin = tmp_path / "two" / path.relative_to(tmp_path / "one")
        assert path.read_bytes() == twin.read_bytes()
        result = read_file(path.read_bytes(), path.name)
        assert result.problems == []
        assert len(result.articles) == 1
        assert 1000 <= len(result.articles[0].content) <= 9000
    generator.generate(tmp_path / "three", 5, 8)
    other = sorted((tmp_path / "three").rglob("*.txt"))[0]
    assert other.read_bytes() != files[0].read_bytes()


def test_schema_version_is_recorded(cache: IndexCache) -> None:
    conn = sqlite3.connect(cache.db_path)
    try:
        (version,) = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    finally:
        conn.close()
    assert version == str(SCHEMA_VERSION)


def test_rows_are_served_while_a_search_holds_the_query_connection(cache: IndexCache) -> None:
    """The list pages in rows from a connection of its own: a long search (here, a
    thread holding the query lock) never makes the screen wait."""
    from concurrent.futures import ThreadPoolExecutor

    rowids = list(cache.select(sort="title"))
    holding, release = threading.Event(), threading.Event()

    def long_search() -> None:
        with cache._lock:
            holding.set()
            release.wait()

    with ThreadPoolExecutor(max_workers=2) as pool:
        search = pool.submit(long_search)
        holding.wait()
        try:
            rows = pool.submit(cache.rows, rowids).result(timeout=60)  # a hang guard only
            article = pool.submit(cache.load_article, rowids[0]).result(timeout=60)
        finally:
            release.set()
        search.result()
    assert [row.title for row in rows] == [
        "banks slump on rates",
        "Nvidia chips lift markets",
        "Oil steady",
        "Undated note",
    ]
    assert article.title == "banks slump on rates"
