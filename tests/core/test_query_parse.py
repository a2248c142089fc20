"""The query language as the user types it: trees, canonical text and errors with columns."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickertape.core.query import (
    FIELDS,
    MAX_DEPTH,
    MAX_QUERY_LENGTH,
    QUERY_HELP,
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    add_term,
    parse,
)

# Pieces users type, glued at random: likelier than arbitrary text to reach deep paths.
FRAGMENTS = (
    " ", " ", "(", ")", '"', "-", "OR", " OR ", "or", "*", "nvidia", "nv", "n", "chips",
    "ticker:", "NVDA", "NVDA.O", "$NVDA", "$", "after:", "before:", "2024-12", "2024",
    "7d", "3m", "conf>=", "conf<", "0.9", ".5", ":", "é", "café", "\x00", "\u202e", "\t",
    "is:", "starred", "unread", "source:", "lang:", "en", "sentiment:", "neg", "Foo:",
    "10:30", "&", "AMZN.O", "NASDAQ:AAPL", "https://x.com", "\ud800", "''", ".",
)  # fmt: skip
query_texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join),
)


def t(text: str, prefix: bool = False) -> Term:
    return Term(text, prefix)


def f(name: str, value: str, op: str = ":") -> Field:
    return Field(name, op, value)


# -- constructs ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "&", '""', '"  "', "-&", "( & )"])
def test_query_with_nothing_searchable_is_none(text: str) -> None:
    assert parse(text) is None


def test_query_words_all_must_match() -> None:
    assert parse("nvidia") == t("nvidia")
    assert parse("nvidia  chips\tAI") == And((t("nvidia"), t("chips"), t("AI")))


def test_query_star_makes_a_prefix() -> None:
    assert parse("nvid*") == t("nvid", True)
    assert parse("nv*") == t("nv", True)
    assert parse("nvid**") == t("nvid", True)


def test_query_quotes_make_a_phrase_with_whitespace_folded() -> None:
    assert parse('"exact  phrase "') == Phrase("exact phrase")
    assert parse('a"b c"d') == And((t("a"), Phrase("b c"), t("d")))


def test_query_minus_excludes_words_phrases_fields_and_groups() -> None:
    assert parse("-china") == Not(t("china"))
    assert parse('-"trade war"') == Not(Phrase("trade war"))
    assert parse("-source:reuters") == Not(f("source", "reuters"))
    assert parse("-(a OR b)") == Not(Or((t("a"), t("b"))))
    assert parse("--a") == Not(Not(t("a")))


def test_query_hyphen_inside_a_word_is_part_of_it() -> None:
    assert parse("covid-19 e-commerce") == And((t("covid-19"), t("e-commerce")))


def test_query_upper_case_or_is_the_operator_lower_case_is_a_word() -> None:
    assert parse("a OR b") == Or((t("a"), t("b")))
    assert parse("a or b") == And((t("a"), t("or"), t("b")))
    assert parse("a Or b ORB") == And((t("a"), t("Or"), t("b"), t("ORB")))


def test_query_precedence_not_then_and_then_or() -> None:
    assert parse("-a b OR c d") == Or((And((Not(t("a")), t("b"))), And((t("c"), t("d")))))
    assert parse("a (b OR c)") == And((t("a"), Or((t("b"), t("c")))))


def test_query_groups_flatten_and_single_items_unwrap() -> None:
    assert parse("(a b) c") == And((t("a"), t("b"), t("c")))
    assert parse("(a OR b) OR c") == Or((t("a"), t("b"), t("c")))
    assert parse("((a))") == t("a")


def test_query_words_without_letters_or_digits_are_ignored() -> None:
    assert parse("AT & T") == And((t("AT"), t("T")))
    assert parse("& OR x") == t("x")
    assert parse("a -& b") == And((t("a"), t("b")))


def test_query_control_characters_are_spaces() -> None:
    assert parse("a\x00b\x1b[31m") == And((t("a"), t("b"), t("[31m")))
    assert parse("a\ud800b") == And((t("a"), t("b")))


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("ticker:NVDA", f("ticker", "NVDA")),
        ("ticker:nvda.o", f("ticker", "NVDA.O")),
        ("TICKER:$nvda", f("ticker", "NVDA")),
        ("ticker:nasdaq:aapl", f("ticker", "AAPL.O")),
        ("$NVDA", f("ticker", "NVDA")),
        ("$nvda.oq", f("ticker", "NVDA.OQ")),
        ("AMZN.O", f("ticker", "AMZN.O")),
        ("amzn.o", f("ticker", "AMZN.O")),
        ("NASDAQ:AAPL", f("ticker", "AAPL.O")),
        ("sentiment:positive", f("sentiment", "positive")),
        ("sentiment:POS", f("sentiment", "positive")),
        ("Sentiment:neg", f("sentiment", "negative")),
        ("sentiment:neu", f("sentiment", "neutral")),
        ("sentiment:Somewhat-Bullish", f("sentiment", "somewhat-bullish")),
        ('sentiment:"very bullish"', f("sentiment", "very-bullish")),
        ("sentiment:unknown", f("sentiment", "unknown")),
        ("sentiment:none", f("sentiment", "none")),
        ("source:Reuters", f("source", "reuters")),
        ('source:"Wall  Street"', f("source", "wall street")),
        ('SOURCE:"a (b)"', f("source", "a (b)")),
        ("lang:EN", f("lang", "en")),
        ("after:2024-12-01", f("after", "2024-12-01")),
        ("after:2024-12", f("after", "2024-12")),
        ("before:2024", f("before", "2024")),
        ("after:7D", f("after", "7d")),
        ("after:24h", f("after", "24h")),
        ("after:2w", f("after", "2w")),
        ("before:3m", f("before", "3m")),
        ("after:1y", f("after", "1y")),
        ("conf>0.9", f("conf", "0.9", ">")),
        ("CONF>=.90", f("conf", "0.9", ">=")),
        ("conf<1", f("conf", "1", "<")),
        ("conf<=0", f("conf", "0", "<=")),
        ("score>0.3", f("score", "0.3", ">")),
        ("score<-0.2", f("score", "-0.2", "<")),
        ("Score>=+.50", f("score", "0.5", ">=")),
        ("score<=-0", f("score", "0", "<=")),
        ("score>-1", f("score", "-1", ">")),
        ("sentiment:bullish", f("sentiment", "bullish")),
        ("sentiment:Bullish!", f("sentiment", "bullish")),
        ('sentiment:"Positive"', f("sentiment", "positive")),
        ("sentiment:-1", f("sentiment", "-1")),
        ("is:unread", f("is", "unread")),
        ("is:Read", f("is", "read")),
        ("is:starred", f("is", "starred")),
    ],
)
def test_query_fields_are_normalised(text: str, node: Node) -> None:
    assert parse(text) == node


def test_query_dotted_words_that_are_not_codes_stay_words() -> None:
    assert parse("U.S") == t("U.S")
    assert parse("a.b.c") == t("a.b.c")
    assert parse('"amazon.com"') == Phrase("amazon.com")


def test_query_colon_words_that_cannot_be_fields_are_words() -> None:
    assert parse("10:30") == t("10:30")
    assert parse("https://www.reuters.com/x") == t("https://www.reuters.com/x")
    assert parse("a1:b") == t("a1:b")
    assert parse("x>3 a=b") == And((t("x>3"), t("a=b")))


# -- canonical text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("nvidia   chips", "nvidia chips"),
        ("nvid**", "nvid*"),
        ('"exact   phrase"', '"exact phrase"'),
        ("$nvda AMZN.O", "ticker:NVDA ticker:AMZN.O"),
        ("NASDAQ:aapl", "ticker:AAPL.O"),
        ("sentiment:NEG", "sentiment:negative"),
        ('source:"wall street"', 'source:"wall street"'),
        ('source:"reuters"', "source:reuters"),
        ("conf>=.90", "conf>=0.9"),
        ("after:7D", "after:7d"),
        ("-a b OR c", "-a b OR c"),
        ("(a OR b) c", "(a OR b) c"),
        ("((a b) OR (c))", "a b OR c"),
        ("-(a OR b) -(c d)", "-(a OR b) -(c d)"),
        ("--x", "--x"),
        ("a or b", "a or b"),
        ('"OR"', '"OR"'),
    ],
)
def test_query_prints_canonical_text(text: str, canonical: str) -> None:
    node = parse(text)
    assert str(node) == canonical
    assert parse(canonical) == node


def test_query_nodes_built_by_hand_print_as_text_that_parses_back() -> None:
    assert str(Term("OR")) == '"OR"'
    assert str(Term("-x")) == '"-x"'
    assert str(Term("foo:bar")) == '"foo:bar"'
    assert str(Field("source", ":", "wall street journal")) == 'source:"wall street journal"'
    assert str(Field("ticker", ":", "NVDA.O")) == "ticker:NVDA.O"
    assert str(Or((And((t("a"), t("b"))), t("c")))) == "a b OR c"
    assert str(And((Or((t("a"), t("b"))), t("c")))) == "(a OR b) c"


# -- errors -------------------------------------------------------------------------

FIELD_LIST = "fields are ticker, sentiment, source, lang, after, before, conf, score, is, dupes"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("after:2024-13-45", "invalid date at column 7"),
        ("x before:2024-1", "invalid date at column 10"),
        ("after:0000", "invalid date at column 7"),
        ("after:yesterday", "invalid date at column 7"),
        ("after:99999d", "date too far back (100 years at most) at column 7"),
        ('"café" after:x', "invalid date at column 14"),
        ("(a", "missing ) for ( at column 1"),
        ("a (b (c)", "missing ) for ( at column 3"),
        ("a)", "unexpected ) at column 2"),
        ("a (b) c) d", "unexpected ) at column 8"),
        ("()", "empty parentheses at column 1"),
        ("a -( )", "empty parentheses at column 4"),
        ('a "b c', "unterminated quote at column 3"),
        ('source:"wall', "unterminated quote at column 8"),
        ("ticker:", "ticker: needs a value at column 8"),
        ("ticker: NVDA", "ticker: needs a value at column 8"),
        ('source:""', "source: needs a value at column 8"),
        ("x conf>", "conf> needs a value at column 8"),
        ("conf>abc", "invalid number at column 6"),
        ("conf>=-1", "invalid number at column 7"),
        ("conf>=1.5", "confidence is between 0 and 1 at column 7"),
        ("conf:0.9", "conf takes >, >=, < or <= at column 5"),
        ("conf=0.9", "conf takes >, >=, < or <= at column 5"),
        ("score>abc", "invalid number at column 7"),
        ("x score<-1.5", "score is between -1 and 1 at column 9"),
        ("score>--1", "invalid number at column 7"),
        ("score:0.5", "score takes >, >=, < or <= at column 6"),
        ("score<", "score< needs a value at column 7"),
        ('sentiment:"!!"', "sentiment: needs a label with letters or digits at column 11"),
        ("ticker>x", "ticker takes ':' at column 7"),
        ("ticker:-x", "invalid ticker at column 8"),
        ("is:new", "is: takes unread, read, starred, lead at column 4"),
        ("OR a", "nothing before OR at column 1"),
        ("a OR", "nothing after OR at column 3"),
        ("a OR OR b", "nothing after OR at column 3"),
        ("(OR a)", "nothing before OR at column 2"),
        ("(a OR) b", "nothing after OR at column 4"),
        ("-", "nothing to exclude after - at column 1"),
        ("a - b", "nothing to exclude after - at column 3"),
        ("(a -)", "nothing to exclude after - at column 4"),
        ("-OR a", "nothing to exclude after - at column 1"),
        ("n*", "prefix needs at least 2 characters at column 1"),
        ("a é*", "prefix needs at least 2 characters at column 3"),
        ("*", "prefix needs at least 2 characters at column 1"),
        ("x-n*", "prefix needs at least 2 characters at column 1"),
        ("foo:bar", f"unknown field 'foo' at column 1; {FIELD_LIST}"),
        ("x Title:nvidia", f"unknown field 'Title' at column 3; {FIELD_LIST}"),
        ('foo:"a b"', f"unknown field 'foo' at column 1; {FIELD_LIST}"),
    ],
)
def test_query_errors_say_what_and_where(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert str(caught.value) == message


def test_query_error_has_message_column_and_hint() -> None:
    with pytest.raises(QueryError) as caught:
        parse("after:2024-13-45")
    assert (caught.value.message, caught.value.column, caught.value.hint) == ("invalid date", 7, "")
    assert isinstance(caught.value, ValueError)
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own object
    assert (copy.message, copy.column, str(copy)) == ("invalid date", 7, str(caught.value))
    with pytest.raises(QueryError) as unknown:
        parse("foo:bar")
    assert unknown.value.message == "unknown field 'foo'"
    assert unknown.value.hint == FIELD_LIST


def test_query_too_long_is_refused() -> None:
    assert parse("a" * MAX_QUERY_LENGTH) == t("a" * MAX_QUERY_LENGTH)
    with pytest.raises(
        QueryError, match=r"^query too long \(1000 characters at most\) at column 1001$"
    ):
        parse("a" * (MAX_QUERY_LENGTH + 1))


def test_query_nesting_is_capped() -> None:
    deep = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse(deep) == t("a")
    assert parse("-" * MAX_DEPTH + "a") is not None
    with pytest.raises(QueryError, match=r"^nested too deep \(32 levels at most\) at column 33$"):
        parse("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(QueryError, match=r"at column 33$"):
        parse("-" * (MAX_DEPTH + 1) + "a")
    with pytest.raises(QueryError, match="nested too deep"):
        parse("(-" * 300 + "a" + ")" * 300)


# -- add_term and help ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "term", "result"),
    [
        ("", "ticker:NVDA.O", "ticker:NVDA.O"),
        ("  ", "$nvda.o", "ticker:NVDA.O"),
        ("nvidia", "ticker:NVDA.O", "nvidia ticker:NVDA.O"),
        ("nvidia  ", "NVDA.O", "nvidia ticker:NVDA.O"),
        ("nvidia $nvda.o", "ticker:NVDA.O", "nvidia $nvda.o"),
        ("ticker:NVDA.O", "NVDA.O", "ticker:NVDA.O"),
        ("a OR b", "ticker:NVDA.O", "(a OR b) ticker:NVDA.O"),
        ("a", "b OR c", "a (b OR c)"),
        ("x source:reuters", "source:Reuters", "x source:reuters"),
        ("x", 'source:"Wall Street"', 'x source:"wall street"'),
        ("x", "", "x"),
        ("(a OR b) c", "c", "(a OR b) c"),
        ("nvidia", "sentiment:neg", "nvidia sentiment:negative"),
    ],
)
def test_add_term_narrows_a_query_once(query: str, term: str, result: str) -> None:
    assert add_term(query, term) == result


def test_add_term_takes_a_node() -> None:
    assert add_term("x", Field("source", ":", "wall street")) == 'x source:"wall street"'


def test_add_term_refuses_a_broken_query() -> None:
    with pytest.raises(QueryError):
        add_term('"open', "ticker:NVDA")


def test_query_help_names_every_field() -> None:
    for name in FIELDS:
        assert f"{name}:" in QUERY_HELP or f"{name}>" in QUERY_HELP
    assert all(len(line) <= 100 for line in QUERY_HELP.splitlines())


# -- properties ----------------------------------------------------------------------


@given(query_texts)
def test_query_parse_raises_only_query_errors(text: str) -> None:
    error: QueryError | None = None
    try:
        parse(text)
    except QueryError as caught:
        error = caught
    if error is not None:
        assert 1 <= error.column <= len(text) + 1
        assert str(error).startswith(f"{error.message} at column {error.column}")


@given(query_texts)
def test_query_canonical_text_parses_back_to_the_same_tree(text: str) -> None:
    try:
        node = parse(text)
    except QueryError:
        return
    if node is None:
        return
    canonical = str(node)
    if len(canonical) <= MAX_QUERY_LENGTH:
        assert parse(canonical) == node
