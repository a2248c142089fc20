"""SVG snapshots of the main screens at 80x24 and 160x48.

The index, the clock and the time zone are fixed (see conftest), so the screens are
the same on every machine; a change to what the user sees shows up as a diff here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.conftest import wait_loaded, wait_until
from tickertape.ui.app import TickertapeApp
from tickertape.ui.screens.facets import FacetsScreen
from tickertape.ui.screens.links import LinkListScreen
from tickertape.ui.screens.warnings import WarningsScreen

SIZES = [(80, 24), (160, 48)]
SnapCompare = Callable[..., bool]


@pytest.fixture
def snapshot_index(index: Path) -> Path:
    """The six test articles plus one with a bad confidence, so there is a warning."""
    (index / "007_0000000000000007.txt").write_text(
        "link: https://news.example/odd\n\ntitle: Odd confidence\n\n"
        "publishDate: 2024-08-01T10:00:00Z\n\nconfidence: 7\n\ncontent: <p>text</p>\n"
    )
    return index


def _app(make_app: Callable[..., TickertapeApp], root: Path) -> TickertapeApp:
    return make_app(root, index_name="snapshot index")


async def _ready(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, TickertapeApp)
    await wait_loaded(pilot, app)
    await wait_until(
        pilot, lambda: app.reader.header.warnings == 1 and bool(app.reader.ticker_stats)
    )
    app.clear_notifications()
    await pilot.pause(0.1)


async def _main(pilot: Pilot[Any]) -> None:
    await _ready(pilot)


async def _help(pilot: Pilot[Any]) -> None:
    await _ready(pilot)
    await pilot.press("question_mark")
    await pilot.pause(0.1)


async def _links(pilot: Pilot[Any]) -> None:
    await _ready(pilot)
    await pilot.press("l")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, LinkListScreen))
    await pilot.pause(0.1)


async def _warnings(pilot: Pilot[Any]) -> None:
    await _ready(pilot)
    await pilot.press("w")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, WarningsScreen))
    await pilot.pause(0.1)


async def _filtered(pilot: Pilot[Any]) -> None:
    await _ready(pilot)
    app = pilot.app
    assert isinstance(app, TickertapeApp)
    await pilot.press("slash", *"ticker:AMZN", "enter")
    await wait_until(
        pilot, lambda: app.reader.header.shown == 2 and app.reader.current_article is not None
    )
    app.clear_notifications()
    await pilot.pause(0.2)


async def _no_match(pilot: Pilot[Any]) -> None:
    await _ready(pilot)
    app = pilot.app
    assert isinstance(app, TickertapeApp)
    await pilot.press("slash", *"ticker:AMZX", "enter")
    await wait_until(pilot, lambda: app.reader.header.shown == 0 and bool(app.reader._empty_hints))
    app.clear_notifications()
    await pilot.pause(0.2)


async def _full_screen(pilot: Pilot[Any]) -> None:
    await _ready(pilot)
    await pilot.press("z")
    await wait_until(pilot, lambda: pilot.app.screen.maximized is not None)
    await pilot.pause(0.1)


async def _facets(pilot: Pilot[Any]) -> None:
    await _ready(pilot)
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FacetsScreen))
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False  # a blinking cursor would make the picture a coin toss
    await pilot.pause(0.1)


SCREENS = {
    "main_screen": _main,
    "help_screen": _help,
    "link_list": _links,
    "warnings_view": _warnings,
    "filtered_list_with_query_bar": _filtered,
    "no_match_explained": _no_match,
    "full_screen_article": _full_screen,
    "facets": _facets,
}

# One light and one dark theme of each family that has both.
THEMES = [
    "textual-dark", "textual-light", "catppuccin-mocha", "catppuccin-latte",
    "solarized-dark", "solarized-light", "rose-pine", "rose-pine-dawn",
    "atom-one-dark", "atom-one-light", "ansi-dark", "ansi-light",
]  # fmt: skip


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(
    snap_compare: SnapCompare,
    make_app: Callable[..., TickertapeApp],
    snapshot_index: Path,
    screen: str,
    size: tuple[int, int],
) -> None:
    app = _app(make_app, snapshot_index)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])


@pytest.mark.parametrize("theme", THEMES)
def test_main_screen_reads_in_every_theme_family(
    snap_compare: SnapCompare,
    make_app: Callable[..., TickertapeApp],
    snapshot_index: Path,
    theme: str,
) -> None:
    app = _app(make_app, snapshot_index)

    async def themed(pilot: Pilot[Any]) -> None:
        await _ready(pilot)
        pilot.app.theme = theme
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(80, 24), run_before=themed)
