"""The reader, driven key by key and click by click with Textual's Pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.style import Style
from textual.widgets import Input, OptionList, Static

from tests.ui.conftest import focused, plain, wait_loaded, wait_until
from tickertape.ui.app import TickertapeApp
from tickertape.ui.screens.facets import FacetsScreen
from tickertape.ui.screens.help import HelpScreen
from tickertape.ui.screens.links import LinkListScreen
from tickertape.ui.screens.warnings import WarningsScreen
from tickertape.ui.widgets.article_list import ArticleList, ListHeader
from tickertape.ui.widgets.article_view import NAME_STYLE, TICKER_STYLE, ArticleView
from tickertape.ui.widgets.query_bar import QueryBar
from tickertape.ui.widgets.sidebar import Sidebar

AppFactory = Callable[..., TickertapeApp]


def titles(app: TickertapeApp) -> list[str]:
    article_list = app.reader.article_list
    return [
        row.title
        for row in (article_list.row_at(i) for i in range(len(article_list.rowids)))
        if row
    ]


def current_title(app: TickertapeApp) -> str:
    row = app.reader.article_list.current_row()
    assert row is not None
    return row.title


def header_text(app: TickertapeApp) -> str:
    """The counts in the header, as shown."""
    return plain(app, "#header-counts")


async def test_opens_with_the_newest_article_selected_and_shown(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert current_title(app) == "Chipmakers rally as export rules ease"
        assert app.reader.current_article is not None
        assert app.reader.current_article.title == "Chipmakers rally as export rules ease"
        assert app.reader.header.total == 6
        assert app.reader.header.shown == 6
        assert not app.reader.header.filtered


async def test_j_k_g_and_shift_g_move_the_cursor(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j")
        assert app.reader.article_list.cursor == 1
        await pilot.press("down", "down")
        assert app.reader.article_list.cursor == 3
        await pilot.press("k")
        assert app.reader.article_list.cursor == 2
        await pilot.press("G")
        assert app.reader.article_list.cursor == 5
        await pilot.press("g")
        assert app.reader.article_list.cursor == 0
        await pilot.press("pagedown")
        assert app.reader.article_list.cursor == 5
        await pilot.press("pageup")
        assert app.reader.article_list.cursor == 0


async def test_moving_the_cursor_shows_that_article(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j")
        await wait_until(
            pilot,
            lambda: (
                app.reader.current_article is not None
                and app.reader.current_article.title.startswith("Cloud unit")
            ),
        )
        assert "cloud.example" in plain(app, "#sidebar-body")


async def test_enter_reads_the_article_and_escape_returns_to_the_list(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert app.session.state is not None
        assert app.reader.current_article is not None
        article_id = app.reader.current_article.id
        assert not app.session.state.is_read(article_id)
        await pilot.press("enter")
        assert focused(app) is app.reader.article_view
        await wait_until(
            pilot, lambda: app.session.state is not None and app.session.state.is_read(article_id)
        )
        await pilot.press("escape")
        assert focused(app) is app.reader.article_list


async def test_moving_over_an_article_does_not_mark_it_read(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j", "j")
        await pilot.pause(0.2)
        assert app.session.state is not None
        assert app.session.state.read_ids() == set()


async def test_brackets_move_between_articles_from_inside_the_view(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter", "right_square_bracket")
        assert app.reader.article_list.cursor == 1
        await wait_until(
            pilot,
            lambda: (
                app.reader.current_article is not None
                and app.reader.current_article.title.startswith("Cloud unit")
            ),
        )
        assert focused(app) is app.reader.article_view
        await pilot.press("left_square_bracket")
        assert app.reader.article_list.cursor == 0


async def test_s_cycles_the_sort_and_keeps_the_selection(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j", "j")  # Retailer cuts outlook...
        selected = current_title(app)
        await pilot.press("s")
        await wait_until(
            pilot, lambda: app.session.sort_key == "title" and titles(app)[0].startswith("Bank")
        )
        assert titles(app) == sorted(titles(app))
        assert current_title(app) == selected
        await pilot.press("r")
        await wait_until(pilot, lambda: titles(app)[0].startswith("Retailer"))
        assert current_title(app) == selected


async def test_clicking_a_column_header_sorts_by_it(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        header = app.query_one(ListHeader)
        source = next(c for c in header.columns() if c.key == "source")
        await pilot.click(ListHeader, offset=(source.start + 1, 0))
        await wait_until(pilot, lambda: app.session.sort_key == "source")
        await wait_until(pilot, lambda: titles(app)[0].startswith("Markets brief"))  # brief.example


async def test_clicking_a_row_selects_it_and_a_double_click_reads_it(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.click(ArticleList, offset=(30, 3))
        assert app.reader.article_list.cursor == 3
        await pilot.double_click(ArticleList, offset=(30, 2))
        assert app.reader.article_list.cursor == 2
        assert focused(app) is app.reader.article_view


async def test_mouse_wheel_scrolls_the_list(make_app: AppFactory, tmp_path: Path) -> None:
    from tests.ui.articles import ARTICLES, article_text

    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(120):
        # Each its own story (another link and text), so that the list has 120 rows.
        article = dict(
            ARTICLES[number % len(ARTICLES)],
            title=f"Story {number:03d}",
            link=f"https://news.example/{number}",
            content=f"<p>Report {number} counts {number * 7919} of {number * 31} items</p>",
        )
        (folder / f"{number:03d}_{number:016x}.txt").write_text(article_text(article))
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        for _ in range(3):
            await pilot._post_mouse_events([events.MouseScrollDown], ArticleList, offset=(10, 5))
        await pilot.pause(0.2)
        assert app.reader.article_list.scroll_y > 0


async def test_slash_filters_as_you_type_and_the_header_counts(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"ticker:AMZN")
        await wait_until(pilot, lambda: app.reader.header.shown == 2)
        assert app.reader.header.filtered
        assert app.reader.header.total == 6
        assert "2 of 6 articles" in header_text(app)
        assert set(titles(app)) == {
            "Cloud unit shows new servers built on its own chips",
            "Retailer cuts outlook as holiday demand cools",
        }


async def test_a_bad_query_shows_its_error_and_keeps_the_last_result(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"oil")
        await wait_until(pilot, lambda: app.reader.header.shown == 1)
        await pilot.press(*" after:2024-13-45")
        await pilot.pause(0.3)
        error = app.query_one("#query-error")
        assert error.display
        assert "invalid date at column" in plain(app, "#query-error")
        assert app.reader.header.shown == 1
        await pilot.press("ctrl+u")
        await wait_until(pilot, lambda: app.reader.header.shown == 6)
        assert not error.display


async def test_query_history_walks_with_up_and_down(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"oil", "enter")
        await pilot.press("slash", "ctrl+u", *"bank", "enter")
        await pilot.press("slash", "ctrl+u")
        bar = app.query_one(QueryBar)
        await pilot.press("up")
        assert bar.input.value == "bank"
        await pilot.press("up")
        assert bar.input.value == "oil"
        await pilot.press("down", "down")
        assert bar.input.value == ""
        await pilot.press("escape")
        assert focused(app) is app.reader.article_list


async def test_search_terms_are_highlighted_in_the_article(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"licences", "enter")
        await wait_until(
            pilot, lambda: app.reader.header.shown == 1 and app.reader.terms == ("licences",)
        )
        body = app.reader.article_view.query_one("#article-body", Static).visual
        assert isinstance(body, Content)
        marked = [
            body.plain[span.start : span.end] for span in body.spans if "reverse" in str(span.style)
        ]
        assert "licences" in marked


async def test_o_opens_the_link_through_the_link_check(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("O")
        assert app.opened == ["https://news.example/chips/rally"]  # type: ignore[attr-defined]


async def test_o_refuses_a_javascript_link_and_says_why(
    make_app: AppFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "001_0123456789abcdef.txt").write_text(
        "link: javascript:alert(1)\n\ntitle: Bad link\n\ncontent: <p>x</p>\n"
    )
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("O", "y")
        assert app.opened == []  # type: ignore[attr-defined]
        assert app.copied == []  # type: ignore[attr-defined]
        messages = [str(n.message) for n in app._notifications]
        assert any("Not opened" in m and "javascript" in m for m in messages)
        assert any("Not copied" in m for m in messages)


async def test_y_copies_the_link(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("y")
        assert app.copied == ["https://news.example/chips/rally"]  # type: ignore[attr-defined]
        assert any(
            "Copied https://news.example/chips/rally" in str(n.message) for n in app._notifications
        )


async def test_link_list_opens_copies_and_filters_by_ticker(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("l")
        assert isinstance(app.screen, LinkListScreen)
        options = app.screen.query_one(OptionList)
        values = [entry.value for entry in app.reader.link_entries()]
        assert values[:3] == ["https://news.example/chips/rally", "NVDA.O", "AMD.O"]
        assert "https://news.example/research/note" in values
        # The numbered link: highlight it and copy.
        options.highlighted = values.index("https://news.example/research/note")
        await pilot.press("y")
        assert app.copied == ["https://news.example/research/note"]  # type: ignore[attr-defined]
        await pilot.press("l")
        app.screen.query_one(OptionList).highlighted = 0
        await pilot.press("enter")
        assert app.opened == ["https://news.example/chips/rally"]  # type: ignore[attr-defined]
        await pilot.press("l")
        app.screen.query_one(OptionList).highlighted = 1
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: app.session.query_text == "ticker:NVDA.O" and app.reader.header.shown == 1,
        )


async def test_clicking_a_ticker_in_the_article_filters_by_it(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j")  # the cloud article: Amazon (AMZN.O) ...
        await wait_until(
            pilot,
            lambda: (
                app.reader.current_article is not None
                and "AMZN.O" in app.reader.current_article.tickers
            ),
        )
        x = plain(app, "#article-body").index("AMZN.O")
        await pilot.click("#article-body", offset=(x + 1, 0))
        await wait_until(
            pilot,
            lambda: app.session.query_text == "ticker:AMZN.O" and app.reader.header.shown == 2,
        )


async def test_b_hides_and_shows_the_sidebar(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        sidebar = app.query_one(Sidebar)
        assert sidebar.display
        await pilot.press("b")
        assert not sidebar.display
        await pilot.press("b")
        assert sidebar.display


async def test_sidebar_shows_every_field(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 60)) as pilot:
        await wait_loaded(pilot, app)
        await wait_until(pilot, lambda: bool(app.reader.ticker_stats))
        text = plain(app, "#sidebar-body")
        for expected in (
            "SOURCE", "wire.example", "PUBLISHED", "2024-12-05 14:30 UTC", "LANGUAGE", "en",
            "SENTIMENT", "▲ positive", "CONFIDENCE", "0.93", "TICKERS", "NVDA.O", "1 article",
            "LINK", "https://news.example/chips/rally", "ID", "a1a1a1a1a1a1a1a1", "FILE",
            "001_a1a1a1a1a1a1a1a1.txt",
        ):  # fmt: skip
            assert expected in text, expected


async def test_w_shows_every_warning(make_app: AppFactory, index: Path) -> None:
    (index / "007_0000000000000007.txt").write_text(
        "title: Odd\n\nconfidence: 7\n\ncontent: <p>text</p>\n"
    )
    (index / "binary.bin").write_bytes(bytes(range(256)) * 8)
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await wait_until(pilot, lambda: app.reader.header.warnings >= 2)
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, WarningsScreen))
        options = app.screen.query_one("#warnings-log", OptionList)
        log_lines = "\n".join(
            str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
        )
        assert "confidence: " in log_lines  # the kind, then its files
        assert "007_0000000000000007.txt" in log_lines
        assert "binary.bin" in log_lines
        assert log_lines.index("binary.bin") < log_lines.index("007_")  # skipped files first
        await pilot.press("escape")
        assert not isinstance(app.screen, WarningsScreen)


async def test_question_mark_lists_every_key(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = plain(app.screen, "#help-body")
        for description in (
            "Search",
            "Sort",
            "Reverse",
            "Open",
            "Copy link",
            "Links",
            "Sidebar",
            "Warnings",
            "Facets",
            "Star",
            "Read/unread",
            "Unread only",
            "Save view",
            "Previous article",
            "Next article",
            "Back to list",
            "Quit",
            "ticker:NVDA",
        ):
            assert description in text, description
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_offers_every_action(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        titles_ = {command.title for command in app.get_system_commands(app.screen)}
        for binding in app.reader.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action.startswith("apply_view"):
                continue  # saved views are offered by name (see the views test)
            if binding.action not in {"app.quit", "app.command_palette"}:
                assert binding.description in titles_
        assert "Theme" in titles_
        for pane_action in ("Read", "First article", "Next article", "Back to list"):
            assert pane_action in titles_
        await pilot.press("ctrl+p")
        await pilot.press(*"facets", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FacetsScreen))


async def test_star_and_read_toggles_and_unread_only(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert app.session.state is not None
        first = app.reader.current_article.id  # type: ignore[union-attr]
        await pilot.press("asterisk")
        await wait_until(pilot, lambda: app.session.state.is_starred(first))  # type: ignore[union-attr]
        await pilot.press("m")
        await wait_until(pilot, lambda: app.session.state.is_read(first))  # type: ignore[union-attr]
        await wait_until(pilot, lambda: app.reader.header.unread == 5)
        await pilot.press("u")
        await wait_until(pilot, lambda: app.reader.header.shown == 5)
        await pilot.press("u")
        await wait_until(pilot, lambda: app.reader.header.shown == 6)
        await pilot.press("slash", *"is:starred", "enter")
        await wait_until(pilot, lambda: app.reader.header.shown == 1)


async def test_saved_views_apply_from_number_keys(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"sentiment:neutral", "enter")
        await wait_until(pilot, lambda: app.reader.header.shown == 2)
        await pilot.press("ctrl+s")
        await pilot.press(*"calm", "enter")
        assert app.session.state is not None
        assert [v.name for v in app.session.state.views()] == ["calm"]
        await pilot.press("slash", "ctrl+u", "enter")
        await wait_until(pilot, lambda: app.reader.header.shown == 6)
        await pilot.press("1")
        await wait_until(pilot, lambda: app.reader.header.shown == 2)
        titles_ = {command.title for command in app.get_system_commands(app.screen)}
        assert "View: calm" in titles_


async def test_facets_add_a_term_to_the_query(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, FacetsScreen))
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        tickers = prompts.index(next(p for p in prompts if p.startswith("Tickers")))
        assert "AMZN.O" in prompts[tickers + 1]  # the most frequent ticker comes first
        options.highlighted = tickers + 1
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: app.session.query_text == "ticker:AMZN.O" and app.reader.header.shown == 2,
        )


async def test_state_survives_a_restart(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("asterisk")
        app.theme = "nord"
        await pilot.pause(0.1)
    again = make_app(index)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, again)
        assert again.session.state is not None
        assert again.session.state.is_starred("a1a1a1a1a1a1a1a1")
        await wait_until(pilot, lambda: again.theme == "nord")


async def test_empty_index_says_so(make_app: AppFactory, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app(empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(
            pilot,
            lambda: (
                app.session.index is not None
                and not app.session.building
                and app.reader.header.status == ""
            ),
        )
        await pilot.pause(0.2)
        assert "0 articles" in header_text(app)
        await pilot.press("j", "O", "y", "l", "enter")
        assert app.opened == []  # type: ignore[attr-defined]


async def test_q_quits(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("q")
        await pilot.pause(0.1)
    assert app.return_code in (0, None)


async def test_article_view_takes_focus_when_clicked_and_marks_read(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.click(ArticleView, offset=(5, 1))
        assert focused(app) is app.reader.article_view
        assert app.session.state is not None
        await wait_until(pilot, lambda: app.session.state.is_read("a1a1a1a1a1a1a1a1"))  # type: ignore[union-attr]


async def test_articles_new_since_the_last_run_are_counted_and_marked(
    make_app: AppFactory, index: Path
) -> None:
    from tests.ui.articles import ARTICLES, article_text

    first = make_app(index)
    async with first.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, first)
        assert first.reader.header.new == 0
    article = dict(
        ARTICLES[0],
        title="A fresh story",
        publishDate="2024-12-06T08:00:00Z",
        link="https://news.example/fresh",  # its own story, not a version of the first
        content="<p>Ports reopened on Friday after the storm passed the coast.</p>",
    )
    (index / "008_0000000000000008.txt").write_text(article_text(article))
    again = make_app(index)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, again)
        await wait_until(pilot, lambda: again.reader.header.new == 1)
        assert "1 new" in header_text(again)
        rows = [
            again.reader.article_list.row_at(i)
            for i in range(len(again.reader.article_list.rowids))
        ]
        new = [
            row.title
            for row in rows
            if row is not None and row.rowid in again.reader.article_list._new
        ]
        assert new == ["A fresh story"]


async def test_several_paths_open_as_one_index(make_app: AppFactory, tmp_path: Path) -> None:
    from tests.ui.articles import write_index
    from tickertape.core.paths import combined_root

    first = write_index(tmp_path / "first")
    second = tmp_path / "second"
    second.mkdir()
    (second / "009_0000000000000009.txt").write_text(
        "title: From the second folder\n\npublishDate: 2025-01-01T00:00:00Z\n\ncontent: <p>x</p>\n"
    )
    app = make_app(combined_root([first, second]))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert app.reader.header.total == 7
        assert current_title(app) == "From the second folder"
        assert app.reader.current_article is not None
        assert app.reader.current_article.path == "second/009_0000000000000009.txt"


async def test_a_first_build_relists_as_batches_arrive_and_a_warm_scan_does_not(
    make_app: AppFactory, index: Path
) -> None:
    from tickertape.core.index import RefreshProgress
    from tickertape.ui import messages

    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        before = app.session.generation
        step = RefreshProgress("scanning", 3, None, 0, 0, 0)
        app.reader.post_message(messages.BuildProgress(step))
        await pilot.pause(0.1)
        assert app.session.generation == before  # a warm start's scan changes nothing on screen
        app.session.was_built = False  # as during a first build
        await pilot.pause(0.6)  # past the half-second between two re-lists
        step = RefreshProgress("reading", 2, 6, 0, 0, 0)
        app.reader.post_message(messages.BuildProgress(step))
        await pilot.pause(0.1)
        assert app.session.generation == before + 1
        assert app.reader.header.status == "reading…"


async def test_keys_typed_right_after_slash_go_to_the_query(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        # Queued at once, as a fast typist's keys arrive: "t" must not open the facets.
        app.post_message(events.Key("slash", "/"))
        for char in "ticker":
            app.post_message(events.Key(char, char))
        await pilot.pause(0.3)
        assert app.query_one(QueryBar).input.value == "ticker"
        assert not isinstance(app.screen, FacetsScreen)


async def test_a_slash_inside_an_input_is_typed_not_a_new_search(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"a/b")
        assert app.query_one(QueryBar).input.value == "a/b"
        await pilot.press("escape", "ctrl+s", *"x/y")
        assert app.screen.query_one(Input).value == "x/y"


async def test_tickers_and_company_names_in_title_and_summary_are_marked_and_clickable(
    make_app: AppFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "001_00000000000000aa.txt").write_text(
        "title: Nvidia (NASDAQ: NVDA) beats estimates\n\n"
        "summary: Texas Instruments Inc <TXN> also reported.\n\n"
        "content: <p>Apple's suppliers and Goldman Sachs said so.</p>",
        encoding="utf-8",
    )
    app = make_app(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        view = app.query_one(ArticleView)
        title = view.query_one("#article-title", Static).visual
        body = view.query_one("#article-body", Static).visual
        assert isinstance(title, Content)
        assert isinstance(body, Content)

        def ticker_style(content: Content, word: str) -> Style | None:
            start = content.plain.index(word)
            for span in content.spans:
                style = span.style
                if span.start <= start < span.end and isinstance(style, Style) and style.meta:
                    return style
            return None

        def looks(content: Content, word: str) -> set[str]:
            """The theme-resolved style strings laid over ``word``."""
            start = content.plain.index(word)
            return {
                span.style
                for span in content.spans
                if span.start <= start < span.end and isinstance(span.style, str)
            }

        form, name = ticker_style(title, "NASDAQ: NVDA"), ticker_style(title, "Nvidia")
        assert form is not None
        assert name is not None
        assert form.meta["ticker"] == name.meta["ticker"] == "NVDA.O"
        assert TICKER_STYLE in looks(title, "NASDAQ: NVDA")
        assert NAME_STYLE in looks(title, "Nvidia")  # a name is shown dimmer than a ticker form
        assert TICKER_STYLE not in looks(title, "Nvidia")
        goldman = ticker_style(body, "Goldman Sachs")
        assert goldman is not None
        assert goldman.meta["ticker"] == "GS.N"
        assert ticker_style(body, "Apple") is not None  # "Apple's": a possessive
        assert plain(app, "#article-summary").startswith("Texas Instruments Inc <TXN>")
        x = plain(app, "#article-title").index("NVDA")
        await pilot.click("#article-title", offset=(x + 1, 0))
        await wait_until(pilot, lambda: app.session.query_text == "ticker:NVDA.O")
