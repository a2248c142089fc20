"""Search ignores case and accents in every script, and compatibility forms:
``σισυφος`` finds ``σίσυφος``, ``ｏｉｌ`` finds ``oil``, ``strasse`` finds ``straße``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tickertape.ui.matching import match_spans, terms_pattern

ARTICLES = {
    "001_0000000000000001.txt": ("Ο μύθος του Σίσυφου", "<p>Ο σίσυφος κυλά την πέτρα.</p>"),
    "002_0000000000000002.txt": ("Oil prices rise", "<p>Crude oil rose on Monday.</p>"),
    "003_0000000000000003.txt": ("Verkehr", "<p>Die Hauptstraße ist gesperrt.</p>"),
    "004_0000000000000004.txt": ("Café society", "<p>Prices at the café.</p>"),
    "005_0000000000000005.txt": ("Ｆｕｌｌ ｗｉｄｔｈ ｔｉｔｌｅ", "<p>ﬁnance desk</p>"),
}


@pytest.fixture
def index(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, (title, body) in ARTICLES.items():
        (folder / name).write_text(f"title: {title}\n\ncontent: {body}\n", encoding="utf-8")
    return folder


def found(capsys: pytest.CaptureFixture[str], index: Path, query: str) -> list[str]:
    code, out, err = run(capsys, "list", str(index), "-q", query, "--format", "jsonl")
    assert code == 0, err
    return sorted(json.loads(line)["id"][-1] for line in out.splitlines())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("σισυφος", ["1"]),
        ("ΣΙΣΥΦΟΣ", ["1"]),
        ("σίσυφου", ["1"]),
        ("μυθος", ["1"]),
        ("ｏｉｌ", ["2"]),
        ("OIL", ["2"]),
        ("hauptstrasse", ["3"]),
        ("HAUPTSTRASSE", ["3"]),
        ("hauptstra*", ["3"]),
        ("cafe", ["4"]),
        ("CAFÉ", ["4"]),
        ("full width", ["5"]),
        ("finance", ["5"]),
        ('"ο σισυφος"', ["1"]),
        ("-σισυφος oil", ["2"]),
    ],
)
def test_search_folds_case_accents_and_compatibility_forms(
    index: Path, capsys: pytest.CaptureFixture[str], query: str, expected: list[str]
) -> None:
    assert found(capsys, index, query) == expected


@pytest.mark.parametrize(
    ("term", "text", "marked"),
    [
        ("σισυφος", "Ο ΣΊΣΥΦΟΣ και ο σίσυφος", ["ΣΊΣΥΦΟΣ", "σίσυφος"]),
        ("hauptstrasse", "Die Hauptstraße ist gesperrt", ["Hauptstraße"]),
        ("straße", "STRASSE und Straße", ["STRASSE", "Straße"]),
        ("ｏｉｌ", "Crude OIL and ｏｉｌ", ["OIL", "ｏｉｌ"]),
        ("finance", "the ﬁnance desk", ["ﬁnance"]),
        ("cafe", "Café and cafe\u0301", ["Café", "cafe\u0301"]),
    ],
)
def test_highlights_mark_what_the_search_found(term: str, text: str, marked: list[str]) -> None:
    spans = [text[start:end] for start, end in match_spans(terms_pattern([term]), text)]
    assert spans == marked
