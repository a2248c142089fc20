"""Pool workers that die with the process that started them.

A process pool's workers wait on a pipe for work; when their parent is killed with
SIGKILL nobody closes it cleanly, and they (and so multiprocessing's resource
tracker, which waits for every holder of its pipe) would live on as orphans. Each
worker runs :func:`exit_with_parent` as its initializer: a daemon thread that ends
the worker once its parent is gone. Polling ``os.getppid`` works on every POSIX
system; ``PR_SET_PDEATHSIG`` would not do, as it fires when the *thread* that
started the worker ends, and the reader starts pools from short-lived threads.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Final

POLL_S: Final = 0.5


def exit_with_parent(parent_pid: int) -> None:
    """Start the watch (a pool ``initializer``; ``parent_pid`` is the pool owner's pid)."""
    thread = threading.Thread(
        target=_watch, args=(parent_pid,), name="tickertape-parent-watch", daemon=True
    )
    thread.start()


def _watch(parent_pid: int) -> None:
    while True:
        time.sleep(POLL_S)
        if os.getppid() != parent_pid:  # re-parented: the owner is gone
            os._exit(1)
