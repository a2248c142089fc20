"""What a reader sees all day: 80x24 that keeps what matters, the summary said once,
hanging list items, readable light themes, facets and warnings that scale."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.color import Color
from textual.content import Content
from textual.theme import BUILTIN_THEMES
from textual.widgets import Input, OptionList, Static

from tests.ui.articles import article_text, write_index
from tests.ui.conftest import plain, wait_loaded, wait_until
from tickertape.core.article import Problem
from tickertape.ui.app import TickertapeApp
from tickertape.ui.screens.facets import FacetsScreen
from tickertape.ui.screens.warnings import WarningsScreen, group_problems
from tickertape.ui.widgets.article_list import ArticleList, ListHeader
from tickertape.ui.widgets.sidebar import Sidebar

AppFactory = Callable[..., TickertapeApp]

LONG_ITEM = (
    "Licences now cover data-centre accelerators, networking parts and the software "
    "that ties them together, the notice said"
)


def row_text(app: TickertapeApp, y: int) -> str:
    """The text of the list's line ``y`` as painted."""
    return "".join(segment.text for segment in app.reader.article_list.render_line(y))


def write_reader_index(folder: Path) -> Path:
    """The six test articles, one with a long list item whose summary opens its body,
    and one without a title."""
    write_index(folder)
    (folder / "010_1010101010101010.txt").write_text(
        article_text(
            {
                "link": "https://news.example/licences",
                "source": "www.wire.example",
                "title": "Export licences widened",
                "summary": "Regulators widened the export licences on Tuesday.",
                "publishDate": "2024-12-06T08:00:00Z",
                "sentiment": "positive",
                "confidence": "0.88",
                "content": (
                    "<p>Regulators widened the export licences on Tuesday.</p>"
                    f"<ul><li>{LONG_ITEM}</li><li>Consumer parts unchanged</li></ul>"
                ),
            }
        ),
        encoding="utf-8",
    )
    (folder / "011_1111111111111111.txt").write_text(
        "link: https://news.example/untitled\n\nsource: wire.example\n\n"
        "publishDate: 2024-12-06T07:00:00Z\n\n"
        "content: <p>SHR 34 CTS VS 1.19 DLRS and more about the quarter.</p>\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def reader_index(tmp_path: Path) -> Path:
    return write_reader_index(tmp_path / "reader-index")


async def _select(app: TickertapeApp, pilot: object, title_start: str) -> None:
    """Move the cursor to the article whose title (or stand-in) starts so."""
    article_list = app.reader.article_list
    for index in range(len(article_list.rowids)):
        row = article_list.row_at(index)
        if row is not None and (row.title or row.summary or row.link).startswith(title_start):
            article_list.set_cursor(index)
            break
    await wait_until(
        pilot,  # type: ignore[arg-type]
        lambda: (
            app.reader.current_article is not None
            and (app.reader.current_article.title or app.reader.current_article.link).startswith(
                title_start
            )
        ),
    )


async def test_a_summary_that_opens_the_body_is_shown_once(
    make_app: AppFactory, reader_index: Path
) -> None:
    app = make_app(reader_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await _select(app, pilot, "Export licences widened")
        summary = app.reader.article_view.query_one("#article-summary", Static)
        assert not summary.display
        assert plain(app, "#article-body").count("Regulators widened the export licences") == 1
        await _select(app, pilot, "Chipmakers rally")  # summary not in the body: shown
        assert summary.display


async def test_a_wrapped_list_item_hangs_under_its_text(
    make_app: AppFactory, reader_index: Path
) -> None:
    app = make_app(reader_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        await _select(app, pilot, "Export licences widened")
        lines = plain(app, "#article-body").split("\n")
        first = next(n for n, line in enumerate(lines) if line.startswith("• Licences"))
        assert lines[first + 1].startswith("  ")  # the second line hangs under the text
        assert lines[first + 1][2] != " "
        width = app.reader.article_view.query_one("#article-body").content_region.width
        assert all(len(line) <= width for line in lines)


async def test_an_untitled_article_shows_its_first_line_dimmed(
    make_app: AppFactory, reader_index: Path
) -> None:
    app = make_app(reader_index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await _select(app, pilot, "https://news.example/untitled")
        title = plain(app, "#article-title")
        assert title.startswith("SHR 34 CTS VS 1.19 DLRS")
        visual = app.reader.article_view.query_one("#article-title", Static).visual
        assert isinstance(visual, Content)
        assert "bold" not in str(visual.spans)
        assert "(no title)" not in row_text(app, app.reader.article_list.cursor)


async def test_at_80_columns_the_list_keeps_tickers_and_sources_lose_www(
    make_app: AppFactory, reader_index: Path
) -> None:
    app = make_app(reader_index)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        await _select(app, pilot, "Export licences widened")
        row = row_text(app, app.reader.article_list.cursor)
        assert "wire.ex" in row
        assert "www." not in row
        assert "Export licences widened" in row
        await _select(app, pilot, "Chipmakers rally")
        assert "NVDA.O…" in row_text(app, app.reader.article_list.cursor)  # the first code, whole
        header = "".join(segment.text for segment in app.query_one(ListHeader).render_line(0))
        assert "Tickers" in header


async def test_the_footer_keeps_help_at_80_columns(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.pause(0.1)
        shown = [key for key in app.screen.query("FooterKey") if key.display]
        actions = {getattr(key, "action", "") for key in shown}
        assert "app.help" in actions or "help" in actions
        right = max(key.region.right for key in shown)
        assert right <= 80


async def test_the_sidebar_starts_with_sentiment_and_tickers(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        await wait_until(pilot, lambda: bool(app.reader.ticker_stats))
        text = plain(app.query_one(Sidebar), "#sidebar-body")
        order = [text.index(title) for title in ("SENTIMENT", "TICKERS", "SOURCE", "PUBLISHED")]
        assert order == sorted(order)
        assert "NVDA.O" in text.split("SOURCE")[0]


async def test_a_wide_list_shows_the_time_of_day_for_past_years(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert "2024-12-05 14:30" in row_text(app, 0)
    app = make_app(index)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        assert "2024-12-05 " in row_text(app, 0)  # dates far apart: the day is enough
        assert "14:30" not in row_text(app, 0)


def _contrast(one: Color, two: Color) -> float:
    lighter, darker = sorted((one.brightness, two.brightness), reverse=True)
    return lighter - darker


async def test_every_theme_colours_the_list_readably(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        article_list = app.query_one(ArticleList)
        for theme in sorted(BUILTIN_THEMES):
            app.theme = theme
            await pilot.pause(0.02)
            background = article_list.background_colors[1]
            styles = {}
            for name in ("date", "neutral", "unknown", "tickers", "negative", "unread", "source"):
                color = article_list._style(name).color
                assert color is not None, (theme, name)
                styles[name] = color
                if color.triplet is not None and background.ansi is None:
                    contrast = _contrast(Color.from_rich_color(color), background)
                    assert contrast > 0.15, (theme, name)
            # Tickers are never drawn in the colour that means "bearish".
            assert styles["tickers"] != styles["negative"], theme


async def test_facets_come_in_sections_and_narrow_as_you_type(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, FacetsScreen))
        options = app.screen.query_one(OptionList)
        headings = [
            str(options.get_option_at_index(i).prompt).split("  ")[0]
            for i in range(options.option_count)
            if options.get_option_at_index(i).disabled
        ]
        assert headings == ["Sentiment", "Tickers", "Sources", "Languages"]
        assert isinstance(app.focused, Input)
        await pilot.press(*"amz")
        await wait_until(pilot, lambda: options.option_count == 2)
        assert "AMZN.O" in str(options.get_option_at_index(1).prompt)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.reader.session.query_text == "ticker:AMZN.O")


def test_warnings_are_grouped_by_kind_with_skipped_files_first() -> None:
    problems = [Problem(f"{n:03}.txt", "title", "no title") for n in range(5)] + [
        Problem("a.txt", "publishDate", "ignored 'x' after the date '27-MAR-1987 05:04:51'"),
        Problem("b.txt", "publishDate", "ignored 'yz' after the date '28-MAR-1987 08:00:01'"),
        Problem("c.bin", "file", "binary file; skipped"),
    ]
    kinds = group_problems(problems)
    assert [(kind.title, len(kind.problems)) for kind in kinds] == [
        ("file: binary file; skipped", 1),
        ("title: no title", 5),
        ("publishDate: ignored … after the date …", 2),
    ]


async def test_enter_on_a_warning_opens_its_article(make_app: AppFactory, index: Path) -> None:
    (index / "007_0000000000000007.txt").write_text(
        "link: https://news.example/odd\n\ntitle: Odd confidence\n\n"
        "publishDate: 2024-08-01T10:00:00Z\n\nconfidence: 7\n\ncontent: <p>text</p>\n"
    )
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await wait_until(pilot, lambda: app.reader.header.warnings == 1)
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, WarningsScreen))
        await pilot.press("down", "enter")
        await wait_until(
            pilot,
            lambda: (
                app.reader.current_article is not None
                and app.reader.current_article.title == "Odd confidence"
            ),
        )


async def test_z_gives_the_article_the_whole_screen_and_brackets_still_step(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("z")
        await wait_until(pilot, lambda: app.reader.maximized is app.reader.article_view)
        assert app.focused is app.reader.article_view
        assert not app.reader.article_list.region.size.area  # the list is off the screen
        await pilot.press("right_square_bracket")
        await wait_until(
            pilot,
            lambda: (
                app.reader.current_article is not None
                and app.reader.current_article.title.startswith("Cloud unit shows")
            ),
        )
        assert app.reader.maximized is app.reader.article_view
        await pilot.press("z")
        assert app.reader.maximized is None
        await pilot.press("z", "escape")  # esc steps back: first the full screen
        assert app.reader.maximized is None
        assert app.focused is app.reader.article_view
        await pilot.press("escape")
        assert app.focused is app.reader.article_list


async def test_the_palette_names_keys_as_they_are_typed(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        helps = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert helps["Help"].endswith("(key: ?)")
        assert helps["Next article"].endswith("(key: ])")
        assert helps["Previous article"].endswith("(key: [)")
        assert not any(
            "square_bracket" in text or "question_mark" in text for text in helps.values()
        )
        assert "Full screen" in helps


async def test_an_empty_result_says_what_would_match(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"ticker:AMZX", "enter")
        await wait_until(pilot, lambda: "ticker:AMZN" in plain(app, "#article-body"))
        assert "No article matches ticker:AMZX" in plain(app, "#article-title")
        assert "No article mentions AMZX" in plain(app, "#article-body")
        assert "No article matches ticker:AMZX" in row_text(app, 1)
        sidebar = plain(app.query_one(Sidebar), "#sidebar-body")
        assert "WHAT TO DO" in sidebar
        assert "edit the query" in sidebar


async def test_the_selected_article_stays_while_a_first_build_fills_the_list(
    make_app: AppFactory, tmp_path: Path
) -> None:
    root = write_index(tmp_path / "big")
    filler = article_text(
        {
            "link": "https://news.example/filler", "source": "wire.example",
            "title": "Filler {n}", "summary": "", "publishDate": "2023-01-01T00:00:00Z",
            "sentiment": "", "confidence": "", "content": "Text.",
        }
    )  # fmt: skip
    for n in range(4500):  # a few batches: the list fills, then every article is renumbered
        (root / f"f{n:05}.txt").write_text(filler.replace("{n}", str(n)), encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.reader.article_list.rowids) > 2, timeout=120)
        await pilot.press("j")
        chosen = app.reader.article_list.current_row()
        assert chosen is not None
        await wait_until(
            pilot,
            lambda: not app.reader.session.building and app.reader.header.status == "",
            timeout=120,
        )
        await pilot.pause(0.2)
        row = app.reader.article_list.current_row()
        assert row is not None
        assert row.id == chosen.id
        await wait_until(
            pilot,
            lambda: (
                app.reader.current_article is not None
                and app.reader.current_article.id == chosen.id
            ),
        )
