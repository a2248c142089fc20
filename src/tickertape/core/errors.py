"""What went wrong, in words a reader of the screen understands.

Background work reports its failures as notices. An exception's own text is often
empty, a bare key (``'rowid'``) or the name of a class; none of that means anything
to a user, and none of it may carry a control character.
"""

from __future__ import annotations

import sqlite3

from tickertape.core.sanitize import sanitize_inline, visible_path

_LIMIT = 200


def describe_error(error: BaseException) -> str:
    """One short line about ``error``: the system's message for an OS error (with the
    file), the database's for SQLite, plain words for the rest; never a class name."""
    if isinstance(error, OSError) and error.strerror:
        where = error.filename
        text = error.strerror + (f": {visible_path(str(where))}" if where else "")
    elif isinstance(error, sqlite3.Error) and str(error):
        text = f"the cache database says: {error}"
    elif isinstance(error, MemoryError):
        text = "not enough memory"
    elif isinstance(error, RecursionError):
        text = "the data is nested too deeply"
    elif isinstance(error, (ValueError, OSError, sqlite3.Error)) and str(error):
        text = str(error)
    else:
        detail = str(error)
        text = "an unexpected error" + (f" ({detail})" if detail else "")
    return sanitize_inline(text)[:_LIMIT]
