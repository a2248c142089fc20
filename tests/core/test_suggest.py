"""A query that finds nothing says which part failed and what this index has instead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tickertape.core.index import IndexCache
from tickertape.core.query import CompiledQuery, compile_query, parse
from tickertape.core.suggest import Hint, explain_empty

from .test_index import article_text, write

NOW = datetime(2024, 6, 1, tzinfo=UTC)
TICKER = '<a href="https://www.reuters.com/markets/companies/{0}">({0})</a>'


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[IndexCache]:
    root = tmp_path / "index"
    write(root, "001_00000000000000a1.txt", article_text(
        "Nvidia chips lift markets", published="2024-05-03T09:00:00Z", sentiment="positive",
        content=f"<p>Nvidia {TICKER.format('NVDA.O')} rallied on servers.</p>",
    ))  # fmt: skip
    write(root, "002_00000000000000b2.txt", article_text(
        "Banks slump on rates", published="2024-05-01T09:00:00Z", sentiment="negative",
        source="www.ft.com", content=f"<p>JPMorgan {TICKER.format('JPM.N')} fell.</p>",
    ))  # fmt: skip
    write(root, "003_00000000000000c3.txt", article_text(
        "Oil steadies", published="2024-04-20T09:00:00Z", sentiment="Somewhat-Bullish",
        content=f"<p>Nvidia {TICKER.format('NVDA.O')} and oil.</p>",
    ))  # fmt: skip
    opened = IndexCache.open(root, cache_dir=tmp_path / "cache")
    opened.refresh()
    yield opened
    opened.close()


def hints(cache: IndexCache, query: str) -> list[Hint]:
    assert not cache.select(_compiled(query)), "the query must find nothing"
    return explain_empty(cache, query, now=NOW)


def _compiled(query: str) -> CompiledQuery:
    return compile_query(parse(query), now=NOW)


def test_an_unknown_sentiment_lists_the_labels_of_this_index(cache: IndexCache) -> None:
    [hint] = hints(cache, "sentiment:bearish")
    assert "bearish" in hint.text
    assert dict(hint.suggestions) == {  # the directions, then the labels as written
        "sentiment:positive": 2,
        "sentiment:negative": 1,
        "sentiment:somewhat-bullish": 1,
    }


def test_a_mistyped_ticker_suggests_the_closest_codes(cache: IndexCache) -> None:
    [hint] = hints(cache, "ticker:NVDX")
    assert hint.suggestions[0] == ("ticker:NVDA", 2)
    [listing] = hints(cache, "ticker:NVDA.OQ")
    assert listing.suggestions[0] == ("ticker:NVDA.O", 2)


def test_a_source_suggests_the_closest_sources(cache: IndexCache) -> None:
    [hint] = hints(cache, "source:reuter.co")
    assert hint.suggestions[0] == ("source:www.reuters.com", 2)


def test_dates_outside_the_index_say_which_dates_it_covers(cache: IndexCache) -> None:
    [hint] = hints(cache, "after:2025")
    assert "2024-04-20 to 2024-05-03" in hint.text


def test_a_word_found_nowhere_suggests_its_prefix(cache: IndexCache) -> None:
    [hint] = hints(cache, "rall")
    assert hint.suggestions == (("rall*", 1),)


def test_parts_that_match_alone_but_not_together_show_their_counts(cache: IndexCache) -> None:
    [hint] = hints(cache, "ticker:NVDA sentiment:negative")
    assert "no article matches them all" in hint.text
    assert hint.suggestions == (("ticker:NVDA", 2), ("sentiment:negative", 1))


def test_words_while_the_text_is_still_indexed_say_so(
    cache: IndexCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "fts_ready", lambda: False)
    texts = [hint.text for hint in explain_empty(cache, "zeppelin", now=NOW)]
    assert texts == ["Full-text search is still indexing: words match the articles read so far."]


def test_a_bad_query_or_a_matching_one_gives_no_hints(cache: IndexCache) -> None:
    assert explain_empty(cache, "ticker:", now=NOW) == []
    assert explain_empty(cache, "-(", now=NOW) == []
