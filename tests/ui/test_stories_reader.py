"""Stories in the reader: one row a story, ``c`` for every version, ``v`` for the
versions of the story under the cursor, and their snapshot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.ui.articles import ARTICLES, article_text
from tests.ui.conftest import plain, wait_loaded, wait_until
from tickertape.ui.app import TickertapeApp
from tickertape.ui.screens.cluster import ClusterScreen

SnapCompare = Callable[..., bool]

BODY = (
    "Nvidia and AMD gained after the new export licences were published on Thursday. "
    "Analysts at a research desk expect orders to pick up in the first quarter. "
    "Licences cover data-centre parts while consumer parts are unchanged. "
    "The rules follow months of talks between the companies and the commerce department. "
    "Shares of both companies rose more than four percent in early trading."
)


@pytest.fixture
def story_index(index: Path) -> Path:
    """The six test articles, and one story told three times by two sources."""
    lead = {
        **ARTICLES[0],
        "name": "010_c0c0c0c0c0c0c0c0.txt",
        "link": "https://wire.example/export",
        "title": "Chip stocks rise as export licences ease",
        "publishDate": "2024-12-06T08:00:00Z",
        "content": BODY,
    }
    again = {
        **lead,
        "name": "011_c1c1c1c1c1c1c1c1.txt",
        "link": "https://daily.example/chips",
        "source": "daily.example",
        "title": "Chip stocks jump as US export licences ease",
        "publishDate": "2024-12-06T08:12:00Z",
        "content": BODY + " A spokesman for the department declined to comment further.",
    }
    third = {
        **again,
        "name": "012_c2c2c2c2c2c2c2c2.txt",
        "link": "https://daily.example/chips-update",
        "title": "UPDATE 1-Chip stocks jump as export licences ease",
        "publishDate": "2024-12-06T09:30:00Z",
    }
    for article in (lead, again, third):
        (index / article["name"]).write_text(article_text(article), encoding="utf-8")
    return index


async def _loaded(pilot: Pilot[Any]) -> TickertapeApp:
    app = pilot.app
    assert isinstance(app, TickertapeApp)
    await wait_loaded(pilot, app)
    return app


async def test_the_list_shows_one_row_a_story_and_c_shows_every_version(
    make_app: Callable[..., TickertapeApp], story_index: Path
) -> None:
    app = make_app(story_index)
    async with app.run_test(size=(120, 30)) as pilot:
        app = await _loaded(pilot)
        reader = app.reader
        await wait_until(pilot, lambda: reader.header.shown == 7)
        assert "7 stories · 9 articles" in plain(reader.header, "#header-counts")
        row = reader.article_list.current_row()
        assert row is not None
        assert (row.title, row.versions, row.sources) == (
            "Chip stocks rise as export licences ease", 3, 2
        )  # fmt: skip
        await pilot.press("c")
        await wait_until(pilot, lambda: reader.header.shown == 9)
        assert "9 articles" in plain(reader.header, "#header-counts")
    # The choice is remembered for the index.
    app = make_app(story_index)
    async with app.run_test(size=(120, 30)) as pilot:
        app = await _loaded(pilot)
        await wait_until(pilot, lambda: app.reader.header.shown == 9)
        assert not app.session.collapsed


async def test_v_shows_every_version_and_what_it_changes(
    make_app: Callable[..., TickertapeApp], story_index: Path
) -> None:
    app = make_app(story_index)
    async with app.run_test(size=(120, 40)) as pilot:
        app = await _loaded(pilot)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, ClusterScreen))
        text = "\n".join(
            str(static.visual.plain)  # type: ignore[attr-defined]
            for static in app.screen.query("#cluster-versions > Static").results(Static)
        )
        assert "+12 min" in text
        assert "+1 h" in text
        assert "+ A spokesman for the department declined to comment further." in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ClusterScreen))


async def test_reading_the_lead_reads_the_story(
    make_app: Callable[..., TickertapeApp], story_index: Path
) -> None:
    app = make_app(story_index)
    async with app.run_test(size=(120, 30)) as pilot:
        app = await _loaded(pilot)
        await pilot.press("enter")
        state = app.session.state
        assert state is not None
        await wait_until(pilot, lambda: state.is_read("c1c1c1c1c1c1c1c1"))
        assert state.is_read("c2c2c2c2c2c2c2c2")


async def _cluster_view(pilot: Pilot[Any]) -> None:
    app = await _loaded(pilot)
    await wait_until(pilot, lambda: app.reader.header.shown == 7)
    app.clear_notifications()
    await pilot.press("v")
    await wait_until(pilot, lambda: isinstance(app.screen, ClusterScreen))
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_cluster_view_snapshot(
    snap_compare: SnapCompare,
    make_app: Callable[..., TickertapeApp],
    story_index: Path,
    size: tuple[int, int],
) -> None:
    app = make_app(story_index, index_name="snapshot index")
    assert snap_compare(app, terminal_size=size, run_before=_cluster_view)


def _story_line(app: TickertapeApp, title: str) -> str:
    """The list line that shows ``title`` as the user sees it ("" when none does)."""
    article_list = app.reader.article_list
    for y in range(article_list.size.height):
        line = "".join(segment.text for segment in article_list.render_line(y))
        if title in line:
            return line
    return ""


async def test_a_read_story_shows_unread_again_when_a_version_comes_later(
    make_app: Callable[..., TickertapeApp], story_index: Path
) -> None:
    title = "Chip stocks rise as export licences ease"
    update = story_index / "012_c2c2c2c2c2c2c2c2.txt"
    text = update.read_text(encoding="utf-8")
    update.unlink()
    app = make_app(story_index)
    async with app.run_test(size=(120, 30)) as pilot:
        app = await _loaded(pilot)
        await pilot.press("enter")
        state = app.session.state
        assert state is not None
        await wait_until(pilot, lambda: state.is_read("c1c1c1c1c1c1c1c1"))
        await wait_until(pilot, lambda: _story_line(app, title)[1:2] == " ")
    # The update arrives after the story was read: its row is unread again.
    update.write_text(text, encoding="utf-8")
    app = make_app(story_index)
    async with app.run_test(size=(120, 30)) as pilot:
        app = await _loaded(pilot)
        await wait_until(pilot, lambda: "+2·2" in _story_line(app, title))
        assert _story_line(app, title)[1:2] in ("●", "◆")
        # Reading it again reads the update too.
        await pilot.press("enter")
        store = app.session.state
        assert store is not None
        await wait_until(pilot, lambda: store.is_read("c2c2c2c2c2c2c2c2"))
        await wait_until(pilot, lambda: _story_line(app, title)[1:2] == " ")
