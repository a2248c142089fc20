"""End to end: the installed ``tickertape`` command in a real terminal (tmux).

These tests type keys with ``send-keys`` and read the screen with ``capture-pane``,
as a person would; ``BROWSER`` is a script that records the URL it is given, so
``o`` is checked for real.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.ui.articles import write_index

pytestmark = pytest.mark.e2e

TMUX = shutil.which("tmux") or ""
if not TMUX:
    pytest.skip(
        "tmux is not installed: the end-to-end tests need a real terminal", allow_module_level=True
    )

COMMAND = Path(sys.executable).with_name("tickertape")


class Terminal:
    """One tmux session running one command, 120x40, on a tmux server of its own.

    The private server (``-L``) keeps the tests away from the user's own tmux and
    lets them turn on ``set-clipboard``, so OSC 52 copies land in tmux's buffers
    where the tests can read them.
    """

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.env = env

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TMUX, "-L", self.name, *args], capture_output=True, text=True, check=check
        )

    def start(self, *args: str) -> None:
        exports = " ".join(f"{key}={_quote(value)}" for key, value in self.env.items())
        command = f"env {exports} {_quote(str(COMMAND))} " + " ".join(_quote(a) for a in args)
        self.tmux(
            "-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "120", "-y", "40", command
        )
        self.tmux("set-option", "-s", "set-clipboard", "on")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "main", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "main", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "main", check=False).stdout

    def title(self) -> str:
        return self.tmux("display-message", "-p", "-t", "main", "#{pane_title}").stdout

    def clipboard(self) -> str:
        """The newest tmux buffer: what an OSC 52 copy put there, or ""."""
        return self.tmux("show-buffer", check=False).stdout

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 45) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", "main", check=False).returncode == 0

    def wait_exit(self, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.alive():
            time.sleep(0.1)
        return not self.alive()

    def stop(self) -> None:
        self.tmux("kill-server", check=False)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    recorder = tmp_path / "browser.sh"
    recorder.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$1" >> {_quote(str(tmp_path / "opened.txt"))}\n'
    )
    recorder.chmod(0o755)
    return {
        "TICKERTAPE_CACHE_DIR": str(tmp_path / "cache"),
        "TICKERTAPE_DATA_DIR": str(tmp_path / "data"),
        "BROWSER": str(recorder),
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


def test_reader_shows_newest_article_opens_copies_and_filters(
    terminal: Terminal, tmp_path: Path
) -> None:
    index = write_index(tmp_path / "index")
    terminal.start(str(index))
    screen = terminal.wait_for(
        lambda s: "6 articles" in s and "Chipmakers rally" in s, "the list to load"
    )
    # The newest article is selected and its text shown.
    assert "Chipmakers rally as export rules ease" in screen
    terminal.wait_for(lambda s: "export licences" in s, "the article body")

    terminal.keys("O")
    opened = tmp_path / "opened.txt"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not opened.exists():
        time.sleep(0.1)
    assert opened.read_text().strip() == "https://news.example/chips/rally"

    terminal.keys("y")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not terminal.clipboard():
        time.sleep(0.1)
    assert terminal.clipboard() == "https://news.example/chips/rally"

    terminal.keys("/")
    terminal.type("ticker:AMZN")
    terminal.wait_for(lambda s: "2 of 6 articles" in s, "the filter to apply")
    terminal.keys("Escape")
    time.sleep(0.5)  # a lone ESC is told from an escape sequence by a pause
    terminal.keys("q")
    assert terminal.wait_exit()


def test_star_survives_a_restart_and_is_found_by_the_command_line(
    terminal: Terminal, env: dict[str, str], tmp_path: Path
) -> None:
    index = write_index(tmp_path / "index")
    terminal.start(str(index))
    terminal.wait_for(lambda s: "6 articles" in s and "Chipmakers rally" in s, "the list to load")
    terminal.keys("*")
    terminal.wait_for(lambda s: "★" in s, "the star marker")
    terminal.keys("q")
    assert terminal.wait_exit()

    result = subprocess.run(
        [str(COMMAND), "list", str(index), "-q", "is:starred", "--format", "jsonl"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert "Chipmakers rally as export rules ease" in lines[0]


def test_hostile_input_leaves_title_clipboard_and_screen_untouched(
    terminal: Terminal, tmp_path: Path
) -> None:
    index = tmp_path / "hostile"
    index.mkdir()
    (index / "001_aaaaaaaaaaaaaaaa.txt").write_bytes(
        b"link: javascript:alert(1)\n\n"
        b"title: \x1b]0;pwned\x07[@click=app.quit]boom[/] \xe2\x80\xaeevil\n\n"
        b"summary: \x1b]52;c;cHduZWQ=\x07 \x1b[2J\x1b[H cleared?\n\n"
        b"publishDate: 2024-12-03T10:00:00Z\n\n"
        b"content: <p>\x1b]52;c;cHduZWQ=\x07 &#27;[2J body &#x1b;]0;pwned&#7;</p>\n"
    )
    terminal.start(str(index))
    terminal.wait_for(lambda s: "1 article" in s, "the list to load")
    terminal.wait_for(lambda s: "cleared?" in s, "the article")
    assert "[@click=app.quit]boom[/]" in terminal.screen()
    assert "pwned" not in terminal.title()
    assert "pwned" not in terminal.clipboard()  # no OSC 52 reached the terminal
    terminal.keys("O", "y")
    terminal.wait_for(lambda s: "Not opened" in s, "the refusal")
    assert not (tmp_path / "opened.txt").exists()
    assert terminal.clipboard() == ""
    # The screen is still the reader's: nothing cleared it or moved the header.
    lines = terminal.screen().splitlines()
    assert lines[0].lstrip().startswith("tickertape")
    assert any("[@click=app.quit]boom[/]" in line for line in lines[1:5])
    assert terminal.alive()
