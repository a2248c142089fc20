"""Live-folder figures for the README, measured on the installed reader in a real terminal.

    python benchmarks/live_bench.py INDEX SOURCE_FOLDER [--burst N] [--probes N] [--idle S]

INDEX is an index folder whose cache is built (TICKERTAPE_CACHE_DIR and
TICKERTAPE_DATA_DIR are passed on to the reader); SOURCE_FOLDER holds article files
not in it (copied in as the new arrivals, under INDEX/live-bench/, removed at the end).
The reader (the ``tickertape`` command beside this Python) runs in tmux at 120x40, and
everything is read off the terminal as a user sees it:

- file closed -> row painted: a probe file is written whole (closed), then the pane is
  captured every few milliseconds until the header's article count (painted with the
  new list) has risen (the list keeps the row under the cursor in place, so a new row
  above it is off screen);
- a burst: N files are written as fast as possible; "absorbed" is when the header's
  article count has risen by N; every count seen on the way is an update the reader
  showed (the fewer, the better);
- key -> repaint while the burst is absorbed: ``j``/``k`` alternately, timed from the
  key sent to the pane changing (with colours, so the cursor's move shows);
- idle CPU: the reader's processes' CPU time (``/proc/PID/stat``) over ``--idle`` s.

The pane capture itself costs a few milliseconds, so the figures are upper bounds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

TMUX = shutil.which("tmux") or "tmux"
COMMAND = Path(sys.executable).with_name("tickertape")
_COUNT = re.compile(r"([\d,]+) articles")


class Pane:
    """The reader in a tmux session of its own server."""

    def __init__(self, index: Path, command: str) -> None:
        self.server = f"live-bench-{uuid.uuid4().hex[:8]}"
        env = {
            key: os.environ[key]
            for key in ("TICKERTAPE_CACHE_DIR", "TICKERTAPE_DATA_DIR", "PATH", "HOME")
            if key in os.environ
        }
        exports = " ".join(f"{key}='{value}'" for key, value in env.items())
        line = f"env {exports} TERM=xterm-256color {command} '{index}'"
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "120", "-y", "40",
                  line)  # fmt: skip

    def tmux(self, *args: str) -> str:
        done = subprocess.run([TMUX, "-L", self.server, *args], capture_output=True, text=True)
        return done.stdout

    def screen(self, colours: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if colours else []), "-t", "main")

    def key(self, key: str) -> None:
        self.tmux("send-keys", "-t", "main", key)

    def pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", "main", "#{pane_pid}").strip())

    def count(self) -> int | None:
        """The article count in the header (the first line that has one)."""
        for line in self.screen().splitlines()[:3]:
            found = _COUNT.search(line)
            if found:
                return int(found.group(1).replace(",", ""))
        return None

    def stop(self) -> None:
        self.tmux("kill-server")


def _until(check: object, timeout: float, step: float = 0.005) -> float:
    start = time.perf_counter()
    while not check():  # type: ignore[operator]
        if time.perf_counter() - start > timeout:
            raise TimeoutError
        time.sleep(step)
    return time.perf_counter() - start


def _key(pane: Pane, down: bool) -> float:
    """Seconds from ``j`` (or ``k``) sent to the pane showing the cursor moved."""
    shown = pane.screen(colours=True)
    sent = time.perf_counter()
    pane.key("j" if down else "k")
    with contextlib.suppress(TimeoutError):
        _until(lambda: pane.screen(colours=True) != shown, 10, 0.002)
    taken = time.perf_counter() - sent
    time.sleep(0.05)
    return taken


def _probe(title: str, n: int, template: bytes) -> bytes:
    """An article dated after every other (so it lands at the top), titled ``title``."""
    text = template.decode("utf-8", "replace")
    text = re.sub(r"(?m)^title:.*$", f"title: {title}", text, count=1)
    text = re.sub(r"(?m)^publishDate:.*$", f"publishDate: 2030-01-01T00:{n // 60:02d}:"
                  f"{n % 60:02d}Z", text, count=1)  # fmt: skip
    return text.encode()


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in ticks
    return total / os.sysconf("SC_CLK_TCK")


def _family(pid: int) -> list[int]:
    """The reader and its child processes (the refresh process, the resource tracker)."""
    found = [pid]
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(proc.name))
    return found


def load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def run(index: Path, source: Path, probes: int, burst: int, idle: float, command: str) -> None:
    sources = sorted(p for p in source.rglob("*.txt"))
    template = sources[0].read_bytes()
    target = index / "live-bench"
    shutil.rmtree(target, ignore_errors=True)
    pane = Pane(index, command)
    try:
        _until(lambda: pane.count() is not None, 600, 0.1)
        print("opened;", load())
        target.mkdir()
        # Two warm-up files, not counted: the first may be seen by the start-up refresh
        # (the folder is followed after it), the second proves the folder is followed.
        for n in range(2):
            shown = pane.count() or 0
            (target / f"warm{n}.txt").write_bytes(_probe(f"Warmup {n} zqxj", 0, template))
            _until(lambda s=shown: (pane.count() or 0) > s, 900, 0.05)
            time.sleep(3.0)
        if idle:
            pids = _family(pane.pid())
            before = _cpu_seconds(pids)
            time.sleep(idle)
            used = _cpu_seconds(pids) - before
            print(f"idle CPU over {idle:.0f} s ({len(pids)} processes): {used:.2f} s = "
                  f"{100 * used / idle:.2f}%; {load()}")  # fmt: skip
        latencies = []
        for n in range(probes):
            title = f"Probe {n} qzxv arrival"
            data = _probe(title, n + 1, sources[n + 1].read_bytes())
            path = target / f"probe_{n}.txt"
            before = pane.count() or 0
            with open(path, "wb") as handle:
                handle.write(data)
            closed = time.perf_counter()
            # The list keeps the row under the cursor where it is, so a row arriving
            # above it is off screen: the header's count, painted with the new list,
            # says it is there.
            _until(lambda b=before: (pane.count() or 0) > b, 120)
            latencies.append(time.perf_counter() - closed)
            time.sleep(1.0)
        if latencies:
            print(f"file closed -> row painted, {probes} probes: median "
                  f"{statistics.median(latencies):.3f} s, max {max(latencies):.3f} s "
                  f"({', '.join(f'{x:.2f}' for x in latencies)}); {load()}")  # fmt: skip
        if not burst:
            return
        # The same key timing with nothing arriving: what the pane capture and the load
        # cost on their own.
        idle_keys = [_key(pane, n % 2 == 0) for n in range(20)]
        idle_keys.sort()
        print(f"key -> repaint with nothing arriving, 20 keys: median "
              f"{statistics.median(idle_keys) * 1000:.0f} ms, max "
              f"{idle_keys[-1] * 1000:.0f} ms; {load()}")  # fmt: skip
        start_count = pane.count() or 0
        folder = target / "burst"
        folder.mkdir()
        time.sleep(1.0)
        start = time.perf_counter()
        for n in range(burst):
            src = sources[(probes + 1 + n) % len(sources)]
            (folder / f"burst_{n}.txt").write_bytes(src.read_bytes())
        written = time.perf_counter()
        keys: list[float] = []
        counts: list[int] = []
        down = True
        while True:
            shown = pane.count() or 0
            if not counts or counts[-1] != shown:
                counts.append(shown)
            if shown >= start_count + burst:
                break
            if time.perf_counter() - written > 300:
                print("burst NOT absorbed within 300 s")
                break
            keys.append(_key(pane, down))
            down = not down
        end = time.perf_counter()
        updates = len([c for c in counts if c != start_count])
        keys.sort()
        print(f"burst of {burst}: written in {written - start:.2f} s, absorbed "
              f"{end - written:.2f} s after the last was closed ({end - start:.2f} s from the "
              f"first); {updates} updates shown ({counts}); {len(keys)} keys meanwhile, "
              f"key -> repaint median {statistics.median(keys) * 1000:.0f} ms, p95 "
              f"{keys[int(len(keys) * 0.95)] * 1000:.0f} ms, max {keys[-1] * 1000:.0f} ms; "
              f"{load()}")  # fmt: skip
    finally:
        pane.stop()
        shutil.rmtree(target, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("index", type=Path)
    parser.add_argument("source", type=Path)
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--idle", type=float, default=0.0)
    parser.add_argument(
        "--command", default=f"'{COMMAND}'",
        help="how to start the reader (to compare another checkout: "
        "'env PYTHONPATH=OTHER/src python -m tickertape')",
    )  # fmt: skip
    args = parser.parse_args()
    run(args.index, args.source, args.probes, args.burst, args.idle, args.command)


if __name__ == "__main__":
    main()
