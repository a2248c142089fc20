"""Compiled queries run against a real cache schema and find exactly the right articles."""

from __future__ import annotations

import calendar
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.query_db import ALL_IDS, NOW, READ, ROWS, STARRED, Row, build_query_db
from tests.core.test_query_parse import query_texts
from tickertape.core.query import (
    And,
    CompiledQuery,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    compile_query,
    parse,
)
from tickertape.core.sentiment import MODIFIERS, direction_of


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    conn = build_query_db(tmp_path_factory.mktemp("query") / "cache.sqlite")
    yield conn
    conn.close()


def run(conn: sqlite3.Connection, compiled: CompiledQuery) -> set[str]:
    # The WHERE text comes from the compiler, never from the user: that is the contract.
    sql = "SELECT a.id FROM articles AS a WHERE " + compiled.where
    return {row[0] for row in conn.execute(sql, compiled.params)}


def ids(conn: sqlite3.Connection, text: str) -> set[str]:
    return run(conn, compile_query(parse(text), now=NOW))


def every_but(*excluded: str) -> str:
    return " ".join(sorted(ALL_IDS - set(excluded)))


NVIDIA = "a01 a04 a07 a12"
ABOUT_NVIDIA_OR_AMAZON = "a01 a02 a04 a07 a12"
NOT_NVIDIA_OR_AMAZON = "a03 a05 a06 a08 a09 a10 a11"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", every_but()),
        ("&", every_but()),
        # words
        ("nvidia", NVIDIA),
        ("NVIDIA chips", "a01"),
        ("nvid*", NVIDIA),
        ("chips", "a01 a02"),
        ("chip*", "a01 a02 a04 a07 a12"),
        ("data center", "a12"),
        ("data center*", "a01 a12"),
        ("cafe", "a03 a09"),
        ("CAFÉ", "a03 a09"),
        ("societe", "a03 a09"),
        ("Société Générale", "a03"),
        ('"exact phrase"', "a10"),
        ("exact phrase", "a10 a11"),
        ('"phrase exact"', ""),
        ('"new york"', "a04 a05"),
        ("10:30", "a05"),
        ("or", "a07 a10"),
        ("nvidia or", "a07"),
        ("^nvidia", NVIDIA),
        # OR, NOT, groups
        ("nvidia OR amazon", ABOUT_NVIDIA_OR_AMAZON),
        ("(nvidia OR amazon) -chips", "a04 a07 a12"),
        ("-(nvidia OR amazon)", NOT_NVIDIA_OR_AMAZON),
        ("-nvidia -amazon", NOT_NVIDIA_OR_AMAZON),
        ("nvidia -chips", "a04 a07 a12"),
        ("-nvidia", every_but("a01", "a04", "a07", "a12")),
        ("--nvidia", NVIDIA),
        ("(nvidia (chips OR shares)) OR cafe", "a01 a03 a04 a07 a09"),
        ("nvidia OR ticker:AMZN.O", ABOUT_NVIDIA_OR_AMAZON),
        ("(ticker:AAPL.O OR cafe) -source:cnbc", "a02 a03 a09"),
        ("apple -(ticker:AAPL.O sentiment:neutral)", "a05"),
        ("nvidia sentiment:negative", "a04 a12"),
        # tickers
        ("ticker:NVDA", "a01 a04 a07"),
        ("ticker:nvda", "a01 a04 a07"),
        ("ticker:NVDA.O", "a01 a07"),
        ("ticker:nvda.oq", "a04"),
        ("$NVDA", "a01 a04 a07"),
        ("AMZN.O", "a02 a07"),
        ("NASDAQ:AAPL", "a02 a05"),
        ("ticker:MSFT", ""),
        ("-ticker:NVDA", every_but("a01", "a04", "a07")),
        # sentiment
        # sentiment: directions (a graded label has one; a score stands in for no label)
        ("sentiment:neg", "a03 a04 a11 a12"),
        ("sentiment:positive", "a01 a05 a06 a09"),
        ("sentiment:neu", "a02 a08 a10"),
        ("sentiment:none", "a07"),
        ("sentiment:unknown", "a07"),
        ("-sentiment:none", every_but("a07")),
        # sentiment: labels as written, a plain word with its graded forms
        ("sentiment:somewhat-bullish", "a06"),
        ("sentiment:SOMEWHAT_BULLISH", "a06"),
        ('sentiment:"Somewhat Bullish"', "a06"),
        ("sentiment:bullish", "a06"),
        ("sentiment:very-bullish", ""),
        ("sentiment:bearish", ""),
        # scores: no score never matches
        ("score>0.2", "a06"),
        ("score<-0.2", "a11 a12"),
        ("score<=-0.8", "a12"),
        ("score>=-1", "a06 a11 a12"),
        ("-score<0", every_but("a11", "a12")),
        # source and language
        ("source:reuters", "a01 a02 a07 a10"),
        ("source:REUTERS.COM", "a01 a02 a10"),
        ("-source:reuters", "a03 a04 a05 a06 a08 a09 a11 a12"),
        ('source:"wall street"', "a04"),
        ('source:"x\' OR 1=1 --"', ""),
        ("lang:en", every_but("a03", "a09")),
        ("lang:FR", "a03 a09"),
        # dates: after: includes its start, before: excludes it, no date never matches
        ("after:2024-12", "a01 a02 a12"),
        ("after:2024-12-01", "a01 a02 a12"),
        ("after:2024-12-02", "a01 a12"),
        ("before:2024-12", "a03 a04 a05 a06 a07 a09 a10 a11"),
        ("before:2024", "a06 a07"),
        ("after:2024 before:2024-12", "a03 a04 a05 a09 a10 a11"),
        ("-after:2024", "a06 a07 a08"),
        ("after:7d", "a12"),
        ("after:24h", "a12"),
        ("after:2w", "a12"),
        ("after:1m", "a01 a02 a12"),
        ("after:1y", "a01 a02 a03 a04 a05 a09 a10 a11 a12"),
        ("before:1y", "a06 a07"),
        # confidence: no confidence never matches
        ("conf>=0.9", "a01 a02 a04 a08 a10 a12"),
        ("conf>0.9", "a01 a02 a04 a10 a12"),
        ("conf<0.6", "a06 a11"),
        ("conf<=0.6", "a05 a06 a11"),
        ("-conf>=0.9", "a03 a05 a06 a07 a09 a11"),
        # flags (flag_read also holds a NULL)
        ("is:starred", "a01 a07"),
        ("is:read", "a01 a02 a03"),
        ("is:unread", every_but("a01", "a02", "a03")),
        ("-is:read", every_but("a01", "a02", "a03")),
        ("is:unread is:starred", "a07"),
    ],
)
def test_query_finds_exactly(db: sqlite3.Connection, query: str, expected: str) -> None:
    assert ids(db, query) == set(expected.split())


# -- the shape of the SQL ---------------------------------------------------------------


def test_empty_query_compiles_to_true() -> None:
    assert compile_query(None) == CompiledQuery("1", (), (), False, None)


def test_positive_words_share_one_fts_match() -> None:
    compiled = compile_query(parse("amazon nvid*"))
    assert compiled.fts == '"amazon" AND "nvid"*'
    assert compiled.has_text
    assert compiled.where.count("MATCH") == 1
    assert compiled.params == ('"amazon" AND "nvid"*',)
    assert compiled.terms == ("amazon", "nvid")


def test_excluded_words_join_the_match_of_the_included_ones() -> None:
    compiled = compile_query(parse('nvidia -chips -"data center" ticker:NVDA sentiment:neg'))
    assert compiled.fts == '("nvidia") NOT ("chips" OR "data center")'
    assert compiled.where.count("MATCH") == 1
    assert compiled.terms == ("nvidia",)


def test_only_excluded_words_are_one_not_in() -> None:
    compiled = compile_query(parse("-nvidia -amazon"))
    assert compiled.fts is None
    assert not compiled.has_text
    assert compiled.where == "a.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
    assert compiled.params == ('"nvidia" OR "amazon"',)


def test_fields_only_have_no_text_to_rank() -> None:
    compiled = compile_query(parse("ticker:NVDA conf>0.5"))
    assert (compiled.fts, compiled.has_text, compiled.terms) == (None, False, ())
    assert compiled.params == ("NVDA", 0.5)


def test_terms_are_the_positive_words_and_phrases() -> None:
    compiled = compile_query(parse('nvidia -chips "exact phrase" (a OR nv*) -(-apple) nvidia'))
    assert compiled.terms == ("nvidia", "exact phrase", "a", "nv", "apple")
    mixed = compile_query(parse("nvidia OR ticker:AMZN.O"))
    assert (mixed.fts, mixed.has_text, mixed.terms) == (None, False, ("nvidia",))


def test_user_values_never_reach_the_sql_text() -> None:
    compiled = compile_query(parse('source:"x\' OR 1=1" lang:zz sentiment:"drop table"'))
    for value in ("1=1", "zz", "drop"):
        assert value not in compiled.where
    assert "%x' or 1=1%" in compiled.params


@pytest.mark.parametrize(
    "node",
    [
        Term('a" OR "b'),
        Term("NEAR(a b)"),
        Phrase('x" OR title:* OR "y'),
        Term('"', True),
        And((Term("^nvidia"), Not(Phrase("a*b")))),
    ],
)
def test_fts_syntax_in_words_is_only_text(db: sqlite3.Connection, node: Node) -> None:
    assert run(db, compile_query(node)) <= ALL_IDS


def test_ranking_by_bm25_uses_the_fts_string(db: sqlite3.Connection) -> None:
    compiled = compile_query(parse("nvidia -amd sentiment:negative OR nvidia chips"))
    assert compiled.fts is None  # a top-level OR mixing fields has nothing to rank by
    compiled = compile_query(parse("nvidia OR chips -amd"))
    assert compiled.fts == '("nvidia" OR (("chips") NOT ("amd")))'
    sql = (
        "SELECT a.id FROM articles AS a JOIN fts ON fts.rowid = a.rowid"
        " WHERE fts MATCH ? AND " + compiled.where + " ORDER BY bm25(fts), a.id"
    )
    rows = [row[0] for row in db.execute(sql, (compiled.fts, *compiled.params))]
    assert set(rows) == {"a01", "a02", "a04", "a07", "a12"}
    assert rows[0] == "a01"  # both words, twice each


def test_relative_dates_count_back_from_now() -> None:
    naive = compile_query(parse("after:1d"), now=datetime(2025, 1, 2))
    aware = compile_query(parse("after:1d"), now=datetime(2025, 1, 2, tzinfo=UTC))
    assert naive.params == aware.params == (millis(datetime(2025, 1, 1, tzinfo=UTC)),)


@pytest.mark.parametrize(
    ("now", "query", "start"),
    [
        (datetime(2024, 3, 31, 12, tzinfo=UTC), "after:1m", datetime(2024, 2, 29, 12, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), "after:1y", datetime(2023, 2, 28, tzinfo=UTC)),
        (datetime(2024, 1, 15, tzinfo=UTC), "before:13m", datetime(2022, 12, 15, tzinfo=UTC)),
        (datetime(2024, 1, 15, 6, tzinfo=UTC), "after:6h", datetime(2024, 1, 15, tzinfo=UTC)),
        (datetime(101, 1, 1, tzinfo=UTC), "after:100y", datetime(1, 1, 1, tzinfo=UTC)),
        (datetime(50, 1, 1, tzinfo=UTC), "after:100y", datetime.min.replace(tzinfo=UTC)),
        (datetime(50, 1, 1, tzinfo=UTC), "after:36525d", datetime.min.replace(tzinfo=UTC)),
    ],
)
def test_relative_months_and_years_are_calendar_ones(
    now: datetime, query: str, start: datetime
) -> None:
    assert compile_query(parse(query), now=now).params == (millis(start),)


def millis(when: datetime) -> int:
    return (when - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


# -- properties ---------------------------------------------------------------------


@given(query_texts)
def test_every_parsed_query_runs(db: sqlite3.Connection, text: str) -> None:
    try:
        node = parse(text)
    except QueryError:
        return
    compiled = compile_query(node, now=NOW)
    found = run(db, compiled)
    assert found <= ALL_IDS
    if compiled.fts is not None:
        matched = {
            row[0]
            for row in db.execute(
                "SELECT a.id FROM articles AS a WHERE a.rowid IN"
                " (SELECT rowid FROM fts WHERE fts MATCH ?)",
                (compiled.fts,),
            )
        }
        assert found <= matched


ATOMS = (
    "nvidia", "chips", "chip*", "amazon", "apple", "cafe", "CAFÉ", "societe", "new",
    '"exact phrase"', "exact", "phrase", "or", "shares", "10:30", "nvid*", "gen*",
    '"data center"', "the", "york", '"new york"',
    "ticker:NVDA", "ticker:NVDA.O", "$AAPL", "AMZN.O", "ticker:nvda.oq",
    "sentiment:neg", "sentiment:none", "sentiment:somewhat-bullish", "sentiment:pos",
    "sentiment:bullish", "score>0.2", "score<-0.5", "score>=-0.4",
    "source:reuters", 'source:"wall street"', "lang:en", "lang:fr",
    "after:2024-12", "before:2024", "after:2024-06-15", "after:1m", "before:7d",
    "conf>=0.9", "conf<0.6", "conf>0.9", "conf<=0.6", "is:read", "is:unread", "is:starred",
)  # fmt: skip


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, min_size=2, max_size=4).map(" ".join),
        st.lists(children, min_size=2, max_size=3).map(" OR ".join),
        children.map(lambda q: f"({q})"),
        children.map(lambda q: f"-({q})"),
        children.map(lambda q: f"-{q}"),
    )


queries = st.recursive(st.sampled_from(ATOMS), _combine, max_leaves=12)


@given(queries)
def test_sql_agrees_with_a_plain_python_reading(db: sqlite3.Connection, text: str) -> None:
    node = parse(text)
    expected = {row.id for row in ROWS if matches(node, row)}
    assert ids(db, text) == expected


# -- the reference: what each construct means, written the slow obvious way --------------


def fold(text: str) -> list[str]:
    """The words the FTS5 unicode61 tokenizer (remove_diacritics 2) sees."""
    plain = "".join(
        ch
        for ch in unicodedata.normalize("NFD", text)
        if not unicodedata.category(ch).startswith("M")
    )
    return re.findall(r"[^\W_]+", plain.lower())


def has_words(row: Row, text: str, prefix: bool) -> bool:
    wanted = fold(text)
    for column in (row.title, row.summary, row.body):
        words = fold(column)
        for i in range(len(words) - len(wanted) + 1):
            window = words[i : i + len(wanted)]
            if window[:-1] == wanted[:-1] and (
                window[-1].startswith(wanted[-1]) if prefix else window[-1] == wanted[-1]
            ):
                return True
    return False


def date_start(value: str) -> datetime:
    if value[-1] in "hdw":
        unit = {"h": "hours", "d": "days", "w": "weeks"}[value[-1]]
        return NOW - timedelta(**{unit: int(value[:-1])})
    if value[-1] in "my":
        months = int(value[:-1]) * (12 if value[-1] == "y" else 1)
        year, month = divmod(NOW.year * 12 + NOW.month - 1 - months, 12)
        day = min(NOW.day, calendar.monthrange(year, month + 1)[1])
        return NOW.replace(year=year, month=month + 1, day=day)
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2], tzinfo=UTC)


def field_matches(node: Field, row: Row) -> bool:
    value = node.value
    if node.name == "ticker":
        return any(code == value or code.partition(".")[0] == value for code in row.tickers)
    if node.name == "sentiment":
        direction = direction_of(row.sentiment or "", row.score)
        if value in ("none", "unknown"):
            return direction == ""
        if value in ("positive", "negative", "neutral"):
            return direction == value
        words = re.findall(r"[^\W_]+", (row.sentiment or "").lower())
        graded = len(words) == 2 and words[0] in MODIFIERS and words[1] == value
        return "-".join(words) == value or graded
    if node.name == "source":
        return value in (row.source or "").lower()
    if node.name == "lang":
        return (row.language or "").lower() == value
    if node.name in ("after", "before"):
        when = row.published_at
        if when is None:
            return False
        return when >= date_start(value) if node.name == "after" else when < date_start(value)
    if node.name in ("conf", "score"):
        number = row.confidence if node.name == "conf" else row.score
        if number is None:
            return False
        limit = float(value)
        return {
            ">": number > limit,
            ">=": number >= limit,
            "<": number < limit,
            "<=": number <= limit,
        }[node.op]
    if node.name == "is":
        return {
            "read": row.id in READ,
            "unread": row.id not in READ,
            "starred": row.id in STARRED,
        }[value]
    raise AssertionError(node)


def matches(node: Node | None, row: Row) -> bool:
    if node is None:
        return True
    if isinstance(node, Term):
        return has_words(row, node.text, node.prefix)
    if isinstance(node, Phrase):
        return has_words(row, node.text, False)
    if isinstance(node, Field):
        return field_matches(node, row)
    if isinstance(node, Not):
        return not matches(node.child, row)
    if isinstance(node, And):
        return all(matches(child, row) for child in node.children)
    if isinstance(node, Or):
        return any(matches(child, row) for child in node.children)
    raise AssertionError(node)


def test_the_reference_agrees_with_the_hand_written_cases(db: sqlite3.Connection) -> None:
    for text in ("nvidia -chips", "data center*", '"new york" OR cafe', "-after:2024"):
        assert ids(db, text) == {row.id for row in ROWS if matches(parse(text), row)}


def test_source_wildcards_are_literal(db: sqlite3.Connection) -> None:
    assert run(db, compile_query(parse("source:%"))) == set()
    assert run(db, compile_query(parse("source:_"))) == set()


@pytest.mark.parametrize(
    ("query", "text_only"),
    [
        ("amazon", True),
        ("amazon nvid* -chips", True),
        ('"rate cut"', True),
        ("amazon sentiment:negative", False),
        ("amazon OR ticker:NVDA", False),
        ("-chips", False),
        ("ticker:NVDA", False),
    ],
)
def test_words_alone_are_flagged_text_only(query: str, text_only: bool) -> None:
    assert compile_query(parse(query)).text_only is text_only
