"""Turn an article's raw HTML ``content`` into readable blocks, and into search text.

Bodies are untrusted and often broken: cut off mid-tag, with unclosed scripts,
entities that decode to escape sequences, or nesting deep enough to crash a
recursive walk. :func:`clean_html` parses with BeautifulSoup (lxml, else
html.parser), walks the tree with an explicit stack, and sanitises every piece of
text after entities are decoded. When parsing fails, or a body holds so many tags
that BeautifulSoup would be slow, it falls back to the plain text of
:func:`html_to_text`, which streams lxml parser events and builds no tree.

bs4 and lxml are imported inside the functions: they cost tens of milliseconds and
the command line must start fast.
"""

from __future__ import annotations

import html as html_lib
import re
import threading
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from tickertape.core.sanitize import sanitize
from tickertape.core.tickers import iter_ticker_mentions, iter_ticker_spans, ticker_from_link

MAX_BODY_CHARS = 500_000
"""Text beyond this many characters is cut off (``truncated``). The cap is on the text,
not the markup: 550 KB of nested tags around one paragraph is a short article. The
whole body is parsed; the reader's content cap (2,000,000 characters) bounds it."""
MAX_TAGS = 10_000
"""Bodies with more start tags than this skip BeautifulSoup (parse and walk cost about
30 µs a tag) for the plain text of :func:`html_to_text`: deep or huge markup stays fast."""

SpanKind = Literal["text", "emphasis", "strong", "code", "link", "ticker", "name"]
BlockKind = Literal["paragraph", "heading", "item", "quote", "pre", "row"]


@dataclass(slots=True, frozen=True)
class Span:
    """A run of text with one style.

    A ``link`` span has the (sanitised, unchecked) ``url`` and its ``link_number``;
    a ``ticker`` span (a ticker form or link) and a ``name`` span (a company named
    in words, shown dimmer) have the normalised ``ticker`` code. A ``<br>`` is a ``"\\n"``
    inside a span's text.
    """

    kind: SpanKind
    text: str
    url: str | None = None
    ticker: str | None = None
    link_number: int | None = None


@dataclass(slots=True)
class Block:
    """One block of the article.

    ``level`` is the heading level (1-6), the list nesting depth of an ``item``
    (1 for a top-level list) or the nesting depth of a ``quote``; for a ``row`` it is
    1 when every cell is a header cell. ``number`` is an item's position in an
    ordered list (0 for a bullet). A ``row`` has its ``cells``; its ``spans`` are the
    same cells joined by a ``" │ "`` text span, for readers that ignore cells.
    """

    kind: BlockKind
    spans: list[Span]
    level: int = 0
    number: int = 0
    cells: list[list[Span]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The block's text, without styles."""
        return "".join(span.text for span in self.spans)


@dataclass(slots=True)
class CleanedArticle:
    """The cleaned body: blocks, numbered links (``links[n - 1]``), tickers in order;
    and the title and summary as spans with their tickers marked, when given."""

    blocks: list[Block]
    links: list[str]
    tickers: list[str]
    truncated: bool
    title: list[Span] = field(default_factory=list)
    summary: list[Span] = field(default_factory=list)


CELL_SEPARATOR = " │ "

_DROPPED = frozenset(
    {"script", "style", "noscript", "template", "iframe", "head", "title"}
    | {"object", "embed", "svg", "math"}
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LISTS = frozenset({"ul", "ol", "menu"})
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "caption"})
_PARAGRAPHS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "main", "aside", "nav"}
    | {"figure", "figcaption", "address", "center", "dl", "dt", "dd", "form"}
    | {"fieldset", "legend", "details", "summary", "hgroup", "hr"}
)
_BLOCK_TAGS = (
    _PARAGRAPHS
    | _LISTS
    | _TABLE_PARTS
    | set(_HEADINGS)
    | {"li", "blockquote", "pre", "tr", "td", "th"}
)
_INLINE_KINDS: dict[str, SpanKind] = {
    "em": "emphasis", "i": "emphasis", "cite": "emphasis", "dfn": "emphasis",
    "var": "emphasis", "strong": "strong", "b": "strong", "code": "code",
    "kbd": "code", "samp": "code", "tt": "code",
}  # fmt: skip
_INLINE_RANK = {"text": 0, "emphasis": 1, "strong": 2, "code": 3}

_START_TAG = re.compile(r"<[A-Za-z]")
# A start tag cut off inside a quoted attribute value and marked "…" by the news API
# (`<a href="https://www.r…</p>`) would swallow every later paragraph into the value.
# Such a tag is dropped up to the end of its line. Each alternative starts with a
# different character, so the scan is linear; the repetition is possessive (``*+``), so
# the engine keeps no backtracking record per quoted value (a line of 300,000 of them
# took 80 MB). Giving an iteration back could never lead to a match: a value it holds
# is closed by a quote, and the "…" must have none after it on the line.
_CUT_TAG = re.compile(
    r"""<[A-Za-z][^<>"'\n]*(?:"[^"\n]*"[^<>"'\n]*|'[^'\n]*'[^<>"'\n]*)*+["'][^"'\n]*…[^"'\n]*$""",
    re.MULTILINE,
)
_ITEM_START = re.compile(r"<li\b", re.IGNORECASE)
_LIST_TAG = re.compile(r"<(/?)(ul|ol|menu|li)\b[^<>]*>?", re.IGNORECASE)
_BLOCK_START = re.compile(
    r"<(?:p|div|h[1-6]|blockquote|table|pre|section|article|figure)\b", re.IGNORECASE
)
_TAG = re.compile(r"<[^<>]*>?")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_NEWLINE_RUN = re.compile(r" *\n[ \n]*")
_NOT_WORDS = re.compile(r"[\s()\[\],.;:]*")

# (kind, url, ticker, link_number) of a piece of text. The cell separator's style is
# told apart by identity: rows are split into cells on it before spans are merged.
_Style = tuple[SpanKind, str | None, str | None, int | None]
_PLAIN: _Style = ("text", None, None, None)
_SEPARATOR: _Style = ("text", None, None, -1)


@dataclass(slots=True)
class _List:
    depth: int
    ordered: bool
    next_number: int


class _Context(NamedTuple):
    """What the elements around a node mean for its text; immutable, shared by children.

    A NamedTuple because ``_replace`` is several times faster than dataclasses.replace.
    """

    in_block: bool = False
    pre: bool = False
    heading: int = 0
    quote: int = 0
    item_list: _List | None = None  # the list an open <li> belongs to
    item_number: int = 0
    list_: _List | None = None  # the innermost open list
    in_cell: bool = False
    inline: SpanKind = "text"
    link: str | None = None  # href of the enclosing <a>
    ticker: str | None = None  # code of an enclosing ticker <a>


class _Builder:
    """Collects pieces of text into blocks; one instance per article."""

    def __init__(self, max_chars: int = MAX_BODY_CHARS, known: Collection[str] = ()) -> None:
        self.known = known  # the article's codes: names that need evidence count
        self.blocks: list[Block] = []
        self.room = max_chars  # characters of text still to be taken
        self.truncated = False
        self.links: list[str] = []
        self.tickers: dict[str, None] = {}
        self._link_numbers: dict[str, int] = {}
        self._pieces: list[tuple[_Style, str]] = []
        self._context = _Context()
        self._at_space = True
        self._row: tuple[bool, int] | None = None  # (all header cells, cells so far)

    # -- text ------------------------------------------------------------------------
    def text(self, raw: str, ctx: _Context) -> None:
        text = sanitize(raw)
        if ctx.pre:
            self._add(text, ctx)
            return
        if ctx.in_block or "\n" not in text:
            self._add_folded(text, ctx)
            return
        # Outside any block tag a newline separates paragraphs (the file format's rule).
        for index, line in enumerate(text.split("\n")):
            if index:
                self.flush()
            self._add_folded(line, ctx)

    def _add_folded(self, text: str, ctx: _Context) -> None:
        text = _HTML_SPACE.sub(" ", text)
        if self._at_space:
            text = text.lstrip(" ")
        if text:
            self._add(text, ctx)
            self._at_space = text.endswith(" ")

    def _add(self, text: str, ctx: _Context) -> None:
        if not text:
            return
        if len(text) > self.room:
            self.truncated = True
            text = text[: self.room]
            if not text:
                return
        self.room -= len(text)
        if not self._pieces:
            self._context = ctx
        if ctx.link is not None:
            self._pieces.append((("link", ctx.link, None, self._number(ctx.link)), text))
            return
        position = 0
        if ctx.ticker is not None:  # inside an instrument link: no names, only forms
            for start, end, code in iter_ticker_mentions(text):
                self._add_plain(text[position:start], ctx)
                self._add_ticker(text[start:end], code)
                position = end
            self._add_plain(text[position:], ctx)
            return
        for span in iter_ticker_spans(text, known=self.known):
            self._add_plain(text[position : span.start], ctx)
            self._add_ticker(text[span.start : span.end], span.code, span.how == "name")
            position = span.end
        self._add_plain(text[position:], ctx)

    def _add_plain(self, text: str, ctx: _Context) -> None:
        if not text:
            return
        if ctx.ticker is not None and not _NOT_WORDS.fullmatch(text):
            self._add_ticker(text, ctx.ticker)
        else:
            self._pieces.append(((ctx.inline, None, None, None), text))

    def _add_ticker(self, text: str, code: str, name: bool = False) -> None:
        self.tickers.setdefault(code, None)
        self._pieces.append((("name" if name else "ticker", None, code, None), text))

    def _number(self, url: str) -> int:
        number = self._link_numbers.get(url)
        if number is None:
            self.links.append(url)
            number = self._link_numbers[url] = len(self.links)
        return number

    def line_break(self, ctx: _Context, *, soft: bool = False) -> None:
        """A new line in the same block: ``<br>``, or (``soft``, never doubled) the edge
        of a paragraph inside a list item."""
        if ctx.in_cell:
            self.space()
            return
        if not self._pieces or (soft and self._pieces[-1][1].endswith("\n")):
            return
        if not ctx.pre:
            self._rstrip(" ")
        self._add("\n", ctx)
        self._at_space = True

    def space(self) -> None:
        if not self._at_space and self._pieces:
            self._pieces.append((_PLAIN, " "))
            self._at_space = True

    # -- tables ----------------------------------------------------------------------
    def start_row(self) -> None:
        self.flush()
        self._row = (True, 0)

    def start_cell(self, header: bool, ctx: _Context) -> None:
        if self._row is None:
            return
        all_header, cells = self._row
        if cells:
            self._rstrip(" ")
            self._pieces.append((_SEPARATOR, CELL_SEPARATOR))
        elif not self._pieces:
            self._context = ctx
        self._row = (all_header and header, cells + 1)
        self._at_space = True

    # -- blocks ----------------------------------------------------------------------
    def flush(self) -> None:
        """End the current block, dropping it when it holds no visible text."""
        if not self._pieces and self._row is None:
            self._at_space = True
            return
        pieces, ctx, row = self._pieces, self._context, self._row
        self._pieces, self._at_space, self._row = [], True, None
        if row is not None:
            cells = [_spans(cell, ctx.pre) for cell in _split_cells(pieces)]
            if any(cells):
                spans: list[Span] = []
                for index, cell in enumerate(cells):
                    if index:
                        spans.append(Span("text", CELL_SEPARATOR))
                    spans.extend(cell)
                self.blocks.append(Block("row", spans, int(row[0]), cells=cells))
            return
        spans = _spans(pieces, ctx.pre)
        if not spans:
            return
        if ctx.item_list is not None:
            number = ctx.item_number if ctx.item_list.ordered else 0
            self.blocks.append(Block("item", spans, ctx.item_list.depth, number))
        elif ctx.heading:
            self.blocks.append(Block("heading", spans, ctx.heading))
        elif ctx.pre:
            self.blocks.append(Block("pre", spans))
        elif ctx.quote:
            self.blocks.append(Block("quote", spans, ctx.quote))
        else:
            self.blocks.append(Block("paragraph", spans))

    def _rstrip(self, chars: str) -> None:
        while self._pieces:
            style, text = self._pieces[-1]
            stripped = text.rstrip(chars)
            if stripped:
                self._pieces[-1] = (style, stripped)
                return
            self._pieces.pop()

    def result(self) -> CleanedArticle:
        self.flush()
        return CleanedArticle(self.blocks, self.links, list(self.tickers), self.truncated)


def _split_cells(pieces: list[tuple[_Style, str]]) -> Iterator[list[tuple[_Style, str]]]:
    cell: list[tuple[_Style, str]] = []
    for piece in pieces:
        if piece[0] is _SEPARATOR:
            yield cell
            cell = []
        else:
            cell.append(piece)
    yield cell


def _spans(pieces: list[tuple[_Style, str]], pre: bool) -> list[Span]:
    """Merge pieces of one style into spans and trim the block's edges."""
    merged: list[tuple[_Style, list[str]]] = []
    for style, text in pieces:
        if merged and merged[-1][0] == style:
            merged[-1][1].append(text)
        else:
            merged.append((style, [text]))
    texts = ["".join(parts) for _, parts in merged]
    if not pre:
        texts = [_NEWLINE_RUN.sub(_one_or_two_newlines, text) for text in texts]
    edge = "\n" if pre else None  # None: any whitespace, &nbsp; included
    first, last = 0, len(texts) - 1
    while first <= last and not texts[first].lstrip(edge):
        first += 1
    while last >= first and not texts[last].rstrip(edge):
        last -= 1
    if first > last or not any(text.strip() for text in texts[first : last + 1]):
        return []
    texts[first] = texts[first].lstrip(edge)
    texts[last] = texts[last].rstrip(edge)
    return [
        Span(kind, texts[index], url, ticker, number)
        for index, ((kind, url, ticker, number), _) in enumerate(merged)
        if first <= index <= last
    ]


def _one_or_two_newlines(match: re.Match[str]) -> str:
    return "\n\n" if match[0].count("\n") > 1 else "\n"


# -- the tree walk ---------------------------------------------------------------------


def _enter(builder: _Builder, name: str, attrs: dict[str, Any], ctx: _Context) -> _Context:
    """Open an element: end or start blocks, and return the context for its children."""
    if name in _INLINE_KINDS:
        kind = _INLINE_KINDS[name]
        return ctx._replace(inline=kind) if _INLINE_RANK[kind] > _INLINE_RANK[ctx.inline] else ctx
    if name not in _BLOCK_TAGS:
        return ctx
    if ctx.in_cell:  # a table cell is one line: blocks inside it are only spaces
        builder.space()
        return ctx
    if name == "tr":
        builder.start_row()
        return ctx._replace(in_block=True)
    if name in ("td", "th"):
        builder.start_cell(name == "th", ctx)
        return ctx._replace(in_block=True, in_cell=True)
    if ctx.item_list is not None and name not in _LISTS and name != "table":
        builder.line_break(ctx, soft=True)  # a paragraph inside a list item stays in it
        return ctx._replace(pre=ctx.pre or name == "pre")
    builder.flush()
    ctx = ctx._replace(in_block=True)
    if name in _LISTS:
        depth = ctx.list_.depth + 1 if ctx.list_ else 1
        return ctx._replace(list_=_List(depth, name == "ol", _start(attrs)), item_list=None)
    if name == "li":
        list_ = ctx.list_ or _List(1, False, 1)
        list_.next_number += 1
        return ctx._replace(item_list=list_, item_number=list_.next_number - 1)
    if name in _HEADINGS:
        return ctx._replace(heading=_HEADINGS[name])
    if name == "blockquote":
        return ctx._replace(quote=ctx.quote + 1)
    if name == "pre":
        return ctx._replace(pre=True)
    if name == "table":
        return ctx._replace(item_list=None)
    return ctx


def _exit(builder: _Builder, name: str, ctx: _Context) -> None:
    """Close an element whose children were walked with ``ctx``."""
    if name not in _BLOCK_TAGS:
        return
    if ctx.in_cell:
        builder.space()
    elif ctx.item_list is not None and name not in _LISTS and name != "li":
        builder.line_break(ctx, soft=True)
    else:
        builder.flush()


def _enter_anchor(href: str, mention: str | None, ctx: _Context) -> _Context:
    """An ``<a>`` is a ticker when its href is an instrument link or its text a
    mention; otherwise a numbered link, whatever its scheme (opening checks it)."""
    if ctx.link is not None or ctx.ticker is not None:
        return ctx
    url = sanitize(href.strip(" \t\n\r\f"))
    code = ticker_from_link(url) or mention
    if code is not None:
        return ctx._replace(ticker=code)
    return ctx._replace(link=url) if url else ctx


def _anchor_mention(tag: Any) -> str | None:
    """The code when an ``<a>``'s whole text is one mention like ``(AMZN.O)``.

    Looks at a few nodes only, with its own stack: bs4's ``descendants`` first walks
    down to the last one, which made nested anchors quadratic.
    """
    from bs4.element import NavigableString, PreformattedString, Tag

    parts: list[str] = []
    stack = list(reversed(tag.contents))
    for _ in range(20):
        if not stack:
            break
        node = stack.pop()
        if isinstance(node, Tag):
            stack.extend(reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            parts.append(str(node))
    else:
        return None
    text = "".join(parts).strip()
    mentions = list(iter_ticker_mentions(text)) if len(text) < 40 else []
    if len(mentions) != 1:
        return None
    start, end, code = mentions[0]
    inner = text[1:-1] if text.startswith("(") and text.endswith(")") else text
    return code if text[start:end] == inner.strip() else None


def _walk(soup: Any, builder: _Builder) -> None:
    """Depth-first over the tree with an explicit stack: nesting depth cannot hurt."""
    from bs4.element import NavigableString, PreformattedString, Tag

    stack: list[tuple[Any, _Context, bool]] = [(soup, _Context(), False)]
    while stack:
        node, ctx, leaving = stack.pop()
        if leaving:
            _exit(builder, node.name, ctx)
            continue
        if isinstance(node, Tag):
            name = node.name
            if name in _DROPPED:
                continue
            if name == "br":
                builder.line_break(ctx)
                continue
            inner = ctx
            if node is not soup:
                href = node.get("href") if name == "a" else None
                if isinstance(href, str):
                    inner = _enter_anchor(href, _anchor_mention(node), ctx)
                else:
                    inner = _enter(builder, name, node.attrs, ctx)
                stack.append((node, inner, True))
            stack.extend((child, inner, False) for child in reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            builder.text(str(node), ctx)


def _start(attrs: dict[str, Any]) -> int:
    value = attrs.get("start")
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 7:
        return int(value)
    return 1


def _parse(html: str, parser: str) -> Any:
    """BeautifulSoup of ``html``, given so that bs4 has no advice to print.

    A warning written over a Textual screen would corrupt it. bs4 warns when markup
    without ``<`` looks like a URL or file name (such bodies never get here) and when it
    starts with ``<?xml``; a leading space changes nothing else.
    """
    import bs4

    return bs4.BeautifulSoup(" " + html if html.startswith("<?xml") else html, parser)


def clean_html(
    html: str,
    *,
    max_chars: int = MAX_BODY_CHARS,
    known: Collection[str] = (),
    title: str = "",
    summary: str = "",
) -> CleanedArticle:
    """Structured, sanitised blocks for display; never raises on any input text.

    At most ``max_chars`` characters of text are kept (``truncated`` says when more
    were there); the markup is parsed whole, so a cut never falls inside a tag.
    ``known`` holds the article's ticker codes (a name like "Apple" alone is marked
    when the article has AAPL); ``title`` and ``summary`` come back as spans.
    """
    cleaned = _clean_body(html, max_chars, known)
    cleaned.title = inline_spans(title, known)
    cleaned.summary = inline_spans(summary, known)
    return cleaned


def inline_spans(text: str, known: Collection[str] = ()) -> list[Span]:
    """Plain text (a title, a summary) as spans with its tickers and names marked."""
    if not text:
        return []
    spans: list[Span] = []
    position = 0
    for span in iter_ticker_spans(text, known=known, headline=True):
        if span.start > position:
            spans.append(Span("text", text[position : span.start]))
        kind: SpanKind = "name" if span.how == "name" else "ticker"
        spans.append(Span(kind, text[span.start : span.end], ticker=span.code))
        position = span.end
    if position < len(text):
        spans.append(Span("text", text[position:]))
    return spans


def _clean_body(html: str, max_chars: int, known: Collection[str]) -> CleanedArticle:
    # Raw controls, escape sequences and lone surrogates go first: parsers choke on some.
    html = _drop_cut_tags(sanitize(html))
    if "<" not in html:  # plain text: nothing to parse
        return _plain_article(html_lib.unescape(html), max_chars, known)
    html = _close_dangling_item(html)
    if _count_start_tags(html) <= MAX_TAGS:
        for parser in ("lxml", "html.parser"):
            cleaned = _clean_with(parser, html, max_chars, known)
            if cleaned is not None:
                return cleaned
    return _plain_article(_markup_text(html), max_chars, known)


def _close_dangling_item(html: str) -> str:
    """End a last ``<li>`` that is never closed before the paragraph that follows it.

    News APIs cut a list of headlines short (``<ol><li>…<li>Odesa p…``) and go on with
    the article's ``<p>``; a parser then puts that paragraph, and every later one,
    inside the open item. When nothing after the last ``<li>`` closes it (no ``</li>``,
    ``<li>``, ``</ol>`` or ``</ul>``) and text stands between it and a block, the item
    and its open lists are closed there.
    """
    if _ITEM_START.search(html) is None:
        return html
    open_lists: list[str] = []
    last_item: re.Match[str] | None = None
    for match in _LIST_TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        if name == "li":
            last_item = None if closing else match
        elif closing:
            if name in open_lists:
                del open_lists[len(open_lists) - 1 - open_lists[::-1].index(name) :]
            last_item = None
        else:
            open_lists.append(name)
            last_item = None
    if last_item is None:
        return html
    block = _BLOCK_START.search(html, last_item.end())
    if block is None or not _TAG.sub("", html[last_item.end() : block.start()]).strip():
        return html
    closing_tags = "</li>" + "".join(f"</{name}>" for name in reversed(open_lists))
    return html[: block.start()] + closing_tags + html[block.start() :]


def _drop_cut_tags(html: str) -> str:
    return _CUT_TAG.sub("", html) if "…" in html else html


def _count_start_tags(html: str) -> int:
    return sum(1 for _ in _START_TAG.finditer(html)) if html.count("<") > MAX_TAGS else 0


def _clean_with(
    parser: str, html: str, max_chars: int, known: Collection[str]
) -> CleanedArticle | None:
    builder = _Builder(max_chars, known)
    try:
        _walk(_parse(html, parser), builder)
        return builder.result()
    except Exception:  # whatever a parser does wrong, the caller falls back
        return None


def _plain_article(text: str, max_chars: int, known: Collection[str]) -> CleanedArticle:
    """Paragraphs from plain text (a line each), tickers still marked."""
    builder = _Builder(max_chars, known)
    builder.text(text, _Context())
    return builder.result()


# -- plain text for the search index ------------------------------------------------------

_LINE_TAGS = _BLOCK_TAGS | {"br", "li"}


class _TextCollector:
    """An lxml parser target: keeps text outside dropped elements, no tree is built."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.skipping = 0

    def start(self, tag: str, attrib: object) -> None:
        if tag in _DROPPED:
            self.skipping += 1
        elif tag in _LINE_TAGS:
            self.parts.append("\n")

    def end(self, tag: str) -> None:
        if tag in _DROPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _LINE_TAGS:
            self.parts.append("\n")

    def data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def close(self) -> str:
        text, self.parts = "".join(self.parts), []  # the parser is kept: do not keep the text
        return text


_TAG_OR_SCRIPT = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|\Z)|<[^>]*>?", re.I | re.S)
_text_parsers = threading.local()


def html_to_text(html: str, *, max_chars: int = MAX_BODY_CHARS) -> str:
    """Sanitised plain text, one line per paragraph: what the full-text index holds.

    At most ``max_chars`` characters of text; the markup is parsed whole.
    """
    text = _markup_text(_drop_cut_tags(sanitize(html)))
    return text[:max_chars].rstrip() if len(text) > max_chars else text


def _markup_text(html: str) -> str:
    """The text of sanitised ``html``, one line per paragraph, uncut.

    Streams lxml parser events (no tree, so no depth limit) and never raises. It runs
    over every body when an index is built, so each thread reuses one parser: making
    one costs more than parsing a short body. The input is sanitised before parsing
    (by the caller) and the text once more after, whole (not piece by piece: a call
    per piece cost more than the parse).
    """
    if "<" in html or "&" in html:
        try:
            parser, target = _text_parser()
            target.parts, target.skipping = [], 0
            parser.feed(html)
            text = parser.close()
        except Exception:  # lxml refused the input: a crude strip is better than nothing
            _text_parsers.cached = None
            text = html_lib.unescape(_TAG_OR_SCRIPT.sub(" ", html))
        if not isinstance(text, str):
            return ""
        # Always: entities decode to anything, and a <meta charset> could make libxml2
        # re-decode; on clean text this is one fast scan.
        text = sanitize(text)
    else:
        text = html
    return _fold_lines(text)


def _fold_lines(text: str) -> str:
    """Runs of spaces and tabs to one space, lines stripped, blank lines dropped.

    ``str.replace`` and ``split`` rather than a regular expression: a regex scan of a
    5 KB body cost more than parsing it.
    """
    for blank in "\t\f\v":
        if blank in text:
            text = text.replace(blank, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return "\n".join(filter(None, map(str.strip, text.split("\n"))))


def _text_parser() -> tuple[Any, _TextCollector]:
    cached: tuple[Any, _TextCollector] | None = getattr(_text_parsers, "cached", None)
    if cached is None:
        from lxml import etree

        target = _TextCollector()
        parser = etree.HTMLParser(
            target=target, recover=True, no_network=True, huge_tree=True,
            remove_comments=True, remove_pis=True,
        )  # fmt: skip
        cached = _text_parsers.cached = (parser, target)
    return cached


_MORE_MARKER = re.compile(r"\[\+\d+ chars\]")
_CODE_IN_PARENS = re.compile(r"\(\s*(?:[A-Z]+:\s*)?[A-Z][A-Z0-9]{0,7}(?:\.[A-Z]{1,3})?\s*\)")
"""A ticker mention as a lead paragraph writes it, ``( NVDA.O)``, ``(NYSE: GS)``."""
_DATELINE = re.compile(r"[^\n]{1,80}?\s?(?:-|--|–|—)\s")
SUMMARY_LEAD = 40
"""How many letters of a dateline (``WASHINGTON, March 5 -``) may come before the
repeated summary at the start of a body."""


def _letters(text: str) -> str:
    """Only the letters and digits, case-folded: what stays when quotes, dashes,
    spacing and entities are written differently in a summary and its body."""
    text = _MORE_MARKER.sub("", unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def repeats_summary(summary: str, blocks: list[Block]) -> bool:
    """Whether the body begins with the summary, so showing both says it twice.

    News APIs and feeds often take the summary from the lead paragraph (or a list of
    headlines), some with the ticker mentions taken out; Reuters puts a dateline before
    it. Text is compared by its letters and digits only; a summary cut off with ``…``
    matches the start of the longer text.
    """
    wanted = _letters(summary.strip().removesuffix("…").removesuffix("..."))
    if not wanted:
        return False
    return any(_begins_with(wanted, blocks, keep_tickers=keep) for keep in (True, False))


def _begins_with(wanted: str, blocks: list[Block], *, keep_tickers: bool) -> bool:
    parts: list[str] = []
    size = 0
    for block in blocks:
        raw = "".join(span.text for span in block.spans if keep_tickers or span.kind != "ticker")
        text = _letters(raw if keep_tickers else _CODE_IN_PARENS.sub("", raw))
        parts.append(text)
        size += len(text)
        if size >= len(wanted) + SUMMARY_LEAD:
            break
    position = "".join(parts).find(wanted)
    if position <= 0 or position > SUMMARY_LEAD:
        return position == 0
    # After a dateline ("LOS ANGELES, Feb 26 - Shr 80 cts vs 72 cts"), any summary;
    # elsewhere only a real sentence, not a word that happens to be near the start.
    dateline = _DATELINE.match(blocks[0].text)
    return len(wanted) >= 20 or (dateline is not None and len(_letters(dateline[0])) == position)


def blocks_to_plain(cleaned: CleanedArticle) -> str:
    """Readable plain text (``tickertape show`` into a pipe): Markdown-like blocks,
    links numbered ``text [1]`` with a ``Links:`` footer."""
    out: list[str] = []
    previous: BlockKind | None = None
    for block in cleaned.blocks:
        if out:
            tight = block.kind == previous and block.kind in ("item", "row")
            out.append("\n" if tight else "\n\n")
        out.append(_plain_block(block))
        previous = block.kind
    if cleaned.truncated:
        out.append("\n\n[the article was too long and has been truncated]")
    if cleaned.links:
        out.append("\n\nLinks:\n")
        from tickertape.core.links import display_link

        numbered = enumerate(cleaned.links, 1)
        out.append("\n".join(f"[{n}] {display_link(url)}" for n, url in numbered))
    return "".join(out)


def _plain_spans(spans: list[Span]) -> str:
    parts: list[str] = []
    for index, span in enumerate(spans):
        parts.append(span.text)
        following = spans[index + 1].link_number if index + 1 < len(spans) else None
        if span.link_number is not None and following != span.link_number:
            parts.append(f" [{span.link_number}]")
    return "".join(parts)


def _plain_block(block: Block) -> str:
    if block.kind == "row":
        return " | ".join(_plain_spans(cell) for cell in block.cells)
    text = _plain_spans(block.spans)
    if block.kind == "pre":
        return text
    if block.kind == "heading":
        return "#" * block.level + " " + text
    if block.kind == "quote":
        prefix = "> " * block.level
        return "\n".join(prefix + line for line in text.split("\n"))
    if block.kind == "item":
        indent = "  " * (block.level - 1)
        marker = f"{block.number}. " if block.number else "- "
        lines = text.split("\n")
        rest = [indent + " " * len(marker) + line if line else "" for line in lines[1:]]
        return "\n".join([indent + marker + lines[0], *rest])
    return text
