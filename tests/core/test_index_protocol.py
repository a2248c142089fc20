"""The SQLite cache is one engine behind the ``Index`` protocol the reader is written to."""

from __future__ import annotations

from pathlib import Path

from tickertape.core.index import Index, IndexCache
from tickertape.core.query import compile_query, parse

from .test_index import article_text, write


def test_the_sqlite_cache_serves_the_index_protocol(tmp_path: Path) -> None:
    root = tmp_path / "index"
    write(root, "a.txt", article_text("Chips rally", content="<p>chips</p>"))
    write(root, "b.txt", article_text("Oil slips", content="<p>oil</p>"))
    # Typed as the protocol: mypy checks that IndexCache satisfies it.
    index: Index = IndexCache.open(root, cache_dir=tmp_path / "cache")
    try:
        index.refresh()
        found = index.select(compile_query(parse("chips")))
        assert [row.title for row in index.rows(found)] == ["Chips rally"]
        assert index.facets(None).total == 2
        assert "<p>chips</p>" in index.load_article(found[0]).content
        assert index.find_file("a.txt") == list(found)
        assert index.values("language") == (("en", 2),)
    finally:
        index.close()
