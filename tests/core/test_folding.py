"""Search ignores case, accents and compatibility forms, the same way at index time,
at query time and when highlighting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickertape.core.folding import fold_char, fold_text, fold_with_offsets

any_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("σισυφος", "σίσυφος"),
        ("ΣΊΣΥΦΟΣ", "σίσυφος"),
        ("ｏｉｌ", "oil"),
        ("ＯＩＬ", "oil"),
        ("strasse", "straße"),
        ("STRASSE", "Straße"),
        ("cafe", "Café"),
        ("cafe", "cafe\u0301"),  # a decomposed accent
        ("ﬁnance", "finance"),
        ("société", "SOCIETE"),
    ],
)
def test_spellings_that_search_treats_as_one(a: str, b: str) -> None:
    assert fold_text(a) == fold_text(b)


@pytest.mark.parametrize(("a", "b"), [("नमस्ते", "नमसते"), ("oil", "oll")])
def test_letters_that_differ_stay_apart(a: str, b: str) -> None:
    """A virama is part of the word, not an accent."""
    assert fold_text(a) != fold_text(b)


def test_korean_syllables_survive() -> None:
    assert fold_text("한국") == "한국"


@given(any_text)
def test_folding_text_is_folding_each_character(text: str) -> None:
    assert fold_text(text) == "".join(fold_char(ch) for ch in text)


@given(any_text)
def test_offsets_point_at_the_character_each_folded_character_came_from(text: str) -> None:
    folded, origins = fold_with_offsets(text)
    assert folded == fold_text(text)
    assert len(origins) == len(folded) + 1
    assert origins[-1] == len(text)
    assert origins == sorted(origins)
    for position, origin in enumerate(origins[:-1]):
        assert folded[position] in fold_char(text[origin])
