"""Full text for PostgreSQL is tokenised as FTS5's unicode61 tokenizer does (no server)."""

from __future__ import annotations

from tickertape.core.folding import fold_text
from tickertape.core.pg.text import COLUMN_GAP, NO_LEXEME, phrase, tokens, tsvector_literal


def test_words_split_where_fts5_splits_them() -> None:
    assert tokens(fold_text("COVID-19 rose 3.5% at 10:30, e-mail a@b.com")) == [
        "covid", "19", "rose", "3", "5", "at", "10", "30", "e", "mail", "a", "b", "com",
    ]  # fmt: skip


def test_accents_and_case_are_folded_before_splitting() -> None:
    # The final ς folds to σ, as everywhere in search.
    assert tokens(fold_text("Café STRAẞE σίσυφος")) == ["cafe", "strasse", "σισυφοσ"]


def test_a_quote_in_a_word_cannot_escape_the_literal() -> None:
    literal = tsvector_literal(["it's o'brien \\ x"])
    assert literal == "'it':1 's':2 'o':3 'brien':4 'x':5"
    assert phrase("o'brien") == "('o' <-> 'brien')"


def test_columns_are_apart_so_no_phrase_spans_two() -> None:
    literal = tsvector_literal(["new", "york"])
    assert literal == f"'new':1 'york':{2 + COLUMN_GAP}"


def test_a_prefix_applies_to_the_last_word_of_a_phrase() -> None:
    assert phrase("data cent", prefix=True) == "('data' <-> 'cent':*)"


def test_a_phrase_without_words_matches_nothing() -> None:
    assert phrase("&&") == NO_LEXEME
