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
    from tickertape.core.index import IndexCache, RefreshStats


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
        help="index folder or file (default: the bundled sample index)",
    )


def add_quiet_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print only the number of warnings on stderr, not each one",
    )


def index_root(path: str | None) -> Path:
    """The index folder (or single file) to read; the sample index when none is given."""
    if path is None:
        from tickertape.sample import sample_path

        return sample_path()
    root = Path(path).expanduser()
    if not root.exists():
        raise UsageError(f"tickertape: no such file or folder: {sanitize_inline(path)}")
    return root


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


def open_index(root: Path) -> IndexCache:
    """Open the cache of ``root`` (with the user's state attached) and refresh it."""
    from tickertape.core.index import IndexCache
    from tickertape.core.paths import data_dir

    state = data_dir() / "state.sqlite"
    cache = IndexCache.open(root, state_path=state if state.is_file() else None)
    print_notices(cache.notices)
    refresh(cache)
    return cache
