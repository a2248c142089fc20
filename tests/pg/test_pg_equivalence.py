"""Both engines answer alike: every query of the query-language tests gives the same
ids in the same order on SQLite and PostgreSQL, for the shared corpus's fin_html and
Reuters-21578 (skipped where ../shared is absent).

Reuters is read as every fifth file (4,316 articles, the whole date range) so the
suite stays short; ``TICKERTAPE_EQUIVALENCE_FULL=1`` reads all 21,578.

Sort orders, counts, facets and stats are compared too. Relevance is compared as a
set: SQLite ranks by BM25, PostgreSQL by ``ts_rank_cd``. ``is:lead`` and ``dupes:``
are left out: the PostgreSQL engine does not compute story clusters yet.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tests.core import test_query_compile
from tests.pg.conftest import new_database
from tickertape.core.index import IndexCache
from tickertape.core.query import QueryError, compile_query, parse
from tickertape.core.state import StateStore

pytest.importorskip("psycopg", reason="psycopg is not installed (the postgresql extra)")

from tickertape.core.pg.engine import PostgresIndex
from tickertape.core.pg.load import load

pytestmark = pytest.mark.corpus

NOW = datetime(2025, 1, 1, tzinfo=UTC)
SORTS = ("date", "title", "source", "sentiment", "confidence", "score")


def _hand_written() -> list[str]:
    mark = next(
        m for m in test_query_compile.test_query_finds_exactly.pytestmark  # type: ignore[attr-defined]
        if m.name == "parametrize"
    )
    return [query for query, _ in mark.args[1]]


def _queries() -> list[str]:
    atoms = list(test_query_compile.ATOMS)
    found = [*_hand_written(), *atoms]
    chance = random.Random(16)
    for _ in range(25):
        a, b, c = chance.sample(atoms, 3)
        found += [f"{a} {b}", f"{a} OR -{b}", f"({a} OR {b}) -{c}"]
    # Words of the corpora themselves, so the text queries find something.
    found += [
        "oil", "oil prices", '"crude oil"', "opec -saudi", "wheat OR corn", "bank* rate*",
        "dollar yen", "acquisition ticker:IBM", "shares -rose", "ukraine", "covid-19",
        "3.5", "u.s.", "10:30", "nvidia OR amd", "ticker:NVDA", "chip* -intel",
    ]
    kept = []
    for query in dict.fromkeys(found):
        try:
            node = parse(query)
        except QueryError:
            continue
        if "is:lead" in str(node) or "dupes:" in str(node):
            continue
        kept.append(query)
    return kept


QUERIES = _queries()


@dataclass(slots=True)
class Pair:
    sqlite: IndexCache
    pg: PostgresIndex
    sqlite_ids: dict[int, str]
    pg_ids: dict[int, str]

    def ids(self, query: str, sort: str = "date", reverse: bool = False) -> tuple[list[str], ...]:
        """The ids each engine selects, SQLite's first."""
        compiled = compile_query(parse(query), now=NOW)
        return (
            [self.sqlite_ids[r] for r in self.sqlite.select(compiled, sort=sort, reverse=reverse)],
            [self.pg_ids[r] for r in self.pg.select(compiled, sort=sort, reverse=reverse)],
        )


def _id_map(index: IndexCache | PostgresIndex) -> dict[int, str]:
    return {row.rowid: row.id for row in index.rows(list(index.select()))}


def _corpus(name: str, work: Path) -> Path:
    path = SHARED / "corpus" / name
    if not path.is_dir():
        pytest.skip(f"{path} is absent: the shared corpus ships beside the repository only")
    if name != "reuters21578" or os.environ.get("TICKERTAPE_EQUIVALENCE_FULL") == "1":
        return path
    part = work / name
    part.mkdir()
    for file in sorted(path.iterdir())[::5]:
        (part / file.name).symlink_to(file)
    return part


@pytest.fixture(scope="module", params=["fin_html", "reuters21578"])
def pair(
    request: pytest.FixtureRequest, pg_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    home = tmp_path_factory.mktemp("equivalence")
    folder = _corpus(request.param, home)
    with new_database(pg_server) as url:
        load(url, str(folder))
        state = StateStore.open(home / "data")
        cache = IndexCache.open(folder, cache_dir=home / "cache", state_path=state.path)
        cache.refresh()
        some = [row.id for row in cache.rows(list(cache.select(limit=40)))]
        pg = PostgresIndex.open(url, state_path=state.path)
        for scope in (state.scope, pg.flag_scope):  # a folder's flags, then the database's
            state.scope = scope
            state.set_read(some[::2])
            state.set_starred(some[::3])
        try:
            yield Pair(cache, pg, _id_map(cache), _id_map(pg))
        finally:
            pg.close()
            cache.close()
            state.close()


def test_every_query_finds_the_same_articles_in_the_same_order(pair: Pair) -> None:
    differ = [query for query in QUERIES if len(set(map(tuple, pair.ids(query)))) != 1]
    assert differ == []


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_is_the_same(pair: Pair, sort: str) -> None:
    for query in ("", "oil", "-oil", "sentiment:none OR conf>0.5", "ticker:NVDA OR wheat"):
        for reverse in (False, True):
            on_sqlite, on_pg = pair.ids(query, sort, reverse)
            assert on_sqlite == on_pg, (query, reverse)


def test_relevance_finds_the_same_articles(pair: Pair) -> None:
    for query in ("oil prices", "nvidia OR amd", "bank* -rate"):
        on_sqlite, on_pg = pair.ids(query, "relevance")
        assert sorted(on_sqlite) == sorted(on_pg)


def test_counts_facets_and_stats_are_the_same(pair: Pair) -> None:
    for query in ("", "oil", "is:unread -wheat", "lang:en OR sentiment:positive"):
        compiled = compile_query(parse(query), now=NOW) if query else None
        assert pair.pg.facets(compiled) == pair.sqlite.facets(compiled)
        assert pair.pg.stats(compiled) == pair.sqlite.stats(compiled)
    assert pair.pg.count() == pair.sqlite.count()
    assert pair.pg.ticker_stats() == pair.sqlite.ticker_stats()
    assert pair.pg.problems() == pair.sqlite.problems()
