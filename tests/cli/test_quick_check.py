"""Commands answer from the cache when nothing changed, and refresh when something did.

The quick check compares the folders' times and a sample of files with what the last
full refresh saw (core/index/freshness.py); these tests count the refreshes a command
runs and read what it prints.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tickertape.core.index import IndexCache, freshness


def write_article(root: Path, rel: str, title: str, body: str = "Body text.") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"source: www.example.com\n\ntitle: {title}\n\npublishDate: 2024-01-02T03:04:05Z\n\n"
        f"content: <p>{body}</p>\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def news(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three articles, two of them in a nested folder, with their cache built.

    Folder times within a tenth of a second of a refresh are not trusted (a change in
    the same clock tick keeps them); the test writes faster than that, so the margin
    is off here, and a test of its own keeps it.
    """
    monkeypatch.setattr(freshness, "RACY_NS", 0)
    root = tmp_path / "news"
    write_article(root, "top_00000000000000a1.txt", "Top story")
    write_article(root, "2024/01/one_00000000000000a2.txt", "Nested one")
    write_article(root, "2024/01/two_00000000000000a3.txt", "Nested two")
    return root


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry a refresh any command runs from now on."""
    calls: list[bool] = []
    original = IndexCache.refresh

    def counted(self: IndexCache, **kwargs: object) -> object:
        calls.append(True)
        return original(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(IndexCache, "refresh", counted)
    return calls


def built(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    code, _, _ = run(capsys, "index", str(root))
    assert code == 0


def test_nothing_changed_answers_without_a_refresh(
    news: Path, refreshes: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    built(capsys, news)
    refreshes.clear()
    for command in (["list"], ["stats"], ["tickers"], ["list", "-q", "nested"]):
        code, out, err = run(capsys, *command, str(news))
        assert code == 0
        assert "may not show" not in err  # three files: every one was compared
    assert refreshes == []
    code, out, _ = run(capsys, "list", str(news), "--format", "jsonl")
    assert out.count("\n") == 3


def test_a_first_command_builds_the_cache(
    news: Path, refreshes: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "list", str(news))
    assert code == 0
    assert "Nested two" in out
    assert len(refreshes) == 1


def test_a_file_added_in_a_nested_folder_is_found(
    news: Path, refreshes: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    built(capsys, news)
    write_article(news, "2024/01/three_00000000000000a4.txt", "Nested three")
    code, out, _ = run(capsys, "list", str(news))
    assert code == 0
    assert "Nested three" in out
    refreshes.clear()
    run(capsys, "list", str(news))
    assert refreshes == []  # and once seen, the next command trusts the cache again


def test_a_new_nested_folder_is_found(news: Path, capsys: pytest.CaptureFixture[str]) -> None:
    built(capsys, news)
    write_article(news, "2024/02/deep/new_00000000000000a5.txt", "February news")
    _, out, _ = run(capsys, "list", str(news))
    assert "February news" in out


def test_a_file_removed_from_a_nested_folder_is_gone(
    news: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built(capsys, news)
    (news / "2024/01/two_00000000000000a3.txt").unlink()
    _, out, _ = run(capsys, "list", str(news))
    assert "Nested one" in out
    assert "Nested two" not in out


def test_a_file_rewritten_in_place_in_a_nested_folder_is_found(
    news: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    built(capsys, news)
    path = write_article(news, "2024/01/one_00000000000000a2.txt", "Rewritten one")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    _, out, _ = run(capsys, "list", str(news))
    assert "Rewritten one" in out
    assert "Nested one" not in out


def test_with_a_partial_sample_an_edit_is_found_or_the_answer_says_it_may_be_stale(
    news: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    built(capsys, news)
    monkeypatch.setattr(freshness, "SAMPLE_FILES", 1)
    path = write_article(news, "2024/01/two_00000000000000a3.txt", "Rewritten two")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    _, out, err = run(capsys, "list", str(news))
    if "Rewritten two" not in out:
        assert "Nested two" in out
        assert "a file rewritten in place since may not show (--refresh" in err
        _, out, _ = run(capsys, "list", "--refresh", str(news))
    assert "Rewritten two" in out


def test_refresh_option_compares_every_file(
    news: Path, refreshes: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    built(capsys, news)
    refreshes.clear()
    out_file = str(news.parent / "out.jsonl")
    _, listed, _ = run(capsys, "list", str(news), "--format", "jsonl")
    first = json.loads(listed.splitlines()[0])["id"]
    refreshes.clear()
    commands = (
        ["list", str(news)], ["show", str(news), first], ["stats", str(news)],
        ["export", str(news), "-o", out_file], ["tickers", str(news)],
        ["trend", "NVDA", str(news)],
    )  # fmt: skip
    for argv in commands:
        code, _, err = run(capsys, *argv, "--refresh")
        assert code == 0, (argv, err)
    assert len(refreshes) == 6


def test_the_index_command_always_refreshes(
    news: Path, refreshes: list[bool], capsys: pytest.CaptureFixture[str]
) -> None:
    built(capsys, news)
    refreshes.clear()
    built(capsys, news)
    assert len(refreshes) == 1


def test_folder_times_next_to_a_refresh_are_not_trusted(tmp_path: Path) -> None:
    """A folder changed within the margin of the snapshot asks for a refresh."""
    root = tmp_path / "news"
    write_article(root, "a/one_00000000000000a1.txt", "One")
    cache = IndexCache.open(root, cache_dir=tmp_path / "cache")
    try:
        cache.refresh()
        found = cache.quick_check()
        assert found.changed
        assert "changed" in found.reason
    finally:
        cache.close()


def test_an_interrupted_refresh_leaves_the_check_asking_for_another(
    news: Path, tmp_path: Path
) -> None:
    import threading

    cache = IndexCache.open(news, cache_dir=tmp_path / "cache")
    try:
        cancel = threading.Event()
        cancel.set()
        cache.refresh(cancel=cancel)
        assert cache.quick_check().changed
        cache.refresh()
        assert not cache.quick_check().changed
    finally:
        cache.close()
