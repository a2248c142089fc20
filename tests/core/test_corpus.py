"""The real corpora (../shared/corpus): every file is one article, every id unique."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from tickertape.core.formats import read_file
from tickertape.core.loader import LoadedIndex, load_index

pytestmark = pytest.mark.corpus

SETS = [("reuters21578", 21_578), ("fin_html", 2_000)]


@cache
def load(folder: Path) -> LoadedIndex:
    """Each corpus is loaded once for all the tests that look at it."""
    return load_index(folder)


@pytest.mark.parametrize(("folder", "count"), SETS)
def test_every_corpus_file_reads_as_exactly_one_article(
    corpus_dir: Path, folder: str, count: int
) -> None:
    paths = sorted((corpus_dir / folder).iterdir())
    assert len(paths) == count
    not_one = []
    for path in paths:
        result = read_file(path.read_bytes(), path.name)
        if len(result.articles) != 1:
            not_one.append((path.name, result.problems))
    assert not_one == []


@pytest.mark.parametrize(("folder", "count"), SETS)
def test_loading_a_corpus_gives_every_article_a_unique_id(
    corpus_dir: Path, folder: str, count: int
) -> None:
    loaded = load(corpus_dir / folder)
    assert len(loaded.articles) == count
    assert len({article.id for article in loaded.articles}) == count
    # No file is skipped, and no id had to be changed.
    assert [p for p in loaded.problems if p.field in ("file", "id")] == []


def test_reuters_dates_are_read_but_the_one_impossible_date(corpus_dir: Path) -> None:
    loaded = load(corpus_dir / "reuters21578")
    undated = [a for a in loaded.articles if a.published is None]
    assert len(undated) == 1
    assert "'31-MAR-1987 605:12:19.12'" in undated[0].warnings[-1]
    assert all(a.published is not None and a.published.year == 1987 for a in loaded.articles[:100])
    fields = Counter(p.field for p in loaded.problems)
    # Titles are missing from the 737 UNPROC items; SGML noise follows 328 dates.
    assert fields == Counter({"title": 737, "publishDate": 329})


def test_fin_html_reads_cleanly_with_reuters_tickers(corpus_dir: Path) -> None:
    loaded = load(corpus_dir / "fin_html")
    assert {(p.field, p.reason) for p in loaded.problems} == {("content", "no content")}
    with_tickers = [a for a in loaded.articles if a.tickers]
    assert len(with_tickers) >= 65
    assert all(a.published is not None for a in loaded.articles)
