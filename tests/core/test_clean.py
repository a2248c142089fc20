"""Article HTML becomes readable, inert blocks; broken or hostile markup never hurts."""

from __future__ import annotations

import unicodedata
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickertape.core.clean import (
    MAX_BODY_CHARS,
    Block,
    CleanedArticle,
    Span,
    blocks_to_plain,
    clean_html,
    html_to_text,
    repeats_summary,
)


def unsafe_characters(text: str) -> list[str]:
    return [
        ch
        for ch in text
        if ch not in "\n\t"
        and (
            ord(ch) < 0x20
            or 0x7F <= ord(ch) <= 0x9F
            or unicodedata.category(ch) in ("Cf", "Cs", "Zl", "Zp")
        )
    ]


def texts(cleaned: CleanedArticle) -> list[str]:
    return [block.text for block in cleaned.blocks]


def all_text(cleaned: CleanedArticle) -> str:
    return "\n".join(texts(cleaned))


def only_block(html: str) -> Block:
    blocks = clean_html(html).blocks
    assert len(blocks) == 1, blocks
    return blocks[0]


# -- the seed article ----


def test_seed_article_gives_three_paragraphs_and_its_tickers(seed_path: Path) -> None:
    content = seed_path.read_text("utf-8").split("\ncontent: ", 1)[1]
    cleaned = clean_html(content)
    assert cleaned.tickers == ["AMZN.O", "NVDA.O", "AAPL.O"]
    assert [block.kind for block in cleaned.blocks] == ["paragraph"] * 3
    assert cleaned.links == []
    assert not cleaned.truncated
    first = cleaned.blocks[0]
    assert first.text.startswith("Amazon.com's (AMZN.O) cloud unit")
    assert Span("ticker", "AMZN.O", ticker="AMZN.O") in first.spans
    assert "<a" not in all_text(cleaned)


# -- what is dropped, what is decoded ----


@pytest.mark.parametrize(
    "html",
    [
        "<p>keep</p><script>alert('LEAK')</script>",
        "<p>keep</p><style>.LEAK{color:red}</style>",
        "<p>keep</p><!-- LEAK -->",
        "<p>keep</p><noscript>LEAK</noscript>",
        "<p>keep</p><template><p>LEAK</p></template>",
        "<p>keep</p><iframe src='x'>LEAK</iframe>",
        "<html><head><title>LEAK</title><meta name='x'></head><body><p>keep</p></body></html>",
        "<p>keep</p><svg><text>LEAK</text></svg>",
        "<p>keep</p><SCRIPT type='text/javascript'>var LEAK = 1;</SCRIPT>",
    ],
)
def test_scripts_styles_comments_and_hidden_parts_are_dropped(html: str) -> None:
    cleaned = clean_html(html)
    assert texts(cleaned) == ["keep"]
    assert "LEAK" not in html_to_text(html)


def test_entities_are_decoded_and_markup_in_them_stays_text() -> None:
    block = only_block("<p>Q&amp;A: &lt;b&gt;bold?&lt;/b&gt; caf&eacute; &#8217;s&nbsp;x</p>")
    assert block.text == "Q&A: <b>bold?</b> café ’s\u00a0x"
    assert [span.kind for span in block.spans] == ["text"]


@pytest.mark.parametrize(
    "html",
    [
        "<p>a&#27;[31mred&#x1b;[0m</p>",
        "<p>&#x1b;]0;evil title&#7;b</p>",
        "<p>&#x1b;]52;c;ZXZpbA==&#x1b;\\b</p>",
        "<p>&#155;31m &#x9b;2J &#x9d;0;t&#x9c;</p>",
        "<p>\x1b[31mraw\x1b[0m \x9b2J</p>",
        "<p>ab&#8238;cd &#x2066;x&#x2069; z&#x200b;w&#8288;v &#65279;</p>",
        '<p><a href="https://x.com/&#27;[31m">l&#27;]0;t&#7;ink</a></p>',
        "<p>\ud800 lone surrogate \x00 nul</p>",
    ],
)
def test_escape_sequences_from_entities_never_survive(html: str) -> None:
    cleaned = clean_html(html)
    for block in cleaned.blocks:
        for span in block.spans:
            assert unsafe_characters(span.text) == []
    for url in cleaned.links:
        assert unsafe_characters(url) == []
    assert unsafe_characters(html_to_text(html)) == []


# -- flow: whitespace, newlines, breaks ----


def test_whitespace_is_folded_in_normal_flow() -> None:
    block = only_block("<p>  many   spaces\n\tand\r\n lines <b> bold </b> end  </p>")
    assert block.text == "many spaces and lines bold end"


def test_newlines_outside_block_tags_start_new_paragraphs() -> None:
    cleaned = clean_html("First <b>one</b>.\nSecond one.\r\n\nThird.\n")
    assert texts(cleaned) == ["First one.", "Second one.", "Third."]


def test_newlines_inside_a_paragraph_are_folded() -> None:
    assert texts(clean_html("<p>February 24\nBy Matt</p>\n<p>Next</p>")) == [
        "February 24 By Matt",
        "Next",
    ]


def test_br_breaks_the_line_within_the_block() -> None:
    block = only_block("<p>line one <br> line two<br/><br>line three</p>")
    assert block.text == "line one\nline two\n\nline three"


# -- links and tickers ----


def test_links_are_numbered_and_the_same_url_keeps_its_number() -> None:
    cleaned = clean_html(
        '<p><a href="https://a.com/1">one</a>, <a href="https://b.com/2">two</a> and '
        '<a href=" https://a.com/1 ">one again</a></p>'
    )
    links = [span for span in cleaned.blocks[0].spans if span.kind == "link"]
    assert [(span.text, span.link_number) for span in links] == [
        ("one", 1),
        ("two", 2),
        ("one again", 1),
    ]
    assert links[0].url == "https://a.com/1"
    assert cleaned.links == ["https://a.com/1", "https://b.com/2"]


def test_links_of_any_scheme_are_recorded_but_sanitised() -> None:
    cleaned = clean_html(
        '<a href="javascript:alert(1)">js</a> <a href="file:///etc/passwd">f</a> '
        '<a href="https://x.com/\x1b[31m&#x202e;">x</a>'
    )
    assert cleaned.links == ["javascript:alert(1)", "file:///etc/passwd", "https://x.com/"]


def test_anchor_without_href_is_plain_text() -> None:
    block = only_block('<p><a name="top">Top</a> <a href="">empty</a></p>')
    assert [span.kind for span in block.spans] == ["text"]
    assert block.text == "Top empty"


def test_reuters_ticker_link_becomes_a_ticker_with_parentheses_kept_as_text() -> None:
    block = only_block('Apple <a href="https://www.reuters.com/companies/AAPL.O">(AAPL.O)</a> said')
    assert block.spans == [
        Span("text", "Apple ("),
        Span("ticker", "AAPL.O", ticker="AAPL.O"),
        Span("text", ") said"),
    ]


def test_ticker_link_with_a_company_name_is_a_ticker_span() -> None:
    block = only_block(
        '<p><a href="https://www.reuters.com/markets/companies/NVDA.O">Nvidia</a></p>'
    )
    assert block.spans == [Span("ticker", "Nvidia", ticker="NVDA.O")]


def test_anchor_whose_text_is_a_mention_is_a_ticker_not_a_link() -> None:
    cleaned = clean_html('<p>Ford <a href="https://example.com/quote">(F.N)</a></p>')
    assert cleaned.links == []
    assert cleaned.tickers == ["F.N"]
    assert Span("ticker", "F.N", ticker="F.N") in cleaned.blocks[0].spans


@pytest.mark.parametrize(
    ("html", "mention", "code"),
    [
        ("<p>Amazon (AMZN.O) rose</p>", "AMZN.O", "AMZN.O"),
        ("<p>buy $NVDA now</p>", "$NVDA", "NVDA"),
        ("<p>Apple (NASDAQ:AAPL) rose</p>", "NASDAQ:AAPL", "AAPL.O"),
        ("<p>IBM (NYSE: IBM) fell</p>", "NYSE: IBM", "IBM.N"),
    ],
)
def test_mentions_in_plain_text_become_ticker_spans(html: str, mention: str, code: str) -> None:
    cleaned = clean_html(html)
    assert Span("ticker", mention, ticker=code) in cleaned.blocks[0].spans
    assert cleaned.tickers == [code]


def test_ticker_spans_are_not_searched_for_inside_links() -> None:
    cleaned = clean_html('<p><a href="https://x.com/">about $NVDA</a></p>')
    assert cleaned.tickers == []
    assert cleaned.blocks[0].spans == [Span("link", "about $NVDA", "https://x.com/", None, 1)]


def test_inline_styles_become_span_kinds() -> None:
    block = only_block("<p><em>e</em> <i>i</i> <strong>s</strong> <b>b</b> <code>c</code></p>")
    kinds = [(span.kind, span.text) for span in block.spans if span.text.strip()]
    assert kinds == [
        ("emphasis", "e"),
        ("emphasis", "i"),
        ("strong", "s"),
        ("strong", "b"),
        ("code", "c"),
    ]


# -- structure ----


def test_headings_keep_their_level() -> None:
    cleaned = clean_html("<h1>Big</h1><h3>Small</h3><p>body</p>")
    assert [(b.kind, b.level, b.text) for b in cleaned.blocks] == [
        ("heading", 1, "Big"),
        ("heading", 3, "Small"),
        ("paragraph", 0, "body"),
    ]


def test_lists_give_items_with_depth_and_numbers() -> None:
    cleaned = clean_html(
        "<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>"
        '<ol start="3"><li><p>three a</p><p>three b</p></li><li>four</li></ol>'
    )
    assert [(b.kind, b.level, b.number, b.text) for b in cleaned.blocks] == [
        ("item", 1, 0, "one"),
        ("item", 1, 0, "two"),
        ("item", 2, 0, "nested"),
        ("item", 1, 3, "three a\nthree b"),
        ("item", 1, 4, "four"),
    ]


def test_google_news_style_list_is_readable() -> None:
    html = (
        '<ol><li><a href="https://news.google.com/1">Headline one</a>&nbsp;&nbsp;'
        '<font color="#6f6f6f">The Wall Street Journal</font></li>'
        '<li><a href="https://news.google.com/2">Headline two</a></li></ol>'
    )
    cleaned = clean_html(html)
    assert [b.number for b in cleaned.blocks] == [1, 2]
    assert cleaned.blocks[0].text == "Headline one\u00a0\u00a0The Wall Street Journal"
    assert cleaned.links == ["https://news.google.com/1", "https://news.google.com/2"]


def test_an_unclosed_last_item_does_not_swallow_the_paragraph_after_it() -> None:
    # A news API's list of headlines, cut short, then the article itself.
    html = (
        "<ol><li>Grain ship departs  The Journal\n</li><li>First ship leaves Odesa p…\n"
        "<p>KYIV - Ukraine dispatched its first grain shipment.</p>\n<p>Second paragraph.</p>"
    )
    cleaned = clean_html(html)
    assert [(b.kind, b.number, b.text) for b in cleaned.blocks] == [
        ("item", 1, "Grain ship departs The Journal"),
        ("item", 2, "First ship leaves Odesa p…"),
        ("paragraph", 0, "KYIV - Ukraine dispatched its first grain shipment."),
        ("paragraph", 0, "Second paragraph."),
    ]


def test_paragraphs_inside_closed_or_empty_items_stay_in_them() -> None:
    closed = clean_html("<ul><li>intro<p>more</p></li></ul><p>after</p>")
    assert [(b.kind, b.text) for b in closed.blocks] == [
        ("item", "intro\nmore"),
        ("paragraph", "after"),
    ]
    opened = clean_html("<ul><li><p>only a paragraph</p>")
    assert [(b.kind, b.text) for b in opened.blocks] == [("item", "only a paragraph")]


@pytest.mark.parametrize(
    ("summary", "body", "repeated"),
    [
        (
            "Darth Vader doesn’t use knives.",
            "<p>Darth Vader doesn&rsquo;t use knives.</p><p>A woman…</p>",
            True,
        ),
        # the headlines of a news API, as one run of text and as a list
        (
            "Ship departs The Journal First ship leaves Odesa p…",
            "<ol><li>Ship departs  The Journal</li><li>First ship leaves Odesa p…",
            True,
        ),
        # Reuters: a dateline, then the lead paragraph
        (
            "New applications for unemployment benefits fell.",
            "WASHINGTON, March 5 - New applications for unemployment benefits fell.\nMore.",
            True,
        ),
        (
            "Shr 34 cts vs 1.19 dlrs",
            "SANTA CRUZ, Calif., Feb 26 - Shr 34 cts vs 1.19 dlrs\nNet 1,000",
            True,
        ),
        (
            "Chip stocks slipped.",
            "<p>Semiconductor shares fell on Friday.</p><p>Chip stocks slipped.</p>",
            False,
        ),
        ("Oil", "<p>Brent Oil rose.</p>", False),
        # a feed's summary: the lead paragraph with its ticker mentions taken out
        (
            "Amazon.com's cloud unit showed servers that will challenge Nvidia , with Apple.",
            '<p>Amazon.com\'s <a href="https://www.reuters.com/markets/companies/AMZN.O">(AMZN.O)</a>'
            " cloud unit showed servers that will challenge Nvidia ( NVDA.O), with Apple.</p>",
            True,
        ),
        ("", "<p>Anything.</p>", False),
    ],
)
def test_a_body_that_begins_with_its_summary_repeats_it(
    summary: str, body: str, repeated: bool
) -> None:
    assert repeats_summary(summary, clean_html(body).blocks) is repeated


def test_blockquotes_are_quotes_with_depth() -> None:
    cleaned = clean_html("<blockquote><p>outer</p><blockquote>inner</blockquote></blockquote>")
    assert [(b.kind, b.level, b.text) for b in cleaned.blocks] == [
        ("quote", 1, "outer"),
        ("quote", 2, "inner"),
    ]


def test_preformatted_text_is_kept_verbatim() -> None:
    table = "  Shr    1.20   vs  1.10\n  Net    5,000  vs  4,000"
    block = only_block(f"<pre>\n{table}\n</pre>")
    assert (block.kind, block.text) == ("pre", table)


def test_tables_give_rows_of_cells() -> None:
    cleaned = clean_html(
        "<table><tr><th>Ticker</th><th>Last</th></tr>"
        "<tr><td>WMT</td><td><p>1</p><p>2</p></td></tr><tr><td></td><td>x</td></tr></table>"
    )
    rows = cleaned.blocks
    assert [b.kind for b in rows] == ["row", "row", "row"]
    assert [b.level for b in rows] == [1, 0, 0]
    assert [[Block("paragraph", cell).text for cell in b.cells] for b in rows] == [
        ["Ticker", "Last"],
        ["WMT", "1 2"],
        ["", "x"],
    ]
    assert rows[0].text == "Ticker │ Last"


# -- broken and hostile markup ----


@pytest.mark.parametrize(
    "html",
    [
        'hello <a href="https://example.com/x',
        "hello <script>alert('LEAK')",
        "hello <script",
        "hello <style>.LEAK{}",
        "hello <!-- LEAK",
        "hello <p",
        "hello </div></p></b>",
        "hello <<<>>>",
        "hello <![CDATA[x]]> <!DOCTYPE x> <?php LEAK ?>",
    ],
)
def test_truncated_markup_does_not_crash_or_leak_script(html: str) -> None:
    cleaned = clean_html(html)
    assert cleaned.blocks[0].text.startswith("hello")
    assert "LEAK" not in all_text(cleaned)
    assert "alert" not in all_text(cleaned)
    assert "LEAK" not in html_to_text(html)


def test_tag_cut_off_inside_an_attribute_does_not_swallow_the_next_paragraph() -> None:
    html = (
        '<p>Alphabet <a href="https://www.reuters.com/companies/GOOGL.O" target="_bl…</p>\n'
        "<p>Feb 14 (Reuters) - backed by Alphabet (GOOGL.O) and owned by InMobi</p>\n"
    )
    cleaned = clean_html(html)
    assert texts(cleaned) == [
        "Alphabet",
        "Feb 14 (Reuters) - backed by Alphabet (GOOGL.O) and owned by InMobi",
    ]
    assert cleaned.tickers == ["GOOGL.O"]
    assert "owned by InMobi" in html_to_text(html)


def test_multi_line_attribute_without_the_truncation_mark_is_left_alone() -> None:
    html = '<p><img srcset="a.png 1x,\n b.png 2x">picture</p>'
    assert texts(clean_html(html)) == ["picture"]


@pytest.mark.parametrize("tag", ["div", "b", "span", "blockquote", "li", "td", "a href='x'"])
def test_deep_nesting_does_not_recurse(tag: str) -> None:
    opening = f"<{tag}>"
    for depth in (9_000, 100_000):
        depth = min(depth, (MAX_BODY_CHARS - 10) // len(opening))  # "deep" is not cut off
        html = opening * depth + "deep"
        cleaned = clean_html(html)
        assert "deep" in all_text(cleaned)
        assert "deep" in html_to_text(html)


def test_huge_text_is_truncated() -> None:
    html = "<p>" + "word " * 200_000 + "END</p>"
    cleaned = clean_html(html)
    assert cleaned.truncated
    assert "END" not in all_text(cleaned)
    assert len(all_text(cleaned)) <= MAX_BODY_CHARS
    assert not clean_html("<p>short</p>").truncated
    assert clean_html("<p>abcdefghi</p>", max_chars=8).truncated
    assert not clean_html("<p>abcdef</p>", max_chars=8).truncated  # the cap counts text


def test_many_small_blocks_each_become_a_block() -> None:
    html = '<p>word <b>bold</b> <a href="https://x.com/">link</a> (AMZN.O)</p>\n' * 2_000
    cleaned = clean_html(html)
    assert len(cleaned.blocks) == 2_000


def test_empty_and_blank_bodies_give_no_blocks() -> None:
    for html in ("", "   \n\n ", "<p> </p><div>\n</div>", "<script>x</script>"):
        cleaned = clean_html(html)
        assert cleaned.blocks == []
        assert html_to_text(html) == ""


hostile_html = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(exclude_categories=())),
        st.sampled_from(
            [
                "<p>", "</p>", "<a href='", "<a href=\"javascript:x\">", "</a>", "<b>", "<br>",
                "<ul><li>", "<ol>", "</li>", "<table><tr><td>", "<th>", "</td>", "<pre>",
                "<script>", "</script>", "<!--", "-->", "<blockquote>", "&#27;", "&#x9b;",
                "&#155;", "&#x202e;", "&#8203;", "&amp;", "\x1b[31m", "\x1b]0;t\x07", "\x9d",
                "(AMZN.O)", "$NVDA", "NASDAQ:AAPL", "\n", "\r\n", "\u2028", "…", '"', "'",
                "https://www.reuters.com/companies/AAPL.O", "<h2>", "<", ">", "&",
            ]
        ),
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(hostile_html)
def test_clean_html_never_raises_and_its_spans_are_inert(html: str) -> None:
    cleaned = clean_html(html)
    for block in cleaned.blocks:
        for span in block.spans:
            assert span.text
            assert unsafe_characters(span.text) == []
        for cell in block.cells:
            for span in cell:
                assert unsafe_characters(span.text) == []
    for url in cleaned.links:
        assert unsafe_characters(url) == []
    assert unsafe_characters(blocks_to_plain(cleaned)) == []


@given(st.text(alphabet=st.characters(exclude_categories=())))
def test_clean_html_never_raises_on_arbitrary_text(text: str) -> None:
    cleaned = clean_html(text)
    assert all(unsafe_characters(span.text) == [] for b in cleaned.blocks for span in b.spans)


@settings(deadline=None)
@given(hostile_html)
def test_html_to_text_never_raises_and_is_inert(html: str) -> None:
    assert unsafe_characters(html_to_text(html)) == []


def test_html_to_text_gives_one_line_per_paragraph() -> None:
    html = "<h1>Title</h1><p>one &amp; <b>two</b></p>\ntop level<br>next<ul><li>item</li></ul>"
    assert html_to_text(html) == "Title\none & two\ntop level\nnext\nitem"


def test_html_to_text_gives_the_same_text_from_many_threads() -> None:
    bodies = [
        f"<p>body {n} &amp; <b>more</b></p>\n<p>second {n}</p>" * (n % 7 + 1) for n in range(200)
    ]
    expected = [html_to_text(body) for body in bodies]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(html_to_text, bodies)) == expected


def test_html_to_text_survives_lxml_refusing_the_input(monkeypatch: pytest.MonkeyPatch) -> None:
    from tickertape.core import clean

    def refuse() -> None:
        raise ValueError("refused")

    monkeypatch.setattr(clean, "_text_parser", refuse)
    assert html_to_text("<p>a &amp; b&#27;[31m</p><script>LEAK</script>") == "a & b[31m"


# -- plain text for pipes ----


def test_blocks_to_plain_is_readable_with_numbered_links() -> None:
    html = (
        "<h2>Head</h2><p>See <a href='https://a.com/'>this</a> and "
        "<a href='https://www.reuters.com/companies/AMZN.O'>(AMZN.O)</a>.</p>"
        "<ul><li>bullet<br>more</li></ul><ol><li>first</li><li>second</li></ol>"
        "<blockquote>quoted</blockquote><pre>  a  b\n  c</pre>"
        "<table><tr><td>x</td><td>y</td></tr></table>"
    )
    assert blocks_to_plain(clean_html(html)) == (
        "## Head\n\n"
        "See this [1] and (AMZN.O).\n\n"
        "- bullet\n  more\n"
        "1. first\n2. second\n\n"
        "> quoted\n\n"
        "  a  b\n  c\n\n"
        "x | y\n\n"
        "Links:\n[1] https://a.com/"
    )


@pytest.mark.parametrize(
    "html",
    ["https://example.com/a", "report.html", "<?xml version='1.0'?><p>x</p>", "a &amp; b"],
)
def test_bs4_has_no_warning_to_print_over_the_screen(html: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cleaned = clean_html(html)
    assert [str(warning.message)[:60] for warning in caught] == []
    assert cleaned.blocks


def test_blocks_to_plain_notes_truncation() -> None:
    plain = blocks_to_plain(clean_html("<p>abc</p>" * 10, max_chars=20))
    assert "truncated" in plain


# -- real data ----


@pytest.mark.corpus
def test_every_fin_html_body_cleans_without_error(corpus_dir: Path) -> None:
    files = sorted((corpus_dir / "fin_html").glob("*.txt"))
    assert files
    for path in files:
        text = path.read_text("utf-8", errors="replace")
        content = text.split("\ncontent: ", 1)[1] if "\ncontent: " in text else text
        cleaned = clean_html(content)
        for block in cleaned.blocks:
            assert all(unsafe_characters(span.text) == [] for span in block.spans), path.name
        html_to_text(content)
