"""A path shown to a person keeps every character visible and distinct.

``visible_path`` is how a table, a CSV cell, a warning or the sidebar spells a file
name: printable, and one spelling per name (it can be read back exactly).
"""

from __future__ import annotations

import io
import json
import re

from hypothesis import given
from hypothesis import strategies as st

from tickertape.core.sanitize import visible_path
from tickertape.output import RECORD_KEYS, write_jsonl

any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=40)
_ESCAPE = re.compile(r"\\(?:\\|x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8}))")


def read_back(shown: str) -> str:
    """The inverse of ``visible_path``: proves that no two paths share a spelling."""
    if "\\" not in shown:
        return shown

    def replace(match: re.Match[str]) -> str:
        number = match.group(1) or match.group(2) or match.group(3)
        return "\\" if number is None else chr(int(number, 16))

    return _ESCAPE.sub(replace, shown)


@given(any_text)
def test_a_shown_path_is_printable_and_reads_back_to_the_path(path: str) -> None:
    shown = visible_path(path)
    assert shown.isprintable()
    assert read_back(shown) == path


def test_names_that_differ_only_in_control_characters_stay_different() -> None:
    shown = {visible_path(name) for name in ("ab", "a\x01b", "a\x02b", "a\x1bb", "a\\x01b")}
    assert len(shown) == 5
    assert visible_path("a\x1bb") == "a\\x1bb"
    assert visible_path("r\u202etxt.exe") == "r\\u202etxt.exe"


def test_a_usual_path_is_unchanged() -> None:
    assert visible_path("news/2024/001_ab12.txt") == "news/2024/001_ab12.txt"
    assert visible_path("actualités/été.txt") == "actualités/été.txt"


@given(any_text)
def test_jsonl_lines_are_printable_and_decode_to_the_exact_path(path: str) -> None:
    record: dict[str, object] = dict.fromkeys(RECORD_KEYS, "")
    record["path"] = path
    out = io.StringIO()
    write_jsonl([record], out)
    line = out.getvalue()
    assert line.endswith("\n")
    assert line[:-1].isprintable()
    assert json.loads(line)["path"] == path
