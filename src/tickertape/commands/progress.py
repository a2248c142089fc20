"""A Rich progress bar on stderr for building or refreshing a cache."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tickertape.core.index import IndexCache, RefreshProgress, RefreshStats


def refresh_with_progress(cache: IndexCache) -> RefreshStats:
    """Refresh ``cache``, drawing one bar that follows each phase of the work."""
    with progress_bar() as show:
        return cache.refresh(progress=show)


@contextlib.contextmanager
def progress_bar() -> Iterator[Callable[[RefreshProgress], None]]:
    """The same bar for any work that reports :class:`RefreshProgress` (a load)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True, highlight=False)
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("scanning", total=None)

        def show(step: RefreshProgress) -> None:
            bar.update(task, description=step.phase, completed=step.done, total=step.total)

        yield show
