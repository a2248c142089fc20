"""The reader on a market-news feed: sentiment glyphs, the Conf/Score column, the
sidebar's per-ticker mean and sentiment facets (tests/data/market_feed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList

from tests.ui.conftest import plain, wait_loaded, wait_until
from tickertape.ui.app import TickertapeApp
from tickertape.ui.screens.facets import FacetsScreen
from tickertape.ui.widgets.article_list import ListHeader

AppFactory = Callable[..., TickertapeApp]
FEED = Path(__file__).parent.parent / "data" / "market_feed"


async def test_the_sidebar_mean_for_a_ticker_agrees_with_a_hand_count(
    make_app: AppFactory,
) -> None:
    app = make_app(FEED)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"ticker:OVFD", "enter")
        await wait_until(pilot, lambda: app.reader.header.shown == 3)
        await wait_until(pilot, lambda: any(c.startswith("OVFD") for c in app.reader.ticker_stats))
        await wait_until(pilot, lambda: "orchard-valley" in plain(app, "#sidebar-body"))
        text = plain(app, "#sidebar-body")
        # Bullish with confidence 0.52 (+1), Somewhat-Bearish with score -0.220581, and
        # Somewhat-Bullish with confidence 0.31 (+1): (1 - 0.220581 + 1) / 3 = +0.59.
        assert "OVFD.O  ▲+0.59  3 articles" in text


async def test_glyphs_come_from_the_direction_and_the_column_says_conf_or_score(
    make_app: AppFactory,
) -> None:
    app = make_app(FEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await wait_until(pilot, lambda: app.query_one(ListHeader).conf_mode == "both")
        article_list = app.reader.article_list
        rows = [article_list.row_at(i) for i in range(len(article_list.rowids))]
        assert all(row is not None and row.sentiment for row in rows)
        lines = [line.text for line in article_list.render_lines(article_list.region)]
        assert not any(" ? " in line for line in lines)
        assert any("▼  -.55" in line for line in lines)  # a bearish article's score
        assert any("▲   .73" in line for line in lines)  # a confidence has no sign
        header = app.query_one(ListHeader).render_line(0).text
        assert "Cf/Sc" in header
        await pilot.press("slash", *"sentiment:negative", "enter")
        await wait_until(pilot, lambda: app.reader.header.shown == 8)
        rows = [article_list.row_at(i) for i in range(8)]
        assert all(row is not None and row.sentiment == "negative" for row in rows)


async def test_sentiment_facets_list_directions_then_labels(make_app: AppFactory) -> None:
    app = make_app(FEED)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, FacetsScreen))
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        start = next(i for i, p in enumerate(prompts) if p.startswith("Sentiment"))
        values = [" ".join(p.split()[1:]) for p in prompts[start + 1 : start + 8]]
        assert values[:3] == ["negative", "positive", "neutral"]
        assert set(values[3:]) == {"Bearish", "Bullish", "Somewhat-Bullish", "Somewhat-Bearish"}
        options.highlighted = start + 1 + values.index("Somewhat-Bullish")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                app.session.query_text == "sentiment:somewhat-bullish"
                and app.reader.header.shown == 4
            ),
        )
