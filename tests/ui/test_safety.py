"""Hostile articles: text from an index is shown as text, never run as markup or sent raw."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from tests.ui.conftest import plain, wait_loaded, wait_until
from tickertape.ui.app import TickertapeApp
from tickertape.ui.widgets.article_list import ArticleList

HOSTILE_TITLES = [
    "[@click=app.quit]x[/]",
    "[ @click=app.quit] click me",
    "[b]not bold[/b] [link=https://evil.example]phish[/link]",
    "\x1b]0;pwned\x07 retitled \x1b]52;c;cHduZWQ=\x07 clipboard",
    "\x9b31m C1 CSI \x1b[2J\x1b[H cleared",
    "bidi \u202eevil\u202c and \u2066iso\u2069 zero\u200bwidth",
    "entity &#27;[31m red &#x9b;1m",
]

# What a terminal may legitimately receive from Textual: SGR colours, cursor moves,
# synchronised-update and cursor-visibility modes. Everything else is a leak.
TERMINAL_CONTROL = re.compile(r"\x1b\[[0-9;:]*[mHJK]|\x1b\[\?[0-9;]*[hl]")
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]")


def write_hostile_index(folder: Path) -> Path:
    folder.mkdir()
    for number, title in enumerate(HOSTILE_TITLES, 1):
        body = (
            f"<p>[@click=app.quit]body {number}[/] "
            '<a href="javascript:alert(1)">[@click=app.bell]js link[/]</a> '
            '<a href="https://www.reuters.com/markets/companies/AMZN.O">(AMZN.O)</a> '
            "\x1b]8;;https://evil.example\x1b\\osc8\x1b]8;;\x1b\\</p>"
        )
        text = (
            f"link: javascript:alert({number})\n\nsource: [red]src[/red]\n\n"
            f"title: {title}\n\nsummary: [i]summary[/i] \x1b[5m blink\n\n"
            f"publishDate: 2024-12-0{number}T10:00:00Z\n\ncontent: {body}\n"
        )
        (folder / f"{number:03d}_{number:016x}.txt").write_bytes(
            text.encode("utf-8", "surrogatepass")
        )
    return folder


def terminal_output(app: TickertapeApp) -> str:
    """Everything Textual would write to the terminal for the current screen."""
    update = app.screen._compositor.render_update(full=True)
    return str(update.render_segments(app.console))  # type: ignore[union-attr]


async def test_hostile_titles_render_as_literal_text_and_clicks_run_nothing(
    make_app: Callable[..., TickertapeApp], tmp_path: Path
) -> None:
    app = make_app(write_hostile_index(tmp_path / "hostile"))
    actions: list[str] = []
    original = app.run_action

    async def record(action: object, *args: object, **kwargs: object) -> bool:
        actions.append(str(action))
        return await original(action, *args, **kwargs)  # type: ignore[arg-type]

    app.run_action = record  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        titles = [
            row.title for row in app.reader.article_list._row_source(app.reader.article_list.rowids)
        ]
        assert "[@click=app.quit]x[/]" in titles
        assert "[ @click=app.quit] click me" in titles
        assert any("[b]not bold[/b]" in title for title in titles)

        for row in range(len(titles)):
            await pilot.click(ArticleList, offset=(40, row))
            await wait_until(pilot, lambda: app.reader.current_article is not None)
            await pilot.click("#article-title", offset=(3, 0))
            await pilot.click("#article-body", offset=(2, 0))
            await pilot.click("#article-summary", offset=(2, 0))
            output = TERMINAL_CONTROL.sub("", terminal_output(app))
            assert "retitled" in output  # the hostile titles are on screen, in the list
            assert not UNSAFE.search(output), repr(UNSAFE.search(output))
            assert "pwned" not in output or "]0;" not in output
        assert app.is_running
        assert not [action for action in actions if "quit" in action or "bell" in action]

        body = plain(app, "#article-body")
        assert "[@click=app.quit]body" in body
        assert "[@click=app.bell]js link[/]" in body
        assert "[red]src[/red]" in plain(app, "#sidebar-body")
        assert "[i]summary[/i]" in str(
            app.reader.article_view.query_one("#article-summary", Static).visual
        )

        await pilot.press("O", "y")
        assert app.opened == []  # type: ignore[attr-defined]
        assert app.copied == []  # type: ignore[attr-defined]
        await pilot.press("l")
        await pilot.press("enter")  # the article's javascript: link, refused
        assert app.opened == []  # type: ignore[attr-defined]
        assert app.is_running


async def test_notifications_show_hostile_links_as_text(
    make_app: Callable[..., TickertapeApp], tmp_path: Path
) -> None:
    folder = tmp_path / "notify"
    folder.mkdir()
    (folder / "001_0000000000000001.txt").write_text(
        "link: https://news.example/[@click=app.quit]x[/]\n\ntitle: t\n\ncontent: <p>x</p>\n"
    )
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("y")
        await pilot.pause(0.2)
        messages = [str(n.message) for n in app._notifications]
        assert any("[@click=app.quit]x[/]" in m for m in messages)
        assert all(not n.markup for n in app._notifications)
        assert app.is_running
