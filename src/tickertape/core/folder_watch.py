"""Following an index folder: which files changed, in batches, once they are complete.

The reader and ``tickertape watch`` refresh the cache when a batch arrives. Changes come
from the operating system's file notifications (``watchfiles``: inotify, FSEvents,
ReadDirectoryChangesW) or, where those are unavailable or unreliable (a network mount,
no inotify watches left), from a cheap periodic rescan of names, sizes and times.

A file still being written is held back: it joins a batch once its size stopped
changing between two looks and, for an article file, once its ``content:`` line is
there. A file that never completes is let through after :data:`MAX_HOLD_S`, so a
broken writer cannot stall the list. Nothing here imports Textual; a caller runs
:meth:`FolderWatcher.batches` on a thread of its own and stops it with an event.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

NOTIFY: Final = "notifications"
POLL: Final = "polling"

SETTLE_S: Final = 0.05
"""How long a changed file's size must hold still before it counts as written."""
MAX_HOLD_S: Final = 3.0
"""A file that still looks incomplete after this long is passed on anyway."""
POLL_S: Final = 5.0
"""Seconds between two rescans when notifications are not used."""
_WAKE_MS: Final = 1000
"""The notification wait wakes this often to see whether the folder is still there."""
_STEP_MS: Final = 50
"""Notifications within this quiet gap join one batch."""
_DEBOUNCE_MS: Final = 400
"""A batch is handed on after this long even while notifications keep coming."""

# Filesystems where inotify misses changes made by other machines.
_NETWORK_FS: Final = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "davfs",
    "fuse.sshfs", "sshfs", "fuse.rclone", "fuse.s3fs", "lustre", "gpfs",
})  # fmt: skip
_CONTENT_LINE: Final = re.compile(rb"(?:^|\n)content:", re.IGNORECASE)
_RECORD_SUFFIXES: Final = (".jsonl", ".ndjson", ".json")


class FolderVanished(Exception):
    """The folder being followed is gone (removed, renamed, unmounted)."""


@dataclass(slots=True, frozen=True)
class WatchMethod:
    """How a folder is followed, and why, in words for the help and ``watch``."""

    kind: str
    reason: str

    def describe(self) -> str:
        if self.kind == NOTIFY:
            return "following the folder with file notifications"
        return f"following the folder by rescanning it every {POLL_S:g} s ({self.reason})"


def network_filesystem(root: Path) -> str | None:
    """The filesystem type of ``root`` when it is a network mount (Linux), else None."""
    try:
        mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    try:
        target = str(root.resolve())
    except OSError:
        return None
    best, best_type = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, best_type = point, fields[2]
    return best_type if best_type in _NETWORK_FS else None


def choose_method(root: Path, *, polling: bool | None = None) -> WatchMethod:
    """Notifications where they work; the rescan when asked (``TICKERTAPE_WATCH=poll``),
    without ``watchfiles``, or on a network mount."""
    if polling or os.environ.get("TICKERTAPE_WATCH", "").lower() == "poll":
        return WatchMethod(POLL, "asked for")
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        return WatchMethod(POLL, "watchfiles is not installed")
    fs = network_filesystem(root)
    if fs is not None:
        return WatchMethod(POLL, f"{fs} is a network filesystem")
    return WatchMethod(NOTIFY, "")


def looks_complete(path: str) -> bool:
    """Whether an article file has its ``content:`` line (records need no such line)."""
    if path.lower().endswith(_RECORD_SUFFIXES):
        return True
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return True  # gone or unreadable: the refresh says what happened
    return _CONTENT_LINE.search(data) is not None


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class _Pending:
    """Changed paths waiting to be complete: path -> (identity at the last look, since)."""

    def __init__(self) -> None:
        self.paths: dict[str, tuple[tuple[int, int] | None, float]] = {}

    def add(self, paths: set[str], now: float) -> None:
        for path in paths:
            if path not in self.paths:
                self.paths[path] = ((-1, -1), now)  # never equal to a first look

    def ready(self, now: float) -> tuple[set[str], bool]:
        """Look at every pending path once: those complete (or held too long) leave.

        Returns the ones that leave, and whether some are still held."""
        done: set[str] = set()
        for path, (seen, since) in list(self.paths.items()):
            now_seen = _identity(path)
            stable = now_seen is None or now_seen == seen
            if (stable and looks_complete(path)) or now - since >= MAX_HOLD_S:
                done.add(path)
                del self.paths[path]
            else:
                self.paths[path] = (now_seen, since)
        return done, bool(self.paths)


def relative(root: Path, paths: set[str]) -> list[str] | None:
    """The index-relative paths (rels) of ``paths``, for a refresh of just those; None
    when one is outside ``root`` (then the whole folder is looked at)."""
    prefix = str(root).rstrip(os.sep) + os.sep
    rels: list[str] = []
    for path in paths:
        if not path.startswith(prefix):
            return None
        rels.append(path[len(prefix) :].replace(os.sep, "/"))
    return rels


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every regular file under ``root`` with its size and time (the rescan's view)."""
    found: dict[str, tuple[int, int]] = {}
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        elif entry.is_file():
                            st = entry.stat()
                            found[entry.path] = (st.st_size, st.st_mtime_ns)
                    except OSError:
                        continue
        except OSError:
            continue
    return found


class FolderWatcher:
    """Batches of changed paths under ``root`` until ``stop`` is set (see the module)."""

    def __init__(
        self,
        root: Path,
        stop: threading.Event,
        *,
        polling: bool | None = None,
        poll_s: float = POLL_S,
    ) -> None:
        self.root = root
        self.stop = stop
        self.method = choose_method(root, polling=polling)
        self.poll_s = poll_s

    def _check_root(self) -> None:
        if not self.root.is_dir():
            raise FolderVanished(f"{self.root} is gone")

    def batches(self) -> Iterator[set[str]]:
        """Yield sets of changed paths (added, changed, moved or removed files), each once
        its files are complete; blocks in between. Raises :class:`FolderVanished`."""
        self._check_root()
        if self.method.kind == NOTIFY:
            try:
                yield from self._settled(self._notified())
                return
            except FolderVanished:
                raise
            except (OSError, RuntimeError) as error:  # no inotify watches left, for one
                self.method = WatchMethod(POLL, f"notifications failed: {error}")
        yield from self._settled(self._rescanned())

    def _settled(self, raw: Iterator[set[str]]) -> Iterator[set[str]]:
        """Hold back incomplete files; pass on the rest as one batch."""
        pending = _Pending()
        for changed in raw:
            now = time.monotonic()
            pending.add(changed, now)
            if not pending.paths:
                continue
            done, waiting = pending.ready(now)
            while waiting and not done and not self.stop.is_set():
                # Look again shortly: most writers finish within a few steps.
                if self.stop.wait(SETTLE_S):
                    return
                done, waiting = pending.ready(time.monotonic())
            if done:
                yield done

    def _notified(self) -> Iterator[set[str]]:
        import logging

        import watchfiles

        # Its "KeyboardInterrupt caught" warning would end up on a script's stderr.
        logging.getLogger("watchfiles").setLevel(logging.ERROR)

        for changes in watchfiles.watch(
            self.root,
            debounce=_DEBOUNCE_MS,
            step=_STEP_MS,
            stop_event=self.stop,
            rust_timeout=_WAKE_MS,
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            self._check_root()
            # Held files are looked at again on the next wake-up, at the latest.
            yield {path for _, path in changes}

    def _rescanned(self) -> Iterator[set[str]]:
        before = snapshot(self.root)
        while not self.stop.wait(self.poll_s):
            self._check_root()
            now = snapshot(self.root)
            changed = {p for p, ident in now.items() if before.get(p) != ident}
            changed |= before.keys() - now.keys()
            before = now
            yield changed
