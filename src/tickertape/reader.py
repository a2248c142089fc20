"""Starting the interactive reader from the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tickertape.core.paths import index_root

if TYPE_CHECKING:
    from tickertape.ui.app import TickertapeApp


def run_reader(paths: Sequence[str]) -> int:
    """Open the reader on the index at ``paths`` (the bundled sample when there are none).

    Several paths are read as one index, each file's path starting with the name of
    the folder (or file) it came from.
    """
    from tickertape.core.malloc_arenas import limit_arenas
    from tickertape.core.pg.url import is_database_url

    limit_arenas()  # before the reader's worker threads start
    if any(is_database_url(path) for path in paths):
        return _run_database_reader(paths)
    roots = [index_root(path) for path in paths] or [index_root(None)]
    if len(roots) == 1:
        root = roots[0]
        name = "sample index" if not paths else _display_name(root)
    else:
        from tickertape.core.paths import combined_root

        root = combined_root(roots)
        name = " + ".join(_display_name(path) for path in roots)
    from tickertape.ui.app import TickertapeApp

    return _run(TickertapeApp(root, index_name=name))


def _run_database_reader(paths: Sequence[str]) -> int:
    """The reader on a PostgreSQL database; one that cannot be opened is a message
    before any screen is drawn."""
    from tickertape.commands.common import UsageError
    from tickertape.core.pg.url import redact

    if len(paths) != 1:
        raise UsageError("tickertape: a database URL is read alone, not with other paths")
    url = paths[0]
    try:
        from tickertape.core.pg.engine import PostgresIndex
    except ImportError:
        raise UsageError(
            "tickertape: reading PostgreSQL needs psycopg: pip install 'tickertape[postgresql]'"
        ) from None
    PostgresIndex.open(url).close()  # DatabaseError: a clear message, no screen
    from tickertape.ui.app import TickertapeApp

    shown = redact(url)
    return _run(TickertapeApp(Path(shown), index_name=shown, url=url))


def _run(app: TickertapeApp) -> int:
    result = app.run()
    lost = app.session.unsaved_at_close
    if lost:
        import sys

        from tickertape.core.sanitize import sanitize_inline

        shown = ", ".join(sanitize_inline(article_id) for article_id in lost[:20])
        more = f" and {len(lost) - 20:,} more" if len(lost) > 20 else ""
        sys.stderr.write(
            f"tickertape: the read or starred flags of {len(lost):,} "
            f"article{'' if len(lost) == 1 else 's'} could not be saved (the state file "
            f"stayed locked or the disk full): {shown}{more}\n"
        )
        return 1
    if isinstance(result, int):
        return result
    # No result: the app quit without one (0) or crashed, which Textual reports on
    # screen and in ``return_code``; a script must see the failure.
    return app.return_code or 0


def _display_name(root: Path) -> str:
    resolved = root.resolve()
    return resolved.name or str(resolved)
