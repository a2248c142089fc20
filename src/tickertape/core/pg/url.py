"""Database URLs where the command line takes a path: recognising and printing them."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")


class DatabaseError(ConnectionError):
    """The database could not be reached or used; the message is fit to show as is
    (a ``ConnectionError``, so the reader's notices and the CLI print its text)."""


def is_database_url(text: str | None) -> bool:
    """Whether ``text`` names a PostgreSQL database rather than a file or folder."""
    return text is not None and text.lower().startswith(SCHEMES)


def redact(url: str) -> str:
    """The URL without its password, fit to print and to key local state by."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://…"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def database_key(url: str) -> str:
    """A short stable name for a database, like ``paths.index_key`` for a folder."""
    digest = hashlib.sha1(redact(url).encode(), usedforsecurity=False)
    return "pg-" + digest.hexdigest()[:16]
