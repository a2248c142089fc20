"""The reader's small pieces: column layout, dates, counts, bars, key labels, facet terms."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from tickertape.core.index import ArticleRow
from tickertape.core.query import parse
from tickertape.ui.screens.facets import facet_term
from tickertape.ui.screens.help import key_label
from tickertape.ui.widgets.article_list import (
    MIN_TICKERS,
    compact_date,
    display_source,
    fit_tickers,
    layout_columns,
    shares_dates,
)
from tickertape.ui.widgets.header import count_text
from tickertape.ui.widgets.sidebar import confidence_bar, describe_age


@pytest.mark.parametrize("width", [60, 80, 119, 159, 199])
def test_columns_fit_the_pane_without_overlapping(width: int) -> None:
    columns = layout_columns(width)
    for left, right in itertools.pairwise(columns):
        assert left.start + left.width < right.start
    assert columns[-1].start + columns[-1].width <= max(width, 40)


def test_title_shows_at_least_40_characters_at_120_columns() -> None:
    title = next(c for c in layout_columns(119) if c.key == "title")
    assert title.width >= 40


@pytest.mark.parametrize("with_time", [False, True])
def test_at_80_columns_other_columns_give_way_before_the_title(with_time: bool) -> None:
    columns = {c.key: c for c in layout_columns(79, with_time=with_time)}
    assert columns["tickers"].width >= MIN_TICKERS  # one code at least: NVDA.O, AMZN.OQ
    assert columns["source"].width >= 8
    assert columns["title"].width >= 34
    assert columns["title"].width > 3 * columns["source"].width


def test_the_title_keeps_its_room_as_the_pane_narrows() -> None:
    widths = {w: {c.key: c.width for c in layout_columns(w)} for w in (159, 119, 99, 79)}
    assert widths[119]["title"] >= 40
    # Between 119 and 79 columns the tickers and source columns give up more of their
    # share than their size would say; the title is the last to shrink.
    lost = {key: widths[119][key] - widths[79][key] for key in ("source", "tickers", "title")}
    assert lost["tickers"] > 0
    assert lost["source"] > 0
    assert widths[79]["title"] / widths[119]["title"] > 79 / 119 - 0.05


def test_only_a_very_narrow_pane_drops_the_tickers() -> None:
    assert "tickers" in {c.key for c in layout_columns(70)}
    assert "tickers" not in {c.key for c in layout_columns(45)}


def test_tickers_cell_shows_whole_codes_and_marks_the_rest() -> None:
    assert fit_tickers(["AMZN.O", "NVDA.O"], 13) == "AMZN.O NVDA.O"
    assert fit_tickers(["AMZN.O", "NVDA.O", "AAPL.O"], 14) == "AMZN.O NVDA.O…"
    assert fit_tickers(["AMZN.O", "NVDA.O", "AAPL.O"], 13) == "AMZN.O…      "
    assert fit_tickers(["AMZN.O", "NVDA.O"], 7) == "AMZN.O…"
    assert fit_tickers(["AMZN.OQ"], 7) == "AMZN.OQ"
    assert fit_tickers([], 7) == " " * 7


def test_sources_lose_their_www() -> None:
    assert display_source("www.reuters.com") == "reuters.com"
    assert display_source("WWW.wsj.com") == "wsj.com"
    assert display_source("cn.wsj.com") == "cn.wsj.com"
    assert display_source("www.") == "www."


def test_compact_date_shows_time_this_year_and_the_date_otherwise() -> None:
    now = datetime(2024, 12, 31, 12, 0, tzinfo=UTC)
    this_year = int(datetime(2024, 3, 5, 9, 7, tzinfo=UTC).timestamp() * 1000)
    last_year = int(datetime(2023, 3, 5, 9, 7, tzinfo=UTC).timestamp() * 1000)
    assert compact_date(this_year, now) == "Mar 05 09:07"
    assert compact_date(last_year, now) == "2023-03-05"
    assert compact_date(last_year, now, with_time=True) == "2023-03-05 09:07"
    assert compact_date(None, now) == "—"


def _row(rowid: int, published: datetime | None) -> ArticleRow:
    ms = int(published.timestamp() * 1000) if published else None
    return ArticleRow(rowid, f"id{rowid}", "a.txt", "", "", "t", "", ms, "", "", None, (), 0)


def test_time_of_day_shows_when_neighbouring_rows_share_a_day() -> None:
    one_day = [_row(n, datetime(2023, 3, 5, n, 0, tzinfo=UTC)) for n in range(8)]
    spread = [_row(n, datetime(2023, 3, n + 1, 9, 0, tzinfo=UTC)) for n in range(8)]
    assert shares_dates(one_day)
    assert not shares_dates(spread)
    assert not shares_dates([_row(1, None), _row(2, None)])


def test_header_counts_use_thousands_separators() -> None:
    assert count_text(2000, 2000, filtered=False) == "2,000 articles"
    assert count_text(12, 21578, filtered=True) == "12 of 21,578 articles"
    assert count_text(1, 1, filtered=False) == "1 article"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=5), "5 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=800), "2 years ago"),
        (-timedelta(days=2), "in 2 days"),
    ],
)
def test_age_reads_as_a_person_would_say_it(delta: timedelta, text: str) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert describe_age(now - delta, now) == text


def test_confidence_bar_is_proportional_and_shows_the_number() -> None:
    full = confidence_bar(1.0).plain
    half = confidence_bar(0.5).plain
    assert full.endswith("1.00")
    assert half.endswith("0.50")
    assert full.count("█") == 12
    assert half.count("█") == 6


def test_key_labels_read_like_keys() -> None:
    assert key_label("j,down") == "j / ↓"
    assert key_label("question_mark") == "?"


@pytest.mark.parametrize(
    ("group", "value", "term"),
    [
        ("tickers", "NVDA.O", "ticker:NVDA.O"),
        ("sources", "www.reuters.com", "source:www.reuters.com"),
        ("sources", "wall street journal", 'source:"wall street journal"'),
        ("sentiments", "", "sentiment:none"),
        ("sentiments", "Somewhat-Bullish", "sentiment:Somewhat-Bullish"),
        ("languages", "en", "lang:en"),
    ],
)
def test_facet_terms_are_valid_queries(group: str, value: str, term: str) -> None:
    assert facet_term(group, value) == term
    assert parse(term) is not None


def test_highlighting_ignores_case_and_accents_as_search_does() -> None:
    from tickertape.ui.matching import match_spans, terms_pattern

    text = "Le Café de la Bourse: CAFE prices, cafés and a decaf"
    spans = [text[start:end] for start, end in match_spans(terms_pattern(["cafe"]), text)]
    assert spans == ["Café", "CAFE", "café"]  # word starts only: not "decaf"
    assert list(match_spans(terms_pattern([]), text)) == []
    assert [text[a:b] for a, b in match_spans(terms_pattern(["bourse"]), text)] == ["Bourse"]
