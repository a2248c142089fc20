"""What the sub-commands share: locating the index, opening its cache, reporting problems."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tickertape.core.article import Problem
from tickertape.core.sanitize import sanitize_inline

if TYPE_CHECKING:
    from tickertape.core.index import Index, IndexCache, RefreshStats
    from tickertape.core.query import CompiledQuery


class UsageError(Exception):
    """A mistake in how the command was called: reported with exit code 2."""


class CommandFailed(Exception):
    """The command was called right but could not do its work: exit code 1."""


def add_path_argument(parser: argparse.ArgumentParser) -> None:
    """The optional index PATH every data command takes."""
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="index folder or file, or a postgresql:// database URL (default: the "
        "bundled sample index)",
    )


def add_quiet_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print only the number of warnings on stderr, not each one",
    )


SORTS = ("date", "title", "source", "sentiment", "confidence", "score", "relevance")
SORT_HELP = (
    "sort key (default: date, newest first). title and source sort A-Z, sentiment "
    "positive, neutral, negative, then none, confidence and score high to low; relevance puts "
    "the best match first when the query has words, and is date order when it has none. "
    "Ties go newest first; articles without the value go last"
)


def add_query_arguments(
    parser: argparse.ArgumentParser,
    *,
    query_help: str = "filter with the query language (see below)",
    sort: bool = True,
) -> None:
    """-q, and (with ``sort``) --sort and --reverse: shared by list, export and stats."""
    parser.add_argument("-q", "--query", default="", help=query_help)
    if sort:
        parser.add_argument("--sort", choices=SORTS, default="date", help=SORT_HELP)
        parser.add_argument("--reverse", action="store_true", help="reverse the order")


def query_epilog() -> str:
    """The query language's reference, for the end of ``--help``."""
    from tickertape.core.query_help import QUERY_HELP

    return "The query language (-q):\n\n" + QUERY_HELP


def compile_from_args(text: str) -> CompiledQuery:
    """Parse and compile ``-q``; a bad query is a usage error with its position."""
    from tickertape.core.query import QueryError, compile_query, parse

    try:
        return compile_query(parse(text))
    except QueryError as error:
        raise UsageError(f"tickertape: bad query: {error}") from None


def report_problems(problems: Iterable[Problem], *, quiet: bool = False) -> int:
    """Print each problem on stderr (or just their number); returns how many there were."""
    count = 0
    lines: list[str] = []
    for problem in problems:
        count += 1
        if not quiet:
            lines.append(f"warning: {sanitize_inline(str(problem))}")
    if lines:
        sys.stderr.write("\n".join(lines) + "\n")
    elif quiet and count:
        sys.stderr.write(f"{count_noun(count, 'warning')} (run without --quiet to see them)\n")
    return count


def count_noun(count: int, noun: str) -> str:
    """``1 article``, ``2 articles``: a count with its noun, pluralised in English."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def print_notices(notices: Iterable[str]) -> None:
    """Notices from the cache or the state store (a rebuilt cache, say), on stderr."""
    for notice in notices:
        sys.stderr.write(f"tickertape: {sanitize_inline(notice)}\n")


def refresh(cache: IndexCache) -> RefreshStats:
    """Bring ``cache`` up to date: a progress bar on a terminal, silence otherwise.

    Notices the refresh adds (another process is updating, a rebuild) are printed.
    """
    shown = len(cache.notices)
    if sys.stderr.isatty():
        from tickertape.commands.progress import refresh_with_progress

        stats = refresh_with_progress(cache)
    else:
        stats = cache.refresh()
    print_notices(cache.notices[shown:])
    return stats


def open_path(path: str | None, *, full: bool = False) -> Index:
    """The index a command reads: a PostgreSQL database for a ``postgresql://`` URL
    (loaded by ``tickertape index PATH --to URL``), else the cache of the folder or
    file at ``path`` (:func:`open_index`)."""
    from tickertape.core.paths import index_root
    from tickertape.core.pg.url import is_database_url

    if is_database_url(path):
        assert path is not None
        from tickertape.core.pg.engine import PostgresIndex

        return PostgresIndex.open(path, state_path=state_file())
    return open_index(index_root(path), full=full)


def state_file() -> Path | None:
    """The user's state file for an index to read flags from, brought up to this
    version's schema first (an older one keys flags differently); None when there is
    none or it cannot be used (the answer is then given without flags)."""
    from tickertape.core.paths import data_dir
    from tickertape.core.state import STATE_FILENAME, StateError, StateStore

    path = data_dir() / STATE_FILENAME
    if not path.is_file():
        return None
    try:
        with StateStore.open(path.parent) as store:
            print_notices(store.notices)
            return path if store.persistent else None
    except StateError as error:
        print_notices([f"read and starred flags are unavailable ({error})"])
        return None


def add_refresh_argument(parser: argparse.ArgumentParser) -> None:
    """--refresh: compare every file before answering (the quick check is the default)."""
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="compare every file with the cache before answering (by default the "
        "cache answers when its folders' times and a sample of its files are "
        "unchanged, and is refreshed only when they changed)",
    )


def open_index(root: Path, *, full: bool = False) -> IndexCache:
    """Open the cache of ``root`` (with the user's state attached), refreshed when the
    quick check finds a change (or always, with ``full``).

    A refresh stats every file (seconds at 100k); the quick check stats the folders
    and a sample of files (milliseconds). When the sample could not cover every file,
    stderr says the answer may miss a file rewritten in place.
    """
    from tickertape.core.index import IndexCache

    cache = IndexCache.open(root, state_path=state_file())
    print_notices(cache.notices)
    if full:
        refresh(cache)
        return cache
    found = cache.quick_check()
    if found.changed:
        refresh(cache)
    elif not found.complete:
        sys.stderr.write(stale_note(found.sampled, found.files, found.checked_at) + "\n")
    return cache


def stale_note(sampled: int, files: int, checked_at: float) -> str:
    """What stderr says when the cache answered after a sampled check."""
    import time

    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(checked_at))
    return (
        f"tickertape: answered from the cache: no folder changed since {when} and "
        f"{sampled:,} of {files:,} files sampled are unchanged; a file rewritten in "
        "place since may not show (--refresh compares every file)"
    )
