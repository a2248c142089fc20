"""Per-ticker aggregates over the six known articles (tests/ui/articles.py), and over
the fin_html corpus against counts taken straight from its files."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.ui.articles import TICKER, article_text, write_index
from tickertape.core.dates import parse_date
from tickertape.core.index import IndexCache
from tickertape.core.index.ticker_stats import Period, period_start, period_starts
from tickertape.core.query import compile_query, parse


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[IndexCache]:
    index = write_index(tmp_path / "news")
    # A seventh article: NVDA on another listing, with AMD again, in early December.
    (index / "007_a7a7a7a7a7a7a7a7.txt").write_text(
        article_text({
            "name": "007_a7a7a7a7a7a7a7a7.txt", "link": "https://news.example/7",
            "source": "wire.example", "title": "Chips again", "summary": "More chips.",
            "publishDate": "2024-12-02T10:00:00Z", "sentiment": "negative",
            "confidence": "0.8",
            "content": f"The designer {TICKER.format('NVDA.OQ')} and {TICKER.format('AMD.O')}.",
        }),
        encoding="utf-8",
    )  # fmt: skip
    with IndexCache.open(index) as opened:
        opened.refresh()
        yield opened


def test_summaries_count_articles_by_direction_with_the_mean_and_dates(
    cache: IndexCache,
) -> None:
    rows = {row.code: row for row in cache.ticker_summaries(None)}
    amzn = rows["AMZN.O"]
    assert (amzn.articles, amzn.positive, amzn.negative, amzn.neutral) == (2, 0, 1, 1)
    assert amzn.mean == pytest.approx(-0.5)  # -1 and 0 from the directions
    assert amzn.first is not None
    assert amzn.first.date() == date(2024, 12, 3)
    assert amzn.last is not None
    assert amzn.last.date() == date(2024, 12, 4)
    assert rows["AMD.O"].articles == 2
    assert rows["AMD.O"].mean == pytest.approx(0.0)
    # Most mentioned first, then by code.
    assert [r.code for r in cache.ticker_summaries(None)][:2] == ["AMD.O", "AMZN.O"]


def test_summaries_follow_the_query_and_since(cache: IndexCache) -> None:
    chips = compile_query(parse("sentiment:positive"))
    assert {r.code for r in cache.ticker_summaries(chips)} == {"NVDA.O", "AMD.O", "JPM.N"}
    since = parse_date("2024-12-04T00:00:00Z")
    assert {r.code: r.articles for r in cache.ticker_summaries(None, since)} == {
        "NVDA.O": 1, "AMD.O": 1, "AMZN.O": 1,
    }  # fmt: skip


def test_trend_fills_periods_without_articles_with_zeros(cache: IndexCache) -> None:
    periods = cache.ticker_trend("AMZN.O", None, "month", date(2024, 9, 1), date(2024, 12, 5))
    assert [(p.start.isoformat(), p.articles) for p in periods] == [
        ("2024-09-01", 0), ("2024-10-01", 0), ("2024-11-01", 0), ("2024-12-01", 2),
    ]  # fmt: skip
    assert periods[0] == Period(date(2024, 9, 1), 0, 0, 0, 0, None)
    assert (periods[-1].negative, periods[-1].neutral) == (1, 1)


def test_trend_weeks_start_on_monday_and_a_bare_symbol_takes_every_listing(
    cache: IndexCache,
) -> None:
    weeks = cache.ticker_trend("NVDA", None, "week", date(2024, 11, 25), date(2024, 12, 8))
    # 2024-12-02 is a Monday: both articles (NVDA.OQ on the 2nd, NVDA.O on the 5th).
    assert [(p.start.isoformat(), p.articles) for p in weeks] == [
        ("2024-11-25", 0), ("2024-12-02", 2),
    ]  # fmt: skip
    assert weeks[1].mean == pytest.approx(0.0)
    listing = cache.ticker_trend("NVDA.O", None, "day", date(2024, 12, 2), date(2024, 12, 5))
    assert [p.articles for p in listing] == [0, 0, 0, 1]


def test_co_mentions_sources_and_directions(cache: IndexCache) -> None:
    assert cache.ticker_co_mentions("AMD.O", None) == [("NVDA.O", 1), ("NVDA.OQ", 1)]
    assert cache.ticker_co_mentions("NVDA", None) == [("AMD.O", 2)]
    assert cache.ticker_sources("AMZN.O", None) == [("cloud.example", 1), ("shop.example", 1)]
    assert cache.ticker_directions("AMD.O", None) == {"positive": 1, "negative": 1}


def test_period_helpers() -> None:
    assert period_start(date(2024, 12, 8), "week") == date(2024, 12, 2)
    assert period_start(date(2024, 12, 8), "month") == date(2024, 12, 1)
    assert period_starts(date(2024, 11, 30), date(2025, 1, 2), "month") == [
        date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1),
    ]  # fmt: skip


# -- against the files of fin_html ------------------------------------------------------

_LINK = re.compile(r"/markets/companies/([A-Za-z0-9]+\.[A-Z]{1,3})")
_PAREN = re.compile(r"\(([A-Z][A-Z0-9]{0,9}\.[A-Z]{1,3})\)")
_EXCHANGE = re.compile(r"\b(NASDAQ|NYSE) ?: ?([A-Z]{1,6})\b")
_DATE = re.compile(r"^publishDate: (\d{4}-\d\d-\d\d)", re.MULTILINE)


def _counted_from_files(folder: Path) -> dict[str, Counter[date]]:
    """code -> publication day -> articles: Reuters links, parenthesised codes and
    NASDAQ:/NYSE: prefixes, read with three regular expressions."""
    found: dict[str, Counter[date]] = {}
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8", errors="replace")
        day = _DATE.search(text)
        if day is None:
            continue
        codes = {c.upper() for c in _LINK.findall(text)} | set(_PAREN.findall(text))
        codes |= {f"{s}.{'O' if x == 'NASDAQ' else 'N'}" for x, s in _EXCHANGE.findall(text)}
        for code in codes:
            found.setdefault(code, Counter())[date.fromisoformat(day[1])] += 1
    return found


@pytest.mark.corpus
@pytest.mark.parametrize("code", ["TSLA.O", "AAPL.O", "F.N", "PFE.N", "AMD.O", "JNJ.N"])
@pytest.mark.parametrize("by", ["day", "week", "month"])
def test_trend_matches_counts_taken_from_the_fin_html_files(
    corpus_dir: Path, tmp_path: Path, code: str, by: str
) -> None:
    folder = corpus_dir / "fin_html"
    expected_days = _counted_from_files(folder)[code]
    first, last = date(2022, 1, 1), date(2022, 3, 31)
    with IndexCache.open(folder, cache_dir=_shared_cache(tmp_path)) as cache:
        cache.refresh()
        periods = cache.ticker_trend(code, None, by, first, last)
        summary = {r.code: r for r in cache.ticker_summaries(None)}[code]
    expected: Counter[date] = Counter()
    for day, n in expected_days.items():
        if first <= day <= last:
            expected[period_start(day, by)] += n
    # The index also finds tickers by company name ("Tesla"), which the regular
    # expressions do not: every article they find is counted, in its period.
    counted = {p.start: p.articles for p in periods}
    assert all(counted.get(start, 0) >= n for start, n in expected.items())
    assert [p.start for p in periods] == period_starts(first, last, by)
    assert summary.articles >= sum(expected_days.values())
    with IndexCache.open(folder, cache_dir=_shared_cache(tmp_path)) as cache:
        total = len(cache.select(compile_query(parse(f"ticker:{code} after:2022-01-01"))))
        dated = len(cache.select(compile_query(parse(f"ticker:{code} after:2022-04-01"))))
    assert sum(counted.values()) == total - dated


def _shared_cache(tmp_path: Path) -> Path:
    """One cache of fin_html for every parameter (building it is the slow part)."""
    return tmp_path.parent.parent / "fin_html_cache"


@pytest.mark.parametrize("new_after", [None, 0.0, 4e9])
def test_watch_figures_of_every_ticker_at_once_match_each_ticker_asked_alone(
    cache: IndexCache, new_after: float | None
) -> None:
    """The watchlist's one grouped query gives what a trend, an unread count and a
    mention list per ticker gave (a bare symbol over every listing; unknown: zeros)."""
    codes = ["NVDA", "NVDA.O", "AMD.O", "AMZN.O", "ZZZZ.X", "AMD"]
    first, last = date(2024, 11, 20), date(2024, 12, 19)
    figures = cache.watch_figures(codes, first, last, new_after)
    added = cache.added_since(new_after) if new_after is not None else set()
    for code in codes:
        alone = cache.ticker_trend(code, None, "day", first, last)
        mentioned = cache.select(compile_query(parse(f"ticker:{code}")))
        unread = cache.select(compile_query(parse(f"ticker:{code} is:unread")))
        found = figures[code]
        assert found.days == alone
        assert found.unread == len(unread)
        assert found.new == sum(1 for rowid in mentioned if rowid in added)
    assert figures["ZZZZ.X"].unread == 0
    assert sum(p.articles for p in figures["NVDA"].days) > 0
