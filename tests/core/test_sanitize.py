"""Untrusted text loses every escape sequence and every invisible or control character."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickertape.core import sanitize as sanitize_module
from tickertape.core.sanitize import clean_field, is_printable_text, sanitize, sanitize_inline

# Pieces that hostile or broken text is made of, mixed into arbitrary text below.
HAZARDS = [
    "\x1b", "\x1b[", "\x1b]", "\x1bP", "\x1b\\", "\x07", "\x9b", "\x9c", "\x9d", "\x90",
    "\x7f", "\x00", "\r", "\r\n", "\x85", "\u2028", "\u202e", "\u2066", "\u2069",
    "\u200b", "\u2060", "\ufeff", "\ud800", "[31m", ";", "52;c;", "&#27;", "&#x1b;",
    "&#155;", "&#x9d;", "&#x90;", "&#8238;", "&#x200b;", "&#65279;", "&#0;", "&", "#",
]  # fmt: skip

hostile_text = st.lists(
    st.one_of(st.text(alphabet=st.characters(exclude_categories=())), st.sampled_from(HAZARDS)),
    max_size=30,
).map("".join)


def unsafe_characters(text: str, *, allowed: str = "\n\t") -> list[str]:
    """Every character a terminal could act on, or that hides or reorders text."""
    return [
        ch
        for ch in text
        if ch not in allowed
        and (
            ord(ch) < 0x20
            or 0x7F <= ord(ch) <= 0x9F
            or unicodedata.category(ch) in ("Cf", "Cs", "Zl", "Zp")
        )
    ]


@given(hostile_text)
def test_sanitize_never_leaves_a_control_or_invisible_character(text: str) -> None:
    assert unsafe_characters(sanitize(text)) == []


@given(hostile_text)
def test_clean_field_leaves_nothing_unsafe_even_from_entities(text: str) -> None:
    assert unsafe_characters(clean_field(text), allowed="") == []
    assert unsafe_characters(clean_field(text, inline=False)) == []


@given(hostile_text)
def test_clean_text_is_returned_unchanged_by_the_fast_path(text: str) -> None:
    # A NUL forces every pass to run; it is removed and affects nothing else.
    assert sanitize(text) == sanitize(text + "\x00")
    assert sanitize(sanitize(text)) == sanitize(text)


def slow_sanitize(text: str) -> str:
    """Every pass of :func:`sanitize`, without its fast paths."""
    text = sanitize_module._CRLF.sub("\n", text)
    text = sanitize_module._SEPARATORS.sub(" ", text)
    text = sanitize_module._ESCAPE_SEQUENCE.sub("", text)
    return sanitize_module._INVISIBLE.sub("", text)


@given(hostile_text)
def test_the_fast_path_and_the_slow_path_agree(text: str) -> None:
    assert sanitize(text) == slow_sanitize(text)
    if is_printable_text(text):
        assert slow_sanitize(text) == text


@given(st.lists(st.sampled_from(["a", " ", "\n", "\t", "é", "\u00a0", "日", "\x1b", "\r"])))
def test_the_fast_path_and_the_slow_path_agree_on_mostly_clean_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert sanitize(text) == slow_sanitize(text)


def test_every_character_sanitize_acts_on_fails_the_fast_check() -> None:
    # The fast path is only as safe as this: no code point that any pass would touch
    # (or that starts an escape sequence) may count as printable text.
    touched = re.compile(
        f"{sanitize_module._ANY_TARGET.pattern}|[\x1b\x90-\x9f]|{sanitize_module._INVISIBLE.pattern}"
    )
    for code in range(0x110000):
        char = chr(code)
        if touched.match(char):
            assert not is_printable_text(char), hex(code)
            assert not is_printable_text(f"ok\n{char}\tok"), hex(code)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("\x1b[31mred\x1b[0m", "red", id="7-bit CSI colour"),
        pytest.param("\x1b[2J\x1b[Hx", "x", id="7-bit CSI clear screen"),
        pytest.param("\x9b31mred\x9b0m", "red", id="8-bit CSI"),
        pytest.param("\x1b]0;evil title\x07after", "after", id="OSC title ended by BEL"),
        pytest.param("\x1b]2;evil title\x1b\\after", "after", id="OSC title ended by ST"),
        pytest.param("\x1b]52;c;ZWNobyBldmls\x07ok", "ok", id="OSC 52 clipboard write"),
        pytest.param("\x1b]8;;https://evil\x07link\x1b]8;;\x07", "link", id="OSC 8 hyperlink"),
        pytest.param("\x9d0;title\x9cok", "ok", id="8-bit OSC"),
        pytest.param("\x1bPq#0;2;0;0;0\x1b\\ok", "ok", id="7-bit DCS"),
        pytest.param("\x90q#0;2\x9cok", "ok", id="8-bit DCS"),
        pytest.param("\x1b7\x1b8ok", "ok", id="two-byte escapes"),
        pytest.param("a\x00b\x07c\x08d\x0be\x0cf", "abcdef", id="C0 controls"),
        pytest.param("a\x80b\x9fc", "abc", id="C1 controls"),
        pytest.param("a\x7fb", "ab", id="DEL"),
        pytest.param("abc\u202egnp.exe", "abcgnp.exe", id="bidi override U+202E"),
        pytest.param("\u2066a\u2067b\u2068c\u2069", "abc", id="bidi isolates U+2066-2069"),
        pytest.param("\u202aa\u202bb\u202c", "ab", id="bidi embeddings"),
        pytest.param("pay\u200bpal\u2060.com", "paypal.com", id="zero-width U+200B U+2060"),
        pytest.param("\ufeffTitle", "Title", id="BOM"),
        pytest.param("soft\u00adhyphen", "softhyphen", id="soft hyphen"),
        pytest.param("\U000e0041\U000e0042tag", "tag", id="tag characters"),
    ],
)
def test_each_hazard_class_is_removed(raw: str, expected: str) -> None:
    assert sanitize(raw) == expected


def test_newlines_and_tabs_survive_and_carriage_returns_become_newlines() -> None:
    assert sanitize("a\tb\r\nc\rd\ne") == "a\tb\nc\nd\ne"


def test_line_separators_become_spaces() -> None:
    assert sanitize("a\u2028b\u2029c\x85d") == "a b c d"


def test_unterminated_sequence_leaves_no_escape_character() -> None:
    assert "\x1b" not in sanitize("\x1b]0;title never ends")
    assert unsafe_characters(sanitize("\x9d0;title never ends\x90dcs")) == []


def test_ordinary_text_is_unchanged() -> None:
    text = "Amazon.com's (AMZN.O) 日本語 café — “quoted” 🚀\n\tindented"
    assert sanitize(text) == text


def test_long_runs_of_unterminated_introducers_are_all_removed() -> None:
    # Each payload used to scan to the end of the text (quadratic; the benchmarks watch
    # the speed, this checks the result on a run long enough to matter).
    for introducer in ("\x90", "\x9d", "\x1b]", "\x9dab"):
        assert unsafe_characters(sanitize(introducer * 200_000)) == []


def test_sanitize_inline_folds_all_whitespace() -> None:
    assert sanitize_inline("  a \n\t b\u2028c  ") == "a b c"


@pytest.mark.parametrize(
    "raw",
    ["a&#27;[31mb", "&#x1b;]0;title&#7;x", "&#155;31m", "&#x9d;0;t&#x9c;x", "&#x90;q&#x9c;"],
)
def test_clean_field_decodes_entities_before_sanitising(raw: str) -> None:
    assert unsafe_characters(clean_field(raw), allowed="") == []


def test_clean_field_removes_bidi_and_zero_width_given_as_entities() -> None:
    assert clean_field("a&#8238;b&#x200b;c&#65279;d&#x2066;e") == "abcde"


def test_clean_field_decodes_ordinary_entities() -> None:
    assert clean_field("Q&amp;A &lt;b&gt; caf&eacute;") == "Q&A <b> café"
