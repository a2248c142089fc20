"""``tickertape mark``: set read, unread, starred or unstarred from a script."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tickertape.commands.common import (
    CommandFailed,
    UsageError,
    count_noun,
    open_path,
)
from tickertape.core.sanitize import sanitize_inline

_ID_SHAPE = re.compile(r"[0-9A-Fa-f]+")
_DONE = {"read": "read", "unread": "unread", "star": "starred", "unstar": "unstarred"}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "mark",
        help="mark articles read, unread, starred or unstarred",
        description="Mark articles by id (or unique id prefix). PATH defaults to the sample "
        "index; with two words or more, the first is the PATH when it exists or is not "
        "shaped like an id (hex digits). Every ID is checked before anything is marked. "
        "PATH may be a postgresql:// URL (an index loaded with index --to). Flags are "
        "kept by article id in the user's data folder, so they survive a rebuilt cache; "
        "a database's are kept apart from the folders' and from other databases'.",
        usage="tickertape mark [-h] [PATH] ID [ID ...] (--read | --unread | --star | --unstar)",
    )
    parser.add_argument("args", nargs="+", metavar="[PATH] ID", help=argparse.SUPPRESS)
    what = parser.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        what.add_argument(f"--{flag}", dest="flag", action="store_const", const=flag)


def arrange_arguments(words: list[str]) -> list[str]:
    """The options first, then ``--``, then the PATH and the ids.

    argparse reads a list of positionals in one run, so in ``mark DIR --star ID`` the
    ID after the flag would be refused. Every option of ``mark`` stands alone (none
    takes a value), so moving them to the front changes nothing else; after a ``--``
    the user wrote, every word is a PATH or an ID, even one starting with ``-``.
    """
    cut = words.index("--") if "--" in words else len(words)
    options = [word for word in words[:cut] if word.startswith("-") and word != "-"]
    others = [word for word in words[:cut] if not (word.startswith("-") and word != "-")]
    return [*options, "--", *others, *words[cut + 1 :]]


def split_path(words: list[str]) -> tuple[str | None, list[str]]:
    """``[PATH] ID...``: the PATH (if the first word is one) and the ids."""
    if len(words) > 1 and (Path(words[0]).exists() or not _ID_SHAPE.fullmatch(words[0])):
        return words[0], words[1:]
    return None, words


def run(args: argparse.Namespace) -> int:
    from tickertape.core.state import FOLDER_SCOPE, StateError, StateStore

    path, words = split_path(list(args.args))
    cache = open_path(path)
    scope = str(getattr(cache, "flag_scope", FOLDER_SCOPE))
    try:
        ids: list[str] = []
        for wanted in words:
            matches = cache.find(wanted)
            if len(matches) != 1:
                problem = "no article" if not matches else f"{len(matches)} articles"
                raise CommandFailed(
                    f"{problem} with id {sanitize_inline(wanted)!r}; nothing was marked"
                )
            ids.append(cache.rows(matches)[0].id)
    finally:
        cache.close()
    if not ids:
        raise UsageError("tickertape mark: give at least one ID")
    try:
        with StateStore.open() as state:
            for notice in state.notices:
                sys.stderr.write(f"tickertape: {sanitize_inline(notice)}\n")
            if not state.persistent:
                raise CommandFailed("the flags cannot be saved; nothing was marked")
            state.scope = scope
            if args.flag in ("read", "unread"):
                state.set_read(ids, args.flag == "read")
            else:
                state.set_starred(ids, args.flag == "star")
    except StateError as error:
        reason = sanitize_inline(str(error))
        raise CommandFailed(f"the flags could not be saved: {reason}") from None
    sys.stdout.write(f"marked {count_noun(len(set(ids)), 'article')} {_DONE[args.flag]}\n")
    return 0
