"""Checking a PostgreSQL index: what ``tickertape index --check URL`` can say of it.

The SQLite cache's check reads every page and every file; for a database neither is
meaningful from a reader (pages are the server's business: data checksums and
``amcheck``; the files are on the loader's machine). What is checked is what the
loader promises: the schema version, and that the tables agree with each other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tickertape.core.pg import schema
from tickertape.core.pg.url import redact


@dataclass(slots=True)
class CheckReport:
    """The figures read and the disagreements found (none: the index is consistent)."""

    version: int | None = None
    articles: int = 0
    files: int = 0
    folders: int = 0
    ticker_rows: int = 0
    faults: list[str] = field(default_factory=list)
    seconds: float = 0.0


# (what a non-zero count means, the query counting it)
_CONSISTENCY: tuple[tuple[str, str], ...] = (
    (
        "articles of a folder's file the database has no identity for (a load was cut "
        "short; the next load reads the file again)",
        "SELECT count(*) FROM articles AS a JOIN roots AS r ON r.root_id = a.root_id "
        "WHERE r.path != '-' AND NOT EXISTS (SELECT 1 FROM files AS f "
        "WHERE f.root_id = a.root_id AND f.rel = a.rel)",
    ),
    (
        "articles whose ticker list disagrees with their rows in the tickers table",
        "SELECT count(*) FROM articles AS a WHERE cardinality(string_to_array(a.tickers, ' ')) "
        "!= (SELECT count(*) FROM tickers AS t WHERE t.rowid = a.rowid)",
    ),
    (
        "articles with no full text although their title or summary has words",
        "SELECT count(*) FROM articles WHERE tsv = ''::tsvector "
        "AND (title ~ '[[:alnum:]]' OR summary ~ '[[:alnum:]]')",
    ),
)


def check(url: str) -> CheckReport:
    """Read the figures and the disagreements; raises :class:`schema.DatabaseError`."""
    started = time.perf_counter()
    report = CheckReport()
    conn = schema.connect(url)
    try:
        with schema.translated(url):
            report.version = schema.version(conn)
            if report.version is None:
                schema.check_readable(conn, url)  # raises: no index there
            if report.version != schema.SCHEMA_VERSION:
                report.faults.append(
                    f"schema version {report.version}, this tickertape reads "
                    f"{schema.SCHEMA_VERSION} (tickertape index PATH --to "
                    f"{redact(url)} migrates it)"
                )
                return report
            conn.execute("SET statement_timeout = 0")  # the counts read whole tables
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                figures = conn.execute(
                    "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM files), "
                    "(SELECT count(*) FROM roots), (SELECT count(*) FROM tickers)"
                ).fetchone()
                assert figures is not None
                report.articles, report.files, report.folders, report.ticker_rows = (
                    int(str(n)) for n in figures
                )
                missing = conn.execute("SELECT to_regclass('articles_tsv') IS NULL").fetchone()
                if missing and missing[0]:
                    report.faults.append(
                        "the full-text index is missing (a first load is under way or was "
                        "cut short; the next load builds it)"
                    )
                for meaning, sql in _CONSISTENCY:
                    row = conn.execute(sql).fetchone()
                    found = int(str(row[0])) if row else 0
                    if found:
                        report.faults.append(f"{found:,} {meaning}")
    finally:
        conn.close()
    report.seconds = time.perf_counter() - started
    return report
