"""The PostgreSQL schema, migrated forward, and connecting with clear errors.

One database holds one shared index: several folders may be loaded into it (each a
row of ``roots``); readers see all of them. Bodies are stored (readers elsewhere
cannot read the files), full text is a ``tsvector`` with a GIN index, tickers have
their own table, and the sort columns are indexed. ``meta.generation`` grows with
every committed batch, so a reader knows when what it derived is stale.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Final

import psycopg

from tickertape.core.pg.url import DatabaseError, redact

__all__ = ["DatabaseError"]

CONNECT_TIMEOUT_S: Final = 10
STATEMENT_TIMEOUT_MS: Final = 60_000
SCHEMA_LOCK: Final = 0x7469636B  # advisory lock key while the schema is migrated

# Each version's statements, applied in order to reach it.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        "CREATE TABLE roots(root_id serial PRIMARY KEY, path text UNIQUE NOT NULL)",
        """CREATE TABLE files(
            root_id integer NOT NULL REFERENCES roots ON DELETE CASCADE, rel text NOT NULL,
            size bigint NOT NULL, mtime_ns bigint NOT NULL, digest bytea,
            PRIMARY KEY(root_id, rel))""",
        """CREATE TABLE articles(
            rowid bigserial PRIMARY KEY,
            root_id integer NOT NULL REFERENCES roots ON DELETE CASCADE,
            id text UNIQUE NOT NULL, rel text NOT NULL, ordinal integer NOT NULL,
            published bigint, source text NOT NULL, sentiment text NOT NULL,
            language text NOT NULL, confidence double precision, tickers text NOT NULL,
            n_warnings integer NOT NULL, claim text, label text NOT NULL,
            label_key text NOT NULL, score double precision,
            link text NOT NULL, title text NOT NULL, summary text NOT NULL,
            images text NOT NULL, extra text NOT NULL, warnings text NOT NULL,
            added double precision NOT NULL, lead text NOT NULL,
            body text NOT NULL, tsv tsvector NOT NULL)""",
        """CREATE TABLE tickers(
            rowid bigint NOT NULL REFERENCES articles ON DELETE CASCADE,
            code text NOT NULL, base text NOT NULL, score double precision, how text NOT NULL)""",
        """CREATE TABLE problems(
            root_id integer NOT NULL REFERENCES roots ON DELETE CASCADE, rel text NOT NULL,
            field text NOT NULL, reason text NOT NULL, kind text NOT NULL)""",
        "CREATE INDEX articles_tsv ON articles USING gin(tsv)",
        "CREATE INDEX articles_file ON articles(root_id, rel)",
        'CREATE INDEX articles_date ON articles(published DESC NULLS LAST, id COLLATE "C")',
        'CREATE INDEX articles_title ON articles(lower(title COLLATE "C"))',
        'CREATE INDEX articles_source ON articles(lower(source COLLATE "C"))',
        "CREATE INDEX articles_sentiment ON articles(sentiment)",
        "CREATE INDEX articles_confidence ON articles(confidence)",
        "CREATE INDEX articles_score ON articles(score)",
        "CREATE INDEX articles_label ON articles(label_key)",
        "CREATE INDEX tickers_rowid ON tickers(rowid)",
        "CREATE INDEX tickers_code ON tickers(code, rowid)",
        "CREATE INDEX tickers_base ON tickers(base, rowid)",
        "CREATE INDEX problems_file ON problems(root_id, rel)",
        "INSERT INTO meta(key, value) VALUES ('generation', '0')",
    ),
    (
        # Who this database is, for the flags readers keep of it in their own state
        # (a URL is not an identity: a replica or another host name reaches the same).
        "INSERT INTO meta(key, value) VALUES ('database_id', gen_random_uuid()::text)",
        # The live and new counts ask for what was added since a time.
        "CREATE INDEX articles_added ON articles(added)",
        # The full text and the body are compressed as they are written; lz4 costs the
        # server a fifth less than the default pglz per loaded article (measured in
        # docs/postgresql-scaling.md). A server built without lz4 keeps pglz.
        """DO $$ BEGIN
            EXECUTE 'ALTER TABLE articles ALTER COLUMN tsv SET COMPRESSION lz4, '
                'ALTER COLUMN body SET COMPRESSION lz4';
        EXCEPTION WHEN OTHERS THEN NULL;
        END $$""",
    ),
)
SCHEMA_VERSION: Final = len(MIGRATIONS)


def describe(error: BaseException, url: str) -> str:
    """A failure in words, with the URL's password left out."""
    where = redact(url)
    if isinstance(error, psycopg.errors.QueryCanceled):
        return f"the database {where} took too long to answer (timed out)"
    if isinstance(error, psycopg.OperationalError):
        detail = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        return f"cannot reach the database {where}: {redact(detail)}"
    if isinstance(error, DatabaseError):
        return str(error)
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"the database {where} failed: {detail}"


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection[tuple[object, ...]]:
    """One connection, with a connect timeout and a statement timeout."""
    try:
        return psycopg.connect(
            url,
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_S,
            options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        )
    except psycopg.Error as error:
        raise DatabaseError(describe(error, url)) from error


@contextlib.contextmanager
def translated(url: str) -> Iterator[None]:
    """psycopg's errors as :class:`DatabaseError` with a message a user can read."""
    try:
        yield
    except DatabaseError:
        raise
    except psycopg.Error as error:
        raise DatabaseError(describe(error, url)) from error


def version(conn: psycopg.Connection[tuple[object, ...]]) -> int | None:
    """The schema version of the database; None when it holds no tickertape index."""
    exists = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return None if row is None else int(str(row[0]))


def migrate(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """Create the schema or bring it forward to :data:`SCHEMA_VERSION` (the loader's
    job; two loaders take turns on an advisory lock). Returns the version found."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS meta(key text PRIMARY KEY, value text NOT NULL)")
        found = version(conn) or 0
        if found > SCHEMA_VERSION:
            raise DatabaseError(
                f"the database holds schema version {found}, newer than this tickertape "
                f"({SCHEMA_VERSION}): upgrade tickertape"
            )
        for statements in MIGRATIONS[found:]:
            for statement in statements:
                conn.execute(statement)
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('schema_version', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
    return found


def check_readable(conn: psycopg.Connection[tuple[object, ...]], url: str) -> None:
    """Raise :class:`DatabaseError` unless the database holds an index this reader knows."""
    found = version(conn)
    if found is None:
        raise DatabaseError(
            f"the database {redact(url)} holds no tickertape index yet; load one with "
            f"tickertape index PATH --to {redact(url)}"
        )
    if found != SCHEMA_VERSION:
        newer = "a newer" if found > SCHEMA_VERSION else "an older"
        raise DatabaseError(
            f"the database {redact(url)} holds {newer} schema (version {found}, this "
            f"tickertape reads {SCHEMA_VERSION}); "
            + ("upgrade tickertape" if found > SCHEMA_VERSION else "run tickertape index --to")
        )


def database_id(conn: psycopg.Connection[tuple[object, ...]]) -> str:
    """The database's identity, made when its schema was created (version 2)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'database_id'").fetchone()
    return "" if row is None else str(row[0])


def generation(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return 0 if row is None else int(str(row[0]))
