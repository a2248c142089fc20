"""Ticker detection is measured against a labelled set of snippets (tests/data/tickers).

The set holds symbols written in ticker forms, names of big listed companies and
text with no ticker at all (acronyms, datelines, common words). Targets: 90% recall
of symbols in ticker forms, 80% recall of company names, 90% precision overall.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tickertape.core.tickers import find_ticker_matches, ticker_base

LABELLED = Path(__file__).parent.parent / "data" / "tickers" / "labelled.tsv"


@dataclass(slots=True, frozen=True)
class Snippet:
    category: str
    expected: tuple[frozenset[str], ...]  # each: the codes any of which names one company
    field: str
    text: str


def load_snippets() -> list[Snippet]:
    snippets = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        category, expected, field, text = line.split("\t")
        codes = () if expected == "-" else tuple(frozenset(c.split("|")) for c in expected.split())
        snippets.append(Snippet(category, codes, field, text))
    return snippets


def detected(snippet: Snippet) -> set[str]:
    if snippet.field == "title":
        matches = find_ticker_matches("", title=snippet.text)
    else:
        matches = find_ticker_matches(snippet.text)
    return {ticker_base(match.code) for match in matches}


@dataclass(slots=True)
class Score:
    expected: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0


def score(snippets: list[Snippet]) -> dict[str, Score]:
    scores = {"form": Score(), "name": Score(), "all": Score()}
    for snippet in snippets:
        got = detected(snippet)
        allowed = set().union(*snippet.expected)
        for key in (snippet.category, "all"):
            if key in scores:
                scores[key].expected += len(snippet.expected)
                scores[key].found += sum(bool(codes & got) for codes in snippet.expected)
        scores["all"].predicted += len(got)
        scores["all"].correct += len(got & allowed)
    return scores


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    return score(load_snippets())


def test_the_labelled_set_holds_a_few_hundred_snippets() -> None:
    snippets = load_snippets()
    assert len(snippets) >= 300
    assert {snippet.category for snippet in snippets} == {"form", "name", "none"}


def test_symbols_written_in_ticker_forms_are_found(scores: dict[str, Score]) -> None:
    form = scores["form"]
    assert form.found / form.expected >= 0.90


def test_big_company_names_are_found(scores: dict[str, Score]) -> None:
    name = scores["name"]
    assert name.found / name.expected >= 0.80


def test_what_is_found_is_right(scores: dict[str, Score]) -> None:
    every = scores["all"]
    assert every.correct / every.predicted >= 0.90


@pytest.mark.parametrize(
    "snippet",
    [snippet for snippet in load_snippets() if snippet.category == "none"],
    ids=lambda snippet: snippet.text[:40],
)
def test_text_without_tickers_gives_none(snippet: Snippet) -> None:
    assert detected(snippet) == set()
