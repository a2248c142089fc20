"""End to end under faults, in a real terminal: another process building the cache,
a state file locked by another process, a cache folder that is a file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_tmux import COMMAND, Terminal, _quote
from tests.ui.articles import write_index

pytestmark = pytest.mark.e2e


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "TICKERTAPE_CACHE_DIR": str(tmp_path / "cache"),
        "TICKERTAPE_DATA_DIR": str(tmp_path / "data"),
        "BROWSER": "true",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }


@pytest.fixture
def terminal(env: dict[str, str]) -> Iterator[Terminal]:
    session = Terminal(f"tickertape-{uuid.uuid4().hex[:8]}", env)
    yield session
    session.stop()


def start_recording_exit(terminal: Terminal, status: Path, *args: str) -> None:
    """Start the reader in a shell that writes its exit code to ``status``."""
    exports = " ".join(f"{key}={_quote(value)}" for key, value in terminal.env.items())
    line = " ".join(_quote(a) for a in (str(COMMAND), *args))
    shell = f"env {exports} {line}; echo $? > {_quote(str(status))}"
    terminal.tmux(
        "-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "120", "-y", "40",
        f"sh -c {_quote(shell)}",
    )  # fmt: skip


def wait_file(path: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.1)
    raise AssertionError(f"{path} was not written")


def write_many(root: Path, count: int) -> Path:
    root.mkdir(parents=True)
    for n in range(count):
        (root / f"{n:05d}_{n:016x}.txt").write_text(
            f"link: https://news.example/{n}\n\nsource: wire.example\n\n"
            f"title: Story number {n}\n\npublishDate: 2024-01-{1 + n % 28:02d}T10:00:00Z\n\n"
            f"content: <p>{'Body text of a story. ' * 40}{n}</p>\n",
            encoding="utf-8",
        )
    return root


def test_a_reader_opened_during_another_build_follows_it_to_the_complete_index(
    terminal: Terminal, env: dict[str, str], tmp_path: Path
) -> None:
    index = write_many(tmp_path / "news", 8000)
    builder = subprocess.Popen(
        [str(COMMAND), "index", str(index)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert builder.stderr is not None
        assert "scanning" in builder.stderr.readline()  # the builder holds the lock now
        terminal.start(str(index))
        terminal.wait_for(
            lambda s: "another tickertape is updating" in s.lower(), "the other build shown"
        )
        screen = terminal.wait_for(
            lambda s: "8,000 articles" in s and "…" not in s.splitlines()[0],
            "the complete index, with no refresh under way",
            timeout=120,
        )
        assert screen.count("Story number") >= 3  # rows, and the article they select
        assert builder.wait(120) == 0
    finally:
        if builder.poll() is None:
            builder.kill()
            builder.wait()


def test_a_star_that_cannot_be_saved_is_shown_unsaved_then_saved_and_the_exit_is_clean(
    terminal: Terminal, tmp_path: Path
) -> None:
    index = write_index(tmp_path / "index")
    status = tmp_path / "status"
    start_recording_exit(terminal, status, str(index))
    terminal.wait_for(lambda s: "6 articles" in s and "Chipmakers rally" in s, "the list to load")
    state = tmp_path / "data" / "state.sqlite"
    locker = sqlite3.connect(state, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another process holds the state file
    try:
        terminal.keys("*")
        terminal.wait_for(lambda s: "★" in s, "the star, shown at once")
        terminal.keys("j")  # the reader does not wait for the disk
        terminal.wait_for(lambda s: "not saved" in s, "the notice", timeout=90)
        terminal.wait_for(lambda s: "1 unsaved" in s, "the unsaved count")
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    terminal.keys("k", "m")  # the next change saves the one left unsaved
    terminal.wait_for(lambda s: "unsaved" not in s.split("\n")[0], "everything saved", timeout=60)
    terminal.keys("q")
    assert wait_file(status) == "0"
    with sqlite3.connect(state) as conn:
        starred = conn.execute("SELECT count(*) FROM flags WHERE starred = 1").fetchone()[0]
    assert starred == 1


def test_a_cache_folder_that_is_a_file_still_shows_the_index_and_says_where(
    terminal: Terminal, env: dict[str, str], tmp_path: Path
) -> None:
    index = write_index(tmp_path / "index")
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder")
    terminal.env = {**env, "TICKERTAPE_CACHE_DIR": str(blocker)}
    terminal.start(str(index))
    screen = terminal.wait_for(
        lambda s: "6 articles" in s and "Chipmakers rally" in s, "the list to load"
    )
    assert "Chipmakers rally as export rules ease" in screen
    terminal.wait_for(lambda s: "temporary folder" in s, "the notice")
    terminal.keys("q")
    assert terminal.wait_exit()
