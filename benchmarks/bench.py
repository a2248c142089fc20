"""Benchmark tickertape's cache on generated corpora and print a Markdown table.

Usage (from the repository root)::

    python benchmarks/bench.py --sizes 10k,100k [--runs 5] [--build-runs 3] [--include-1m]

Corpora are generated once under ``--data`` (default ``./bench-data/``, gitignored)
by ``generate_corpus.py`` and reused. Every number is the median over the runs,
and sits beside the floors measured in the same run (reading every file, reading and
parsing every file, ``python -c "import textual"``), so a slow machine shows as slow
floors, not as a regression. Each measurement that needs a fresh process runs in one
(with a fresh ``TICKERTAPE_CACHE_DIR`` for cold builds).

The UI measurements (:data:`UI_MEASUREMENTS`) start the reader in fresh processes on
the warm cache: process start to the first painted list, headless (Textual's
``run_test``) and in a real terminal (a tmux pane, polled every 5 ms; skipped without
tmux), each beside a minimal Textual app measured the same way; then a cursor key, a
sort key, the collapse key and a search keystroke to the repainted list, headless.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 1
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
QUERIES = (
    "nvidia",
    "ticker:NVDA.O",
    '"central bank"',
    "inflation rates",
    "sentiment:negative chips",
    "nvid*",
    "source:reuters",
    "market",
)
SORTS = ("date", "title", "source", "sentiment", "confidence")

# -- measurements run in a child process (python bench.py _child WHAT CORPUS CACHE) ----------


def _child(what: str, corpus: Path, cache: Path) -> dict[str, float]:
    """One measurement in a fresh interpreter; returns seconds (or MB) by name."""
    started = time.perf_counter()
    from tickertape.core.index import IndexCache

    imported = time.perf_counter()
    out: dict[str, float] = {"import": imported - started}
    if what == "build":
        phases: dict[str, float] = {}

        def progress(step: object) -> None:
            phase = getattr(step, "phase", "")
            now = time.perf_counter() - imported
            if phase == "reading" and getattr(step, "done", 0) > 0:
                phases.setdefault("first_rows", now)
            phases.setdefault(phase, now)

        cache_ = IndexCache.open(corpus, cache_dir=cache)
        cache_.refresh(progress=progress)
        cache_.close()
        out["first_rows"] = phases.get("first_rows", float("nan"))
        out["list_complete"] = phases.get("indexing text", phases.get("done", float("nan")))
        out["fts_ready"] = phases.get("done", float("nan"))
        return out
    if what == "warm":
        cache_ = IndexCache.open(corpus, cache_dir=cache)
        cache_.rows(cache_.select(limit=200))
        out["first_screen"] = time.perf_counter() - imported
        rowids = cache_.select()
        out["full_list"] = time.perf_counter() - imported
        out["count"] = len(rowids)
        cache_.close()
        return out
    if what == "memory":
        import resource

        from tickertape.core.query import compile_query, parse

        cache_ = IndexCache.open(corpus, cache_dir=cache)
        rowids = cache_.select()
        cache_.rows(rowids[:200])
        for text in QUERIES[:3]:
            cache_.rows(cache_.select(compile_query(parse(text)))[:200])
        cache_.rows(cache_.select(sort="title")[:200])
        cache_.close()
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return out
    raise SystemExit(f"unknown measurement {what}")


def run_child(what: str, corpus: Path, cache: Path) -> dict[str, float]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "_child", what, str(corpus), str(cache)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TICKERTAPE_CACHE_DIR": str(cache)},
    )
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


# -- floors --------------------------------------------------------------------------------


def floor_read(corpus: Path) -> float:
    """Seconds to list and read every file (the page cache is warm after generation)."""
    started = time.perf_counter()
    for dirpath, _, names in os.walk(corpus):
        for name in names:
            with open(os.path.join(dirpath, name), "rb") as handle:
                handle.read()
    return time.perf_counter() - started


def floor_read_parse(corpus: Path) -> float:
    """Seconds to read and parse every file with ``read_file`` in one process."""
    from tickertape.core.formats import read_file

    started = time.perf_counter()
    for dirpath, _, names in os.walk(corpus):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as handle:
                read_file(handle.read(), name)
    return time.perf_counter() - started


def floor_import_textual() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual"], check=True)
    return time.perf_counter() - started


def floor_python() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


# -- in-process measurements on a warm cache ---------------------------------------------------


def search_latency(corpus: Path, cache: Path, runs: int) -> dict[str, float]:
    """Median seconds per query: compile, select, fetch the first screen of rows."""
    from tickertape.core.index import IndexCache
    from tickertape.core.query import compile_query, parse

    with IndexCache.open(corpus, cache_dir=cache) as index:
        index.select()
        out = {}
        for text in QUERIES:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                index.rows(index.select(compile_query(parse(text)))[:200])
                times.append(time.perf_counter() - started)
            out[text] = statistics.median(times)
        return out


def sort_change(corpus: Path, cache: Path, runs: int) -> dict[str, float]:
    """Median seconds to re-sort the whole list and fetch its first screen, in a freshly
    opened cache (so the first sort by each key is what is measured), and the same for a
    search result of about a tenth of the index."""
    from tickertape.core.index import IndexCache
    from tickertape.core.query import compile_query, parse

    out: dict[str, list[float]] = {}
    for _ in range(runs):
        with IndexCache.open(corpus, cache_dir=cache) as index:
            index.select()
            query = compile_query(parse("sentiment:negative"))
            for key in SORTS:
                for label, q in ((key, None), (f"{key} (filtered)", query)):
                    started = time.perf_counter()
                    index.rows(index.select(q, sort=key)[:200])
                    out.setdefault(label, []).append(time.perf_counter() - started)
    return {key: statistics.median(values) for key, values in out.items()}


def page_fetch(corpus: Path, cache: Path, runs: int) -> float:
    """Median seconds to fetch one screen of 60 rows somewhere in the list (the core's
    share of a cursor move that scrolls to rows not yet cached)."""
    from tickertape.core.index import IndexCache

    with IndexCache.open(corpus, cache_dir=cache) as index:
        rowids = index.select()
        times = []
        step = max(1, len(rowids) // (runs * 10))
        for start in range(0, len(rowids), step):
            began = time.perf_counter()
            index.rows(rowids[start : start + 60])
            times.append(time.perf_counter() - began)
        return statistics.median(times)


def refresh_unchanged(corpus: Path, cache: Path) -> float:
    """Seconds for ``tickertape index`` when nothing changed (scan and compare only)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tickertape", "index", str(corpus)],
        check=True,
        capture_output=True,
        env={**os.environ, "TICKERTAPE_CACHE_DIR": str(cache)},
    )
    return time.perf_counter() - started


# -- UI measurements ----------------------------------------------------------------------------
#
# Each runs in a fresh process (imports count). "Process start" is the wall-clock time
# the parent took just before launching it, passed on the command line, so interpreter
# start-up is included. Headless runs use Textual's ``run_test`` (120x40); a paint is
# forced with ``screen._on_timer_update()`` (what the screen's refresh timer calls), so
# the time includes composing and rendering the changed lines.

UiMeasurement = Callable[[Path, Path, int], float | None]
"""(corpus, warm cache dir, runs) -> median seconds, or None when not measured."""

_MINIMAL_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("tickertape-minimal-ready")


Minimal().run()
"""
_ROW_DATE = r"\b20\d\d-\d\d-\d\d\b|\b[A-Z][a-z]{2} \d\d \d\d:\d\d\b"
_UI_STATE: dict[str, Path] = {}
_TMUX_SOCKETS = itertools.count()


def _ui_state_dir(cache: Path) -> Path:
    """One state folder per warm cache, reused (as a returning user's would be)."""
    if str(cache) not in _UI_STATE:
        _UI_STATE[str(cache)] = Path(tempfile.mkdtemp(prefix="tt-bench-state-"))
    return _UI_STATE[str(cache)]


async def _ui_child(
    what: str, corpus: Path, cache: Path, state: Path, launch: float, out: dict[str, Any]
) -> None:
    """One UI measurement in this (fresh) process: seconds, or lists of them, into ``out``.

    ``out`` is filled as measurements are made: leaving ``run_test`` early (while the
    reader's workers still post messages) can raise on the way out, after them."""
    import asyncio

    if what == "minimal":
        from textual.app import App, ComposeResult
        from textual.widgets import Static

        class Minimal(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("tickertape-minimal-ready")

        minimal = Minimal()
        async with minimal.run_test(size=(120, 40)) as minimal_pilot:
            await minimal_pilot._wait_for_screen()
            minimal.screen._on_timer_update()
            out["first_paint"] = time.time() - launch
            return

    from textual import events

    from tickertape.ui.app import TickertapeApp

    app = TickertapeApp(corpus, cache_dir=cache, state_dir=state)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = app.reader
        deadline = time.monotonic() + 120
        while not len(reader.article_list.rowids) and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        await pilot._wait_for_screen()
        app.screen._on_timer_update()
        out["first_paint"] = time.time() - launch
        if what == "start":
            return
        # Let the start-up refresh (a scan of every file) and the full list settle.
        while time.monotonic() < deadline and (
            any(not w.is_finished for w in app.workers)
            or len(reader.article_list.rowids) < app.session.count()
        ):
            await asyncio.sleep(0.01)
        await pilot.pause(0.2)
        if what == "busy":
            await _keys_during_search(app, pilot, out)
            return

        async def repainted(key: str, probe: Callable[[], object]) -> float:
            """Seconds from a ``key`` event to ``probe()`` changing and the screen painted.

            The event goes straight to the driver: ``pilot.press`` waits for the process
            to be idle (20 ms at least), which would swamp what is measured."""
            before = probe()
            began = time.perf_counter()
            app._driver.send_message(events.Key(key, key if len(key) == 1 else None))  # type: ignore[union-attr]
            while probe() == before and time.perf_counter() - began < 30:
                await asyncio.sleep(0)
            app.screen._on_timer_update()
            return time.perf_counter() - began

        keys = []
        for _ in range(50):
            keys.append(await repainted("j", lambda: reader.article_list.cursor))
            await pilot.pause(0.03)  # let the article view load, as between real presses
        out["key"] = keys

        sorts = []
        for _ in range(10):  # two turns of the five sort keys
            sorts.append(await repainted("s", lambda: id(reader.article_list.rowids)))
            await pilot.pause(0.05)
        out["sort"] = sorts

        toggles = []
        for _ in range(10):  # one row a story <-> every version
            toggles.append(await repainted("c", lambda: id(reader.article_list.rowids)))
            await pilot.pause(0.05)
        out["collapse"] = toggles

        await pilot.press("slash")
        for char in "marke":
            await pilot.press(char)
        await pilot.pause(0.5)
        searches = []
        for n in range(10):  # "marke" (no match) <-> "market" (about half the index)
            key = "t" if n % 2 == 0 else "backspace"
            searches.append(await repainted(key, lambda: reader.header.shown))
            await pilot.pause(0.05)
        out["search"] = searches


BUSY_QUERY = "market"  # about half of the corpus, sorted by title: a broad, slow search


async def _keys_during_search(app: Any, pilot: Any, out: dict[str, Any]) -> None:
    """``j`` to the moved cursor, repainted, with the row pages dropped before each press
    (as after a new result), idle and while a thread runs broad searches back to back
    on the reader's own index handle (as a typed query does)."""
    import asyncio
    import threading

    from textual import events

    from tickertape.core.query import compile_query, parse

    async def one_key() -> float:
        article_list = app.reader.article_list
        article_list.invalidate_rows()
        before = article_list.cursor
        began = time.perf_counter()
        app._driver.send_message(events.Key("j", "j"))
        while article_list.cursor == before and time.perf_counter() - began < 30:
            await asyncio.sleep(0)
        app.screen._on_timer_update()
        return time.perf_counter() - began

    index = _reader_index(app)
    query = compile_query(parse(BUSY_QUERY))
    out["idle_key"] = []
    for _ in range(30):
        out["idle_key"].append(await one_key())
        await pilot.pause(0.03)
    stop = threading.Event()
    searches: list[float] = []

    def search_loop() -> None:
        while not stop.is_set():
            began = time.perf_counter()
            index.select(query, sort="title")
            searches.append(time.perf_counter() - began)

    thread = threading.Thread(target=search_loop, daemon=True)
    thread.start()
    await asyncio.sleep(0.2)
    out["busy_key"] = []
    for _ in range(30):
        out["busy_key"].append(await one_key())
        await pilot.pause(0.03)
    stop.set()
    thread.join()
    out["busy_search"] = searches


def _reader_index(app: Any) -> Any:
    """The reader's open index handle."""
    return app.session.index


def page_during_search(corpus: Path, cache: Path, pages: int = 60) -> dict[str, list[float]]:
    """Seconds to fetch a page of 128 list rows and their flags (what painting the list
    asks of the core), idle and while another thread runs broad searches back to back."""
    import random
    import threading

    from tickertape.core.index import IndexCache
    from tickertape.core.query import compile_query, parse
    from tickertape.core.state import StateStore

    state = StateStore.open(_ui_state_dir(cache))
    index = IndexCache.open(corpus, cache_dir=cache, state_path=state.path)
    rowids = list(index.select())
    chooser = random.Random(1)

    def page() -> float:
        start = chooser.randrange(0, max(1, len(rowids) - 128))
        began = time.perf_counter()
        rows = index.rows(rowids[start : start + 128])
        state.flags_for([row.id for row in rows])
        return time.perf_counter() - began

    out: dict[str, list[float]] = {"idle_page": [], "busy_page": [], "page_search": []}
    for _ in range(pages):
        out["idle_page"].append(page())
        time.sleep(0.02)
    stop = threading.Event()
    query = compile_query(parse(BUSY_QUERY))

    def search_loop() -> None:
        while not stop.is_set():
            began = time.perf_counter()
            index.select(query, sort="title")
            out["page_search"].append(time.perf_counter() - began)

    thread = threading.Thread(target=search_loop)
    thread.start()
    time.sleep(0.3)
    for _ in range(pages):
        out["busy_page"].append(page())
        time.sleep(0.02)
    stop.set()
    thread.join()
    index.close()
    state.close()
    return out


def busy(corpus: Path, cache: Path, runs: int) -> None:
    """Print medians of a page fetch and of key-to-repaint, idle and during broad
    searches, on a warm cache."""
    for name, values in page_during_search(corpus, cache).items():
        print(f"{name}: median {ms(median_of(values))} of {len(values)}")
    keys: dict[str, list[float]] = {"idle_key": [], "busy_key": [], "busy_search": []}
    for _ in range(runs):
        result = run_ui_child("busy", corpus, cache)
        for name, values in keys.items():
            values.extend(result[name])
    for name, values in keys.items():
        print(f"{name}: median {ms(median_of(values))} of {len(values)}")


def run_ui_child(what: str, corpus: Path, cache: Path) -> dict[str, Any]:
    state = _ui_state_dir(cache)
    launch = time.time()
    proc = subprocess.run(
        [
            sys.executable, str(Path(__file__).resolve()), "_ui", what, str(corpus), str(cache),
            str(state), repr(launch),
        ],
        capture_output=True, text=True, check=True,
        env={**os.environ, "TICKERTAPE_CACHE_DIR": str(cache), "TICKERTAPE_DATA_DIR": str(state)},
    )  # fmt: skip
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def ui_minimal_app_start(corpus: Path, cache: Path, runs: int) -> float | None:
    """Floor: a minimal Textual app (one Static) from process start to its first paint."""
    run_ui_child("minimal", corpus, cache)  # warm the page cache
    return median_of([run_ui_child("minimal", corpus, cache)["first_paint"] for _ in range(runs)])


def ui_warm_start_headless(corpus: Path, cache: Path, runs: int) -> float | None:
    """Process start to the first painted list, headless, on a warm cache."""
    run_ui_child("start", corpus, cache)  # the first run of a state folder creates it
    return median_of([run_ui_child("start", corpus, cache)["first_paint"] for _ in range(runs)])


_INTERACTION: dict[str, dict[str, Any]] = {}


def _interaction(corpus: Path, cache: Path) -> dict[str, Any]:
    """Key, sort and search timings of one headless session (measured once per size)."""
    if str(cache) not in _INTERACTION:
        _INTERACTION[str(cache)] = run_ui_child("interact", corpus, cache)
    return _INTERACTION[str(cache)]


def ui_key_to_repaint(corpus: Path, cache: Path, runs: int) -> float | None:
    """``j`` to the moved cursor, repainted (median of 50 presses, headless)."""
    return median_of(_interaction(corpus, cache)["key"])


def ui_sort_change(corpus: Path, cache: Path, runs: int) -> float | None:
    """``s`` to the re-sorted list, repainted (median of 10 presses over the 5 keys)."""
    return median_of(_interaction(corpus, cache)["sort"])


def ui_collapse_toggle(corpus: Path, cache: Path, runs: int) -> float | None:
    """``c`` to the list collapsed to stories or expanded, repainted (median of 10)."""
    return median_of(_interaction(corpus, cache)["collapse"])


def ui_search_keystroke(corpus: Path, cache: Path, runs: int) -> float | None:
    """A keystroke in the query bar to the updated list ("marke" <-> "market"), repainted.

    Includes the reader's typing debounce (``SEARCH_DELAY``, 120 ms)."""
    return median_of(_interaction(corpus, cache)["search"])


def _tmux_first_paint(command: str, pattern: str, env: dict[str, str]) -> float | None:
    """Seconds from launching ``command`` in a 120x40 tmux pane to ``pattern`` on screen."""
    import re

    socket = f"tt-bench-{os.getpid()}-{next(_TMUX_SOCKETS)}"  # a fresh server each time
    tmux = ["tmux", "-L", socket]
    wanted = re.compile(pattern)
    shell_env = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    try:
        subprocess.run(
            [*tmux, "-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "120", "-y", "40"],
            check=True, capture_output=True,
        )  # fmt: skip
        time.sleep(0.3)  # let the shell start
        launched = time.perf_counter()
        subprocess.run(
            [*tmux, "send-keys", "-t", "b", f"exec env {shell_env} {command}", "Enter"],
            check=True,
            capture_output=True,
        )
        while time.perf_counter() - launched < 60:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True
            ).stdout
            if wanted.search(screen):
                return time.perf_counter() - launched
            time.sleep(0.005)
        return None
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def _tmux_medians(corpus: Path, cache: Path, runs: int) -> tuple[float, float] | None:
    """(minimal app, tickertape) medians of start to first paint in tmux; None without it."""
    if shutil.which("tmux") is None:
        return None
    key = f"tmux {cache}"
    if key not in _INTERACTION:
        script = Path(tempfile.mkdtemp(prefix="tt-bench-")) / "minimal.py"
        script.write_text(_MINIMAL_APP)
        env = {
            "TICKERTAPE_CACHE_DIR": str(cache),
            "TICKERTAPE_DATA_DIR": str(_ui_state_dir(cache)),
            "TERM": "xterm-256color",
        }
        reader = f"{shlex.quote(str(Path(sys.executable).parent / 'tickertape'))} {corpus}"
        minimal = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
        _tmux_first_paint(minimal, "tickertape-minimal-ready", env)  # warm-up
        _tmux_first_paint(reader, _ROW_DATE, env)
        floors: list[float] = []
        starts: list[float] = []
        for _ in range(runs):  # interleaved, so drift affects both alike
            floor = _tmux_first_paint(minimal, "tickertape-minimal-ready", env)
            start = _tmux_first_paint(reader, _ROW_DATE, env)
            if floor is not None and start is not None:
                floors.append(floor)
                starts.append(start)
        shutil.rmtree(script.parent, ignore_errors=True)
        _INTERACTION[key] = {"floor": median_of(floors), "start": median_of(starts)}
    found = _INTERACTION[key]
    return found["floor"], found["start"]


def ui_minimal_app_tmux(corpus: Path, cache: Path, runs: int) -> float | None:
    """Floor: the minimal Textual app from launch to its word on a tmux screen."""
    medians = _tmux_medians(corpus, cache, runs)
    return None if medians is None else medians[0]


def ui_warm_start_tmux(corpus: Path, cache: Path, runs: int) -> float | None:
    """``tickertape CORPUS`` from launch to the first list row on a tmux screen."""
    medians = _tmux_medians(corpus, cache, runs)
    return None if medians is None else medians[1]


UI_MEASUREMENTS: list[tuple[str, str, UiMeasurement]] = [
    ("UI floor: minimal Textual app, start to first paint, headless", "", ui_minimal_app_start),
    ("UI: warm start to first painted list, headless", "≤ floor + 0.25 s", ui_warm_start_headless),
    ("UI floor: minimal Textual app, start to first paint, tmux", "", ui_minimal_app_tmux),
    ("UI: warm start to first painted list, tmux", "≤ floor + 0.25 s", ui_warm_start_tmux),
    ("UI: key press (j) to repainted list, headless", "< 10 ms", ui_key_to_repaint),
    ("UI: sort key (s) to re-sorted, repainted list", "< 50 ms", ui_sort_change),
    ("UI: collapse key (c) to repainted list", "< 100 ms at 1M", ui_collapse_toggle),
    (
        "UI: search keystroke to repainted list",
        "< 50 ms",
        ui_search_keystroke,
    ),
]
"""Each returns median seconds or None (shown as —); differences are added below them."""


# -- the run -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Table:
    """Rows of (metric, target) with one cell per corpus size."""

    sizes: list[str]
    rows: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def put(self, metric: str, target: str, size: str, cell: str) -> None:
        self.rows.setdefault((metric, target), {})[size] = cell

    def markdown(self) -> str:
        head = "| measurement | target (100k) | " + " | ".join(self.sizes) + " |"
        rule = "|---|---|" + "---:|" * len(self.sizes)
        lines = [head, rule]
        for (metric, target), cells in self.rows.items():
            values = " | ".join(cells.get(size, "—") for size in self.sizes)
            lines.append(f"| {metric} | {target} | {values} |")
        return "\n".join(lines)


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def median_of(values: list[float]) -> float:
    return statistics.median(values)


def ensure_corpus(data: Path, label: str, count: int) -> Path:
    corpus = data / f"corpus-{label}"
    marker = corpus / ".complete"
    want = f"{count} {SEED}"
    if marker.is_file() and marker.read_text() == want:
        return corpus
    shutil.rmtree(corpus, ignore_errors=True)
    print(f"generating {count:,} articles in {corpus} ...", file=sys.stderr)
    sys.path.insert(0, str(HERE))
    from generate_corpus import generate

    generate(corpus, count, SEED)
    marker.write_text(want)
    return corpus


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def bench_size(
    table: Table, data: Path, label: str, count: int, runs: int, build_runs: int
) -> None:
    corpus = ensure_corpus(data, label, count)

    def say(text: str) -> None:
        print(f"[{label}] {text}", file=sys.stderr)

    say("floors")
    floor_read(corpus)  # warm the page cache first
    read = median_of([floor_read(corpus) for _ in range(runs)])
    parse = median_of([floor_read_parse(corpus) for _ in range(max(1, min(runs, build_runs)))])
    textual = median_of([floor_import_textual() for _ in range(runs)])
    python = median_of([floor_python() for _ in range(runs)])
    table.put("floor: list and read every file (warm)", "", label, ms(read))
    table.put("floor: read and parse every file, one process", "", label, ms(parse))
    table.put('floor: `python -c "import textual"`', "", label, ms(textual))
    table.put('floor: `python -c "pass"`', "", label, ms(python))

    builds = []
    warm_cache = Path(tempfile.mkdtemp(prefix="tickertape-bench-"))
    try:
        for run in range(build_runs):
            say(f"cold build {run + 1}/{build_runs}")
            cache = warm_cache if run == build_runs - 1 else Path(tempfile.mkdtemp(prefix="tt-b-"))
            shutil.rmtree(cache, ignore_errors=True)
            builds.append(run_child("build", corpus, cache))
            if cache != warm_cache:
                shutil.rmtree(cache, ignore_errors=True)
        first = median_of([b["first_rows"] for b in builds])
        listed = median_of([b["list_complete"] for b in builds])
        ready = median_of([b["fts_ready"] for b in builds])
        table.put("cold build: first rows visible", "", label, ms(first))
        table.put(
            "cold build: whole list usable (× read+parse floor)", "≤ 2×", label,
            f"{ms(listed)} ({listed / parse:.1f}×)",
        )  # fmt: skip
        table.put("cold build: full-text ready", "< 20 s", label, ms(ready))
        size_mb = sum(p.stat().st_size for p in warm_cache.glob("*.sqlite*")) / 1e6
        table.put("cache size on disk", "", label, f"{size_mb:,.0f} MB")

        say("warm start")
        warm = [run_child("warm", corpus, warm_cache) for _ in range(runs)]
        table.put(
            "warm: open + first 200 rows (after imports)", "", label,
            ms(median_of([w["first_screen"] for w in warm])),
        )  # fmt: skip
        table.put(
            "warm: whole list ordered (after imports)", "", label,
            ms(median_of([w["full_list"] for w in warm])),
        )  # fmt: skip
        table.put(
            "warm: process start to first 200 rows", "", label,
            ms(median_of([w["wall"] for w in warm])),
        )  # fmt: skip
        table.put(
            "warm: `tickertape index`, nothing changed",
            "",
            label,
            ms(median_of([refresh_unchanged(corpus, warm_cache) for _ in range(runs)])),
        )

        say("search")
        latencies = search_latency(corpus, warm_cache, runs)
        table.put(
            "search: median over the queries below",
            "< 15 ms",
            label,
            ms(statistics.median(latencies.values())),
        )
        for text, seconds in latencies.items():
            table.put(f"search `{text}`", "", label, ms(seconds))

        say("sort")
        sorts = sort_change(corpus, warm_cache, runs)
        for key, seconds in sorts.items():
            table.put(f"sort change: {key}", "< 50 ms", label, ms(seconds))
        table.put(
            "page of 60 rows (cursor move past the cached rows)",
            "",
            label,
            ms(page_fetch(corpus, warm_cache, runs)),
        )

        say("memory")
        peak = median_of([run_child("memory", corpus, warm_cache)["peak_mb"] for _ in range(runs)])
        table.put(
            "peak memory: warm open, list, 3 searches, a sort", "< 120 MB", label, f"{peak:,.0f} MB"
        )

        say("UI")
        measured: dict[str, float | None] = {}
        for name, target, measure in UI_MEASUREMENTS:
            try:
                measured[name] = measure(corpus, warm_cache, runs)
            except (subprocess.CalledProcessError, KeyError, ValueError) as error:
                say(f"{name}: failed ({error})")
                measured[name] = None
            table.put(name, target, label, ms(measured[name]))
        for kind in ("headless", "tmux"):
            floor = measured[UI_MEASUREMENTS[0 if kind == "headless" else 2][0]]
            start = measured[UI_MEASUREMENTS[1 if kind == "headless" else 3][0]]
            diff = None if floor is None or start is None else start - floor
            table.put(f"UI: warm start minus minimal app, {kind}", "≤ 0.25 s", label, ms(diff))
    finally:
        shutil.rmtree(warm_cache, ignore_errors=True)
        state = _UI_STATE.pop(str(warm_cache), None)
        if state is not None:
            shutil.rmtree(state, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["_ui"]:
        import asyncio

        what, corpus, cache, state, launch = args_list[1:6]
        result: dict[str, Any] = {}
        try:
            asyncio.run(
                _ui_child(what, Path(corpus), Path(cache), Path(state), float(launch), result)
            )
        except Exception:
            if not result:
                raise
        print(json.dumps(result))
        return 0
    if args_list[:1] == ["busy"]:
        corpus, cache, runs = args_list[1:4]
        busy(Path(corpus), Path(cache), int(runs))
        return 0
    if args_list[:1] == ["_child"]:
        what, corpus, cache = args_list[1:4]
        print(json.dumps(_child(what, Path(corpus), Path(cache))))
        return 0
    parser = argparse.ArgumentParser(description="Benchmark the tickertape cache.")
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 1k, 10k, 100k")
    parser.add_argument("--include-1m", action="store_true", help="also run the 1M corpus")
    parser.add_argument("--runs", type=int, default=5, help="runs per fast measurement")
    parser.add_argument("--build-runs", type=int, default=3, help="cold builds per size")
    parser.add_argument("--data", type=Path, default=Path("bench-data"), help="corpus folder")
    args = parser.parse_args(args_list)
    labels = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    if args.include_1m and "1m" not in labels:
        labels.append("1m")
    unknown = [s for s in labels if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes: {', '.join(unknown)} (use {', '.join(SIZES)})")
    table = Table(labels)
    for label in labels:
        bench_size(table, args.data, label, SIZES[label], args.runs, args.build_runs)
    print(f"Machine: {machine()}\n")
    print(f"Medians of {args.runs} runs ({args.build_runs} for cold builds).\n")
    print(table.markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
