"""Following a folder: batches of changed files, held back until they are complete."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tickertape.core import folder_watch
from tickertape.core.folder_watch import (
    MAX_HOLD_S,
    NOTIFY,
    POLL,
    FolderVanished,
    FolderWatcher,
    choose_method,
    looks_complete,
    relative,
)

ARTICLE = "title: {title}\n\npublishDate: 2025-01-01T10:00:00Z\n\ncontent: <p>body</p>\n"


class Collector:
    """Runs a watcher on a thread and keeps every batch it yields, or the error."""

    def __init__(self, watcher: FolderWatcher) -> None:
        self.watcher = watcher
        self.batches: list[set[str]] = []
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for batch in self.watcher.batches():
                self.batches.append(batch)
        except BaseException as error:  # handed to the test
            self.error = error

    def seen(self) -> set[str]:
        return set().union(*self.batches) if self.batches else set()

    def wait(self, check: object, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():  # type: ignore[operator]
                return
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}: {self.batches} {self.error}")


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


@pytest.mark.parametrize("polling", [False, True])
def test_a_new_file_arrives_in_a_batch(
    tmp_path: Path, stop: threading.Event, polling: bool
) -> None:
    watcher = FolderWatcher(tmp_path, stop, polling=polling, poll_s=0.1)
    collector = Collector(watcher)
    time.sleep(0.3)  # let the watch start before the file is written
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE.format(title="A"))
    collector.wait(lambda: str(path) in collector.seen(), "the new file")
    assert watcher.method.kind == (POLL if polling else NOTIFY)


def test_a_burst_of_files_comes_in_few_batches(tmp_path: Path, stop: threading.Event) -> None:
    collector = Collector(FolderWatcher(tmp_path, stop))
    time.sleep(0.3)
    paths = {str(tmp_path / f"{n:04d}.txt") for n in range(300)}
    for path in sorted(paths):
        Path(path).write_text(ARTICLE.format(title=path))
    collector.wait(lambda: paths <= collector.seen(), "every file of the burst")
    assert len(collector.batches) < 30


def test_the_rescan_sees_changed_and_removed_files(tmp_path: Path, stop: threading.Event) -> None:
    kept = tmp_path / "kept.txt"
    gone = tmp_path / "gone.txt"
    kept.write_text(ARTICLE.format(title="one"))
    gone.write_text(ARTICLE.format(title="two"))
    collector = Collector(FolderWatcher(tmp_path, stop, polling=True, poll_s=0.1))
    time.sleep(0.3)
    kept.write_text(ARTICLE.format(title="one, longer now"))
    gone.unlink()
    collector.wait(lambda: {str(kept), str(gone)} <= collector.seen(), "both changes")


@pytest.mark.parametrize("polling", [False, True])
def test_a_vanished_folder_ends_the_watch(tmp_path: Path, stop: threading.Event,
                                          polling: bool) -> None:  # fmt: skip
    root = tmp_path / "feed"
    root.mkdir()
    collector = Collector(FolderWatcher(root, stop, polling=polling, poll_s=0.1))
    time.sleep(0.3)
    shutil.rmtree(root)
    collector.wait(lambda: collector.error is not None, "the watch to end")
    assert isinstance(collector.error, FolderVanished)


def test_a_file_without_its_content_line_is_held_until_it_has_one(tmp_path: Path) -> None:
    path = tmp_path / "partial.txt"
    path.write_text("title: Half written\n\n")
    pending = folder_watch._Pending()
    pending.add({str(path)}, 0.0)
    assert pending.ready(0.0) == (set(), True)
    assert pending.ready(0.1) == (set(), True)  # its size holds, but no content yet
    path.write_text(ARTICLE.format(title="Half written"))
    assert pending.ready(0.2) == (set(), True)  # it grew: look once more
    assert pending.ready(0.3) == ({str(path)}, False)


def test_a_file_that_never_completes_is_let_through_in_the_end(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_text("title: no content ever\n")
    pending = folder_watch._Pending()
    pending.add({str(path)}, 0.0)
    assert pending.ready(0.1) == (set(), True)
    assert pending.ready(MAX_HOLD_S + 0.1) == ({str(path)}, False)


def test_records_and_removed_files_need_no_content_line(tmp_path: Path) -> None:
    record = tmp_path / "feed.jsonl"
    record.write_text('{"title": "x"}\n')
    assert looks_complete(str(record))
    assert looks_complete(str(tmp_path / "removed.txt"))
    article = tmp_path / "a.txt"
    article.write_text("title: x\n\ncontent: <p>y</p>\n")
    assert looks_complete(str(article))


def test_the_rescan_is_used_when_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKERTAPE_WATCH", "poll")
    method = choose_method(tmp_path)
    assert method.kind == POLL
    assert "rescanning" in method.describe()
    monkeypatch.delenv("TICKERTAPE_WATCH")
    assert choose_method(tmp_path).kind == NOTIFY
    assert "notifications" in choose_method(tmp_path).describe()


def test_paths_become_rels_and_one_outside_asks_for_a_whole_refresh(tmp_path: Path) -> None:
    root = tmp_path / "feed"
    assert sorted(relative(root, {f"{root}/a.txt", f"{root}/sub/b.txt"}) or []) == [
        "a.txt",
        "sub/b.txt",
    ]
    assert relative(root, {f"{tmp_path}/elsewhere.txt"}) is None
