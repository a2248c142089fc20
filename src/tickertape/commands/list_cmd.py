"""``tickertape list``: the articles of an index, sorted and filtered, for people or scripts."""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import TYPE_CHECKING

from tickertape.commands.common import (
    UsageError,
    add_path_argument,
    add_quiet_argument,
    index_root,
    open_index,
    report_problems,
)
from tickertape.output import FORMATS, article_record, write_csv, write_jsonl, write_table

if TYPE_CHECKING:
    from tickertape.core.query import CompiledQuery

SORTS = ("date", "title", "source", "sentiment", "confidence", "relevance")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list the articles of an index",
        description="List the articles of an index, newest first.",
    )
    add_path_argument(parser)
    add_query_arguments(parser)
    parser.add_argument("--limit", type=int, metavar="N", help="print at most N articles")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format")
    add_quiet_argument(parser)


def add_query_arguments(parser: argparse.ArgumentParser) -> None:
    """-q, --sort and --reverse: shared by list and export."""
    parser.add_argument("-q", "--query", default="", help="filter with the query language")
    parser.add_argument("--sort", choices=SORTS, default="date", help="sort key (default: date)")
    parser.add_argument("--reverse", action="store_true", help="reverse the order")


def compile_from_args(text: str) -> CompiledQuery:
    """Parse and compile ``-q``; a bad query is a usage error with its position."""
    from tickertape.core.query import QueryError, compile_query, parse

    try:
        return compile_query(parse(text))
    except QueryError as error:
        raise UsageError(f"tickertape: bad query: {error}") from None


def run(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise UsageError("tickertape list: --limit must be 0 or more")
    root = index_root(args.path)
    compiled = compile_from_args(args.query)
    cache = open_index(root)
    try:
        report_problems(cache.problems(), quiet=args.quiet)
        rowids = cache.select(compiled, sort=args.sort, reverse=args.reverse, limit=args.limit)
        records = [
            article_record(article, cache.file_path(article.path)) for article in cache.articles(rowids)
        ]
    finally:
        cache.close()
    out = sys.stdout
    if args.format == "jsonl":
        write_jsonl(records, out)
    elif args.format == "csv":
        write_csv(records, out)
    else:
        width = shutil.get_terminal_size().columns if out.isatty() else None
        write_table(records, out, width=width)
    return 0
