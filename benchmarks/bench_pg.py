"""The PostgreSQL engine on one server: load time, first screen, search and sort.

    python benchmarks/bench_pg.py URL CORPUS [--load] [--sqlite]

``--load`` loads CORPUS into the (empty) database at URL first and reports the time;
then the reader's first screen (open, select, the first 200 rows), the median of
each typical query of ``bench.py`` (select and the first 200 rows) and each sort key
(whole list and a filtered fifth), with a fresh engine so first sorts are measured.
``--sqlite`` measures the same queries on the local cache of CORPUS for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from tickertape.core.query import compile_query, parse

RUNS = 5
# The typical queries and sort keys of bench.py.
QUERIES = (
    "nvidia", "ticker:NVDA.O", '"central bank"', "inflation rates",
    "sentiment:negative chips", "nvid*", "source:reuters", "market",
)  # fmt: skip
SORTS = ("date", "title", "source", "sentiment", "confidence")


def _median_ms(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.1f} ms"


def measure(open_index: object) -> None:
    from tickertape.core.index.protocol import Index

    opener = open_index
    assert callable(opener)
    started = time.perf_counter()
    index: Index = opener()
    index.rows(list(index.select()[:200]))
    print(f"first screen (open, select, 200 rows): {time.perf_counter() - started:.3f} s")
    try:
        medians = []
        for text in QUERIES:
            times = []
            for _ in range(RUNS):
                began = time.perf_counter()
                index.rows(list(index.select(compile_query(parse(text)))[:200]))
                times.append(time.perf_counter() - began)
            medians.append(statistics.median(times))
            print(f"  search {text!r}: {_median_ms(times)}")
        overall = statistics.median(medians) * 1000
        print(f"search median of the {len(QUERIES)} queries: {overall:.1f} ms")
    finally:
        index.close()
    fresh: Index = opener()
    try:
        fresh.select()
        query = compile_query(parse("sentiment:negative"))
        for key in SORTS:
            for label, q in ((key, None), (f"{key} (filtered)", query)):
                began = time.perf_counter()
                fresh.rows(list(fresh.select(q, sort=key)[:200]))
                print(f"  sort {label}: {(time.perf_counter() - began) * 1000:.1f} ms")
    finally:
        fresh.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--load", action="store_true")
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    if args.load:
        from tickertape.core.pg.load import load

        started = time.perf_counter()
        stats = load(args.url, str(args.corpus))
        print(f"load: {stats.articles:,} articles in {time.perf_counter() - started:.1f} s")
    from tickertape.core.pg.engine import PostgresIndex

    print("PostgreSQL:")
    measure(lambda: PostgresIndex.open(args.url))
    if args.sqlite:
        from tickertape.core.index import IndexCache

        print("SQLite:")
        measure(lambda: IndexCache.open(args.corpus))


if __name__ == "__main__":
    main()
