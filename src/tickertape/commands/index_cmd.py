"""``tickertape index``: build or refresh the cache of an index, and say what changed.

The reader refreshes on its own; this command is for warming a big index ahead of
time (a cron job, a first build over a slow disk) and for seeing what a refresh does.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from typing import TYPE_CHECKING

from tickertape.commands.common import (
    CommandFailed,
    add_path_argument,
    print_notices,
    refresh,
)
from tickertape.core.paths import index_root
from tickertape.core.sanitize import sanitize_inline

if TYPE_CHECKING:
    from tickertape.core.index import IndexCache, RefreshProgress, RefreshStats


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "index",
        help="build or refresh the cache of an index",
        description="Build the cache of an index, or bring it up to date: only new, "
        "changed and removed files are read. Prints the counts and the time taken.",
    )
    add_path_argument(parser)


def run(args: argparse.Namespace) -> int:
    from tickertape.core.index import IndexCache

    root = index_root(args.path)
    try:
        cache = IndexCache.open(root)
    except (OSError, sqlite3.Error) as error:
        raise CommandFailed(f"cannot open the cache: {sanitize_inline(str(error))}") from None
    try:
        print_notices(cache.notices)
        try:
            stats = _refresh(cache)
        except (OSError, sqlite3.Error) as error:
            raise CommandFailed(
                f"the cache could not be built: {sanitize_inline(str(error))}"
            ) from None
        full_text = "" if cache.fts_ready() else " (full-text search not complete yet)"
    finally:
        cache.close()
    sys.stdout.write(summary(stats) + full_text + "\n")
    return 0


def summary(stats: RefreshStats) -> str:
    """One line: what the cache holds, what changed (in files), how long it took."""
    return (
        f"{stats.articles:,} articles · files: {stats.added:,} added, {stats.changed:,} changed, "
        f"{stats.removed:,} removed · {stats.problems:,} "
        f"warning{'' if stats.problems == 1 else 's'} · {stats.seconds:.2f} s"
    )


def _refresh(cache: IndexCache) -> RefreshStats:
    """With a Rich bar on a terminal; otherwise one plain line on stderr per phase."""
    if sys.stderr.isatty():
        return refresh(cache)
    shown = len(cache.notices)
    last_phase = ""

    def report(step: RefreshProgress) -> None:
        nonlocal last_phase
        if step.phase == last_phase or step.phase == "done":
            return
        last_phase = step.phase
        total = f" {step.total:,}" if step.total is not None else ""
        what = {"reading": " files", "indexing text": " articles"}.get(step.phase, "")
        sys.stderr.write(f"tickertape: {step.phase}{total}{what if total else ''}\n")

    stats = cache.refresh(progress=report)
    print_notices(cache.notices[shown:])
    return stats
