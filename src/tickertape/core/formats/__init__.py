"""Readers for the index file formats, behind one entry point: :func:`read_file`.

``read_file`` takes bytes, not a path, so the loader and the cache builder decide
how files are found and read, and every reader can be tested on bytes alone. It
never raises: a file it cannot make sense of comes back as a :class:`Problem`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tickertape.core.article import Article, Problem
from tickertape.core.sanitize import sanitize_inline


@dataclass(slots=True)
class ReadResult:
    """The articles read from one file, and every problem met on the way."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# The readers import ReadResult from this package, so they are imported after it.
from tickertape.core.formats.article_file import (  # noqa: E402
    article_content,
    parse_article_text,
)
from tickertape.core.formats.decode import decode_bytes  # noqa: E402
from tickertape.core.formats.json_records import (  # noqa: E402
    parse_json_document,
    parse_json_lines,
)

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIX = ".json"
RECORD_SUFFIXES = (*JSON_LINES_SUFFIXES, JSON_SUFFIX)

__all__ = [
    "RECORD_SUFFIXES",
    "ReadResult",
    "is_record_file",
    "parse_article_text",
    "parse_json_document",
    "parse_json_lines",
    "read_body",
    "read_file",
]


def is_record_file(rel_path: str) -> bool:
    """True for JSON and JSON Lines files, which hold many articles (one a record)."""
    return rel_path.lower().endswith(RECORD_SUFFIXES)


def read_file(data: bytes, rel_path: str) -> ReadResult:
    """Read one file's bytes: ``.jsonl``/``.ndjson``, ``.json``, or an article file.

    Never raises. A bug or an exhausted resource in a reader becomes a problem
    naming the file, so one bad file cannot stop an index from loading.
    """
    try:
        return _read(data, rel_path)
    except Exception as error:  # the last resort: a file must never stop a load
        detail = sanitize_inline(f"{type(error).__name__}: {error}")[:200]
        return ReadResult([], [Problem(rel_path, "file", f"could not be read ({detail}); skipped")])


def read_body(data: bytes, rel_path: str) -> str:
    """The raw HTML ``content`` that :func:`read_file` gives an article file's article
    ("" when none), found without reading the file's other fields.

    The cache's full-text pass needs only the bodies of files it has parsed once.
    Never raises: a file that cannot be read has no body.
    """
    try:
        if not data:
            return ""
        text = decode_bytes(data, rel_path).text
        return "" if text is None else article_content(text)
    except Exception:  # as read_file: one bad file must never stop a build
        return ""


def _read(data: bytes, rel_path: str) -> ReadResult:
    if not data:
        return ReadResult([], [Problem(rel_path, "file", "empty file; skipped")])
    decoded = decode_bytes(data, rel_path)
    if decoded.text is None:
        return ReadResult([], decoded.problems)
    name = rel_path.lower()
    if name.endswith(JSON_LINES_SUFFIXES):
        result = parse_json_lines(decoded.text, rel_path)
    elif name.endswith(JSON_SUFFIX):
        result = parse_json_document(decoded.text, rel_path)
    else:
        result = parse_article_text(decoded.text, rel_path)
        # The file is the article: a repair to the file is a warning about the article.
        if decoded.problems:
            for article in result.articles:
                article.warnings[:0] = [problem.short() for problem in decoded.problems]
    if decoded.problems:
        result.problems[:0] = decoded.problems
    return result
