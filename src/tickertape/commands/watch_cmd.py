"""``tickertape watch``: print each new or changed article that matches, as it lands.

For scripts: ``tickertape watch feed/ -q 'ticker:NVDA' --format jsonl | jq .title``.
Each line is flushed at once. ``--exec CMD`` runs a command per article with the
record (the JSON line ``list --format jsonl`` prints) on its standard input; CMD is
split like a shell would split it but never run through one, and no article text
goes into its arguments. Ctrl+C ends it with exit code 0; a folder that vanishes ends
it with exit code 1.
"""

from __future__ import annotations

import argparse
import io
import shlex
import shutil
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any

from tickertape.commands.common import (
    CommandFailed,
    UsageError,
    add_path_argument,
    add_query_arguments,
    compile_from_args,
    open_index,
    print_notices,
    query_epilog,
)
from tickertape.core.paths import index_root
from tickertape.core.sanitize import sanitize_inline
from tickertape.output import write_jsonl, write_table

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tickertape.core.index import IndexCache
    from tickertape.core.query import CompiledQuery

EXEC_TIMEOUT_S = 60.0
"""A command run for one article is stopped after this long (the next one waits)."""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "watch",
        help="print new and changed articles as they land",
        description="Follow an index folder and print each new or changed article that\n"
        "matches, one line each, as it lands (until Ctrl+C). The folder is followed\n"
        "with file notifications, or rescanned every few seconds where those do not\n"
        "work (a network mount; TICKERTAPE_WATCH=poll asks for the rescan).",
        epilog=query_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_path_argument(parser)
    add_query_arguments(parser, sort=False)
    parser.add_argument(
        "--format", choices=("jsonl", "table"), default="table", help="output format"
    )
    parser.add_argument(
        "--exec",
        dest="exec_cmd",
        metavar="CMD",
        help="run CMD for each article with its JSON record on standard input "
        "(split like shell words, never run through a shell)",
    )


def _records(cache: IndexCache, rowids: Sequence[int]) -> list[dict[str, Any]]:
    from tickertape.commands.list_cmd import selected_records

    return list(selected_records(cache, rowids))


def _new_matches(cache: IndexCache, compiled: CompiledQuery, since: float) -> list[int]:
    """Rowids added or re-read since ``since`` that the query matches, oldest first."""
    new = cache.added_since(since)
    if not new:
        return []
    found = [rowid for rowid in cache.select(compiled) if rowid in new]
    return found[::-1]  # the select is newest first; print in the order they landed


def _print(records: list[dict[str, Any]], fmt: str, *, header: bool) -> None:
    out = sys.stdout
    if fmt == "jsonl":
        for record in records:
            write_jsonl([record], out)
            out.flush()
        return
    buffer = io.StringIO()
    width = shutil.get_terminal_size().columns if out.isatty() else None
    write_table(records, buffer, width=width)
    lines = buffer.getvalue().splitlines(keepends=True)
    for line in lines if header else lines[1:]:
        out.write(line)
        out.flush()


def _run_exec(argv: list[str], record: dict[str, Any]) -> None:
    """Run the user's command once for ``record``; a failure is a warning, not the end."""
    buffer = io.StringIO()
    write_jsonl([record], buffer)
    try:
        done = subprocess.run(
            argv, input=buffer.getvalue(), text=True, timeout=EXEC_TIMEOUT_S, check=False
        )
    except FileNotFoundError:
        raise CommandFailed(f"--exec: command not found: {sanitize_inline(argv[0])}") from None
    except subprocess.TimeoutExpired:
        sys.stderr.write(f"tickertape: --exec: stopped after {EXEC_TIMEOUT_S:g} s\n")
        return
    except OSError as error:
        raise CommandFailed(f"--exec: {error.strerror or error}") from None
    if done.returncode != 0:
        sys.stderr.write(
            f"tickertape: --exec exited with {done.returncode} for article "
            f"{sanitize_inline(str(record.get('id', '')))}\n"
        )


def run(args: argparse.Namespace) -> int:
    import time

    from tickertape.core.folder_watch import FolderVanished, FolderWatcher, relative

    argv: list[str] = []
    if args.exec_cmd is not None:
        try:
            argv = shlex.split(args.exec_cmd)
        except ValueError as error:
            raise UsageError(f"tickertape watch: --exec: {error}") from None
        if not argv:
            raise UsageError("tickertape watch: --exec needs a command")
    root = index_root(args.path)
    if not root.is_dir():
        raise UsageError(f"tickertape watch: {root} is not a folder")
    compiled = compile_from_args(args.query)
    stop = threading.Event()
    cache = open_index(root)
    watcher = FolderWatcher(root, stop)
    sys.stderr.write(f"tickertape: watching {root}: {watcher.method.describe()}\n")
    sys.stderr.flush()
    header = True
    try:
        for batch in watcher.batches():
            started = time.time()
            shown = len(cache.notices)
            stats = cache.refresh(only=relative(root, batch))
            print_notices(cache.notices[shown:])
            if not (stats.added or stats.changed):
                continue
            records = _records(cache, _new_matches(cache, compiled, started - 0.001))
            if not records:
                continue
            _print(records, args.format, header=header)
            header = False
            for record in records if argv else ():
                _run_exec(argv, record)
    except FolderVanished:
        raise CommandFailed(f"{root} is gone; stopped watching it") from None
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        cache.close()
    return 0
