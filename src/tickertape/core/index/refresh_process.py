"""Live refreshes in a child process of their own, so the reader's interface never waits.

A refresh parses files, extracts their text, inserts rows and carries the sort orders
over: Python work that, run on a thread of the reader's process, holds the interpreter
lock the interface needs to paint (a burst of 10,000 files kept keys waiting for
seconds). One child process, started once when the reader begins to follow the folder
and kept for the run, runs each refresh on its own handle of the cache (as the reader's
refresh thread did) and sends back the figures and notices; the reader's thread only
waits on a pipe. The child ends with the reader (closed, or killed: see
:mod:`tickertape.core.parent_watch`). Where no process can be started, :meth:`run`
answers None and the caller refreshes in its own process as before.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from tickertape.core.index.build import RefreshStats

NICE: Final = 5
"""The child's scheduling niceness: a burst's parsing yields the cores to the reader."""
_JOIN_S: Final = 2.0
"""How long closing waits for the child to end by itself before it is terminated."""


class RefreshFailed(Exception):
    """The child's refresh raised something other than damage (its words)."""


def _serve(conn: Connection, root: str, cache_dir: str, parent: int) -> None:
    """The child: one refresh per request (a tuple of the rels, or of None for the whole
    folder) until the pipe closes."""
    from tickertape.core.index import CacheDamaged, IndexCache
    from tickertape.core.index.build import store_missing_orders
    from tickertape.core.parent_watch import exit_with_parent

    exit_with_parent(parent)
    # Behind the interface when they compete for a core (the pool's workers inherit it).
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICE)
    # Kept open between refreshes (opening checks the schema and attaches nothing, but
    # it is still a few milliseconds a file); opened afresh after a failure.
    cache: IndexCache | None = None
    inode = -1
    conn.send(("ready", None, []))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if not isinstance(request, tuple):
            return
        only: list[str] | None = request[0]
        try:
            if cache is not None and _replaced(cache.db_path, inode):
                cache.close()  # the reader rebuilt it: a new file
                cache = None
            if cache is None:
                cache = IndexCache.open(Path(root), cache_dir=Path(cache_dir))
                inode = _inode(cache.db_path)
            stats = cache.refresh(wait=True, only=only)
        except Exception as error:  # said in words: the parent refreshes in-process
            notices = list(cache.notices) if cache is not None else []
            if cache is not None:
                cache.close()
                cache = None
            if isinstance(error, CacheDamaged):
                conn.send(("damaged", str(error), notices))
            else:
                conn.send(("failed", f"{type(error).__name__}: {error}", notices))
            continue
        conn.send(("ok", stats, list(cache.notices)))
        cache.notices.clear()
        # Idle until the next request: sort the orders a burst left out (a request
        # that arrives stops this between two keys).
        store_missing_orders(cache.db_path, conn.poll)


def _inode(path: Path) -> int:
    try:
        return os.stat(path).st_ino
    except OSError:
        return -1


def _replaced(path: Path, inode: int) -> bool:
    """Whether the cache file is not the one opened (moved aside and built again)."""
    return _inode(path) != inode


class RefreshProcess:
    """The child that refreshes one cache (see the module); one request at a time."""

    def __init__(self, root: Path, cache_dir: Path) -> None:
        self.root = root
        self.cache_dir = cache_dir
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._failed = False

    def start(self) -> bool:
        """Start the child (blocking: run it in a worker); False where none can run."""
        with self._lock:
            return self._ensure()

    def _ensure(self) -> bool:
        if self._closed or self._failed:
            return False
        if self._process is not None and self._process.is_alive():
            return True
        import multiprocessing

        from tickertape.core.index.build import can_start_processes

        if not can_start_processes():
            self._failed = True
            return False
        # spawn, not fork: the reader runs this from a thread of a threaded app.
        context = multiprocessing.get_context("spawn")
        parent_end, child_end = context.Pipe()
        process = context.Process(
            target=_serve,
            args=(child_end, str(self.root), str(self.cache_dir), os.getpid()),
            name="tickertape-refresh",
            daemon=False,  # it starts the build's process pool for a burst
        )
        try:
            process.start()
            child_end.close()
            parent_end.recv()  # "ready": the child has imported the index code
        except (OSError, EOFError, ValueError):
            self._failed = True
            parent_end.close()
            return False
        self._process, self._conn = process, parent_end
        # Ended before multiprocessing's own exit handler would wait for it (handlers
        # run last registered first).
        atexit.register(self.close)
        return True

    def run(self, only: Sequence[str] | None) -> tuple[RefreshStats, list[str]] | None:
        """Refresh (just ``only``, rels, when given) in the child: its figures and
        notices; None when the child is not there (the caller refreshes itself).
        Raises :class:`~tickertape.core.index.CacheDamaged` or :class:`RefreshFailed`."""
        from tickertape.core.index import CacheDamaged

        with self._lock:
            if not self._ensure() or self._conn is None:
                return None
            try:
                self._conn.send((None if only is None else list(only),))
                kind, value, notices = self._conn.recv()
            except (EOFError, OSError):  # the child died (or is being closed)
                self._drop()
                return None
        if kind == "damaged":
            raise CacheDamaged(str(value), self.cache_dir)
        if kind == "failed":
            raise RefreshFailed(str(value))
        return value, list(notices)

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
        self._process = None

    def close(self) -> None:
        """End the child: at once if it is mid-refresh (SQLite rolls the write back)."""
        self._closed = True
        process, conn = self._process, self._conn
        if process is None:
            return
        if process.is_alive():
            process.terminate()  # a refresh in flight is rolled back by SQLite
            process.join(_JOIN_S)
        if conn is not None:
            conn.close()
        self._process = None
