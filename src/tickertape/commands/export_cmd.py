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
    add_query_arguments,
    add_quiet_argument,
    add_refresh_argument,
    compile_from_args,
    count_noun,
    open_path,
    query_epilog,
    report_problems,
)
from tickertape.commands.list_cmd import selected_records
from tickertape.core.sanitize import sanitize_inline
from tickertape.output import write_csv, write_jsonl


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the articles a query selects to a file",
        description="Write the selected articles (all by default) as JSON Lines or CSV.\n"
        "The file is written whole or not at all: a failure leaves an existing file as it was.",
        epilog=query_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_path_argument(parser)
    add_refresh_argument(parser)
    add_query_arguments(parser)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    add_quiet_argument(parser)


def run(args: argparse.Namespace) -> int:
    from tickertape.core.paths import atomic_write_text

    output = Path(args.output).expanduser()
    shown = sanitize_inline(str(output))
    if not output.parent.is_dir():
        raise UsageError(
            f"tickertape export: no such folder: {sanitize_inline(str(output.parent))}"
        )
    if output.is_dir():
        raise UsageError(f"tickertape export: {shown} is a folder; give a file name")
    compiled = compile_from_args(args.query)
    cache = open_path(args.path, full=args.refresh)
    buffer = io.StringIO()
    try:
        report_problems(cache.problems(), quiet=args.quiet)
        rowids = cache.select(compiled, sort=args.sort, reverse=args.reverse)
        records = list(selected_records(cache, rowids))
        (write_csv if args.format == "csv" else write_jsonl)(records, buffer)
    finally:
        cache.close()
    try:
        atomic_write_text(output, buffer.getvalue())
    except OSError as error:
        reason = sanitize_inline(error.strerror or str(error) or type(error).__name__)
        raise CommandFailed(f"cannot write {shown}: {reason}; nothing was written") from None
    sys.stderr.write(f"wrote {count_noun(len(records), 'article')} to {shown}\n")
    return 0
