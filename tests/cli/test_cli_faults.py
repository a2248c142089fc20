"""The command line under faults: a cache folder it cannot keep, ``index --check`` on a
damaged cache or a sneaky edit, a damaged cache met while listing, orphaned workers."""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run
from tests.core.test_cache_faults import N_ARTICLES, damage_page, write_articles
from tickertape.core.article import Article


@pytest.fixture
def news(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "news")


def cache_file(root: Path) -> Path:
    from tickertape.core.paths import cache_path

    return cache_path(root)


def checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_index_does_not_report_success_when_nothing_can_be_kept(
    news: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TICKERTAPE_CACHE_DIR", str(blocker))
    code, out, err = run(capsys, "index", str(news))
    assert code == 1
    assert "articles" not in out
    assert str(blocker) in err
    assert "nothing was kept" in err


def test_list_still_works_from_a_temporary_cache_and_says_so(
    news: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TICKERTAPE_CACHE_DIR", str(blocker))
    code, out, err = run(capsys, "list", str(news), "--quiet")
    assert code == 0
    assert len(out.splitlines()) == N_ARTICLES + 1
    assert "temporary" in err


@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.8])
def test_index_check_finds_damaged_pages_and_rebuilds(
    news: Path, capsys: pytest.CaptureFixture[str], fraction: float
) -> None:
    assert run(capsys, "index", str(news))[0] == 0
    path = cache_file(news)
    checkpoint(path)
    damage_page(path, fraction)
    code, out, err = run(capsys, "index", "--check", str(news))
    assert code == 0
    assert "damaged" in err
    assert f"{N_ARTICLES} articles" in out
    code, out, err = run(capsys, "index", "--check", str(news))
    assert code == 0
    assert "damaged" not in err
    assert "cache is sound" in out


def test_index_check_catches_a_same_size_edit_with_its_mtime_restored(
    news: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "index", str(news))[0] == 0
    target = news / "0010_000000000000000a.txt"
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("Story 10 about grain", "Story 10 about wheat"), "utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    code, out, _ = run(capsys, "index", "--check", str(news))
    assert code == 0
    assert "1 changed" in out
    code, out, _ = run(capsys, "list", str(news), "-q", "wheat", "--quiet")
    assert "Story 10 about wheat" in out


def test_list_on_a_damaged_cache_rebuilds_and_prints_every_row(
    news: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "index", str(news))[0] == 0
    path = cache_file(news)
    checkpoint(path)
    size = path.stat().st_size
    rng = random.Random(5)
    with open(path, "r+b") as handle:
        for page in range(2, size // 4096):
            handle.seek(page * 4096)
            handle.write(rng.randbytes(4096))
    code, out, err = run(capsys, "list", str(news), "--quiet")
    assert code == 0, err
    assert len(out.splitlines()) == N_ARTICLES + 1
    assert "damaged" in err
    code, out, err = run(capsys, "list", str(news), "-q", "oil", "--quiet")
    assert code == 0
    assert len(out.splitlines()) == len(range(0, N_ARTICLES, 7)) + 1


def test_damage_met_after_some_rows_were_printed_fails_and_says_the_output_is_incomplete(
    news: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tickertape.core.index import CacheDamaged, IndexCache

    assert run(capsys, "index", str(news))[0] == 0
    real_articles = IndexCache.articles
    calls = 0

    def damaged_later(self: IndexCache, rowids: Sequence[int]) -> list[Article]:
        nonlocal calls
        calls += 1
        if calls > 1:  # the first batch was printed
            raise CacheDamaged("database disk image is malformed", self.db_path)
        return real_articles(self, rowids)

    monkeypatch.setattr(IndexCache, "articles", damaged_later)
    monkeypatch.setattr("tickertape.commands.list_cmd._BATCH", 100)  # rows come in batches
    code, out, err = run(capsys, "list", str(news), "--format", "jsonl", "--quiet")
    assert code == 1
    assert out  # what was printed stays printed...
    assert len(out.splitlines()) < N_ARTICLES
    assert "incomplete" in err  # ...and is called incomplete
    assert not cache_file(news).exists()  # the damaged cache is gone: rebuilt next run
    monkeypatch.undo()
    code, out, _ = run(capsys, "list", str(news), "--format", "jsonl", "--quiet")
    assert code == 0
    assert len(out.splitlines()) == N_ARTICLES


def test_damage_met_before_anything_was_printed_rebuilds_and_answers(
    news: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tickertape.core.index import CacheDamaged, IndexCache

    assert run(capsys, "index", str(news))[0] == 0
    real_select = IndexCache.select
    calls = 0

    def damaged_once(self: IndexCache, *args: Any, **kwargs: Any) -> Sequence[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise CacheDamaged("database disk image is malformed", self.db_path)
        return real_select(self, *args, **kwargs)

    monkeypatch.setattr(IndexCache, "select", damaged_once)
    code, out, err = run(capsys, "list", str(news), "-q", "oil", "--quiet")
    assert code == 0
    assert "damaged" in err
    assert len(out.splitlines()) == len(range(0, N_ARTICLES, 7)) + 1
