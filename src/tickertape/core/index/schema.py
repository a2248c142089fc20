"""The cache database's schema, and opening it so that a bad file never stops the reader.

The cache is rebuildable by definition, so anything wrong with the file (not SQLite,
corrupt, truncated, another schema version, another index's cache, unreadable) is
answered the same way: the file and its WAL are deleted and a new one is made, with a
notice for the user. Only a cache directory we cannot write at all moves the cache
to a temporary directory for this run.

Rowids carry meaning: a first build inserts articles so that rowid order is date
order (oldest first), which makes date sorting of large results close to linear.
The FTS5 table is contentless (bodies stay in the index files), so its rows cannot
be deleted; a deleted article's rowid is never reused (AUTOINCREMENT) and its stale
full-text entry is filtered out by the join with ``articles``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from array import array
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from tickertape.core import sqlite, stories

# 4: the full-text index holds folded text (core/folding.py), so older caches rebuild.
# 5: files.digest (for `index --check`) and sort orders stored with a checksum.
# 6: the tickers table says how each ticker was found (link, symbol, name, given).
# 7: details.lead, the first body line of an article with no title and no summary.
# 8: story clusters (core/stories.py): signatures, band keys and members.
# 9: ticker_days and ticker_totals, per-ticker counts for the desk
#    (core/index/ticker_days.py), and an index of details.added.
SCHEMA_VERSION: Final = 9
TICKER_DAYS_KEY: Final = "ticker_days"
"""meta key: 1 when ``ticker_days`` counts every article, 0 during a first build."""
BUSY_TIMEOUT_MS: Final = 10_000
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# Rowids at and above this are provisional: a first build inserts there, then renumbers
# into date order once every file has been read.
STAGE_BASE: Final = 1 << 40

# Secondary indexes: none of them is needed for correctness, so a first build drops
# them while it bulk-loads and creates them once at the end (cheaper than keeping
# them up to date row by row). The UNIQUE index on ``articles.id`` always stays: the
# id-clash rule looks ids up in it.
SECONDARY_INDEXES: Final = (
    ("articles_rel", "articles(rel)"),
    ("articles_published", "articles(published DESC, id)"),
    ("articles_claim", "articles(claim) WHERE claim IS NOT NULL"),
    ("articles_sentiment", "articles(sentiment COLLATE NOCASE)"),
    ("articles_language", "articles(language COLLATE NOCASE)"),
    ("articles_label", "articles(label_key)"),
    ("tickers_code", "tickers(code, rowid)"),
    ("tickers_base", "tickers(base, rowid)"),
    ("tickers_rowid", "tickers(rowid)"),
    ("problems_rel", "problems(rel)"),
    # What entered the cache since the last run (the watchlist's and the list's "new"):
    # a range of this index instead of a scan of the wide details table.
    ("details_added", "details(added)"),
)


def create_indexes(conn: sqlite3.Connection) -> None:
    """Create whichever secondary index is missing (a no-op when all are there)."""
    for name, target in SECONDARY_INDEXES:
        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_indexes(conn: sqlite3.Connection) -> None:
    for name, _ in SECONDARY_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


_SCHEMA: Final = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # digest: a hash of the file's bytes, so `index --check` sees an edit that kept
    # the size and the modification time.
    """CREATE TABLE files(
        rel TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, digest BLOB
    ) WITHOUT ROWID""",
    # Narrow on purpose: every filter scans or probes it, so it stays in the page
    # cache (at 100k rows a scan went from 56 ms to a few); wide text is in details.
    """CREATE TABLE articles(
        rowid INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT UNIQUE NOT NULL, rel TEXT NOT NULL, ordinal INTEGER NOT NULL,
        published INTEGER, source TEXT NOT NULL, sentiment TEXT NOT NULL,
        language TEXT NOT NULL, confidence REAL, tickers TEXT NOT NULL,
        n_warnings INTEGER NOT NULL, claim TEXT,
        label TEXT NOT NULL, label_key TEXT NOT NULL, score REAL
    )""",
    """CREATE TABLE details(
        rowid INTEGER PRIMARY KEY,
        link TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL,
        images TEXT NOT NULL, extra TEXT NOT NULL, warnings TEXT NOT NULL, added REAL NOT NULL,
        lead TEXT NOT NULL DEFAULT ''
    )""",
    # score: the sentiment the record gives this ticker itself (JSON feeds), else NULL;
    # how: link, symbol, name or given (core.tickers.How); ticker:NVDA finds every kind.
    """CREATE TABLE tickers(
        rowid INTEGER NOT NULL, code TEXT NOT NULL, base TEXT NOT NULL, score REAL,
        how TEXT NOT NULL
    )""",
    """CREATE VIRTUAL TABLE fts USING fts5(
        title, summary, body, content='', tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TABLE problems(
        rel TEXT NOT NULL, field TEXT NOT NULL, reason TEXT NOT NULL, kind TEXT NOT NULL
    )""",
    "CREATE TABLE orders(key TEXT PRIMARY KEY, generation INTEGER NOT NULL, data BLOB NOT NULL)",
    *stories.SCHEMA,
    # Per-ticker, per-day counts (core/index/ticker_days.py): bare 0 rows are keyed by
    # the listing, bare 1 rows by the bare symbol; the day is ISO, '' for none.
    """CREATE TABLE ticker_days(
        bare INTEGER NOT NULL, code TEXT NOT NULL, day TEXT NOT NULL,
        articles INTEGER NOT NULL, positive INTEGER NOT NULL, negative INTEGER NOT NULL,
        neutral INTEGER NOT NULL, score_sum REAL NOT NULL, scored INTEGER NOT NULL,
        first INTEGER, last INTEGER,
        PRIMARY KEY (bare, code, day)
    ) WITHOUT ROWID""",
    "CREATE INDEX ticker_days_day ON ticker_days(day)",
    # The sums of every code's ticker_days rows (the whole-index ``tickers``).
    """CREATE TABLE ticker_totals(
        bare INTEGER NOT NULL, code TEXT NOT NULL,
        articles INTEGER NOT NULL, positive INTEGER NOT NULL, negative INTEGER NOT NULL,
        neutral INTEGER NOT NULL, score_sum REAL NOT NULL, scored INTEGER NOT NULL,
        first INTEGER, last INTEGER,
        PRIMARY KEY (bare, code)
    ) WITHOUT ROWID""",
)
_TABLES: Final = frozenset(
    {"meta", "files", "articles", "details", "tickers", "fts", "problems", "orders"}
) | stories.TABLES | {"ticker_days", "ticker_totals"}

# Natural order of each sort key as SQL terms (expression, descending?), ties by date
# (newest first) then id. NULLs sort lowest in SQLite, so "DESC" puts them last.
ORDER_TERMS: Final[dict[str, tuple[tuple[str, bool], ...]]] = {
    "date": (("a.published", True), ("a.id", False)),
    "title": (
        ("d.title = ''", False), ("d.title COLLATE NOCASE", False),
        ("a.published", True), ("a.id", False),
    ),
    "source": (
        ("a.source = ''", False), ("a.source COLLATE NOCASE", False),
        ("a.published", True), ("a.id", False),
    ),
    "sentiment": (
        (
            "CASE a.sentiment WHEN 'positive' THEN 0 WHEN 'neutral' THEN 1 "
            "WHEN 'negative' THEN 2 WHEN '' THEN 4 ELSE 3 END",
            False,
        ),
        ("a.published", True), ("a.id", False),
    ),
    "confidence": (
        ("a.confidence IS NULL", False), ("a.confidence", True),
        ("a.published", True), ("a.id", False),
    ),
    "score": (
        ("a.score IS NULL", False), ("a.score", True),
        ("a.published", True), ("a.id", False),
    ),
}  # fmt: skip


ORDER_FROM: Final = "articles AS a JOIN details AS d ON d.rowid = a.rowid"
"""What :func:`order_by` clauses select from (the title lives in ``details``)."""


def order_by(key: str, reverse: bool = False) -> str:
    """The ``ORDER BY`` clause of a sort key; ``reverse`` flips every term (a mirror image)."""
    return ", ".join(
        f"{expr} {'DESC' if desc != reverse else 'ASC'}" for expr, desc in ORDER_TERMS[key]
    )


class Unusable(Exception):
    """The cache file cannot be used as it is: it will be rebuilt."""


class CacheDamaged(Exception):
    """Pages of the cache were found damaged while it was read: the answer cannot be
    trusted, and the cache must be rebuilt (:meth:`IndexCache.rebuild`)."""

    def __init__(self, reason: str, db_path: Path | None = None) -> None:
        super().__init__(reason)
        self.db_path = db_path


# A stored sort order is a blob of rowids after a digest of them: SQLite checks its
# b-tree pages, but not the bytes of a blob, and a scribbled order would drop or
# repeat rows without a word.
_ORDER_DIGEST_BYTES: Final = 16


def pack_order(order: array[int]) -> bytes:
    """The blob stored for a sort order: its digest, then its rowids."""
    data = order.tobytes()
    return hashlib.blake2b(data, digest_size=_ORDER_DIGEST_BYTES).digest() + data


def unpack_order(blob: bytes, expected: int) -> array[int]:
    """The order stored in ``blob``; :class:`CacheDamaged` unless its digest matches
    and it holds ``expected`` rowids."""
    digest, data = blob[:_ORDER_DIGEST_BYTES], blob[_ORDER_DIGEST_BYTES:]
    if hashlib.blake2b(data, digest_size=_ORDER_DIGEST_BYTES).digest() != digest:
        raise CacheDamaged("a stored sort order does not match its checksum")
    order = array("q")
    if len(data) % order.itemsize:
        raise CacheDamaged("a stored sort order has a torn length")
    order.frombytes(data)
    if len(order) != expected:
        raise CacheDamaged(f"a stored sort order holds {len(order):,} rows, the cache {expected:,}")
    return order


def connect(path: Path) -> sqlite3.Connection:
    """A cache connection: autocommit, any thread, a 32 MB page cache per connection.

    Callers serialise their use of one connection with their own lock.
    """
    return sqlite.connect(
        path,
        busy_timeout_s=BUSY_TIMEOUT_MS / 1000,
        pragmas=("cache_size = -32000", "temp_store = MEMORY"),
    )


def _user_tables(conn: sqlite3.Connection) -> set[str]:
    """The cache's tables, without FTS5's shadow tables."""
    return {n for n in sqlite.user_tables(conn) if not n.startswith("fts_")}


def prepare(conn: sqlite3.Connection, root_text: str) -> None:
    """Check the file holds our schema for this index, creating it in an empty file.

    Raises :class:`Unusable` (or ``sqlite3.DatabaseError``) when it is not usable. The
    checks touch every table's b-tree root, so a truncated or garbage file fails here
    rather than later in the reader.
    """
    if conn.execute("PRAGMA journal_mode = WAL").fetchone() != ("wal",):
        raise Unusable("cannot use write-ahead logging")
    conn.execute("PRAGMA synchronous = NORMAL")
    if not _user_tables(conn):
        with sqlite.write_transaction(conn):
            if not _user_tables(conn):  # another process may have made it meanwhile
                for statement in _SCHEMA:
                    conn.execute(statement)
                create_indexes(conn)
                conn.executemany(
                    "INSERT INTO meta(key, value) VALUES (?, ?)",
                    [
                        ("schema_version", str(SCHEMA_VERSION)),
                        ("root", root_text),
                        ("generation", "0"),
                        ("fts_upto", "0"),
                        ("fts_stale", "0"),
                        ("built", "0"),
                        (TICKER_DAYS_KEY, "1"),
                    ],
                )
    tables = _user_tables(conn)
    if tables != _TABLES:
        raise Unusable("is not a tickertape cache of this version")
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        found = str(meta.get("schema_version", "none"))[:20]
        raise Unusable(f"has schema version {found}, not {SCHEMA_VERSION}")
    if meta.get("root") != root_text:
        raise Unusable("belongs to another index")
    # Walk the small tables and the index of the big one: a truncated or scribbled file
    # fails here (the page count in the header is checked too).
    conn.execute("SELECT count(*) FROM files").fetchone()
    conn.execute("SELECT count(*) FROM articles").fetchone()
    conn.execute("SELECT count(*) FROM problems").fetchone()
    conn.execute("SELECT count(*) FROM orders").fetchone()
    conn.execute("SELECT max(rowid) FROM articles").fetchone()
    conn.execute("SELECT max(rowid) FROM details").fetchone()
    conn.execute("SELECT rowid FROM fts WHERE fts MATCH 'tickertape' LIMIT 1").fetchall()


def meta_int(conn: sqlite3.Connection, key: str, default: int = 0) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if row is None:
        return default
    try:
        return int(row[0])
    except ValueError:
        return default


def set_meta(conn: sqlite3.Connection, key: str, value: object) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, str(value)))


def published_ms(when: datetime | None) -> int | None:
    """A date as the cache stores it: milliseconds since the epoch, UTC."""
    if when is None:
        return None
    return (when - EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int | None) -> datetime | None:
    """A stored date back as a UTC datetime (None for none or one out of range)."""
    if ms is None:
        return None
    try:
        return EPOCH + timedelta(milliseconds=ms)
    except OverflowError:
        return None
