"""The reader as a live view: files that land show up, alerts ring, triage keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, OptionList

from tests.ui.conftest import plain, wait_loaded, wait_until
from tickertape.ui.app import TickertapeApp
from tickertape.ui.screens.alerts import AlertsScreen
from tickertape.ui.screens.save_view import SaveViewScreen

AppFactory = Callable[..., TickertapeApp]


def _article(title: str, ticker: str, day: int = 10) -> str:
    return (
        f"title: {title}\n\nsource: wire.example\n\n"
        f"publishDate: 2024-12-{day:02d}T10:00:00Z\n\nlanguage: en\n\n"
        f"content: <p>{title} about {ticker}.</p>\n"
    )


def _current_title(app: TickertapeApp) -> str:
    row = app.reader.article_list.current_row()
    return row.title if row is not None else ""


async def _following(pilot: Pilot[Any], app: TickertapeApp) -> None:
    await wait_loaded(pilot, app)
    await wait_until(pilot, lambda: bool(app.reader.follow_method))
    await pilot.pause(0.3)  # the watch is set up right after it says how it follows


async def test_files_that_land_show_as_new_rows_without_moving_the_cursor(
    make_app: AppFactory, index: Path
) -> None:
    for n in range(60):  # more rows than the screen holds
        (index / f"old_{n:02d}.txt").write_text(_article(f"Older story {n}", "$AMD", 1))
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await _following(pilot, app)
        await pilot.press("j", "j")
        reading = _current_title(app)
        line = app.reader.article_list.cursor - int(app.reader.article_list.scroll_y)
        for n in range(3):
            (index / f"live_{n}.txt").write_text(_article(f"Live story {n}", "$NVDA", 20 + n))
        await wait_until(pilot, lambda: app.reader.header.total == 69)
        await wait_until(pilot, lambda: len(app.reader.article_list.rowids) == 69)
        assert _current_title(app) == reading
        article_list = app.reader.article_list
        assert article_list.cursor - int(article_list.scroll_y) == line
        assert "3 new" in plain(app, "#header-counts")
        assert "following the folder" in str(app.reader.header.tooltip)


async def test_a_half_written_file_waits_for_its_content_line(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await _following(pilot, app)
        path = index / "slow.txt"
        with path.open("w") as handle:
            handle.write("title: Slow writer\n\n")
            handle.flush()
            await pilot.pause(0.3)
            handle.write("publishDate: 2024-12-20T10:00:00Z\n\ncontent: <p>done</p>\n")
        await wait_until(pilot, lambda: app.reader.header.total == 7)
        rows = app.session.rows(app.reader.article_list.rowids)
        slow = [row for row in rows if row.title == "Slow writer"]
        assert slow
        assert slow[0].lead == ""  # read once complete: it has its date and body
        assert slow[0].published_ms is not None


async def test_ctrl_r_refreshes_now(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        app.reader._follow_stop.set()  # no watch: only ctrl+r can see the file
        (index / "manual.txt").write_text(_article("Seen on ctrl+r", "$AMD"))
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: app.reader.header.total == 7)


async def test_an_alert_rings_once_for_a_matching_article_and_not_for_others(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await _following(pilot, app)
        app.reader.set_query("ticker:NVDA")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SaveViewScreen))
        app.screen.query_one(Checkbox).value = True
        app.screen.query_one(Input).value = "Chips [b]bold[/b]"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, SaveViewScreen))
        assert app.session.views()[0].alert

        (index / "oil.txt").write_text(_article("Oil [red]spills[/red]", "$XOM"))
        await wait_until(pilot, lambda: app.reader.header.total == 7)
        await pilot.pause(0.2)
        assert rings == []
        (index / "chip.txt").write_text(_article("Chip [b]order[/b] lands", "$NVDA"))
        await wait_until(pilot, lambda: app.reader.header.total == 8)
        await wait_until(pilot, lambda: rings == [1])
        shown = [n for n in app._notifications if n.title == "Alert: Chips [b]bold[/b]"]
        assert shown
        assert shown[0].message == "Chip [b]order[/b] lands"
        assert not shown[0].markup
        assert app.session.alert_counts == {"Chips [b]bold[/b]": 1}

        await pilot.press("escape", "a")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: _current_title(app) == "Chip [b]order[/b] lands")


async def test_the_palette_marks_a_view_as_an_alert(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        app.session.save_view("Oil")
        assert not app.session.views()[0].alert
        app.reader.toggle_alert("Oil")
        assert app.session.views()[0].alert


async def test_n_and_shift_n_go_to_unread_articles_and_wrap(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        article_list = app.reader.article_list
        first = article_list.current_row()
        assert first is not None
        await pilot.press("o")  # the first is read now
        await wait_until(pilot, lambda: app.session.flags([first.id])[first.id][0])
        await pilot.press("n")
        await wait_until(pilot, lambda: article_list.cursor == 1)
        await pilot.press("N")  # back past the read one: wraps to the bottom
        await wait_until(pilot, lambda: article_list.cursor == 5)
        assert any("bottom" in str(n.message) for n in app._notifications)


async def test_n_says_when_nothing_is_unread(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        for _ in range(6):
            await pilot.press("o", "j")
        await pilot.press("n")
        await wait_until(
            pilot, lambda: any("No unread" in str(n.message) for n in app._notifications)
        )


async def test_space_pages_the_article_then_goes_to_the_next_unread(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        first = _current_title(app)
        await pilot.press("enter")  # reading it marks it read
        view = app.reader.article_view
        for _ in range(20):
            if view.scroll_y >= view.max_scroll_y:
                break
            await pilot.press("space")
        await pilot.press("space")
        await wait_until(pilot, lambda: _current_title(app) != first)
        assert app.reader.article_list.cursor == 1


async def test_the_header_says_when_unread_only_is_on(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert "unread only" not in plain(app, "#header-counts")
        await pilot.press("u")
        await wait_until(pilot, lambda: "unread only" in plain(app, "#header-counts"))
        await pilot.press("u")
        await wait_until(pilot, lambda: "unread only" not in plain(app, "#header-counts"))


async def test_o_marks_read_and_shift_o_opens_the_link(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        row = app.reader.article_list.current_row()
        assert row is not None
        await pilot.press("o")
        assert app.session.flags([row.id])[row.id][0]
        assert app.opened == []  # type: ignore[attr-defined]
        await pilot.press("O")
        assert app.opened == [row.link]  # type: ignore[attr-defined]


async def test_the_open_facets_dialog_counts_files_that_land(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await _following(pilot, app)
        await pilot.press("t")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "FacetsScreen")
        await pilot.press(*"wire")
        options = app.screen.query_one(OptionList)

        def wire_count() -> int:
            for n in range(options.option_count):
                text = str(options.get_option_at_index(n).prompt)
                if "wire.example" in text:
                    return int(text.split()[0].replace(",", ""))
            return 0

        before = wire_count()
        (index / "late.txt").write_text(_article("Late wire story", "$AMD"))
        await wait_until(pilot, lambda: app.reader.header.total == 7)
        await wait_until(pilot, lambda: wire_count() != before)
        assert wire_count() == before + 1
        assert app.screen.query_one(Input).value == "wire"


async def test_the_open_alerts_list_shows_alerts_that_arrive(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    app.bell = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await _following(pilot, app)
        app.reader.set_query("ticker:NVDA")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SaveViewScreen))
        app.screen.query_one(Checkbox).value = True
        app.screen.query_one(Input).value = "Chips"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, SaveViewScreen))
        await pilot.press("escape", "a")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertsScreen))
        options = app.screen.query_one(OptionList)
        assert options.option_count == 0
        (index / "chip.txt").write_text(_article("Chip order lands", "$NVDA"))
        await wait_until(pilot, lambda: options.option_count == 1)
        assert "Chip order lands" in str(options.get_option_at_index(0).prompt)
