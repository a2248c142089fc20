"""A refresh of just the files a folder watch saw change, and the sort orders it keeps."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickertape.core.index import IndexCache
from tickertape.core.index.schema import ORDER_TERMS, meta_int, unpack_order
from tickertape.core.index.select import compute_order

from .test_index import article_text, bump_mtime, write

SOURCES = ("www.reuters.com", "Wire", "apnews.com", "")
SENTIMENTS = ("positive", "negative", "neutral", None)


def _article(n: int, rng: random.Random) -> str:
    published = None if rng.random() < 0.1 else f"2024-05-{rng.randint(1, 9):02d}T10:00:00Z"
    return article_text(
        rng.choice(["Alpha", "beta", "Gamma", "", "alpha"]) + f" {rng.randint(0, 3)}",
        published=published,
        source=rng.choice(SOURCES),
        sentiment=rng.choice(SENTIMENTS),
        confidence=rng.choice([None, "0.5", "0.9"]),
        content=f"<p>Body number {n} with words {rng.random()}.</p>",
        link=f"https://news.example/{n}",
    )


def _stored_orders_match_a_fresh_sort(cache: IndexCache) -> None:
    conn = sqlite3.connect(cache.db_path)
    try:
        generation = meta_int(conn, "generation")
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        for key in ORDER_TERMS:
            row = conn.execute(
                "SELECT data FROM orders WHERE key = ? AND generation = ?", (key, generation)
            ).fetchone()
            assert row is not None, key
            assert list(unpack_order(row[0], count)) == list(compute_order(conn, key)), key
    finally:
        conn.close()


def test_refreshing_only_the_changed_files_adds_changes_and_removes_them(tmp_path: Path) -> None:
    root = tmp_path / "index"
    rng = random.Random(1)
    for n in range(20):
        write(root, f"a/{n:03d}.txt", _article(n, rng))
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        write(root, "a/new.txt", article_text("Brand new"))
        changed = write(root, "a/003.txt", article_text("Rewritten"))
        bump_mtime(changed)
        (root / "a/004.txt").unlink()
        (root / "a/005.txt").unlink()  # not named: a targeted refresh leaves it alone
        stats = cache.refresh(only=["a/new.txt", "a/003.txt", "a/004.txt"])
        assert (stats.added, stats.changed, stats.removed) == (1, 1, 1)
        assert cache.find_file("a/005.txt")
        assert not cache.find_file("a/004.txt")
        titles = {row.title for row in cache.rows(cache.select(None))}
        assert {"Brand new", "Rewritten"} <= titles
        _stored_orders_match_a_fresh_sort(cache)
        assert cache.refresh().removed == 1  # a whole refresh finds the unnamed one


def test_a_removed_folder_named_alone_removes_its_files(tmp_path: Path) -> None:
    root = tmp_path / "index"
    for n in range(3):
        write(root, f"sub/{n}.txt", article_text(f"t{n}"))
    write(root, "subway.txt", article_text("not in the folder"))
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        for n in range(3):
            (root / f"sub/{n}.txt").unlink()
        (root / "sub").rmdir()
        assert cache.refresh(only=["sub"]).removed == 3
        assert cache.count() == 1


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), adds=st.integers(0, 12), removes=st.integers(0, 6))
def test_carried_sort_orders_equal_a_fresh_sort(
    tmp_path_factory: object, seed: int, adds: int, removes: int
) -> None:
    tmp_path: Path = tmp_path_factory.mktemp("carry")  # type: ignore[attr-defined]
    root = tmp_path / "index"
    rng = random.Random(seed)
    for n in range(30):
        write(root, f"{n:03d}.txt", _article(n, rng))
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        rels = [f"{n:03d}.txt" for n in rng.sample(range(30), removes)]
        for rel in rels:
            (root / rel).unlink()
        for n in range(adds):
            rels.append(f"new{n}.txt")
            write(root, rels[-1], _article(100 + n, rng))
        cache.refresh(only=rels)
        _stored_orders_match_a_fresh_sort(cache)


def test_a_new_folder_named_alone_brings_every_file_in_it(tmp_path: Path) -> None:
    root = tmp_path / "index"
    write(root, "a.txt", article_text("first"))
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        for n in range(4):
            write(root, f"new/deeper/{n}.txt", article_text(f"n{n}"))
        assert cache.refresh(only=["new"]).added == 4
        assert cache.count() == 5


def _stored_keys(cache: IndexCache) -> set[str]:
    conn = sqlite3.connect(cache.db_path)
    try:
        generation = meta_int(conn, "generation")
        rows = conn.execute("SELECT key FROM orders WHERE generation = ?", (generation,))
        return {str(key) for (key,) in rows}
    finally:
        conn.close()


def test_a_burst_too_big_to_carry_sorts_the_date_now_and_the_rest_when_idle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tickertape.core.index import order_update
    from tickertape.core.index.build import store_missing_orders

    monkeypatch.setattr(order_update, "MAX_CHANGES", 3)
    root = tmp_path / "index"
    rng = random.Random(5)
    for n in range(20):
        write(root, f"{n:03d}.txt", _article(n, rng))
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        rels = [f"burst{n}.txt" for n in range(8)]
        for n, rel in enumerate(rels):
            write(root, rel, _article(200 + n, rng))
        cache.refresh(only=rels)
        assert _stored_keys(cache) == {"date"}
        # A reader sorts a key left out itself, and gets the same order.
        conn = sqlite3.connect(cache.db_path)
        try:
            fresh = list(compute_order(conn, "title"))
        finally:
            conn.close()
        assert list(cache.select(None, sort="title")) == fresh
        store_missing_orders(cache.db_path, lambda: False)
        _stored_orders_match_a_fresh_sort(cache)


def test_sorting_left_out_orders_stops_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tickertape.core.index import order_update
    from tickertape.core.index.build import store_missing_orders

    monkeypatch.setattr(order_update, "MAX_CHANGES", 0)
    root = tmp_path / "index"
    rng = random.Random(6)
    for n in range(5):
        write(root, f"{n:03d}.txt", _article(n, rng))
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        write(root, "new.txt", _article(50, rng))
        cache.refresh(only=["new.txt"])
        asked: list[int] = []

        def stop_after_one() -> bool:
            asked.append(1)
            return len(asked) > 1

        store_missing_orders(cache.db_path, stop_after_one)
        assert len(_stored_keys(cache)) == 2
        cache.refresh()  # a whole refresh stores every order
        _stored_orders_match_a_fresh_sort(cache)


def test_a_refresh_in_the_child_process_adds_the_files_and_ends_with_it(
    tmp_path: Path,
) -> None:
    from tickertape.core.index.refresh_process import RefreshProcess

    root = tmp_path / "index"
    rng = random.Random(7)
    for n in range(3):
        write(root, f"{n:03d}.txt", _article(n, rng))
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        child = RefreshProcess(root, cache.db_path.parent)
        try:
            assert child.start()
            write(root, "late.txt", _article(9, rng))
            done = child.run(["late.txt"])
            assert done is not None
            stats, _ = done
            assert (stats.added, stats.articles) == (1, 4)
            assert cache.count() == 4
            (root / "late.txt").unlink()
            done = child.run(None)  # ctrl+r: the whole folder
            assert done is not None
            assert done[0].removed == 1
        finally:
            child.close()
        assert child.run(["late.txt"]) is None  # closed: the caller refreshes itself


def test_unknown_labels_are_counted_as_files_land_one_by_one(tmp_path: Path) -> None:
    root = tmp_path / "index"
    write(root, "a.txt", article_text("first", sentiment="positive"))
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()

        def label_problems() -> list[str]:
            return [p.reason for p in cache.problems() if "unknown label" in p.reason]

        assert label_problems() == []
        for n, label in enumerate(["mixed", "mixed", "negative"]):
            write(root, f"n{n}.txt", article_text(f"story {n}", sentiment=label))
            cache.refresh(only=[f"n{n}.txt"])
        assert len(label_problems()) == 1
        assert "on 2 articles" in label_problems()[0]
        (root / "n0.txt").unlink()
        cache.refresh(only=["n0.txt"])
        assert "on 1 article " in label_problems()[0]
