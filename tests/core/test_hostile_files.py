"""Bad input (PRODUCT 1.3): every hazard is degraded and reported, never a crash."""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tickertape.core import formats
from tickertape.core.article import Article
from tickertape.core.formats import ReadResult, read_file
from tickertape.core.formats.article_file import MAX_CONTENT_CHARS

NAME = "007_00000000deadbeef.txt"
GOOD = "title: Title\n\npublishDate: 2024-12-03T16:56:52Z\n\ncontent: <p>Body</p>\n"


def read(tmp_path: Path, data: bytes, name: str = NAME) -> ReadResult:
    path = tmp_path / name
    path.write_bytes(data)
    return read_file(path.read_bytes(), name)


def reasons(result: ReadResult) -> list[str]:
    return [problem.short() for problem in result.problems]


def test_invalid_utf8_is_replaced_and_reported(tmp_path: Path) -> None:
    result = read(tmp_path, b"title: caf\xe9 cr\xe8me\n\ncontent: <p>\xff</p>")
    [article] = result.articles
    assert article.title == "caf\ufffd cr\ufffdme"
    assert article.content == "<p>\ufffd</p>"
    warning = "file: 3 invalid UTF-8 bytes replaced with U+FFFD (the first at byte 10)"
    assert warning in reasons(result)
    assert warning in article.warnings


def test_a_utf8_bom_is_dropped(tmp_path: Path) -> None:
    result = read(tmp_path, codecs.BOM_UTF8 + GOOD.encode())
    assert result.articles[0].title == "Title"
    assert result.problems == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path: Path, encoding: str) -> None:
    data = GOOD.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    result = read(tmp_path, data)
    assert result.articles[0].title == "Title"
    assert result.articles[0].content == "<p>Body</p>\n"
    assert result.problems == []


def test_utf16_without_a_bom_is_recognised(tmp_path: Path) -> None:
    result = read(tmp_path, GOOD.encode("utf-16-le"))
    assert result.articles[0].title == "Title"
    assert reasons(result) == ["file: utf-16-le without a byte order mark"]


def test_crlf_files_read_like_lf(tmp_path: Path) -> None:
    result = read(tmp_path, GOOD.replace("\n", "\r\n").encode())
    assert result.articles[0].content == "<p>Body</p>\n"
    assert result.problems == []


def test_nul_bytes_are_removed_and_reported(tmp_path: Path) -> None:
    result = read(tmp_path, GOOD.replace("Title", "Ti\x00tle").encode() + b"\x00" * 20)
    [article] = result.articles
    assert article.title == "Title"
    assert "\x00" not in article.content
    assert reasons(result) == ["file: 21 NUL bytes removed"]


def test_a_few_bad_bytes_and_nuls_do_not_make_a_file_binary(tmp_path: Path) -> None:
    data = GOOD.encode() + b"\x00\x01\x02\xff\xfe" * 5
    assert len(read(tmp_path, data).articles) == 1


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
        b"\x1f\x8b\x08\x00" + bytes(range(255, -1, -1)) * 40,
        b"\x00" * 4096,
    ],
    ids=["png", "gzip", "zeros"],
)
def test_binary_files_are_skipped_with_a_reason(tmp_path: Path, data: bytes) -> None:
    result = read(tmp_path, data, name="image.txt")
    assert result.articles == []
    [problem] = result.problems
    assert problem.field == "file"
    assert problem.reason.startswith("binary file (")
    assert problem.reason.endswith("undecodable or control bytes); skipped")


def test_an_empty_file_is_skipped(tmp_path: Path) -> None:
    assert reasons(read(tmp_path, b"")) == ["file: empty file; skipped"]


def test_a_huge_body_is_cut_with_a_notice(tmp_path: Path) -> None:
    body = "<p>" + "x" * (MAX_CONTENT_CHARS + 10) + "</p>"
    result = read(tmp_path, f"title: Huge\n\npublishDate: 2024-12-03\n\ncontent: {body}".encode())
    [article] = result.articles
    assert len(article.content) == MAX_CONTENT_CHARS
    assert article.warnings == ["content: is 2,000,017 characters; cut to 2,000,000"]


def test_deeply_nested_html_is_stored_as_it_is(tmp_path: Path) -> None:
    body = "<div>" * 50_000 + "deep" + "</div>" * 50_000
    result = read(tmp_path, f"title: Deep\n\npublishDate: 2024-12-03\n\ncontent: {body}".encode())
    assert result.articles[0].content == body
    assert result.problems == []


def test_escape_sequences_and_controls_never_reach_text_fields(tmp_path: Path) -> None:
    text = (
        "title: \x1b]52;c;cHduZWQ=\x07Clip\x1b[2Jboard &#27;[31mred&#155;1m\n\n"
        "summary: bell\x07 back\x08space\x9b0m\n\n"
        "source: \u202eevil\u202c.com\n\n"
        "sentiment: \x1b[1mpositive\n\n"
        "content: <p>\x1b]8;;https://evil/\x1b\\link\x1b]8;;\x1b\\</p>"
    )
    [article] = read(tmp_path, text.encode()).articles
    # &#27; decodes to nothing, &#155; to "›" (HTML maps C1 references through cp1252).
    assert article.title == "Clipboard [31mred›1m"
    assert article.summary == "bell backspace"
    assert article.source == "evil.com"
    assert article.sentiment == "positive"
    assert article.content == "<p>link</p>"


def test_rich_markup_in_a_title_is_kept_as_literal_text(tmp_path: Path) -> None:
    text = "title: [@click=app.quit]x[/] [bold red]loud[/]\n\ncontent: x"
    [article] = read(tmp_path, text.encode()).articles
    assert article.title == "[@click=app.quit]x[/] [bold red]loud[/]"


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<script>x</script>", "-oProxy"],
)
def test_unsafe_links_are_kept_as_data(tmp_path: Path, link: str) -> None:
    [article] = read(tmp_path, f"title: T\n\nlink: {link}\n\ncontent: x".encode()).articles
    assert article.link == link


def test_invisible_characters_in_a_link_are_percent_encoded(tmp_path: Path) -> None:
    text = "title: T\n\nlink: https://bank.example/\u202egnp.exe\x1b[0m\n\ncontent: x"
    result = read(tmp_path, text.encode())
    assert result.articles[0].link == "https://bank.example/%E2%80%AEgnp.exe%1B[0m"
    assert "link: control or invisible characters percent-encoded" in reasons(result)


def test_a_file_that_is_only_noise_is_not_an_article(tmp_path: Path) -> None:
    result = read(tmp_path, b"\n\n   \n\t\n")
    assert result.articles == []
    assert result.problems[0].reason.startswith("not an article")


# Characters that must never be in a text field: controls (but \n and \t where a
# field may hold lines), format characters (bidi, zero-width), surrogates and
# line or paragraph separators that a terminal may obey.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _unsafe_characters(text: str, *, multi_line: bool) -> list[str]:
    allowed = "\n\t" if multi_line else ""
    return [
        ch for ch in text if ch not in allowed and unicodedata.category(ch) in _FORBIDDEN_CATEGORIES
    ]


def _assert_fields_are_safe(article: Article) -> None:
    one_line = [
        article.id,
        article.link,
        article.source,
        article.title,
        article.summary,
        article.language,
        article.sentiment,
        *article.images,
        *article.tickers,
        *article.extra.keys(),
        *article.extra.values(),
        *article.warnings,
    ]
    for value in one_line:
        assert _unsafe_characters(value, multi_line=False) == [], value
    assert _unsafe_characters(article.content, multi_line=True) == []
    if article.confidence is not None:
        assert 0.0 <= article.confidence <= 1.0


_FIELD_NAMES = [
    "title",
    "Title",
    "link",
    "source",
    "summary",
    "publishDate",
    "language",
    "sentiment",
    "confidence",
    "images",
    "content",
    "author",
    "x-y",
]
_NASTY = st.sampled_from(
    [
        "\x1b[31m",
        "\x1b]0;t\x07",
        "\x9b",
        "\u202e",
        "\u200b",
        "&#27;",
        "&#x9b;",
        "\r",
        "\r\n",
        "\n",
        "\n\n",
        ": ",
        "[",
        "]",
        "'",
        '"',
        "\\",
        "\x00",
        "\ufeff",
        "\u2028",
        "[@click=x]",
    ]
)
_ARTICLE_LIKE = st.lists(
    st.one_of(st.sampled_from(_FIELD_NAMES).map(lambda key: f"\n\n{key}: "), _NASTY, st.text()),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        _ARTICLE_LIKE.map(lambda text: text.encode("utf-8", "surrogatepass")),
    ),
    name=st.sampled_from(["000_0123456789abcdef.txt", "notes.txt", "a.jsonl", "b.json"]),
)
def test_read_file_never_raises_and_fields_are_always_safe(data: bytes, name: str) -> None:
    result = read_file(data, name)
    for article in result.articles:
        _assert_fields_are_safe(article)
    for problem in result.problems:
        assert problem.path == name
        assert _unsafe_characters(problem.reason, multi_line=False) == []


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(
    records=st.lists(
        st.dictionaries(
            st.sampled_from([*_FIELD_NAMES, "url", "publishedAt", "id", "body"]), _JSON_VALUES
        ),
        max_size=5,
    )
)
def test_json_lines_of_any_values_never_raise_and_stay_safe(
    records: list[dict[str, object]],
) -> None:
    data = "\n".join(json.dumps(record) for record in records).encode()
    result = read_file(data, "r.jsonl")
    for article in result.articles:
        _assert_fields_are_safe(article)


def test_a_reader_bug_becomes_a_problem_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(text: str, rel_path: str) -> ReadResult:
        raise RuntimeError("boom\x1b[31m")

    monkeypatch.setattr(formats, "parse_article_text", explode)
    result = read(tmp_path, GOOD.encode())
    assert result.articles == []
    assert reasons(result) == ["file: could not be read (RuntimeError: boom); skipped"]
