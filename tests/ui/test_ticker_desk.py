"""The ticker desk (T) and the watchlist (W), driven key by key with Textual's Pilot.

The six articles of tests/ui/articles.py: the newest names NVDA.O and AMD.O, the next
two AMZN.O (neutral, then negative), then XOM.N, JPM.N and one with no ticker. The
clock says 2025-01-15, after the newest article (2024-12-05).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import ListView, OptionList

from tests.ui.conftest import plain, wait_loaded, wait_until
from tickertape.ui.app import TickertapeApp
from tickertape.ui.screens.facets import FacetsScreen
from tickertape.ui.screens.ticker_desk import (
    DeskArticleScreen,
    TickerAskScreen,
    TickerDeskScreen,
    TickerPickScreen,
)
from tickertape.ui.screens.watchlist import WatchlistScreen
from tickertape.ui.widgets.article_view import ArticleView

AppFactory = Callable[..., TickertapeApp]


def _on_reader(app: TickertapeApp) -> bool:
    """Whether the reader is the screen shown (a function: mypy keeps no narrowing)."""
    return app.screen is app.reader


async def _open_desk(pilot: Pilot[Any], app: TickertapeApp, *keys: str) -> TickerDeskScreen:
    """Press ``keys`` then ``T``; wait for the desk to show its figures."""
    await pilot.press(*keys, "T")
    await wait_until(
        pilot, lambda: isinstance(app.screen, TickerDeskScreen) and app.screen.desk is not None
    )
    screen = app.screen
    assert isinstance(screen, TickerDeskScreen)
    return screen


async def _desk_reloaded(pilot: Pilot[Any], screen: TickerDeskScreen, by: str) -> None:
    await wait_until(pilot, lambda: screen.desk is not None and screen.desk.by == by)


async def test_t_on_a_row_with_one_ticker_opens_its_desk(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = await _open_desk(pilot, app, "j")  # the AMZN.O article
        assert screen.code == "AMZN.O"
        assert plain(screen, "#desk-title").startswith(" AMZN.O ")
        assert "2 articles" in plain(screen, "#desk-title")
        counts = plain(screen, "#desk-counts")
        assert "▲0 ▼1 ■1" in counts
        assert "cloud.example" in counts
        assert "shop.example" in counts
        assert "(no other ticker)" in counts
        # Sep 1 to Dec 5 is more than two months: weeks.
        assert "per week" in plain(screen, "#desk-period")
        assert len(screen.article_list.rowids) == 2


async def test_a_desk_of_one_article_says_article_not_articles(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = await _open_desk(pilot, app, "j", "j", "j")  # the XOM.N article
        assert screen.code == "XOM.N"
        assert plain(screen, "#desk-title").endswith("· 1 article")


async def test_t_on_a_row_with_several_tickers_asks_which(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, TickerPickScreen))
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            "NVDA.O", "AMD.O",
        ]  # fmt: skip
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TickerDeskScreen))
        assert isinstance(app.screen, TickerDeskScreen)
        assert app.screen.code == "AMD.O"
        await pilot.press("escape")
        assert _on_reader(app)


async def test_t_without_a_ticker_asks_for_a_code_with_completion(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await wait_until(pilot, lambda: bool(app.reader.ticker_stats))
        await pilot.press("G", "T")  # the last article names no ticker
        await wait_until(pilot, lambda: isinstance(app.screen, TickerAskScreen))
        await pilot.press(*"xo", "right", "enter")  # completes to XOM.N
        await wait_until(pilot, lambda: isinstance(app.screen, TickerDeskScreen))
        assert isinstance(app.screen, TickerDeskScreen)
        assert app.screen.code == "XOM.N"


async def test_a_bad_code_is_refused_and_escape_closes_the_question(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("G", "T")
        await wait_until(pilot, lambda: isinstance(app.screen, TickerAskScreen))
        await pilot.press(*"no way", "enter")
        assert isinstance(app.screen, TickerAskScreen)
        assert "Not a ticker" in plain(app.screen, "#ticker-ask-error")
        await pilot.press("escape")
        assert _on_reader(app)


async def test_enter_reads_a_desk_article_and_escape_goes_back(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        desk = await _open_desk(pilot, app, "j")
        await pilot.press("j", "enter")  # the older AMZN.O article
        await wait_until(pilot, lambda: isinstance(app.screen, DeskArticleScreen))
        screen = app.screen
        title = "Retailer cuts outlook as holiday demand cools"
        await wait_until(pilot, lambda: plain(screen, "#article-title") == title)
        assert isinstance(screen.focused, ArticleView)
        await pilot.press("escape")
        assert app.screen is desk
        await pilot.press("escape")
        assert _on_reader(app)


async def test_z_and_x_zoom_and_comma_and_full_stop_move_in_time(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = await _open_desk(pilot, app, "j")
        await pilot.press("z")
        await _desk_reloaded(pilot, screen, "day")
        assert "per day" in plain(screen, "#desk-period")
        await pilot.press("x", "x")
        await _desk_reloaded(pilot, screen, "month")
        await pilot.press("x")
        assert any("Already showing months" in str(n.message) for n in app._notifications)
        await pilot.press("z", "z")
        await _desk_reloaded(pilot, screen, "day")
        assert screen.desk is not None
        end = screen.desk.end
        await pilot.press("full_stop")  # already at the newest article
        assert any("No more articles" in str(n.message) for n in app._notifications)
        await pilot.press("comma")
        await wait_until(pilot, lambda: screen.desk is not None and screen.desk.end < end)


async def test_plus_on_the_desk_watches_and_f_filters_the_reader(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = await _open_desk(pilot, app, "j")
        await pilot.press("plus")
        assert app.session.watchlist() == ["AMZN.O"]
        assert "★ watched" in plain(screen, "#desk-title")
        await pilot.press("plus")
        assert app.session.watchlist() == []
        await pilot.press("f")
        await wait_until(pilot, lambda: app.reader.header.shown == 2)
        assert _on_reader(app)
        assert app.session.query_text == "ticker:AMZN.O"


async def test_m_opens_the_desk_of_a_ticker_mentioned_with_it(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, TickerPickScreen))
        await pilot.press("enter")  # NVDA.O, mentioned with AMD.O
        await wait_until(
            pilot, lambda: isinstance(app.screen, TickerDeskScreen) and app.screen.desk is not None
        )
        screen = app.screen
        assert isinstance(screen, TickerDeskScreen)
        assert "AMD.O" in plain(screen, "#desk-counts")
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, TickerPickScreen))
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.desk is not None and screen.desk.code == "AMD.O")
        assert app.screen is screen
        assert plain(screen, "#desk-title").startswith(" AMD.O ")
        assert "NVDA.O" in plain(screen, "#desk-counts")


async def test_the_desk_footer_offers_zoom_not_the_lists_full_screen(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = await _open_desk(pilot, app, "j")
        shown = {
            binding.description
            for _, binding, enabled, _ in screen.active_bindings.values()
            if binding.show and enabled
        }
        assert "Zoom in" in shown
        assert "Full screen" not in shown


async def test_plus_on_the_desk_is_saved_by_the_state_writer(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await _open_desk(pilot, app, "j")
        await pilot.press("plus")
        writer = app.session.state_writer
        state = app.session.state
        assert writer is not None
        assert state is not None
        await wait_until(pilot, lambda: state.watchlist() == ["AMZN.O"])


async def test_plus_on_an_article_and_in_the_facets_watches_its_ticker(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("j", "plus")
        assert app.session.watchlist() == ["AMZN.O"]
        await pilot.press("k", "plus")  # two tickers: pick one
        await wait_until(pilot, lambda: isinstance(app.screen, TickerPickScreen))
        await pilot.press("enter")
        assert app.session.watchlist() == ["AMZN.O", "NVDA.O"]
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, FacetsScreen))
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index(next(i for i in ids if i and i.startswith("tickers")))
        await pilot.press("plus")  # the most frequent ticker: AMZN.O
        assert app.session.watchlist() == ["NVDA.O"]
        assert isinstance(app.screen, FacetsScreen)


async def _watch(app: TickertapeApp, *codes: str) -> None:
    for code in codes:
        app.session.toggle_watch(code)


async def test_w_lists_the_watched_tickers_with_their_figures(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot, app)
        await _watch(app, "AMZN.O", "XOM.N")
        await pilot.press("W")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, WatchlistScreen) and app.screen.watchlist is not None,
        )
        screen = app.screen
        assert isinstance(screen, WatchlistScreen)
        assert screen.watchlist is not None
        amzn, xom = screen.watchlist.rows
        # The last 7 days end at the newest article, Dec 5: both AMZN.O articles.
        assert (amzn.code, amzn.unread, amzn.last7, amzn.prev7) == ("AMZN.O", 2, 2, 0)
        assert amzn.mean7 == -0.5
        assert len(amzn.daily) == 30
        assert (xom.last7, xom.prev7) == (0, 0)  # Nov 20 is in neither week
        assert sum(xom.daily) == 1
        note = plain(screen, "#watchlist-note")
        assert "Periods end at the newest article (2024-12-05)" in note
        rows = screen.query_one(ListView)
        assert len(rows.children) == 2


async def test_watchlist_enter_filters_t_opens_the_desk_plus_removes_esc_closes(
    make_app: AppFactory, index: Path
) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await _watch(app, "AMZN.O", "XOM.N")

        async def open_watchlist() -> WatchlistScreen:
            await pilot.press("W")
            await wait_until(
                pilot,
                lambda: (
                    isinstance(app.screen, WatchlistScreen) and app.screen.watchlist is not None
                ),
            )
            assert isinstance(app.screen, WatchlistScreen)
            return app.screen

        await open_watchlist()
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: app.reader.header.shown == 1)
        assert app.session.query_text == "ticker:XOM.N"
        await open_watchlist()
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, TickerDeskScreen))
        assert isinstance(app.screen, TickerDeskScreen)
        assert app.screen.code == "AMZN.O"
        await pilot.press("escape")
        screen = await open_watchlist()
        await pilot.press("plus")
        await wait_until(
            pilot, lambda: screen.watchlist is not None and len(screen.watchlist.rows) == 1
        )
        assert app.session.watchlist() == ["XOM.N"]
        await pilot.press("escape")
        assert _on_reader(app)


async def test_an_empty_watchlist_says_how_to_add_one(make_app: AppFactory, index: Path) -> None:
    app = make_app(index)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("W")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, WatchlistScreen) and app.screen.watchlist is not None,
        )
        assert "Nothing watched yet" in plain(app.screen, "#watchlist-note")
