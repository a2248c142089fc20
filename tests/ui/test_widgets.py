"""The reader's small pieces: column layout, dates, counts, bars, key labels, facet terms."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from tickertape.core.query import parse
from tickertape.ui.screens.facets import facet_term
from tickertape.ui.screens.help import key_label
from tickertape.ui.widgets.article_list import compact_date, layout_columns
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


def test_tickers_column_appears_only_when_there_is_room() -> None:
    assert "tickers" not in {c.key for c in layout_columns(80)}
    assert "tickers" in {c.key for c in layout_columns(120)}


def test_compact_date_shows_time_this_year_and_the_date_otherwise() -> None:
    now = datetime(2024, 12, 31, 12, 0, tzinfo=UTC)
    this_year = int(datetime(2024, 3, 5, 9, 7, tzinfo=UTC).timestamp() * 1000)
    last_year = int(datetime(2023, 3, 5, 9, 7, tzinfo=UTC).timestamp() * 1000)
    assert compact_date(this_year, now) == "Mar 05 09:07"
    assert compact_date(last_year, now) == "2023-03-05"
    assert compact_date(None, now) == "—"


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
