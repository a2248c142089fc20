"""Regenerate the README's screenshots: ``python scripts/screenshots.py``.

Runs the reader headless on the bundled sample index, with throwaway cache and state
folders, and saves Textual's SVG exports into ``assets/``.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tickertape.sample import sample_path
from tickertape.ui.app import TickertapeApp

ASSETS = Path(__file__).resolve().parent.parent / "assets"
NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


async def _settle(app: TickertapeApp, pilot: object, ready: object) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        if ready():  # type: ignore[operator]
            break
    app.clear_notifications()
    await pilot.pause(0.3)  # type: ignore[attr-defined]


async def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        app = TickertapeApp(
            sample_path(),
            index_name="sample index",
            cache_dir=folder / "cache",
            state_dir=folder / "state",
            clock=lambda: NOW,
        )
        async with app.run_test(size=(140, 42)) as pilot:
            await _settle(
                app, pilot, lambda: app.current_article is not None and bool(app.ticker_stats)
            )
            await pilot.press("j", "j", "j", "j", "enter")
            await _settle(
                app,
                pilot,
                lambda: (
                    app.current_article is not None and app.current_article.id == "ccb8ea6fd69811d1"
                ),
            )
            app.save_screenshot("reader.svg", str(ASSETS))
            await pilot.press("escape", "slash", *"ticker:NVDA chip*", "enter")
            await _settle(
                app, pilot, lambda: app.query_text == "ticker:NVDA chip*" and app.header.filtered
            )
            app.save_screenshot("search.svg", str(ASSETS))


if __name__ == "__main__":
    asyncio.run(main())
