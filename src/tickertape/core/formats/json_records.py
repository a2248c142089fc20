"""JSON Lines and JSON files: one article a record, with the aliases news APIs use.

NewsAPI writes ``url``, ``publishedAt``, ``description`` and a ``source`` object;
Alpha Vantage writes ``time_published``, ``overall_sentiment_label``,
``overall_sentiment_score``, a ``ticker_sentiment`` list and ``banner_image``; our
own ``list --format jsonl`` writes the canonical names. They all map onto the
article fields and go through the same :func:`build_article` as article files.
A bad record is skipped with a problem; the rest still load.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from tickertape.core.article import Article, Problem
from tickertape.core.formats import ReadResult
from tickertape.core.formats.article_file import KNOWN_FIELDS, build_article, path_id

# Lower-case record keys to canonical field names, aliases included. When a record
# has several keys for one field, the first in this table wins; the others are kept
# as extra metadata.
_ALIASES = {
    **KNOWN_FIELDS,
    "url": "link",
    "publishedat": "publishDate",
    "published_at": "publishDate",
    "published": "publishDate",
    "pubdate": "publishDate",
    "publish_date": "publishDate",
    "date": "publishDate",
    "time_published": "publishDate",
    "description": "summary",
    "body": "content",
    "text": "content",
    "lang": "language",
    "overall_sentiment_label": "sentiment",
    "image": "images",
    "urltoimage": "images",
    "banner_image": "images",
    "tickers": "tickers",
    "ticker_sentiment": "ticker_sentiment",
    "sentiment_label": "sentiment",
}
# Keys that are not metadata worth showing: the id is used, the path and how tickers
# were found are ours (our own JSON Lines output read back).
_NOT_EXTRA = frozenset({"id", "path", "ordinal", "warnings", "ticker_matches"})
# Where a wrapper object keeps its list of records (NewsAPI, Alpha Vantage).
_RECORD_LISTS = ("articles", "feed")
# An id from a record is used only when it is a plain token a URL or shell can carry.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_NOT_SPACE = re.compile(r"\S")


def parse_json_lines(text: str, rel_path: str) -> ReadResult:
    """One JSON object a line; blank lines are skipped, bad lines reported by number."""
    result = ReadResult()
    ordinal = 0
    for number, line in _numbered_lines(text):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as error:
            reason = f"not valid JSON ({_json_error(error, one_line=True)}); skipped"
            result.problems.append(Problem(rel_path, where, reason))
        else:
            _add_record(result, record, rel_path, where, f"{rel_path}#{number}", ordinal)
        ordinal += 1
    if not result.articles and not result.problems:
        result.problems.append(Problem(rel_path, "file", "no records; skipped"))
    return result


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of ``text`` that are not blank, with their numbers (from 1), one at a
    time: a file of millions of blank lines must not become a list of millions of
    strings, nor a Python loop over them (a run of blank lines is skipped by one search).
    """
    pos = 0
    number = 1  # the number of the line that starts at pos
    while True:
        found = _NOT_SPACE.search(text, pos)
        if found is None:
            return
        line_end = text.rfind("\n", pos, found.start())
        start = pos if line_end < 0 else line_end + 1
        number += text.count("\n", pos, start)
        end = text.find("\n", found.start())
        if end < 0:
            end = len(text)
        yield number, text[start:end]
        number += 1
        pos = end + 1


def parse_json_document(text: str, rel_path: str) -> ReadResult:
    """A JSON array of records, one record, or an object wrapping a list of records."""
    result = ReadResult()
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        reason = f"not valid JSON ({_json_error(error)}); skipped"
        return ReadResult([], [Problem(rel_path, "file", reason)])
    records: list[object]
    if isinstance(document, list):
        records = document
    elif isinstance(document, dict):
        wrapped = next(
            (document[key] for key in _RECORD_LISTS if isinstance(document.get(key), list)), None
        )
        records = wrapped if wrapped is not None else [document]
    else:
        found = _kind(document)
        reason = f"expected an array or object of articles, found {found}; skipped"
        return ReadResult([], [Problem(rel_path, "file", reason)])
    for index, record in enumerate(records):
        where = f"record {index + 1}"
        _add_record(result, record, rel_path, where, f"{rel_path}#{index}", index)
    if not result.articles and not result.problems:
        result.problems.append(Problem(rel_path, "file", "no records; skipped"))
    return result


def article_from_record(
    record: dict[str, object], rel_path: str, where: str, fallback_key: str, ordinal: int
) -> tuple[Article | None, list[Problem]]:
    """Map one record's keys to article fields; ``None`` when it has no known field."""
    values: dict[str, object] = {}
    extra: dict[str, object] = {}
    record_id: object = None
    # Our own records write the direction as "sentiment" and the label as written as
    # "sentiment_label": the label is what is read back.
    labelled = any(k.lower() == "sentiment_label" and v for k, v in record.items())
    for key, value in record.items():
        lower = key.lower()
        name = _ALIASES.get(lower)
        if labelled and lower == "sentiment":
            continue
        if name is not None and name not in values and value is not None:
            if name == "images" and lower != "images" and isinstance(value, str):
                value = [value]  # urlToImage, banner_image: one URL, not a list literal
            values[name] = value
        elif lower == "id":
            record_id = value if record_id is None else record_id
        elif lower not in _NOT_EXTRA and value is not None and value != "":
            extra[key] = value
    if not values.keys() - {"tickers", "ticker_sentiment"}:
        reason = "no article fields (title, link, content …); skipped"
        return None, [Problem(rel_path, where, reason)]
    problems: list[Problem] = []
    if isinstance(record_id, int) and not isinstance(record_id, bool):
        record_id = str(record_id)
    if isinstance(record_id, str) and _SANE_ID.fullmatch(record_id):
        article_id = record_id
    else:
        article_id = path_id(fallback_key)
    article = build_article(
        values,
        article_id=article_id,
        rel_path=rel_path,
        extra=extra,
        problems=problems,
        where=f"{where}: ",
        ordinal=ordinal,
    )
    return article, problems


def _add_record(
    result: ReadResult, record: object, rel_path: str, where: str, fallback_key: str, ordinal: int
) -> None:
    if not isinstance(record, dict):
        reason = f"expected an object, found {_kind(record)}; skipped"
        result.problems.append(Problem(rel_path, where, reason))
        return
    article, problems = article_from_record(record, rel_path, where, fallback_key, ordinal)
    if article is not None:
        result.articles.append(article)
    result.problems.extend(problems)


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return "a number"


def _json_error(error: Exception, *, one_line: bool = False) -> str:
    if isinstance(error, json.JSONDecodeError):
        if one_line:
            return f"{error.msg} at column {error.colno}"
        return f"{error.msg} at line {error.lineno} column {error.colno}"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error)[:100]
