"""Index discovery: order, hidden directories, symlinks, loops and special files."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tickertape.core.article import Problem
from tickertape.core.scan import FileEntry, scan_index


def touch(root: Path, rel: str, text: str = "title: t\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def files(root: Path) -> list[str]:
    return [item.rel for item in scan_index(root) if isinstance(item, FileEntry)]


def problems(root: Path) -> list[Problem]:
    return [item for item in scan_index(root) if isinstance(item, Problem)]


def test_files_come_out_in_sorted_relative_path_order(tmp_path: Path) -> None:
    names = ["b.txt", "a/z.txt", "a-c.txt", "a/b/c.txt", "A.txt", "a.b/x.txt", "a/a.txt"]
    for rel in names:
        touch(tmp_path, rel)
    assert files(tmp_path) == sorted(names)


def test_entries_carry_size_mtime_and_a_usable_path(tmp_path: Path) -> None:
    path = touch(tmp_path, "d/one.txt", "12345")
    [entry] = [item for item in scan_index(tmp_path) if isinstance(item, FileEntry)]
    assert entry.path == path
    assert entry.rel == "d/one.txt"
    assert entry.size == 5
    assert entry.mtime_ns == path.stat().st_mtime_ns


def test_every_directory_is_descended_hidden_ones_too(tmp_path: Path) -> None:
    touch(tmp_path, ".hidden/a.txt")
    touch(tmp_path, "node_modules/b.txt")
    touch(tmp_path, "deep/" + "/".join("d" * 60) + "/c.txt")
    found = files(tmp_path)
    assert ".hidden/a.txt" in found
    assert "node_modules/b.txt" in found
    assert len(found) == 3


def test_a_root_that_is_a_file_yields_just_that_file(tmp_path: Path) -> None:
    path = touch(tmp_path, "only.txt")
    [entry] = list(scan_index(path))
    assert isinstance(entry, FileEntry)
    assert entry.rel == "only.txt"


def test_a_missing_root_is_a_problem(tmp_path: Path) -> None:
    [item] = list(scan_index(tmp_path / "nope"))
    assert isinstance(item, Problem)
    assert "No such file or directory" in item.reason


def test_symlinked_directories_are_followed(tmp_path: Path) -> None:
    touch(tmp_path / "elsewhere", "x.txt")
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "linked").symlink_to(tmp_path / "elsewhere")
    assert files(tmp_path / "index") == ["linked/x.txt"]


def test_symlink_loops_are_reported_and_end(tmp_path: Path) -> None:
    touch(tmp_path, "a/x.txt")
    (tmp_path / "a" / "back").symlink_to(tmp_path)
    (tmp_path / "a" / "self").symlink_to(tmp_path / "a")
    (tmp_path / "selfloop").symlink_to(tmp_path / "selfloop")
    assert files(tmp_path) == ["a/x.txt"]
    reasons = {p.path: p.reason for p in problems(tmp_path)}
    assert reasons["a/back"] == "symlink loop (leads back to the index root); skipped"
    assert reasons["a/self"] == "symlink loop (leads back to a); skipped"
    assert reasons["selfloop"] == "symlink loop (the link resolves to itself); skipped"


def test_a_directory_reached_twice_is_read_once(tmp_path: Path) -> None:
    touch(tmp_path, "2024-12/x.txt")
    (tmp_path / "latest").symlink_to(tmp_path / "2024-12")
    assert files(tmp_path) == ["2024-12/x.txt"]
    [problem] = problems(tmp_path)
    assert problem.path == "latest"
    assert "already read" in problem.reason


def test_broken_symlinks_are_reported(tmp_path: Path) -> None:
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    assert problems(tmp_path) == [
        Problem("dangling.txt", "file", "broken symlink (its target does not exist); skipped")
    ]


def test_symlinked_files_are_read(tmp_path: Path) -> None:
    target = touch(tmp_path / "outside", "a.txt")
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "a.txt").symlink_to(target)
    assert files(tmp_path / "index") == ["a.txt"]


@pytest.fixture
def fails_instead_of_hanging() -> Iterator[None]:
    """Turn a hang (a FIFO opened for reading) into a failure after 10 seconds."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("the scan hung")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.usefixtures("fails_instead_of_hanging")
def test_a_fifo_is_reported_and_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    touch(tmp_path, "z.txt")
    assert files(tmp_path) == ["z.txt"]
    assert problems(tmp_path) == [Problem("pipe.txt", "file", "is a FIFO (named pipe); skipped")]


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    except OSError as error:  # path too long on some systems
        pytest.skip(f"cannot bind a unix socket here: {error}")
    yield path
    server.close()


def test_a_socket_is_reported(tmp_path: Path, unix_socket: Path) -> None:
    assert problems(tmp_path) == [Problem("s.sock", "file", "is a socket; skipped")]


def test_a_device_is_reported(tmp_path: Path) -> None:
    (tmp_path / "null").symlink_to("/dev/null")
    assert problems(tmp_path) == [Problem("null", "file", "is a character device; skipped")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory, whatever its mode")
def test_an_unreadable_directory_is_reported(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    touch(locked, "x.txt")
    touch(tmp_path, "ok.txt")
    locked.chmod(0)
    try:
        assert files(tmp_path) == ["ok.txt"]
        [problem] = problems(tmp_path)
        assert (problem.path, problem.field) == ("locked", "directory")
    finally:
        locked.chmod(0o755)


def test_scanning_is_iterative_for_very_deep_trees(tmp_path: Path) -> None:
    path = tmp_path
    for _ in range(150):  # deeper than a recursive walk would like, within PATH_MAX
        path = path / "d"
    touch(path, "x.txt")
    assert files(tmp_path) == ["/".join(["d"] * 150) + "/x.txt"]


def test_a_directory_that_cannot_be_listed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path as chmod 000 for a non-root user, simulated so it runs as root too."""
    touch(tmp_path, "locked/x.txt")
    touch(tmp_path, "ok.txt")
    real_scandir = os.scandir

    def deny_locked(path: str) -> Iterator[os.DirEntry[str]]:
        if path.endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny_locked)
    assert files(tmp_path) == ["ok.txt"]
    assert problems(tmp_path) == [
        Problem("locked", "directory", "cannot be read (Permission denied); skipped")
    ]
