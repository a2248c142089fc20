"""The storage engine behind the reader and the command line.

``schema`` (tables, opening a cache file), ``build`` (refresh and the process pool),
``select`` (queries, stored orders, :class:`Rowids`), ``rows`` (list rows, cached
articles), ``aggregate`` (facets, stats, counts), ``articles`` (re-reading a file for
display); :class:`IndexCache` ties them to one SQLite database and satisfies the
:class:`Index` protocol the rest of the program is written against.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tickertape.core.index.aggregate import Facets
from tickertape.core.index.cache import CheckReport, IndexCache
from tickertape.core.index.protocol import Index
from tickertape.core.index.rows import ArticleRow
from tickertape.core.index.schema import CacheDamaged
from tickertape.core.index.select import SORT_KEYS, Rowids

if TYPE_CHECKING:
    from tickertape.core.index.build import RefreshProgress, RefreshStats


def __getattr__(name: str) -> object:
    """The refresh's records, from its module when first asked for (a command that the
    cache answers does not load the refresh's process pool and file readers)."""
    if name in ("RefreshProgress", "RefreshStats"):
        from tickertape.core.index import build

        return getattr(build, name)
    raise AttributeError(name)


__all__ = [
    "SORT_KEYS",
    "ArticleRow",
    "CacheDamaged",
    "CheckReport",
    "Facets",
    "Index",
    "IndexCache",
    "RefreshProgress",
    "RefreshStats",
    "Rowids",
]
