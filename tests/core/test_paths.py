"""Where the cache and state live, and writes that never leave half a file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from tickertape.core.paths import (
    atomic_write_bytes,
    atomic_write_text,
    cache_dir,
    cache_path,
    data_dir,
    index_key,
)


def test_env_variables_choose_the_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKERTAPE_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("TICKERTAPE_DATA_DIR", str(tmp_path / "d"))
    assert cache_dir() == tmp_path / "c"
    assert data_dir() == tmp_path / "d"


def test_env_is_read_at_call_time_not_import_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKERTAPE_CACHE_DIR", str(tmp_path / "first"))
    assert cache_dir() == tmp_path / "first"
    monkeypatch.setenv("TICKERTAPE_CACHE_DIR", str(tmp_path / "second"))
    assert cache_dir() == tmp_path / "second"


def test_relative_env_path_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TICKERTAPE_DATA_DIR", "state-here")
    assert data_dir() == tmp_path / "state-here"
    assert data_dir().is_absolute()


@pytest.mark.parametrize("value", [None, ""])
def test_without_env_the_platform_user_dirs_are_used(
    value: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TICKERTAPE_CACHE_DIR", "TICKERTAPE_DATA_DIR"):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    assert cache_dir() == Path(platformdirs.user_cache_dir("tickertape", appauthor=False))
    assert data_dir() == Path(platformdirs.user_data_dir("tickertape", appauthor=False))
    assert "tickertape" in cache_dir().parts
    assert "tickertape" in data_dir().parts


def test_looking_up_directories_creates_nothing(tmp_path: Path) -> None:
    assert not cache_dir().exists()
    assert not data_dir().exists()
    assert not cache_path(tmp_path).exists()
    assert not cache_dir().exists()


def test_importing_core_modules_creates_nothing(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["TICKERTAPE_CACHE_DIR"] = str(tmp_path / "cache")
    env["TICKERTAPE_DATA_DIR"] = str(tmp_path / "data")
    code = (
        "import sys, tickertape.core.paths, tickertape.core.state\n"
        "assert 'textual' not in sys.modules and 'rich' not in sys.modules, 'UI imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_index_key_is_short_hex_and_stable(tmp_path: Path) -> None:
    key = index_key(tmp_path)
    assert len(key) == 16
    assert all(c in "0123456789abcdef" for c in key)
    assert index_key(tmp_path) == key
    assert index_key(tmp_path / "other") != key


def test_index_key_is_the_same_for_any_spelling_of_a_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    link = tmp_path / "link-to-news"
    link.symlink_to(news, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    assert index_key(Path("news")) == index_key(news)
    assert index_key(Path("news/../news/.")) == index_key(news)
    assert index_key(link) == index_key(news)


def test_cache_path_is_named_by_index_key_in_cache_dir(tmp_path: Path) -> None:
    assert cache_path(tmp_path) == cache_dir() / f"{index_key(tmp_path)}.sqlite"


def test_atomic_write_creates_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    atomic_write_bytes(target, b'{"id": 1}\n')
    assert target.read_bytes() == b'{"id": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["export.jsonl"]


def test_atomic_write_replaces_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_bytes(b"old")
    atomic_write_bytes(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


def test_atomic_write_text_encodes_without_translating_newlines(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    atomic_write_text(target, "a,b\r\nÉté,€\n")
    assert target.read_bytes() == "a,b\r\nÉté,€\n".encode()
    atomic_write_text(target, "é", encoding="latin-1")
    assert target.read_bytes() == b"\xe9"


def test_atomic_write_failing_midway_keeps_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.jsonl"
    target.write_bytes(b"precious")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(target, b"x" * 100_000)
    assert target.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["export.jsonl"]


def test_atomic_write_failing_at_rename_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "new.txt"

    def refuse(src: object, dst: object) -> None:
        raise PermissionError("rename refused")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        atomic_write_text(target, "hello")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_interrupted_by_keyboard_interrupt_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "new.txt"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "hello")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_into_missing_directory_fails_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "missing" / "out.txt", b"x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_atomic_write_keeps_permissions_of_replaced_file(tmp_path: Path) -> None:
    target = tmp_path / "shared.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write_bytes(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_atomic_write_new_file_follows_umask_not_private_temp_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "fresh.csv", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "fresh.csv").stat().st_mode) == 0o644


def test_combined_root_links_every_path_and_is_stable(tmp_path: Path) -> None:
    from tickertape.core.paths import cache_dir, combined_root

    first = tmp_path / "a" / "news"
    second = tmp_path / "b" / "news"
    single = tmp_path / "feed.jsonl"
    for folder in (first, second):
        folder.mkdir(parents=True)
    single.write_text("{}\n")
    root = combined_root([first, second, single])
    assert root.is_relative_to(cache_dir())
    links = sorted(path.name for path in root.iterdir())
    assert links == ["feed.jsonl", "news", "news-2"]
    assert {(root / name).resolve() for name in links} == {first, second, single}
    assert combined_root([second, single, first]) == root  # order does not matter
    assert sorted(path.name for path in first.iterdir()) == []  # nothing written beside the paths
