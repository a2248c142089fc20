"""Fixtures for the reader's tests: a known index, a fixed clock and zone, stubbed links."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.content import Content
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from tests.ui.articles import write_index
from tickertape.ui.app import TickertapeApp

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC in the reader's tests, so dates on screen are the same anywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def index(tmp_path: Path) -> Path:
    return write_index(tmp_path / "index")


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., TickertapeApp]:
    """A reader on ``root`` with its own cache and state folders and a fixed clock.

    ``open_url`` and the clipboard are recorded on the app (``opened``, ``copied``):
    under ``run_test`` the real ones would start a browser.
    """

    def factory(root: Path, **kwargs: object) -> TickertapeApp:
        app = TickertapeApp(
            root,
            index_name=kwargs.pop("index_name", "test index"),  # type: ignore[arg-type]
            cache_dir=tmp_path / "cache",
            state_dir=tmp_path / "state",
            clock=lambda: NOW,
        )
        opened: list[str] = []
        copied: list[str] = []
        app.open_url = lambda url, *, new_tab=True: opened.append(url)  # type: ignore[method-assign]
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign, assignment]
        app.opened = opened  # type: ignore[attr-defined]
        app.copied = copied  # type: ignore[attr-defined]
        return app

    return factory


@pytest.fixture(autouse=True)
def no_system_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never run a real clipboard tool from the tests."""
    monkeypatch.setattr("tickertape.ui.clipboard.system_clipboard_command", lambda: None)


@pytest.fixture(autouse=True)
def a_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """A browser to open links in (``open_url`` is recorded, never run), whatever the
    machine has; a test without one says so."""
    monkeypatch.setattr("tickertape.core.links.browser_available", lambda: True)


def plain(node: DOMNode, selector: str) -> str:
    """The text of the Static widget ``selector`` under ``node``."""
    visual = node.query_one(selector, Static).visual
    assert isinstance(visual, Content)
    return visual.plain


def focused(app: App[Any]) -> Widget | None:
    """The focused widget (a function, so each check reads it afresh)."""
    return app.focused


async def wait_until(pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = 30) -> None:
    """Let the app run until ``predicate`` holds (workers post their results)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.02)
        if predicate():
            return
    raise AssertionError("the reader did not reach the expected state in time")


async def wait_loaded(pilot: Pilot[Any], app: TickertapeApp) -> None:
    """The list is filled, the refresh is over and the selected article is shown."""
    await wait_until(
        pilot,
        lambda: (
            app.session.index is not None
            and not app.session.building
            and app.reader.header.status == ""
            and app.reader.current_article is not None
            and app.reader.current_article.id
            == (app.reader.article_list.current_row() or app.reader.current_article).id
        ),
    )
    await pilot.pause(0.05)
