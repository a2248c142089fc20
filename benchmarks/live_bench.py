"""Live-folder figures for the README: file closed -> row in the list, a burst, key latency.

    python benchmarks/live_bench.py INDEX SOURCE_FOLDER [--burst N] [--probes N]

INDEX is an index folder whose cache is built (TICKERTAPE_CACHE_DIR); SOURCE_FOLDER
holds article files not in it (copied in as the new arrivals, under INDEX/live-bench/,
removed at the end). The reader runs headless (Textual's Pilot) at 120x40. "Painted"
is when the list holds the new row after the screen has processed its messages.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import time
from pathlib import Path

from tickertape.ui.app import TickertapeApp


async def _until(pilot: object, check: object, timeout: float = 120.0) -> float:
    start = time.perf_counter()
    while not check():  # type: ignore[operator]
        await pilot.pause(0.005)  # type: ignore[attr-defined]
        if time.perf_counter() - start > timeout:
            raise TimeoutError
    return time.perf_counter() - start


async def run(index: Path, source: Path, probes: int, burst: int) -> None:
    sources = sorted(source.iterdir())
    target = index / "live-bench"
    shutil.rmtree(target, ignore_errors=True)
    app = TickertapeApp(index)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = app.reader
        await _until(pilot, lambda: bool(reader.follow_method), 600)
        print("method:", reader.follow_method)
        target.mkdir()
        await pilot.pause(1.0)
        latencies = []
        for n in range(probes):
            before = len(reader.article_list.rowids)
            data = sources[n].read_bytes()
            path = target / f"probe_{n}.txt"
            path.write_bytes(data)
            closed = time.perf_counter()
            await _until(pilot, lambda b=before: len(reader.article_list.rowids) > b)
            latencies.append(time.perf_counter() - closed)
            await pilot.pause(0.3)
        print(f"latency file closed -> row listed, {probes} probes: median "
              f"{statistics.median(latencies):.3f} s, max {max(latencies):.3f} s")
        before = len(reader.article_list.rowids)
        start = time.perf_counter()
        for n in range(burst):
            src = sources[probes + n]
            (target / f"burst_{n}.txt").write_bytes(src.read_bytes())
        written = time.perf_counter()
        keys: list[float] = []
        done = False

        def finished() -> bool:
            return len(reader.article_list.rowids) >= before + burst

        while not done:
            t = time.perf_counter()
            await pilot.press("j")
            await pilot.pause()
            keys.append(time.perf_counter() - t)
            done = finished()
            if time.perf_counter() - written > 300:
                break
        end = time.perf_counter()
        print(f"burst of {burst}: written in {written - start:.2f} s, all listed "
              f"{end - written:.2f} s after the last was closed ({end - start:.2f} s in all); "
              f"{len(keys)} keys meanwhile, key->repaint median "
              f"{statistics.median(keys) * 1000:.0f} ms, "
              f"p95 {sorted(keys)[int(len(keys) * 0.95)] * 1000:.0f} ms, max "
              f"{max(keys) * 1000:.0f} ms")
    shutil.rmtree(target, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("index", type=Path)
    parser.add_argument("source", type=Path)
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--burst", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(run(args.index, args.source, args.probes, args.burst))


if __name__ == "__main__":
    main()
