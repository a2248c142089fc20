"""Saving the reader's changes to the state store without making anyone wait.

The state file is shared with other tickertape processes and may be locked by one of
them for seconds, or sit on a full disk. A write made on the UI thread would freeze
the screen for the busy timeout and then fail; here every write goes to one
background thread, in order, and is tried a few times. What could not be saved is
kept: :meth:`StateWriter.flags_for` shows the flag as the user set it, and
:meth:`StateWriter.unsaved` names the articles whose flag is not in the file yet.
They are tried again with the next change, or on :meth:`StateWriter.retry_unsaved`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from tickertape.core.state import StateError, StateStore

ATTEMPTS: Final = 2
"""Tries per write (each waits up to the store's busy timeout, 5 s, for a lock): the user
hears of a failure within about 11 s."""
PAUSE_S: Final = 1.0
"""Pause between tries."""

Flag = Literal["read", "starred"]
_FLAG_NAMES: Final[dict[Flag, str]] = {"read": "read flag", "starred": "star"}


@dataclass(slots=True, frozen=True)
class WriteOutcome:
    """How one write ended: ``what`` the user changed, and if it failed, why."""

    what: str
    ok: bool
    attempts: int
    message: str
    unsaved: int


@dataclass(slots=True, frozen=True)
class _Job:
    what: str
    key: tuple[str, Flag] | None  # a flag change; None for any other write
    write: Callable[[StateStore], None]


class StateWriter:
    """One writer thread in front of a :class:`StateStore`; ``report`` hears every outcome
    (from that thread)."""

    def __init__(
        self,
        store: StateStore,
        report: Callable[[WriteOutcome], None],
        *,
        attempts: int | None = None,
        pause: float | None = None,
    ) -> None:
        self.store = store
        self._report = report
        self._attempts = attempts
        self._pause = pause
        self._lock = threading.Lock()
        self._wanted: dict[tuple[str, Flag], bool] = {}  # queued or unsaved flag values
        self._unsaved: set[tuple[str, Flag]] = set()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tickertape-state", daemon=True)
        self._thread.start()

    # -- what callers use -----------------------------------------------------------

    def set_flag(self, article_id: str, flag: Flag, value: bool) -> None:
        """Set a flag; returns at once. The flag shows as set from now on."""
        key = (article_id, flag)
        with self._lock:
            self._wanted[key] = value
            retry = sorted(self._unsaved - {key})
        for other in retry:
            self._queue_flag(other)
        self._queue_flag(key)

    def write(self, what: str, write: Callable[[StateStore], None]) -> None:
        """Any other change (a setting, a history entry); returns at once."""
        self._jobs.put(_Job(what, None, write))

    def flags_for(self, ids: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        """``(read, starred)`` as the user set them, saved or not."""
        try:
            flags = self.store.flags_for(ids)
        except StateError:
            flags = dict.fromkeys(ids, (False, False))
        with self._lock:
            if not self._wanted:
                return flags
            for article_id in flags:
                read, starred = flags[article_id]
                read = self._wanted.get((article_id, "read"), read)
                starred = self._wanted.get((article_id, "starred"), starred)
                flags[article_id] = (read, starred)
        return flags

    def unsaved(self) -> set[str]:
        """Articles with a flag that could not be saved (yet)."""
        with self._lock:
            return {article_id for article_id, _ in self._unsaved}

    def retry_unsaved(self) -> None:
        """Try the unsaved flags again (in the background)."""
        with self._lock:
            keys = sorted(self._unsaved)
        for key in keys:
            self._queue_flag(key)

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every queued write has been tried (for closing and for tests)."""
        done = threading.Event()
        self._jobs.put(_Job("", None, lambda _: done.set()))
        done.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Finish the queued writes and try the unsaved flags once more (up to
        ``timeout``), then stop the thread; :meth:`unsaved` says what is still unsaved."""
        self.retry_unsaved()
        self._jobs.put(None)
        self._thread.join(timeout)
        self._stop.set()

    # -- the writer thread -------------------------------------------------------------

    def _queue_flag(self, key: tuple[str, Flag]) -> None:
        article_id, flag = key

        def write(store: StateStore) -> None:
            with self._lock:
                value = self._wanted.get(key)
            if value is None:  # saved meanwhile by a later job for the same flag
                return
            if flag == "read":
                store.set_read([article_id], value)
            else:
                store.set_starred([article_id], value)
            with self._lock:
                if self._wanted.get(key) == value:
                    del self._wanted[key]
                self._unsaved.discard(key)

        self._jobs.put(_Job(_FLAG_NAMES[flag], key, write))

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if not job.what:  # a flush marker
                job.write(self.store)
                continue
            self._do(job)

    def _do(self, job: _Job) -> None:
        from tickertape.core import state_writer as settings  # read at call time (tests)

        attempts = self._attempts if self._attempts is not None else settings.ATTEMPTS
        pause = self._pause if self._pause is not None else settings.PAUSE_S
        message = ""
        for attempt in range(1, max(1, attempts) + 1):
            try:
                job.write(self.store)
            except StateError as error:
                message = str(error)
                if attempt < attempts and not self._stop.wait(pause):
                    continue
                with self._lock:
                    if job.key is not None and job.key in self._wanted:
                        self._unsaved.add(job.key)
                    unsaved = len(self._unsaved)
                self._report(WriteOutcome(job.what, False, attempt, message, unsaved))
                return
            except Exception as error:  # a bug must not end the writer thread
                self._report(WriteOutcome(job.what, False, attempt, str(error), len(self._unsaved)))
                return
            with self._lock:
                unsaved = len(self._unsaved)
            self._report(WriteOutcome(job.what, True, attempt, "", unsaved))
            return
