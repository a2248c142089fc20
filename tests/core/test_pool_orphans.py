"""Pool workers of a cache build exit when the process that started them dies (kill -9
of ``tickertape index`` must not leave workers behind)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

_BUILD_AND_WAIT = """
import os, sys, threading
from pathlib import Path
from tickertape.core.index import build as index_build

if __name__ == "__main__":  # spawned workers import this file too
    runner = index_build._Runner(True)
    assert runner.pool is not None
    futures = [runner.pool.submit(os.getpid) for _ in range(8)]
    pids = sorted({f.result() for f in futures})
    from multiprocessing import resource_tracker
    tracker = resource_tracker._resource_tracker._pid
    if tracker is not None:
        pids.append(tracker)  # the tracker must go too
    Path(sys.argv[2]).write_text(" ".join(map(str, pids)))
    threading.Event().wait()
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead but not yet reaped by init
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to see the workers")
def test_pool_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    ready = tmp_path / "pids"
    script = tmp_path / "build.py"
    script.write_text(_BUILD_AND_WAIT)
    parent = subprocess.Popen(
        [sys.executable, str(script), "x", str(ready)], start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() or not ready.read_text():
            assert parent.poll() is None, "the process that starts the pool failed"
            assert time.monotonic() < deadline, "the pool did not start"
            time.sleep(0.1)
        workers = [int(pid) for pid in ready.read_text().split()]
        assert workers
        assert all(_alive(pid) for pid in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in workers if _alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, "pool workers outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()
