"""``tickertape mark``: set read, unread, starred or unstarred from a script."""

from __future__ import annotations

import argparse
import sys

from tickertape.commands.common import CommandFailed, UsageError, index_root, open_index
from tickertape.core.sanitize import sanitize_inline


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "mark",
        help="mark articles read, unread, starred or unstarred",
        description="Mark articles by id (or unique id prefix). PATH defaults to the sample index.",
        usage="tickertape mark [-h] [PATH] ID [ID ...] (--read | --unread | --star | --unstar)",
    )
    parser.add_argument("args", nargs="+", metavar="[PATH] ID", help=argparse.SUPPRESS)
    what = parser.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        what.add_argument(f"--{flag}", dest="flag", action="store_const", const=flag)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tickertape.core.state import StateStore

    words: list[str] = list(args.args)
    path = None
    if len(words) > 1 and Path(words[0]).exists():
        path = words.pop(0)
    root = index_root(path)
    cache = open_index(root)
    try:
        ids: list[str] = []
        for wanted in words:
            matches = cache.find(wanted)
            if len(matches) != 1:
                problem = "no article" if not matches else f"{len(matches)} articles"
                raise CommandFailed(f"{problem} with id {sanitize_inline(wanted)!r}")
            ids.append(cache.rows(matches)[0].id)
    finally:
        cache.close()
    if not ids:
        raise UsageError("tickertape mark: give at least one ID")
    with StateStore.open() as state:
        for notice in state.notices:
            sys.stderr.write(f"tickertape: {sanitize_inline(notice)}\n")
        if args.flag in ("read", "unread"):
            state.set_read(ids, args.flag == "read")
        else:
            state.set_starred(ids, args.flag == "star")
    noun = "article" if len(ids) == 1 else "articles"
    sys.stdout.write(f"marked {len(ids)} {noun} {args.flag}\n")
    return 0
