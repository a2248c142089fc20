"""``tickertape export``: write a selection to a file, atomically."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from tickertape.commands.common import (
    CommandFailed,
    UsageError,
    add_path_argument,
    add_quiet_argument,
    index_root,
    open_index,
    report_problems,
)
from tickertape.commands.list_cmd import add_query_arguments, compile_from_args
from tickertape.core.sanitize import sanitize_inline
from tickertape.output import article_record, write_csv, write_jsonl


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the articles a query selects to a file",
        description="Write the selected articles as JSON Lines or CSV. The file is written "
        "whole or not at all.",
    )
    add_path_argument(parser)
    add_query_arguments(parser)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    add_quiet_argument(parser)


def run(args: argparse.Namespace) -> int:
    from tickertape.core.paths import atomic_write_text

    output = Path(args.output).expanduser()
    if not output.parent.is_dir():
        raise UsageError(
            f"tickertape export: no such folder: {sanitize_inline(str(output.parent))}"
        )
    root = index_root(args.path)
    compiled = compile_from_args(args.query)
    cache = open_index(root)
    try:
        report_problems(cache.problems(), quiet=args.quiet)
        rowids = cache.select(compiled, sort=args.sort, reverse=args.reverse)
        records = [article_record(a, cache.file_path(a.path)) for a in cache.articles(rowids)]
    finally:
        cache.close()
    buffer = io.StringIO()
    (write_csv if args.format == "csv" else write_jsonl)(records, buffer)
    try:
        atomic_write_text(output, buffer.getvalue())
    except OSError as error:
        raise CommandFailed(
            f"cannot write {sanitize_inline(str(output))}: {error.strerror}"
        ) from None
    noun = "article" if len(records) == 1 else "articles"
    sys.stderr.write(f"wrote {len(records):,} {noun} to {sanitize_inline(str(output))}\n")
    return 0
