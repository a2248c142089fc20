"""Regenerate the README's screenshots: ``python scripts/screenshots.py``.

Runs the reader headless on the bundled sample index, with throwaway cache and state
folders and a fixed clock, and saves Textual's SVG exports into ``assets/``: the
reader on an article with tickers at 120x40, a search at 120x40, and the reader at
80x24. Look at each one (``rsvg-convert assets/reader.svg -o /tmp/reader.png``)
before committing it.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from tickertape.sample import sample_path
from tickertape.ui.app import TickertapeApp

ASSETS = Path(__file__).resolve().parent.parent / "assets"
NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
ARTICLE = "ccb8ea6fd69811d1"
"""Amazon's cloud servers: a Reuters-style article with ticker links and a summary."""


async def _settle(app: TickertapeApp, pilot: Pilot[int], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        if ready():
            break
    app.clear_notifications()
    await pilot.pause(0.3)


async def _open_article(app: TickertapeApp, pilot: Pilot[int], article_id: str) -> None:
    """Select the article and read it, as a click and enter would."""
    await _settle(
        app,
        pilot,
        lambda: (
            app.reader.current_article is not None
            and bool(app.reader.ticker_stats)
            and not app.reader.session.building
        ),
    )
    article_list = app.reader.article_list
    for index in range(len(article_list.rowids)):
        row = article_list.row_at(index)
        if row is not None and row.id == article_id:
            article_list.set_cursor(index)
            break
    await pilot.press("enter")
    await _settle(
        app,
        pilot,
        lambda: (
            app.reader.current_article is not None and app.reader.current_article.id == article_id
        ),
    )


def _app(folder: Path) -> TickertapeApp:
    return TickertapeApp(
        sample_path(),
        index_name="sample index",
        cache_dir=folder / "cache",
        state_dir=folder / "state",
        clock=lambda: NOW,
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        app = _app(folder)
        async with app.run_test(size=(120, 40)) as pilot:
            await _open_article(app, pilot, ARTICLE)
            app.save_screenshot("reader.svg", str(ASSETS))
            await pilot.press("escape", "slash", *"ticker:NVDA chip*", "enter")
            await _settle(
                app,
                pilot,
                lambda: (
                    app.reader.session.query_text == "ticker:NVDA chip*"
                    and app.reader.header.filtered
                ),
            )
            app.save_screenshot("search.svg", str(ASSETS))
        app = _app(folder)
        async with app.run_test(size=(80, 24)) as pilot:
            await _open_article(app, pilot, ARTICLE)
            app.save_screenshot("reader-80x24.svg", str(ASSETS))


if __name__ == "__main__":
    asyncio.run(main())
