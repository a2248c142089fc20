"""Re-reading an article for display: bodies are never stored in the cache, so the full
article comes from its file, checked against what the cache recorded of it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tickertape.core.article import Article
from tickertape.core.index.rows import ARTICLE_COLUMNS, article_from_row
from tickertape.core.index.schema import ORDER_FROM


def cached_article(conn: sqlite3.Connection, rowid: int) -> tuple[Article, str | None]:
    """What the cache holds of the article at ``rowid`` and the id its file gave it
    (``None`` when the cache kept that id); ``KeyError`` for a rowid not in the cache."""
    row = conn.execute(
        f"SELECT {ARTICLE_COLUMNS}, a.claim FROM {ORDER_FROM} WHERE a.rowid = ?", (rowid,)
    ).fetchone()
    if row is None:
        raise KeyError(rowid)
    return article_from_row(row), row[-1]


def reread(root: Path, cached: Article, claim: str | None) -> Article:
    """The full article, body included, read again from its file.

    When the file is gone or no longer holds the record, the cached metadata comes
    back with a warning saying so.
    """
    from tickertape.core.loader import read_entry
    from tickertape.core.scan import FileEntry, file_path

    result = read_entry(FileEntry(Path(file_path(root, cached.path)), cached.path, 0, 0))
    for article in result.articles:
        if article.ordinal == cached.ordinal and article.id == (claim or cached.id):
            article.id = cached.id
            article.path = cached.path
            id_warnings = [w for w in cached.warnings if w.startswith("id: ")]
            article.warnings += [w for w in id_warnings if w not in article.warnings]
            return article
    cached.warnings.append(
        "file: the file has changed or gone since it was indexed; "
        "showing the details kept in the cache"
    )
    return cached
