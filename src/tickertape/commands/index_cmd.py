"""``tickertape index``: build or refresh the cache of an index, and say what changed.

The reader refreshes on its own; this command is for warming a big index ahead of
time (a cron job, a first build over a slow disk) and for seeing what a refresh does.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from tickertape.commands.common import (
    CommandFailed,
    add_path_argument,
    count_noun,
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
    parser.add_argument(
        "--check",
        action="store_true",
        help="also check every page of the cache (SQLite's integrity check) and every "
        "file against the digest kept of it; a damaged cache is rebuilt, and files "
        "edited without a new size or time are read again (reads everything: slow). "
        "With a postgresql:// URL as PATH: check the database's schema version and "
        "that its tables agree (articles, files, tickers, full text); nothing is changed",
    )
    parser.add_argument(
        "--to",
        metavar="URL",
        help="load into the PostgreSQL database at URL (postgresql://...) instead of the "
        "local cache, for a team to read; PATH '-' reads JSON Lines from standard input",
    )


def run(args: argparse.Namespace) -> int:
    from tickertape.core.index import IndexCache
    from tickertape.core.pg.url import is_database_url

    if args.to is not None:
        return _load(args)
    if is_database_url(args.path):
        if not args.check:
            raise CommandFailed(
                "a database is loaded with tickertape index PATH --to URL "
                "(and checked with tickertape index --check URL)"
            )
        return _check_database(args.path)
    root = index_root(args.path)
    try:
        cache = IndexCache.open(root)
    except (OSError, sqlite3.Error) as error:
        raise CommandFailed(f"cannot open the cache: {sanitize_inline(str(error))}") from None
    check_line = ""
    try:
        print_notices(cache.notices)
        if cache.temporary:
            raise CommandFailed(
                "nothing was kept: the cache folder cannot be written, so a cache built "
                "now would be thrown away at exit (set TICKERTAPE_CACHE_DIR to a folder "
                "you can write)"
            )
        try:
            if args.check:
                stats, check_line = _check(cache)
            else:
                stats = _refresh(cache)
        except (OSError, sqlite3.Error) as error:
            raise CommandFailed(
                f"the cache could not be built: {sanitize_inline(str(error))}"
            ) from None
        full_text = "" if cache.fts_ready() else " (full-text search not complete yet)"
    finally:
        cache.close()
    sys.stdout.write(summary(stats) + full_text + "\n" + check_line)
    if stats.full:
        raise CommandFailed(
            "the disk is full: the cache was not brought up to date; the cache as it was is kept"
        )
    return 0


def _load(args: argparse.Namespace) -> int:
    """``--to URL``: load the folder (or standard input) into PostgreSQL."""
    from tickertape.core.pg.url import is_database_url

    if not is_database_url(args.to):
        raise CommandFailed("--to takes a database URL starting with postgresql://")
    if args.check:
        raise CommandFailed(
            "--check does not load: check a database with tickertape index --check URL"
        )
    source = "-" if args.path == "-" else str(index_root(args.path))
    try:
        from tickertape.core.pg.load import load
    except ImportError:
        raise CommandFailed(
            "loading into PostgreSQL needs psycopg: pip install 'tickertape[postgresql]'"
        ) from None

    def notice(text: str) -> None:
        print_notices([text])

    if sys.stderr.isatty() and source != "-":
        from tickertape.commands.progress import progress_bar

        with progress_bar() as show:
            stats = load(args.to, source, progress=show, notice=notice)
    else:
        stats = load(args.to, source, progress=_plain_progress(), notice=notice)
    sys.stdout.write(
        f"{stats.articles:,} articles loaded · files: {stats.added:,} added, "
        f"{stats.changed:,} changed, {stats.removed:,} removed · {stats.problems:,} "
        f"warning{'' if stats.problems == 1 else 's'} · {stats.seconds:.2f} s\n"
    )
    return 0


def _check_database(url: str) -> int:
    """``--check URL``: the schema version and the tables' agreement (see pg/check)."""
    from tickertape.core.pg.check import check
    from tickertape.core.pg.schema import SCHEMA_VERSION

    sys.stderr.write("tickertape: checking the database's schema and tables\n")
    report = check(url)
    if report.version != SCHEMA_VERSION:
        raise CommandFailed(sanitize_inline(report.faults[0]))
    sys.stdout.write(
        f"{report.articles:,} articles · {report.files:,} files in "
        f"{count_noun(report.folders, 'folder')} · {report.ticker_rows:,} ticker mentions · "
        f"schema version {report.version}\n"
    )
    if report.faults:
        for fault in report.faults:
            sys.stdout.write(f"check: {sanitize_inline(fault)}\n")
        raise CommandFailed(
            "the database's tables disagree (see above); loading the folders again with "
            "tickertape index PATH --to URL brings them back in line"
        )
    sys.stdout.write(
        f"check: the database is consistent ({report.seconds:.2f} s); its pages are the "
        "server's to check (data checksums, amcheck), and the files stay with the loader\n"
    )
    return 0


def _check(cache: IndexCache) -> tuple[RefreshStats, str]:
    """``--check``: the cache's pages and the files' digests, then a refresh."""
    shown = len(cache.notices)
    sys.stderr.write("tickertape: checking the cache and every file\n")
    report = cache.check(progress=_plain_progress())
    print_notices(cache.notices[shown:])
    if report.damaged:
        verdict = "the cache was damaged and has been rebuilt from the files"
    else:
        verdict = "the cache is sound"
    changed = report.changed_files
    if changed:
        verdict += (
            f"; {changed:,} file{'' if changed == 1 else 's'} had changed without a new "
            "size or modification time and were read again"
        )
    return report.stats, f"check: {verdict} ({report.seconds:.2f} s)\n"


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
    stats = cache.refresh(progress=_plain_progress())
    print_notices(cache.notices[shown:])
    return stats


def _plain_progress() -> Callable[[RefreshProgress], None]:
    """A progress callback writing one line on stderr when a phase starts."""
    last_phase = ""

    def report(step: RefreshProgress) -> None:
        nonlocal last_phase
        if step.phase == last_phase or step.phase == "done":
            return
        last_phase = step.phase
        total = f" {step.total:,}" if step.total is not None else ""
        what = {"reading": " files", "indexing text": " articles"}.get(step.phase, "")
        sys.stderr.write(f"tickertape: {step.phase}{total}{what if total else ''}\n")

    return report
