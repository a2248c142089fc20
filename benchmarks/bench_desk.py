"""Benchmark the ticker desk: ``tickers`` and ``trend`` as whole commands with a warm
cache, the ticker screen painted after ``T``, and a watchlist of 20 painted.

    python benchmarks/bench_desk.py --corpus bench-data/corpus-100k --cache /tmp/c

The cache folder is built once if it is empty (``tickertape index``); every figure is
a median of ``--runs``. The screens run headless (Pilot) in this process: the time from
the key to the screen having its figures and one more refresh of the compositor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

COMMAND = Path(sys.executable).with_name("tickertape")


def _env(cache: Path, data: Path) -> dict[str, str]:
    # An installed command runs from compiled bytecode: with PYTHONDONTWRITEBYTECODE set
    # every run compiled the project's modules again (about 0.4 s of a 1.5 s `trend`).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "TICKERTAPE_CACHE_DIR": str(cache), "TICKERTAPE_DATA_DIR": str(data)}


def whole_command(args: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of ``tickertape ARGS`` (output thrown away)."""
    times: list[float] = []
    subprocess.run(
        [str(COMMAND), *args], env=env, check=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip  # warm: the page cache and the bytecode
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [str(COMMAND), *args], env=env, check=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def core_figures(corpus: Path, cache: Path, codes: list[str], runs: int) -> dict[str, float]:
    """The aggregates alone, in process: what bounds the screens."""
    from datetime import date

    from tickertape.core.index import IndexCache
    from tickertape.desk import load_desk, load_watchlist

    out: dict[str, list[float]] = {}
    with IndexCache.open(corpus, cache_dir=cache) as index:

        def timed(name: str, fn: Any) -> None:
            started = time.perf_counter()
            fn()
            out.setdefault(name, []).append(time.perf_counter() - started)

        for _ in range(runs):
            timed("summaries (whole index)", lambda: index.ticker_summaries(None))
            timed("trend by month", lambda: _trend(index, codes[0]))
            timed("load_desk (top ticker)", lambda: load_desk(index, codes[0]))
            timed(
                "load_watchlist (20)",
                lambda: load_watchlist(index, codes[:20], date.today(), time.time() - 86400),
            )
    return {name: statistics.median(values) for name, values in out.items()}


def _trend(index: Any, code: str) -> None:
    first, last = index.date_range()
    index.ticker_trend(code, None, "month", first.date(), last.date())


def top_codes(corpus: Path, cache: Path) -> list[str]:
    from tickertape.core.index import IndexCache

    with IndexCache.open(corpus, cache_dir=cache) as index:
        return [row.code for row in index.ticker_summaries(None)[:20]]


async def _screens(
    corpus: Path, cache: Path, data: Path, codes: list[str], runs: int
) -> dict[str, float]:
    from tickertape.ui.app import TickertapeApp
    from tickertape.ui.screens.ticker_desk import TickerDeskScreen
    from tickertape.ui.screens.watchlist import WatchlistScreen

    desk_times: list[float] = []
    watch_times: list[float] = []
    app = TickertapeApp(corpus, cache_dir=cache, state_dir=data)
    async with app.run_test(size=(160, 48)) as pilot:

        async def until(predicate: Any) -> None:
            while not predicate():
                await pilot.pause(0.001)

        await until(lambda: app.session.index is not None and app.reader.article_list.rowids)
        await until(lambda: not app.session.building and app.reader.header.status == "")
        for code in codes[:20]:
            if code not in app.session.watchlist():
                app.session.toggle_watch(code)
        for _ in range(runs):
            started = time.perf_counter()
            app.reader.open_ticker_desk(codes[0])
            await until(
                lambda: isinstance(app.screen, TickerDeskScreen) and app.screen.desk is not None
            )
            await pilot.pause(0)  # one more turn: the compositor paints what was updated
            desk_times.append(time.perf_counter() - started)
            await pilot.press("escape")
            started = time.perf_counter()
            await pilot.press("W")
            await until(
                lambda: isinstance(app.screen, WatchlistScreen) and app.screen.watchlist is not None
            )
            await pilot.pause(0)
            watch_times.append(time.perf_counter() - started)
            await pilot.press("escape")
    return {
        "ticker screen painted after the key": statistics.median(desk_times),
        "watchlist of 20 painted after W": statistics.median(watch_times),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cache", type=Path, help="cache folder (default: a new temporary one)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    cache = args.cache or Path(tempfile.mkdtemp(prefix="tickertape-desk-bench-"))
    data = cache.parent / (cache.name + "-data")
    env = _env(cache, data)
    if not any(cache.glob("*.sqlite")):
        print("building the cache once…", file=sys.stderr)
        subprocess.run([str(COMMAND), "index", str(args.corpus)], env=env, check=True)
    codes = top_codes(args.corpus, cache)
    rows: dict[str, float] = {}
    rows["tickers (whole index), whole command"] = whole_command(
        ["tickers", str(args.corpus), "--quiet"], env, args.runs
    )
    rows["trend TOP --by month, whole command"] = whole_command(
        ["trend", codes[0], str(args.corpus), "--quiet"], env, args.runs
    )
    rows["index (warm refresh, nothing changed), whole command"] = whole_command(
        ["index", str(args.corpus)], env, args.runs
    )
    rows.update(core_figures(args.corpus, cache, codes, args.runs))
    rows.update(asyncio.run(_screens(args.corpus, cache, data, codes, args.runs)))
    print(f"| measurement ({args.corpus.name}, top ticker {codes[0]}) | median |")
    print("|---|---:|")
    for name, seconds in rows.items():
        print(f"| {name} | {seconds * 1000:,.1f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
