"""The per-ticker, per-day counts (``ticker_days``) equal the ``GROUP BY`` over the
tickers joined to the articles after any sequence of added, changed and removed files,
and the desk's figures read from them equal the ones the joins give."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickertape.core.index import IndexCache
from tickertape.core.index.ticker_stats import PERIODS
from tickertape.core.query import compile_query, parse

from .test_index import bump_mtime

# Two listings of one symbol (NVDA), a symbol of one listing, and a code without one.
CODES = ("NVDA.O", "NVDA.OQ", "AMD.O", "JPM.N", "MSFT.O")
SENTIMENTS = ("positive", "negative", "neutral", None)
DAYS = ("2024-05-01", "2024-05-02", "2024-05-03", "2024-05-06", "1969-12-31")


def _record(rng: random.Random, n: int) -> dict[str, object]:
    """A record with random tickers, per-ticker scores, score, direction and date (some
    a moment before midnight, some with none)."""
    record: dict[str, object] = {
        "id": f"r{n}-{rng.randint(0, 10**9)}", "title": f"Title {n}", "body": "<p>Body.</p>",
        "tickers": rng.sample(CODES, rng.randint(0, 3)),
    }  # fmt: skip
    if rng.random() < 0.9:
        time = rng.choice(["00:00:00Z", "12:30:00Z", "23:59:59.700Z"])
        record["published"] = f"{rng.choice(DAYS)}T{time}"
    sentiment = rng.choice(SENTIMENTS)
    if sentiment is not None:
        record["sentiment"] = sentiment
    if rng.random() < 0.4:
        record["score"] = round(rng.uniform(-1, 1), 3)
    tickers = record["tickers"]
    assert isinstance(tickers, list)
    record["ticker_sentiment"] = [
        {"ticker": code, "ticker_sentiment_score": str(round(rng.uniform(-1, 1), 3))}
        for code in tickers
        if rng.random() < 0.5
    ]
    return record


def _write(root: Path, rel: str, rng: random.Random, n: int) -> None:
    records = [_record(rng, n * 10 + k) for k in range(rng.randint(1, 3))]
    path = root / rel
    existed = path.exists()
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    if existed:
        bump_mtime(path)


def _table(conn: sqlite3.Connection) -> dict[tuple[int, str, str], tuple[object, ...]]:
    return {
        (bare, code, day): (n, pos, neg, neu, pytest.approx(total), scored, first, last)
        for bare, code, day, n, pos, neg, neu, total, scored, first, last in conn.execute(
            "SELECT * FROM ticker_days"
        )
    }


_DAY = "coalesce(date(a.published / 1000.0, 'unixepoch'), '')"
_SCORE = (
    "coalesce({score}, a.score, CASE a.sentiment WHEN 'positive' THEN 1.0 "
    "WHEN 'negative' THEN -1.0 WHEN 'neutral' THEN 0.0 END)"
)


def _group_by(conn: sqlite3.Connection) -> dict[tuple[int, str, str], tuple[object, ...]]:
    """The same figures straight from the base tables: every ticker row of a listing,
    and one row per article for a bare symbol (its listings' scores averaged)."""
    counts = (
        "count(*), sum(a.sentiment = 'positive'), sum(a.sentiment = 'negative'), "
        "sum(a.sentiment = 'neutral'), total({s}), count({s}), min(a.published), "
        "max(a.published)"
    )
    listing = _SCORE.format(score="t.score")
    sql = (
        f"SELECT 0, t.code, {_DAY}, {counts.format(s=listing)} FROM tickers AS t "
        "JOIN articles AS a ON a.rowid = t.rowid GROUP BY 2, 3 "
        f"UNION ALL SELECT 1, t.base, {_DAY}, {counts.format(s=listing)} FROM "
        "(SELECT rowid, base, avg(score) AS score FROM tickers GROUP BY rowid, base) AS t "
        "JOIN articles AS a ON a.rowid = t.rowid GROUP BY 2, 3"
    )
    return {
        (bare, code, day): (n, pos, neg, neu, total, scored, first, last)
        for bare, code, day, n, pos, neg, neu, total, scored, first, last in conn.execute(sql)
    }


def _totals(conn: sqlite3.Connection) -> dict[tuple[int, str], tuple[object, ...]]:
    return {
        (bare, code): (n, pos, neg, neu, pytest.approx(total), scored, first, last)
        for bare, code, n, pos, neg, neu, total, scored, first, last in conn.execute(
            "SELECT * FROM ticker_totals"
        )
    }


def _sums(
    days: dict[tuple[int, str, str], tuple[object, ...]],
) -> dict[tuple[int, str], tuple[object, ...]]:
    """Every key's days added up (first and last: the earliest and latest dates)."""
    sums: dict[tuple[int, str], list[object]] = {}
    for (bare, code, _), row in days.items():
        n, pos, neg, neu, total, scored, first, last = row
        had = sums.setdefault((bare, code), [0, 0, 0, 0, 0.0, 0, None, None])
        for i, value in enumerate((n, pos, neg, neu, total, scored)):
            had[i] += value  # type: ignore[operator]
        present = [v for v in (had[6], first) if v is not None]
        had[6] = min(present) if present else None  # type: ignore[type-var]
        present = [v for v in (had[7], last) if v is not None]
        had[7] = max(present) if present else None  # type: ignore[type-var]
    return {
        key: (*row[:4], pytest.approx(row[4]), *row[5:]) for key, row in sums.items()
    }


def _same_answers_as_the_joins(cache: IndexCache) -> None:
    """What the desk reads from the rows equals what the joins answer (a query that
    selects every article takes the joins)."""
    everything = replace(compile_query(parse("source:x")), where="1", params=())
    from_rows = cache.ticker_summaries(None)
    from_joins = cache.ticker_summaries(everything)
    assert [(r.code, r.articles, r.positive, r.negative, r.neutral, r.first, r.last)
            for r in from_rows] == [
        (r.code, r.articles, r.positive, r.negative, r.neutral, r.first, r.last)
        for r in from_joins
    ]  # fmt: skip
    assert [r.mean for r in from_rows] == pytest.approx([r.mean for r in from_joins])
    since = datetime(2024, 5, 2, tzinfo=UTC)
    assert [(r.code, r.articles, r.first) for r in cache.ticker_summaries(None, since)] == [
        (r.code, r.articles, r.first) for r in cache.ticker_summaries(everything, since)
    ]
    for code in (*CODES, "NVDA", "AMD", "NONE.O"):
        for by in PERIODS:
            rows = cache.ticker_trend(code, None, by, date(1969, 12, 1), date(2024, 5, 31))
            joins = cache.ticker_trend(code, everything, by, date(1969, 12, 1), date(2024, 5, 31))
            assert [(p.start, p.articles, p.positive, p.negative, p.neutral, p.scored)
                    for p in rows] == [
                (p.start, p.articles, p.positive, p.negative, p.neutral, p.scored) for p in joins
            ]  # fmt: skip
            assert [p.mean for p in rows] == pytest.approx([p.mean for p in joins])
        assert cache.ticker_directions(code, None) == cache.ticker_directions(code, everything)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10**6), steps=st.integers(1, 4))
def test_the_day_rows_equal_the_group_by_after_adds_changes_and_removals(
    tmp_path_factory: pytest.TempPathFactory, seed: int, steps: int
) -> None:
    tmp_path = tmp_path_factory.mktemp("days")
    root = tmp_path / "index"
    root.mkdir()
    rng = random.Random(seed)
    names = [f"{n:02d}.jsonl" for n in range(8)]
    for n, rel in enumerate(names[:4]):
        _write(root, rel, rng, n)
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        for step in range(steps):
            touched = rng.sample(names, rng.randint(1, 3))
            for rel in touched:
                if (root / rel).exists() and rng.random() < 0.4:
                    (root / rel).unlink()
                else:  # added, or changed in place
                    _write(root, rel, rng, 100 + step * 10 + names.index(rel))
            if rng.random() < 0.5:
                cache.refresh(only=touched)  # the live update of a folder watch
            else:
                cache.refresh()
            conn = sqlite3.connect(cache.db_path)
            try:
                assert conn.execute("SELECT value FROM meta WHERE key = 'ticker_days'").fetchone()
                assert _table(conn) == _group_by(conn)
                assert _totals(conn) == _sums(_group_by(conn))
            finally:
                conn.close()
        _same_answers_as_the_joins(cache)


def test_an_unfinished_first_build_is_counted_when_the_build_finishes(tmp_path: Path) -> None:
    root = tmp_path / "index"
    root.mkdir()
    rng = random.Random(7)
    for n in range(6):
        _write(root, f"{n}.jsonl", rng, n)
    with IndexCache.open(root, cache_dir=tmp_path / "cache") as cache:
        cache.refresh()
        conn = sqlite3.connect(cache.db_path)
        try:
            # As a first build leaves it when it is stopped before its end.
            conn.execute("UPDATE meta SET value = '0' WHERE key IN ('ticker_days', 'built')")
            conn.execute("DELETE FROM ticker_days")
            conn.commit()
            assert cache.ticker_summaries(None)  # the joins answer meanwhile
            _write(root, "new.jsonl", rng, 50)
            cache.refresh()
            assert _table(conn) == _group_by(conn)
            assert conn.execute("SELECT value FROM meta WHERE key = 'ticker_days'").fetchone() == (
                "1",
            )
        finally:
            conn.close()
