"""``tickertape list``: the articles of an index, sorted and filtered, for people or scripts."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from tickertape.commands.common import (
    UsageError,
    add_path_argument,
    add_query_arguments,
    add_quiet_argument,
    add_refresh_argument,
    compile_from_args,
    open_path,
    query_epilog,
    report_problems,
)
from tickertape.output import FORMATS, article_record, write_csv, write_jsonl, write_table

if TYPE_CHECKING:
    from tickertape.core.index import Index

# Articles are fetched and written this many at a time: a million never sit in memory
# at once, and `| head` stops the work after the first batch.
_BATCH = 2000


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list the articles of an index",
        description="List the articles of an index (the bundled sample when no PATH is\n"
        "given), newest first. Warnings about files go to stderr.",
        epilog=query_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_path_argument(parser)
    add_refresh_argument(parser)
    add_query_arguments(parser)
    parser.add_argument("--limit", type=int, metavar="N", help="print at most N articles")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format")
    parser.add_argument(
        "--collapse",
        action="store_true",
        help="one article a story: the earliest version, with the number of versions",
    )
    add_quiet_argument(parser)


def selected_records(cache: Index, rowids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """The records of ``rowids`` in order, read from the cache a batch at a time."""
    from tickertape.core.index import IndexCache
    from tickertape.core.scan import path_maker

    # A database's articles have no local file: their path is the one they were loaded from.
    make_path = path_maker(cache.root) if isinstance(cache, IndexCache) else cache.file_path
    for start in range(0, len(rowids), _BATCH):
        batch = rowids[start : start + _BATCH]
        clusters = cache.clusters(batch)
        found = cache.articles(batch)
        if len(found) != len(batch):  # a refresh removed some meanwhile: pair them one by one
            pairs = [(rowid, article) for rowid in batch for article in cache.articles([rowid])]
        else:
            pairs = list(zip(batch, found, strict=True))
        for rowid, article in pairs:
            record = article_record(article, make_path(article.path))
            lead = clusters.get(rowid)
            # The story: the lead's id (null when the article is alone) and its size.
            record["cluster"] = lead[1] if lead else None
            record["versions"] = lead[2] if lead else 1
            yield record


def run(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise UsageError("tickertape list: --limit must be 0 or more")
    compiled = compile_from_args(args.query)
    cache = open_path(args.path, full=args.refresh)
    try:
        report_problems(cache.problems(), quiet=args.quiet)
        if args.collapse:
            rowids = cache.collapse(cache.select(compiled, sort=args.sort, reverse=args.reverse))
            rowids = rowids if args.limit is None else rowids[: args.limit]
        else:
            rowids = cache.select(
                compiled, sort=args.sort, reverse=args.reverse, limit=args.limit
            )
        records = selected_records(cache, rowids)
        out = sys.stdout
        if args.format == "jsonl":
            write_jsonl(records, out)
        elif args.format == "csv":
            write_csv(records, out)
        else:
            width = shutil.get_terminal_size().columns if out.isatty() else None
            write_table(list(records), out, width=width, versions=args.collapse)
    finally:
        cache.close()
    return 0
