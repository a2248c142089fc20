"""A text search with a limit reads only the first page of matches, and that page is
exactly the first page of the full, sorted answer."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.core.test_index import article_text, write
from tickertape.core.index import IndexCache
from tickertape.core.query import compile_query, parse


def date_for(rng: random.Random) -> str | None:
    if rng.random() < 0.05:
        return None
    return f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z"


def words_for(number: int) -> str:
    words = ["market"]
    if number % 3 == 0:
        words.append("rates")
    if number % 7 == 0:
        words.append("oil")
    return " ".join(words)


@pytest.fixture(params=["shuffled", "dated"])
def cache(tmp_path: Path, request: pytest.FixtureRequest) -> IndexCache:
    """Articles built in three refreshes, with some removed (stale full-text entries):
    in random date order (rowid order is not date order for the later ones), or each
    newer than the last (rowid order stays date order: the shortcut of a first build)."""
    rng = random.Random(17)
    dated = request.param == "dated"
    root = tmp_path / "news"
    opened = IndexCache.open(root, cache_dir=tmp_path / "cache")
    number = 0
    for batch in range(3):
        for _ in range(40):
            number += 1
            write(root, f"{batch}/{number:03d}_{number:016x}.txt", article_text(
                f"Story {number}",
                published=f"2024-01-01T00:{number // 60:02d}:{number % 60:02d}Z"
                if dated
                else date_for(rng),
                content=f"<p>{words_for(number)} news.</p>",
            ))  # fmt: skip
        opened.refresh()
    for gone in (5, 45, 90, 119):
        (root / f"{(gone - 1) // 40}/{gone:03d}_{gone:016x}.txt").unlink()
    opened.refresh()
    return opened


@pytest.mark.parametrize("text", ["market", "rates", "oil", "market -oil", "nothing"])
@pytest.mark.parametrize("reverse", [False, True])
def test_the_first_page_is_the_start_of_the_whole_answer(
    cache: IndexCache, text: str, reverse: bool
) -> None:
    query = compile_query(parse(text))
    whole = list(cache.select(query, sort="date", reverse=reverse))
    for limit in (1, 5, 17, 50, 500):
        page = list(cache.select(query, sort="date", reverse=reverse, limit=limit))
        assert page == whole[:limit]
    cache.close()
