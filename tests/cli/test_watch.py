"""``tickertape watch``: new matching articles as lines, --exec per article, clean exits."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.articles import write_index

COMMAND = [sys.executable, "-m", "tickertape"]


def _article(title: str, ticker: str, day: int = 1) -> str:
    return (
        f"title: {title}\n\nsource: wire.example\n\n"
        f"publishDate: 2025-02-{day:02d}T10:00:00Z\n\nlanguage: en\n\n"
        f"content: <p>{title} about {ticker}.</p>\n"
    )


class Watch:
    """``tickertape watch`` in a process of its own, its stdout read line by line by a
    thread (the test reader), as a script at the other end of a pipe would."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [*COMMAND, "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.errors: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_errors, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def _read_errors(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.errors.append(line)

    def wait_started(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any("watching" in line for line in self.errors):
                time.sleep(0.3)  # the notification watch starts right after the notice
                return
            time.sleep(0.05)
        raise AssertionError(f"watch did not start: {self.errors}")

    def next_line(self, timeout: float = 30) -> str:
        return self.lines.get(timeout=timeout)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TICKERTAPE_CACHE_DIR": str(tmp_path / "cache"),
        "TICKERTAPE_DATA_DIR": str(tmp_path / "data"),
    }


@pytest.fixture
def watches() -> Iterator[list[Watch]]:
    started: list[Watch] = []
    yield started
    for watch in started:
        if watch.process.poll() is None:
            watch.process.kill()
            watch.process.wait()


def test_watch_prints_each_new_matching_article_as_a_json_line(
    tmp_path: Path, env: dict[str, str], watches: list[Watch]
) -> None:
    index = write_index(tmp_path / "news")
    watch = Watch([str(index), "-q", "ticker:NVDA", "--format", "jsonl"], env)
    watches.append(watch)
    watch.wait_started()
    (index / "other.txt").write_text(_article("Oil rises", "$XOM"))
    (index / "chips.txt").write_text(_article("Chip orders climb", "$NVDA"))
    record = json.loads(watch.next_line())
    assert record["title"] == "Chip orders climb"
    assert record["tickers"] == ["NVDA"]
    assert record["path"].endswith("chips.txt")
    # Changed: the same file rewritten is printed again.
    (index / "chips.txt").write_text(_article("Chip orders climb further", "$NVDA", day=2))
    assert json.loads(watch.next_line())["title"] == "Chip orders climb further"
    assert watch.stop() == 0
    assert watch.lines.empty()  # the oil article never matched


def test_watch_table_lines_are_terminal_safe(
    tmp_path: Path, env: dict[str, str], watches: list[Watch]
) -> None:
    index = write_index(tmp_path / "news")
    watch = Watch([str(index)], env)
    watches.append(watch)
    watch.wait_started()
    (index / "evil.txt").write_text(_article("Evil \x1b]0;pwned\x07 title", "$NVDA"))
    header = watch.next_line()
    assert "TITLE" in header
    line = watch.next_line()
    assert "Evil" in line
    assert "\x1b" not in line
    assert "\x07" not in line
    assert watch.stop() == 0


def test_exec_gets_the_record_on_stdin_and_no_article_text_in_arguments(
    tmp_path: Path, env: dict[str, str], watches: list[Watch]
) -> None:
    index = write_index(tmp_path / "news")
    out = tmp_path / "exec.jsonl"
    script = tmp_path / "hook.py"
    script.write_text(
        "import json, sys\n"
        "record = json.load(sys.stdin)\n"
        f"with open({str(out)!r}, 'a') as f:\n"
        "    f.write(json.dumps({'argv': sys.argv[1:], 'title': record['title']}) + '\\n')\n"
    )
    command = f"{sys.executable} {script} 'one arg' two"
    watch = Watch([str(index), "--format", "jsonl", "--exec", command], env)
    watches.append(watch)
    watch.wait_started()
    (index / "a.txt").write_text(_article("$(touch pwned) `x` ; rm -rf /", "$NVDA"))
    watch.next_line()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not out.exists():
        time.sleep(0.05)
    assert json.loads(out.read_text()) == {
        "argv": ["one arg", "two"],
        "title": "$(touch pwned) `x` ; rm -rf /",
    }
    assert not (tmp_path / "pwned").exists()
    assert watch.stop() == 0


def test_a_vanished_folder_ends_watch_with_exit_1_and_a_message(
    tmp_path: Path, env: dict[str, str], watches: list[Watch]
) -> None:
    index = write_index(tmp_path / "news")
    watch = Watch([str(index)], env)
    watches.append(watch)
    watch.wait_started()
    shutil.rmtree(index)
    assert watch.process.wait(timeout=60) == 1
    time.sleep(0.2)
    assert any("is gone" in line for line in watch.errors)


def test_watch_refuses_a_bad_exec_command(tmp_path: Path, env: dict[str, str]) -> None:
    index = write_index(tmp_path / "news")
    done = subprocess.run(
        [*COMMAND, "watch", str(index), "--exec", "'unclosed"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--exec" in done.stderr
