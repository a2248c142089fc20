"""End to end: the installed reader follows its folder while files land (tmux)."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_tmux import Terminal, env  # noqa: F401  (a fixture)
from tests.ui.articles import write_index

pytestmark = pytest.mark.e2e


WORDS = [
    "market",
    "shares",
    "profit",
    "bank",
    "oil",
    "rates",
    "inflation",
    "export",
    "chips",
    "cloud",
    "retail",
    "outlook",
    "earnings",
    "revenue",
    "dividend",
    "merger",
    "bond",
    "yield",
    "currency",
    "tariff",
    "growth",
    "demand",
    "supply",
    "factory",
    "energy",
    "gold",
    "copper",
    "wheat",
    "freight",
    "airline",
    "pharma",
    "vaccine",
    "lawsuit",
    "election",
]


def _article(title: str, day: int, body: str = "") -> str:
    return (
        f"title: {title}\n\nsource: wire.example\n\n"
        f"publishDate: 2024-12-{day:02d}T10:00:00Z\n\nlanguage: en\n\n"
        f"content: <p>{body or title} body.</p>\n"
    )


@pytest.fixture
def terminal(env: dict[str, str]) -> Iterator[Terminal]:  # noqa: F811
    session = Terminal(f"tickertape-{uuid.uuid4().hex[:8]}", env)
    yield session
    session.stop()


def test_five_files_written_into_the_open_index_appear_without_moving_the_cursor(
    terminal: Terminal, tmp_path: Path
) -> None:
    index = write_index(tmp_path / "index")
    terminal.start(str(index))
    terminal.wait_for(lambda s: "6 articles" in s and "Chipmakers rally" in s, "the list")
    # The first build is over (it renumbers the rows) once the unread count is shown.
    terminal.wait_for(lambda s: "6 unread" in s, "the first build to end")
    terminal.keys("j", "j", "y")
    copied = _wait_clipboard(terminal, "")
    time.sleep(1.0)  # the folder is followed once the first refresh is over
    for n in range(5):
        (index / f"live_{n}.txt").write_text(_article(f"Landed story {n}", 6 + n))
    screen = terminal.wait_for(
        lambda s: "11 articles" in s and all(f"Landed story {n}" in s for n in range(5)),
        "the five new articles",
        timeout=30,
    )
    assert "5 new" in screen
    # The cursor is on the same article: copying its link copies the same link.
    terminal.tmux("delete-buffer", check=False)
    terminal.keys("y")
    assert _wait_clipboard(terminal, "") == copied
    terminal.keys("q")
    assert terminal.wait_exit()


def _wait_clipboard(terminal: Terminal, old: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = terminal.clipboard()
        if text and text != old:
            return text
        time.sleep(0.1)
    raise AssertionError("nothing was copied")


def test_a_burst_of_two_thousand_files_is_absorbed(terminal: Terminal, tmp_path: Path) -> None:
    index = write_index(tmp_path / "index")
    terminal.start(str(index))
    terminal.wait_for(lambda s: "6 articles" in s and "Chipmakers rally" in s, "the list")
    terminal.wait_for(lambda s: "6 unread" in s, "the first build to end")
    time.sleep(1.0)
    burst = index / "burst"
    burst.mkdir()
    rng = random.Random(7)
    for n in range(2000):
        # Distinct texts, as a real feed has (near-duplicates would join story clusters).
        words = " ".join(rng.choice(WORDS) for _ in range(40))
        (burst / f"{n:05d}.txt").write_text(_article(f"Burst {n} {words[:40]}", 1 + n % 28,
                                                     body=words))  # fmt: skip
    # The count can rise while the burst's text is still being indexed; "new" follows
    # when that refresh ends.
    terminal.wait_for(
        lambda s: "2,006 articles" in s and "2,000 new" in s, "the whole burst, new", timeout=120
    )
    terminal.keys("q")
    assert terminal.wait_exit()
