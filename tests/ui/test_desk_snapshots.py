"""SVG snapshots of the ticker desk and the watchlist at 80x24 and 160x48.

The index, the clock and the time zone are fixed (see conftest), so the screens are
the same on every machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.conftest import wait_loaded, wait_until
from tickertape.ui.app import TickertapeApp
from tickertape.ui.screens.ticker_desk import TickerDeskScreen
from tickertape.ui.screens.watchlist import WatchlistScreen

SIZES = [(80, 24), (160, 48)]
SnapCompare = Callable[..., bool]


async def _ready(pilot: Pilot[Any]) -> TickertapeApp:
    app = pilot.app
    assert isinstance(app, TickertapeApp)
    await wait_loaded(pilot, app)
    await wait_until(pilot, lambda: bool(app.reader.ticker_stats))
    return app


async def _desk(pilot: Pilot[Any]) -> None:
    app = await _ready(pilot)
    await pilot.press("j", "T")  # AMZN.O
    await wait_until(
        pilot, lambda: isinstance(app.screen, TickerDeskScreen) and app.screen.desk is not None
    )
    app.clear_notifications()
    await pilot.pause(0.2)


async def _watchlist(pilot: Pilot[Any]) -> None:
    app = await _ready(pilot)
    for code in ("AMZN.O", "NVDA.O", "XOM.N"):
        app.session.toggle_watch(code)
    await pilot.press("W")
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, WatchlistScreen) and app.screen.watchlist is not None,
    )
    app.clear_notifications()
    await pilot.pause(0.2)


SCREENS = {"ticker_desk": _desk, "watchlist": _watchlist}


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(
    snap_compare: SnapCompare,
    make_app: Callable[..., TickertapeApp],
    index: Path,
    screen: str,
    size: tuple[int, int],
) -> None:
    app = make_app(index, index_name="snapshot index")
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
