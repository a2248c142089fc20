"""The reader with look-alike links, without a browser, and when background work fails."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.ui.conftest import plain, wait_loaded, wait_until
from tickertape.session import ReaderSession
from tickertape.ui.app import TickertapeApp
from tickertape.ui.widgets.sidebar import Sidebar

AppFactory = Callable[..., TickertapeApp]
LOOKALIKE = "https://аррӏе.com/login"
PUNYCODE = "https://xn--80ak6aa92e.com/login"


def notices(app: TickertapeApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


@pytest.fixture
def lookalike_index(tmp_path: Path) -> Path:
    folder = tmp_path / "lookalike"
    folder.mkdir()
    (folder / "001_0123456789abcdef.txt").write_text(
        f"link: {LOOKALIKE}\n\ntitle: Sign in to your account\n\ncontent: <p>x</p>\n",
        encoding="utf-8",
    )
    return folder


async def test_o_and_y_pass_the_punycode_form_and_warn_about_mixed_scripts(
    make_app: AppFactory, lookalike_index: Path
) -> None:
    app = make_app(lookalike_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("O", "y")
        assert app.opened == [PUNYCODE]  # type: ignore[attr-defined]
        assert app.copied == [PUNYCODE]  # type: ignore[attr-defined]
        shown = notices(app)
        assert any(m.startswith(f"Opening {PUNYCODE}") and "Cyrillic" in m for m in shown)
        assert any(m.startswith(f"Copied {PUNYCODE}") for m in shown)
        assert not any("аррӏе" in m for m in shown)
        await wait_until(pilot, lambda: app.reader.current_article is not None)
        sidebar = app.reader.query_one(Sidebar)
        await wait_until(pilot, lambda: PUNYCODE in plain(sidebar, "#sidebar-body"))
        assert "аррӏе" not in plain(sidebar, "#sidebar-body")


async def test_without_a_browser_o_does_not_say_opening(
    make_app: AppFactory, index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tickertape.core.links.browser_available", lambda: False)
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("O")
        assert app.opened == []  # type: ignore[attr-defined]
        shown = notices(app)
        assert not any("Opening" in m for m in shown)
        assert any(
            m.startswith("Not opened: no web browser") and "https://news.example/chips/rally" in m
            for m in shown
        )


async def test_a_failed_article_load_is_reported_in_words(
    make_app: AppFactory, index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(session: ReaderSession, rowid: int) -> object:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(ReaderSession, "load_article", broken)
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: any("load the article" in m for m in notices(app)))
        message = next(m for m in notices(app) if "load the article" in m)
        assert message == "Could not load the article: Input/output error"
        assert "_load" not in " ".join(notices(app))


async def test_an_unexpected_error_is_reported_without_internal_names(
    make_app: AppFactory, index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(session: ReaderSession, rowid: int) -> object:
        raise KeyError("rowid")

    monkeypatch.setattr(ReaderSession, "load_article", broken)
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: any("load the article" in m for m in notices(app)))
        message = next(m for m in notices(app) if "load the article" in m)
        assert message.startswith("Could not load the article: an unexpected error")
        assert "KeyError" not in message
        assert "_load_article" not in message
