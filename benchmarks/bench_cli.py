"""Benchmark what a user waits for outside the reader's own loop: whole commands with a
warm cache, text searches against ripgrep, and the peak memory of the real reader.

    python benchmarks/bench_cli.py --corpus bench-data/corpus-100k --cache /tmp/c

Every command is a new process, as a user runs it; each figure is the median of
``--runs`` of wall time and of CPU time (user + system of the child: less sensitive to
other work on the machine than wall time, so both are reported, with the load average).
Bytecode is written and used (``PYTHONDONTWRITEBYTECODE`` is dropped), as in an
installed copy. The reader's memory is the ``VmHWM`` line of ``/proc/PID/status`` of
the ``tickertape`` process itself in a 120x40 tmux pane: after the first painted row,
after ``G g j``, and once it has been idle for two seconds (its refresh after the
first paint included).
Sort and reverse are timed in the same real reader: from the ``s`` or ``r`` key sent to
the pane until the pane's list rows differ from those before them (``capture-pane``
polled back to back, a few milliseconds a poll).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMAND = Path(sys.executable).with_name("tickertape")


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["TICKERTAPE_CACHE_DIR"] = str(cache)
    env["TICKERTAPE_DATA_DIR"] = str(cache.parent / (cache.name + "-data"))
    return env


def timed(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of running ``argv`` with its output thrown away."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def top_code(corpus: Path, env: dict[str, str]) -> str:
    out = subprocess.run(
        [str(COMMAND), "tickers", str(corpus), "--limit", "1", "--format", "csv"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return out.splitlines()[1].split(",")[0]


def commands(corpus: Path, env: dict[str, str], words: list[str], runs: int) -> list[str]:
    """Table rows for the whole commands."""
    tt = str(COMMAND)
    path = str(corpus)
    code = top_code(corpus, env)
    cases: list[tuple[str, list[str]]] = [
        ("list --limit 50", [tt, "list", path, "--limit", "50"]),
        *[(f"list -q {w} --limit 50", [tt, "list", path, "-q", w, "--limit", "50"]) for w in words],
        ("stats", [tt, "stats", path]),
        ("tickers (whole index)", [tt, "tickers", path]),
        (f"trend {code}", [tt, "trend", code, path]),
        (
            "list --refresh --limit 50 (every file compared)",
            [tt, "list", path, "--refresh", "--limit", "50"],
        ),
        ("index (every file compared)", [tt, "index", path]),
    ]
    rows: list[str] = []
    for name, argv in cases:
        wall, cpu = timed(argv, env, runs)
        rows.append(f"| {name} | {wall * 1000:,.0f} ms | {cpu * 1000:,.0f} ms |")
        print(rows[-1], file=sys.stderr)
    if shutil.which("rg"):
        for word in words:
            count = subprocess.run(
                [tt, "list", path, "-q", word, "--format", "jsonl"], env=env,
                capture_output=True, text=True, check=True,
            ).stdout.count("\n")  # fmt: skip
            ours = timed([tt, "list", path, "-q", word, "--format", "jsonl"], env, runs)
            rg = timed(["rg", "-l", "-i", "-w", word, path], env, runs)
            rows.append(
                f"| list -q {word} --format jsonl ({count:,} hits) against rg -l -i -w | "
                f"{ours[0]:.2f} s vs {rg[0]:.2f} s | {ours[1]:.2f} s vs {rg[1]:.2f} s |"
            )
            print(rows[-1], file=sys.stderr)
    return rows


def vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def reader_pid(pane: int) -> int:
    """The reader's own process: the pane's, or the first descendant running it (a
    shell may stand between; ``env`` execs in place)."""
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        todo = [pane]
        while todo:
            pid = todo.pop()
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"tickertape" in cmdline and b"python" in cmdline:
                return pid
            todo.extend(children.get(pid, []))
        time.sleep(0.1)
    return pane


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


class _ReaderPane:
    """The installed reader on ``corpus`` in a 120x40 pane of a private tmux server."""

    def __init__(self, corpus: Path, env: dict[str, str], name: str) -> None:
        self.tmux = ["tmux", "-L", f"tt-bench-{name}-{os.getpid()}"]
        shell_env = " ".join(
            f"{k}={shlex.quote(v)}"
            for k, v in env.items()
            if k.startswith(("TICKERTAPE_", "PATH", "HOME", "PYTHONPATH"))
        )
        reader = f"{shlex.quote(str(COMMAND))} {shlex.quote(str(corpus))}"
        self.command = f"env TERM=xterm-256color {shell_env} {reader}"
        self.pid = 0

    def __enter__(self) -> _ReaderPane:
        subprocess.run(
            [*self.tmux, "-f", "/dev/null", "new-session", "-d", "-s", "m", "-x", "120",
             "-y", "40", self.command],
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run([*self.tmux, "set", "-g", "window-size", "manual"], capture_output=True)
        pane = subprocess.run(
            [*self.tmux, "display-message", "-p", "-t", "m", "#{pane_pid}"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        self.pid = reader_pid(int(pane))
        return self

    def __exit__(self, *_: object) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)

    def screen(self) -> list[str]:
        return subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", "m"], capture_output=True, text=True
        ).stdout.splitlines()

    def send(self, key: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", "m", key], check=True)

    def wait_for_rows(self, seconds: float = 120) -> None:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline and not _list_rows(self.screen()):
            time.sleep(0.05)

    def wait_idle(self, seconds: float = 300) -> None:
        """Until the reader has used no CPU for 2 s (its refresh and counts done)."""
        deadline = time.perf_counter() + seconds
        last, still = cpu_ticks(self.pid), 0.0
        while still < 2.0 and time.perf_counter() < deadline:
            time.sleep(0.5)
            now = cpu_ticks(self.pid)
            still = still + 0.5 if now - last <= 2 else 0.0
            last = now


_ANY_DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b|\b[A-Z][a-z]{2} \d\d \d\d:\d\d\b")


def _list_rows(screen: list[str]) -> list[str]:
    """The lines of the list (those with a date; a test corpus may be of any year)."""
    return [line for line in screen if _ANY_DATE.search(line)]


def reader_memory(corpus: Path, env: dict[str, str]) -> dict[str, float | None]:
    """VmHWM of the reader in tmux: first row painted, after G g j, once idle."""
    out: dict[str, float | None] = {}
    with _ReaderPane(corpus, env, "mem") as pane:
        pane.wait_for_rows()
        out["first row painted"] = vm_hwm_mb(pane.pid)
        for key in ("G", "g", "j"):
            pane.send(key)
            time.sleep(0.5)
        out["after G g j"] = vm_hwm_mb(pane.pid)
        pane.wait_idle()
        out["idle (its refresh done)"] = vm_hwm_mb(pane.pid)
    return out


def reader_sort_repaint(corpus: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    """Median milliseconds from ``s`` (next sort key) and from ``r`` (reverse) sent to
    the reader in tmux to its list rows repainted, once the reader is idle."""
    out: dict[str, float] = {}
    with _ReaderPane(corpus, env, "sort") as pane:
        pane.wait_for_rows()
        pane.wait_idle()
        for key in ("s", "r"):
            times: list[float] = []
            for _ in range(runs):
                before = _list_rows(pane.screen())
                began = time.perf_counter()
                pane.send(key)
                while time.perf_counter() - began < 3:
                    if _list_rows(pane.screen()) != before:
                        times.append(time.perf_counter() - began)
                        break  # (a sort that leaves the rows as they were is not counted)
                time.sleep(1.6)  # the "Sorted by" notice is gone, the reader idle
            if times:
                out[key] = statistics.median(times) * 1000
            print(f"{key}: {sorted(round(t * 1000, 1) for t in times)}", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True, help="cache folder (built if empty)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--words", default="yen,said,market", help="search words, rare to broad")
    parser.add_argument("--skip-commands", action="store_true")
    parser.add_argument("--skip-reader", action="store_true")
    args = parser.parse_args(argv)
    env = _env(args.cache)
    if not any(args.cache.glob("*.sqlite")):
        print("building the cache once…", file=sys.stderr)
        subprocess.run([str(COMMAND), "index", str(args.corpus)], env=env, check=True)
    subprocess.run([str(COMMAND), "list", str(args.corpus), "--limit", "1"], env=env,
                   check=True, capture_output=True)  # fmt: skip  # bytecode, folder times
    load = os.getloadavg()[0]
    print(f"corpus {args.corpus}, load average at start {load:.1f} on {os.cpu_count()} cores")
    if not args.skip_commands:
        print("| command (warm cache, nothing changed) | wall | CPU |")
        print("|---|---:|---:|")
        for row in commands(args.corpus, env, args.words.split(","), args.runs):
            print(row)
    if not args.skip_reader and shutil.which("tmux"):
        for name, mb in reader_memory(args.corpus, env).items():
            print(f"| reader VmHWM, {name} | {'-' if mb is None else f'{mb:,.0f} MB'} |")
        for key, median in reader_sort_repaint(args.corpus, env, args.runs * 2).items():
            what = "s (next sort key)" if key == "s" else "r (reverse)"
            print(f"| reader, {what} to repainted rows, tmux | {median:,.1f} ms |")
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
