"""The article file format of PRODUCT 1.1, rule by rule, on real files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickertape.core.article import Article, format_published
from tickertape.core.formats import ReadResult, read_file
from tickertape.core.formats.article_file import (
    _UNSAFE_ASCII,
    _UNSAFE_CHARS,
    MAX_IMAGES,
    MAX_IMAGES_CHARS,
    article_content,
    file_id,
    parse_article_text,
)
from tickertape.core.sanitize import is_printable_text

SEED_IMAGE = (
    "https://www.reuters.com/resizer/v2/https%3A%2F%2Fs3.amazonaws.com%2Farc-authors%2Freuters"
    "%2Ff5c74c90-21b5-4c40-b6e3-a240e19e78f5.png?auth=d3615055683eaa6fe86e37b138d285804295452e"
    "73ed02e76d8e1ef343d7e1d6&width={w}&height={h}&smart=true"
)


def read(tmp_path: Path, text: str | bytes, name: str = "001_0123456789abcdef.txt") -> ReadResult:
    """Write ``text`` to a real file and read it back the way the loader does."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return read_file(path.read_bytes(), name)


def one(tmp_path: Path, text: str | bytes, name: str = "001_0123456789abcdef.txt") -> Article:
    result = read(tmp_path, text, name)
    assert len(result.articles) == 1, result.problems
    return result.articles[0]


def reasons(result: ReadResult) -> list[str]:
    return [problem.short() for problem in result.problems]


def test_seed_article_reads_to_its_exact_fields(seed_path: Path) -> None:
    result = read_file(seed_path.read_bytes(), seed_path.name)
    assert result.problems == []
    [article] = result.articles
    assert article.id == "ccb8ea6fd69811d1"
    assert article.path == seed_path.name
    assert article.link == (
        "https://www.reuters.com/technology/artificial-intelligence/"
        "amazons-cloud-service-shows-new-ai-servers-says-apple-will-use-its-chips-2024-12-03/"
    )
    assert article.source == "www.reuters.com"
    assert article.title == (
        "Amazon's cloud service shows new AI servers, says Apple will use its chips"
    )
    assert article.summary == (
        "Amazon.com's cloud unit on Tuesday showed new data center servers packed with its own"
        " AI chips that will challenge Nvidia , with Apple coming aboard as a customer to use them."
    )
    assert format_published(article.published) == "2024-12-03T16:56:52.859Z"
    assert article.language == "en"
    assert article.sentiment == "neutral"
    assert article.confidence == 0.9999871253967285
    assert article.images == [
        SEED_IMAGE.format(w=1080, h=565),
        SEED_IMAGE.format(w=1200, h=628),
        SEED_IMAGE.format(w=120, h=63),
    ]
    assert article.tickers == ["AMZN.O", "NVDA.O", "AAPL.O"]
    assert article.content.startswith("Amazon.com's <a href=")
    assert article.content.endswith("will debut next year.\n\n")
    assert article.extra == {}
    assert article.warnings == []


def test_a_field_value_continues_over_following_lines(tmp_path: Path) -> None:
    article = one(tmp_path, "title: A long title\nwrapped over\n  three lines\n\ncontent: x\n")
    assert article.title == "A long title wrapped over three lines"


def test_content_runs_to_the_end_with_fake_fields_and_blank_lines(tmp_path: Path) -> None:
    body = "<p>First</p>\n\ntitle: not a title\n\nlink: javascript:alert(1)\n\n\n<p>Last</p>\n"
    article = one(tmp_path, f"title: Real\n\ncontent: {body}")
    assert article.title == "Real"
    assert article.link == ""
    assert article.content == body


def test_content_may_start_on_the_next_line(tmp_path: Path) -> None:
    article = one(tmp_path, "title: T\n\ncontent:\n<p>Body</p>\n")
    assert article.content == "<p>Body</p>\n"


def test_the_first_occurrence_of_a_field_wins_with_a_warning(tmp_path: Path) -> None:
    result = read(tmp_path, "title: First\n\ntitle: Second\n\nTITLE: Third\n\ncontent: x")
    assert result.articles[0].title == "First"
    assert "title: appears 3 times; the first is used" in reasons(result)
    assert "title: appears 3 times; the first is used" in result.articles[0].warnings


def test_keys_match_case_insensitively(tmp_path: Path) -> None:
    article = one(
        tmp_path, "Title: T\n\nPUBLISHDATE: 2024-12-03\n\nSentiment: Positive\n\nCONTENT: body"
    )
    assert article.title == "T"
    assert format_published(article.published) == "2024-12-03T00:00:00Z"
    assert article.sentiment == "positive"
    assert article.content == "body"


def test_a_field_starts_only_after_a_blank_line(tmp_path: Path) -> None:
    article = one(tmp_path, "title: T\nlink: https://example.com/\n\ncontent: x")
    assert article.title == "T link: https://example.com/"
    assert article.link == ""


def test_unknown_fields_are_kept_as_sanitised_extra(tmp_path: Path) -> None:
    text = "author: Jane\x1b[31m Doe\n\ntitle: T\n\ncategory: cocoa\n\nAuthor: Other\n\ncontent: x"
    result = read(tmp_path, text)
    article = result.articles[0]
    assert article.extra == {"author": "Jane Doe", "category": "cocoa"}
    assert "author: appears 2 times; the first is used" in reasons(result)


def test_a_lone_carriage_return_does_not_end_a_line(tmp_path: Path) -> None:
    article = one(tmp_path, "title: Before\rlink: https://evil.example/\n\ncontent: x")
    assert article.link == ""
    assert article.title == "Before link: https://evil.example/"


def test_crlf_line_ends_read_like_lf(tmp_path: Path) -> None:
    text = "link: https://a.example/x\r\n\r\ntitle: T\r\n\r\ncontent: <p>a</p>\r\n<p>b</p>\r\n"
    article = one(tmp_path, text)
    assert article.link == "https://a.example/x"
    assert article.title == "T"
    assert article.content == "<p>a</p>\n<p>b</p>\n"
    assert article.warnings == ["publishDate: no date"]


def test_whitespace_only_lines_separate_fields(tmp_path: Path) -> None:
    article = one(tmp_path, "title: T\n  \t\nsource: S\n\ncontent: x")
    assert (article.title, article.source) == ("T", "S")


def test_text_outside_any_field_is_reported(tmp_path: Path) -> None:
    result = read(tmp_path, "title: T\n\njust a stray paragraph\n\nsource: S\n\ncontent: x")
    assert result.articles[0].source == "S"
    assert "file: a paragraph outside any field ignored (the first at line 3)" in reasons(result)


def test_a_file_without_fields_is_not_an_article(tmp_path: Path) -> None:
    result = read(tmp_path, "Just some notes.\nNothing else.\n", name="README.txt")
    assert result.articles == []
    assert reasons(result) == [
        "file: not an article (no 'key: value' fields, no title or content); skipped"
    ]


def test_a_file_with_only_unknown_fields_is_not_an_article(tmp_path: Path) -> None:
    result = read(tmp_path, "name: config\n\nversion: 2\n", name="settings.txt")
    assert result.articles == []
    assert "only unknown fields" in result.problems[0].reason


def test_missing_title_keeps_the_article_with_a_warning(tmp_path: Path) -> None:
    article = one(tmp_path, "link: https://a.example/\n\npublishDate: 2024-01-01\n\ncontent: x")
    assert article.title == ""
    assert article.warnings == ["title: no title"]


def test_missing_content_keeps_the_article_with_a_warning(tmp_path: Path) -> None:
    article = one(tmp_path, "title: T\n\npublishDate: 2024-01-01\n\ncontent: \n\n")
    assert article.content == ""
    assert article.warnings == ["content: no content"]


def test_unreadable_date_is_dropped_with_a_warning(tmp_path: Path) -> None:
    article = one(tmp_path, "title: T\n\npublishDate: 2024-13-45\n\ncontent: x")
    assert article.published is None
    assert article.warnings == ["publishDate: '2024-13-45' is not a real date and time; ignored"]


@pytest.mark.parametrize(
    ("raw", "label", "direction"),
    [
        ("positive", "positive", "positive"),
        ("NEGATIVE", "NEGATIVE", "negative"),
        (" Neutral ", "Neutral", "neutral"),
        ("Somewhat-Bullish", "Somewhat-Bullish", "positive"),
        ("Mixed", "Mixed", ""),
        ("", "", ""),
    ],
)
def test_sentiment_label_is_kept_as_written_and_mapped_to_a_direction(
    tmp_path: Path, raw: str, label: str, direction: str
) -> None:
    article = one(tmp_path, f"title: T\n\nsentiment: {raw}\n\ncontent: x")
    assert (article.sentiment_label, article.sentiment) == (label, direction)


def test_sentiment_label_is_sanitised(tmp_path: Path) -> None:
    article = one(tmp_path, "title: T\n\nsentiment: Bull\u202eish\n\ncontent: x")
    assert (article.sentiment_label, article.sentiment) == ("Bullish", "positive")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1.7", "confidence: 1.7 is outside [0, 1]; ignored"),
        ("-1.3", "confidence: -1.3 is outside [0, 1]; ignored"),
        ("nan", "confidence: nan is not a finite number; ignored"),
        ("NaN", "confidence: nan is not a finite number; ignored"),
        ("inf", "confidence: inf is not a finite number; ignored"),
        ("-Infinity", "confidence: -infinity is not a finite number; ignored"),
        ("1e999", "confidence: 1e999 is not a finite number; ignored"),
        ("high", "confidence: 'high' is not a number; ignored"),
        ("1_0", "confidence: '1_0' is not a number; ignored"),
    ],
)
def test_bad_confidence_is_dropped_with_a_reason(tmp_path: Path, raw: str, reason: str) -> None:
    text = f"title: T\n\npublishDate: 2024-01-01\n\nconfidence: {raw}\n\ncontent: x"
    result = read(tmp_path, text)
    assert result.articles[0].confidence is None
    assert reasons(result) == [reason]


@pytest.mark.parametrize(("raw", "value"), [("0", 0.0), ("1", 1.0), ("0.5", 0.5), (".25", 0.25)])
def test_confidence_in_range_is_kept(tmp_path: Path, raw: str, value: float) -> None:
    assert one(tmp_path, f"title: T\n\nconfidence: {raw}\n\ncontent: x").confidence == value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[]", []),
        ("", []),
        ("['https://a/1.png', 'https://a/2.png']", ["https://a/1.png", "https://a/2.png"]),
        ('["https://a/1.png", "https://a/2.png"]', ["https://a/1.png", "https://a/2.png"]),
        ('["https://a/it\'s.png"]', ["https://a/it's.png"]),
        (r"['https://a/it\'s.png']", ["https://a/it's.png"]),
        (r"['https://a/\x41\u00e9.png']", ["https://a/Aé.png"]),
        ("[u'https://a/1.png',]", ["https://a/1.png"]),
        ("['https://a/1.png',\n 'https://a/2.png']", ["https://a/1.png", "https://a/2.png"]),
        ("['https://a/1.png', 'https://a/1.png']", ["https://a/1.png"]),
        ("['https://a/x?a=1&amp;b=2']", ["https://a/x?a=1&b=2"]),
        ("https://a/bare.png", ["https://a/bare.png"]),
    ],
)
def test_images_list_literals_are_read_as_data(
    tmp_path: Path, raw: str, expected: list[str]
) -> None:
    article = one(tmp_path, f"title: T\n\npublishDate: 2024-01-01\n\nimages: {raw}\n\ncontent: x")
    assert article.images == expected
    assert article.warnings == []


@pytest.mark.parametrize(
    "raw",
    [
        "[__import__('os').system('touch pwned')]",
        "['a' + 'b']",
        "['unterminated]",
        "['a' 'b']",
        "['a'] trailing",
        "{'a': 1}",
        "not a list",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    ],
)
def test_malformed_images_give_no_images_and_a_warning(tmp_path: Path, raw: str) -> None:
    result = read(tmp_path, f"title: T\n\npublishDate: 2024-01-01\n\nimages: {raw}\n\ncontent: x")
    assert result.articles[0].images == []
    [warning] = reasons(result)
    assert warning.startswith("images: ")
    assert not (tmp_path / "pwned").exists()


def test_images_never_evaluate_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    one(tmp_path, "title: T\n\nimages: [__import__('os').system('touch pwned')]\n\ncontent: x")
    assert not (tmp_path / "pwned").exists()


def test_images_beyond_the_cap_are_dropped_with_a_warning(tmp_path: Path) -> None:
    urls = [f"https://a/{n}.png" for n in range(MAX_IMAGES + 50)]
    text = f"title: T\n\npublishDate: 2024-01-01\n\nimages: {urls!r}\n\ncontent: x"
    result = read(tmp_path, text)
    assert result.articles[0].images == urls[:MAX_IMAGES]
    assert [w for w in reasons(result) if w.startswith("images")] != []


def test_an_oversized_images_value_is_ignored_with_a_warning(tmp_path: Path) -> None:
    huge = repr(["https://a/" + "x" * MAX_IMAGES_CHARS])
    result = read(tmp_path, f"title: T\n\npublishDate: 2024-01-01\n\nimages: {huge}\n\ncontent: x")
    assert result.articles[0].images == []
    assert reasons(result)[0].startswith("images: is ")


def test_id_is_the_hex_part_of_the_file_name() -> None:
    assert file_id("sub/dir/000_ccb8ea6fd69811d1.txt") == "ccb8ea6fd69811d1"
    assert file_id("ccb8ea6fd69811d1.txt") == "ccb8ea6fd69811d1"
    assert file_id("42_CCB8EA6FD69811D1.txt") == "ccb8ea6fd69811d1"


def test_id_falls_back_to_a_stable_hash_of_the_path(tmp_path: Path) -> None:
    article = one(tmp_path, "title: T\n\ncontent: x", name="notes about nvidia.txt")
    expected = hashlib.sha1(b"notes about nvidia.txt").hexdigest()[:16]
    assert article.id == expected
    assert file_id("notes about nvidia.txt") == expected


def test_title_entities_are_decoded_and_control_entities_dropped(tmp_path: Path) -> None:
    article = one(tmp_path, "title: USX &lt;X> DEBT&#27;]0;pwned&#7; DOWN &amp; OUT\n\ncontent: x")
    # The ESC and BEL are gone; what is left of the sequence is inert text.
    assert article.title == "USX <X> DEBT]0;pwned DOWN & OUT"


def test_raw_escape_sequences_in_a_title_are_removed_whole(tmp_path: Path) -> None:
    article = one(tmp_path, "title: A\x1b]0;pwned\x07B\x1b[31mC\x9b2J\n\ncontent: x")
    assert article.title == "ABC"


def test_link_entities_other_than_amp_are_left_alone(tmp_path: Path) -> None:
    text = "title: T\n\nlink: https://a.example/?x=1&amp;copy=2&lt=3\n\ncontent: x"
    article = one(tmp_path, text)
    assert article.link == "https://a.example/?x=1&copy=2&lt=3"


def test_content_is_kept_as_raw_html(tmp_path: Path) -> None:
    body = "<p>A &amp; B &#27; <b>bold</b></p>\n<ul><li>one</li></ul>\n"
    assert one(tmp_path, f"title: T\n\ncontent: {body}").content == body


def test_tickers_come_from_title_summary_and_content_in_order(tmp_path: Path) -> None:
    text = (
        "title: Apple (AAPL.O) rises\n\nsummary: Nvidia (NVDA.O) and Apple (AAPL.O)\n\n"
        'content: <a href="https://www.reuters.com/markets/companies/AMZN.O">(AMZN.O)</a>'
    )
    assert one(tmp_path, text).tickers == ["AAPL.O", "NVDA.O", "AMZN.O"]


def test_article_warnings_are_the_short_form_of_its_problems(tmp_path: Path) -> None:
    result = read(tmp_path, "title: T\n\nconfidence: 7\n\ncontent: x")
    assert result.articles[0].warnings == [p.short() for p in result.problems]
    assert all(p.path == "001_0123456789abcdef.txt" for p in result.problems)


# -- the content-only reader used by the cache's full-text pass ----

article_pieces = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "title: T", "content: ", "content:", "Content:\n", "summary: S", "x-a: b",
                "\n", "\n\n", "\n \n", "\r\n", "\r\n\r\n", " ", "\t", "<p>a</p>", "\x1b[31m",
                "\u202e", "\u00a0", "é", "link: https://a.example/", "publishDate: 2024-01-02",
                "no field here", ":", "content: \n<p>body</p>", "\x00", "\u2028",
            ]
        ),
        st.text(max_size=8),
    ),
    max_size=25,
).map("".join)  # fmt: skip


@settings(max_examples=400)
@given(article_pieces)
def test_article_content_is_the_content_parse_article_text_gives(text: str) -> None:
    result = parse_article_text(text, "001_0123456789abcdef.txt")
    expected = result.articles[0].content if result.articles else ""
    assert article_content(text) == expected


@settings(max_examples=200)
@given(article_pieces)
def test_the_body_only_path_gives_the_content_read_file_gives(text: str) -> None:
    from tickertape.core.formats import read_body, read_file

    data = text.encode()
    result = read_file(data, "001_0123456789abcdef.txt")
    expected = result.articles[0].content if result.articles else ""
    assert read_body(data, "001_0123456789abcdef.txt") == expected


def test_article_content_reads_a_real_article(tmp_path: Path) -> None:
    text = "title: T\n\nsummary: S\n\ncontent: <p>one</p>\n\nfake: field\n"
    assert article_content(text) == "<p>one</p>\n\nfake: field\n"
    assert article_content("title: T\n\nsummary: S") == ""
    assert article_content("just text") == ""


def test_every_unsafe_content_character_fails_the_fast_check() -> None:
    for code in range(0x110000):
        char = chr(code)
        if _UNSAFE_CHARS.match(char) or _UNSAFE_ASCII.match(char):
            assert not is_printable_text(char), hex(code)
