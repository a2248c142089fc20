"""The reader under faults: another process building the cache, a state file locked by
another process, a cache folder that cannot be written, a cache damaged while open."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from tests.ui.conftest import wait_loaded, wait_until
from tickertape.core.index import IndexCache
from tickertape.core.index.build import Refresher
from tickertape.core.state import STATE_FILENAME
from tickertape.ui.app import TickertapeApp

AppFactory = Callable[..., TickertapeApp]


def notices(app: App[Any]) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def write_many(root: Path, count: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (root / f"{n:04d}_{n:016x}.txt").write_text(
            f"link: https://news.example/{n}\n\nsource: wire.example\n\n"
            f"title: Story number {n}\n\n"
            f"publishDate: 2024-01-{1 + n % 28:02d}T10:{n % 60:02d}:00Z\n\n"
            f"content: <p>Body of story {n}.</p>\n",
            encoding="utf-8",
        )
    return root


def cache_of(app: TickertapeApp) -> IndexCache:
    index = app.session.index
    assert isinstance(index, IndexCache)
    return index


def row_matches_article(app: TickertapeApp) -> bool:
    row = app.reader.article_list.current_row()
    article = app.reader.current_article
    return row is None or article is None or row.id == article.id


# -- 1. another process builds the cache --------------------------------------------------


class OtherBuilder:
    """What another tickertape process does: hold the refresh lock and build in steps."""

    def __init__(self, root: Path, cache_dir: Path) -> None:
        from tickertape.core.index.build import RefreshLock

        cache = IndexCache.open(root, cache_dir=cache_dir)
        self.db_path = cache.db_path
        cache.close()
        self.root = root
        self.lock = RefreshLock(self.db_path)
        assert self.lock.acquire()

    def build(self) -> None:
        from tickertape.core.index.schema import connect

        conn = connect(self.db_path)
        try:
            Refresher(conn, self.root, lambda *_: None, None).run()
        finally:
            conn.close()

    def finish(self) -> None:
        self.lock.release()


async def test_a_reader_opened_while_another_process_builds_follows_it_to_the_end(
    make_app: AppFactory, tmp_path: Path
) -> None:
    root = write_many(tmp_path / "news", 300)
    other = OtherBuilder(root, tmp_path / "cache")
    app = make_app(root)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: "another" in app.reader.header.status.lower())
            assert any("Another tickertape is updating" in n for n in notices(app))
            other.build()
            await wait_until(pilot, lambda: app.reader.header.total == 300)
            assert "another" in app.reader.header.status.lower()  # still following it
            other.finish()
            await wait_loaded(pilot, app)
            assert app.reader.header.total == 300
            assert app.reader.header.shown == 300
            for _ in range(5):
                await pilot.press("j")
                await wait_until(pilot, lambda: app.reader.current_article is not None)
                await wait_until(pilot, lambda: row_matches_article(app))
                row = app.reader.article_list.current_row()
                assert row is not None
                assert app.reader.current_article is not None
                assert app.reader.current_article.id == row.id
    finally:
        other.finish()


async def test_the_article_shown_is_always_the_highlighted_row_across_a_renumbering(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """A first build renumbers rows into date order at its end: a list holding the old
    numbers must not show one article's row and another's text."""
    root = write_many(tmp_path / "news", 50)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        cache = cache_of(app)
        # What another process's first build leaves behind: every row gets a new number.
        conn = sqlite3.connect(cache.db_path)
        conn.execute("UPDATE articles SET rowid = rowid + 1000")
        conn.execute("UPDATE details SET rowid = rowid + 1000")
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
        conn.commit()
        conn.close()
        app.reader.article_list.invalidate_rows()
        for _ in range(3):
            await pilot.press("j")
            await pilot.pause(0.1)
            row = app.reader.article_list.current_row()
            article = app.reader.current_article
            if row is not None and article is not None:
                assert row.id == article.id


# -- 2. a flag that cannot be saved ---------------------------------------------------------


async def test_a_star_that_cannot_be_saved_stays_visible_as_unsaved_and_the_reader_keeps_going(
    make_app: AppFactory, index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tickertape.core import state_writer

    monkeypatch.setattr(state_writer, "ATTEMPTS", 2)
    monkeypatch.setattr(state_writer, "PAUSE_S", 0.01)
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert app.session.state is not None
        app.session.state.busy_timeout = 0.05
        locker = sqlite3.connect(
            tmp_path / "state" / STATE_FILENAME, isolation_level=None, check_same_thread=False
        )
        locker.execute("BEGIN EXCLUSIVE")
        first = app.reader.current_article.id  # type: ignore[union-attr]
        await pilot.press("asterisk")
        await pilot.press("j")  # the UI did not wait for the write
        assert app.reader.article_list.cursor == 1
        await wait_until(pilot, lambda: any("not saved" in n for n in notices(app)))
        assert app.reader.header.unsaved == 1
        assert app.reader.article_list._flags.get(first, (False, False))[1]  # shown starred
        assert not app.session.state.is_starred(first)
        locker.execute("ROLLBACK")
        locker.close()
        await pilot.press("m")  # the next change retries the one left unsaved
        await wait_until(pilot, lambda: app.reader.header.unsaved == 0)
        assert app.session.state.is_starred(first)
    assert app.return_code in (None, 0)


def test_a_crash_in_the_reader_exits_non_zero(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tickertape import reader

    def explode(self: TickertapeApp) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(TickertapeApp, "on_mount", explode)
    real_run = TickertapeApp.run
    monkeypatch.setattr(
        TickertapeApp, "run", lambda self, **kw: real_run(self, headless=True, **kw)
    )
    assert reader.run_reader([str(index)]) != 0


# -- 5. a cache folder that cannot be written ------------------------------------------------


async def test_a_cache_folder_that_is_a_file_still_shows_every_article_and_says_where(
    index: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "cache-file"
    blocker.write_text("not a folder")
    app = TickertapeApp(index, cache_dir=blocker, state_dir=tmp_path / "state")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert app.reader.header.total == 6
        assert app.reader.header.shown == 6
        (notice,) = [n for n in notices(app) if "cannot be used" in n]
        assert str(blocker) in notice
        assert str(cache_of(app).db_path.parent) in notice


# -- 3. a cache damaged while the reader runs ------------------------------------------------


async def test_a_cache_damaged_under_the_reader_is_rebuilt_with_a_notice(
    make_app: AppFactory, tmp_path: Path
) -> None:
    root = write_many(tmp_path / "news", 400)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        cache = cache_of(app)
        conn = sqlite3.connect(cache.db_path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        size = cache.db_path.stat().st_size
        rng = random.Random(3)
        with open(cache.db_path, "r+b") as handle:
            for page in range(2, size // 4096):
                handle.seek(page * 4096)
                handle.write(rng.randbytes(4096))
        # The pages are in the reader's page cache: make it read them again.
        for reader in (cache._conn, cache._rows_conn):
            if reader is not None:
                reader.execute("PRAGMA cache_size = 0")
                reader.execute("PRAGMA cache_size = -32000")
        app.reader.article_list.invalidate_rows()
        await pilot.press("s")  # sorting, searching and paging now meet the damage
        await pilot.press("G")
        await wait_until(pilot, lambda: any("damaged" in n for n in notices(app)))
        await wait_loaded(pilot, app)
        await wait_until(
            pilot, lambda: app.reader.header.total == 400 and app.reader.header.shown == 400
        )
        assert app.return_code in (None, 0)
