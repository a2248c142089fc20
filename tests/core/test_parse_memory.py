"""Parsing costs memory in proportion to the file, whatever its shape.

An 8 MB file of blank lines once made ``tickertape list`` peak near 1 GB: the
regular expression for "one or more blank lines" kept a backtracking record per
line. These tests parse pathological shapes of a few hundred kilobytes and bound the
peak of Python's allocations (tracemalloc sees the regular expression engine's
stack too) by a small multiple of the input; they measure memory, never time.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickertape.core.formats import parse_json_lines
from tickertape.core.formats.article_file import article_content, parse_article_text

SIZE = 400_000  # characters: big enough that a per-line cost shows, quick to parse

SHAPES: dict[str, str] = {
    "blank lines": "\n" * SIZE,
    "blank lines then a field": "\n" * SIZE + "title: t\n\ncontent: x\n",
    "a field, blank lines, content": "title: t\n" + "\n" * SIZE + "content: x\n",
    "lines of spaces and tabs": "title: t\n\n" + " \n\t\n" * (SIZE // 4) + "content: x\n",
    "CRLF blank lines": "title: t\r\n" + "\r\n" * (SIZE // 2) + "content: x\r\n",
    # Shapes parsed a paragraph at a time in Python: smaller, as tracemalloc slows that.
    "paragraphs outside any field": "title: t\n\n" + "x\n\n" * (SIZE // 30),
    "many unknown fields": "title: t\n\n" + "k: v\n\n" * (SIZE // 60),
    "one long line": "title: " + "x" * SIZE + "\n\ncontent: y\n",
    "a long run of spaces": "title: t\n" + " " * SIZE + "x\n\ncontent: y\n",
}


def peak_bytes(parse: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        parse()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bound(text: str) -> int:
    """Room for a few copies of the text (as UCS-4 at worst) and fixed overheads."""
    return 8 * len(text) + 2_000_000


@pytest.mark.parametrize("shape", SHAPES)
def test_article_files_parse_in_memory_proportional_to_their_size(shape: str) -> None:
    text = SHAPES[shape]
    assert peak_bytes(lambda: parse_article_text(text, "a.txt")) < bound(text)
    assert peak_bytes(lambda: article_content(text)) < bound(text)


def test_json_lines_of_blank_lines_parse_in_little_memory() -> None:
    """Blank lines are skipped one at a time, not split into a list of millions."""
    text = "\n" * (SIZE // 2) + '{"title": "t"}\n'
    assert peak_bytes(lambda: parse_json_lines(text, "a.jsonl")) < 1_000_000


def test_blank_lines_still_separate_fields() -> None:
    text = "\n \n\ntitle: One\n \t\n\n  \nsource: wire\n\t\n\ncontent: body\n\n\nmore\n"
    article = parse_article_text(text, "a.txt").articles[0]
    assert (article.title, article.source) == ("One", "wire")
    assert article.content == "body\n\n\nmore\n"
    assert article_content(text) == "body\n\n\nmore\n"


pieces = st.sampled_from(["\n", " ", "\t", "\r\n", "title: x", "k: v", "content: c", "y"])


@settings(max_examples=200)
@given(st.lists(pieces, max_size=60).map("".join), st.integers(1, 3_000))
def test_any_mix_of_blank_lines_parses_in_proportional_memory(head: str, blank: int) -> None:
    text = head + "\n" * blank + head
    assert peak_bytes(lambda: parse_article_text(text, "a.txt")) < bound(text)


json_pieces = st.sampled_from(["\n", " ", "\t", '{"title": "t"}', "{bad", "\u00a0"])


def is_json(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


@given(st.lists(json_pieces, max_size=40))
def test_json_lines_are_numbered_as_in_the_file(pieces: list[str]) -> None:
    text = "".join(pieces)
    result = parse_json_lines(text, "a.jsonl")
    lines = enumerate(text.split("\n"), 1)
    bad = [number for number, line in lines if line.strip() and not is_json(line)]
    reported = [int(p.field.split()[1]) for p in result.problems if p.field.startswith("line")]
    assert reported == bad
