"""The size cap applies to an article's text, not to its markup.

550 KB of nested ``<div>``s with a paragraph after them once lost the paragraph and
showed a stray ``<``: the HTML was cut at 500,000 characters, mid-tag, before
parsing. Now the whole body is parsed (the file-size and content caps still bound
it) and what is cut, when anything is, is the extracted text.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tickertape.core.clean import MAX_BODY_CHARS, MAX_TAGS, clean_html, html_to_text

PARAGRAPH = "The closing paragraph survives."
DEEP = "<div>" * 110_000 + f"<p>{PARAGRAPH}</p>" + "</div>" * 10
WIDE = '<div class="wrapper" data-x="1">' * 17_000 + f"<p>{PARAGRAPH}</p>"


def all_text(html: str, max_chars: int = MAX_BODY_CHARS) -> tuple[str, bool]:
    cleaned = clean_html(html, max_chars=max_chars)
    return "\n".join(block.text for block in cleaned.blocks), cleaned.truncated


@pytest.mark.parametrize("html", [DEEP, WIDE], ids=["nested divs", "divs with attributes"])
def test_much_markup_around_little_text_keeps_the_text_whole(html: str) -> None:
    assert len(html) > MAX_BODY_CHARS
    text, truncated = all_text(html)
    assert text == PARAGRAPH
    assert not truncated
    assert PARAGRAPH in html_to_text(html)


@pytest.mark.parametrize("tags", [100, MAX_TAGS + 100], ids=["parsed to a tree", "streamed"])
def test_long_text_is_cut_at_the_cap_and_never_shows_half_a_tag(tags: int) -> None:
    words = "word " * 40
    html = "".join(f'<p class="c{n}">{words}<b>bold</b></p>' for n in range(tags))
    limit = 2_000
    cleaned = clean_html(html, max_chars=limit)
    assert cleaned.truncated
    assert limit - 250 <= sum(len(block.text) for block in cleaned.blocks) <= limit
    text = "\n".join(block.text for block in cleaned.blocks)
    assert "<" not in text
    assert ">" not in text


def test_text_under_the_cap_is_not_marked_truncated() -> None:
    text, truncated = all_text("<p>" + "x " * 1000 + "</p>", max_chars=5000)
    assert not truncated
    assert len(text) == 1999


def test_search_text_is_capped_too() -> None:
    html = "<p>" + "word " * 1000 + "</p>" + "<div>" * 5000 + "<p>tail</p>"
    assert len(html_to_text(html, max_chars=1000)) <= 1000
    assert "tail" in html_to_text(html)


def test_a_cut_tag_is_dropped_in_memory_proportional_to_its_line() -> None:
    """A line of half a million quoted attributes and an ellipsis (a cut start tag)."""
    html = "<p>kept</p>\n<a " + '"" ' * 300_000 + 'title="cut…\n<p>also kept</p>'
    tracemalloc.start()
    try:
        text, _ = all_text(html)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert text == "kept\nalso kept"
    assert peak < 40 * len(html)


def test_show_and_search_reach_the_paragraph_after_deep_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "news"
    index.mkdir()
    (index / "001_abababababababab.txt").write_text(
        f"title: Deep markup\n\ncontent: {DEEP}\n", encoding="utf-8"
    )
    code, out, err = run(capsys, "show", str(index), "abababab")
    assert code == 0, err
    assert PARAGRAPH in out
    assert "<" not in out
    assert "truncated" not in out
    code, out, _ = run(capsys, "list", str(index), "-q", "closing paragraph", "--format", "jsonl")
    assert code == 0
    assert out.count("\n") == 1
