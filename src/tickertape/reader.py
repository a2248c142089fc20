"""Starting the interactive reader from the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tickertape.commands.common import UsageError, index_root


def run_reader(paths: Sequence[str]) -> int:
    """Open the reader on one index (the bundled sample when no path is given)."""
    if len(paths) > 1:
        raise UsageError(
            "tickertape: give one index folder or file (several can live under one folder)"
        )
    root = index_root(paths[0] if paths else None)
    from tickertape.ui.app import TickertapeApp

    name = "sample index" if not paths else _display_name(root)
    app = TickertapeApp(root, index_name=name)
    result = app.run()
    return result if isinstance(result, int) else 0


def _display_name(root: Path) -> str:
    resolved = root.resolve()
    return resolved.name or str(resolved)
