"""A hand-written cache database for query tests: the schema of docs/architecture.md.

Twelve articles chosen so every filter has a boundary to get wrong: dates exactly at
the start of a month or year, a NULL date, confidence exactly 0.9 and NULL, a graded
label, an empty and a NULL label (one with a score that gives it a direction), a NULL
source, an upper-case language, accented words, tickers listed on two exchanges. The
cache builder can reuse it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tickertape.core.folding import fold_text
from tickertape.core.sentiment import direction_of, label_key

SCHEMA = """
CREATE TABLE articles(
  rowid INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL, rel TEXT NOT NULL, ordinal INT NOT NULL,
  link TEXT, source TEXT, title TEXT, summary TEXT,
  published INTEGER,
  language TEXT, sentiment TEXT, confidence REAL,
  label TEXT, label_key TEXT, score REAL,
  tickers TEXT,
  images TEXT, extra TEXT, warnings TEXT,
  added REAL
);
CREATE TABLE tickers(rowid INTEGER, code TEXT, base TEXT);
CREATE INDEX tickers_code ON tickers(code);
CREATE INDEX tickers_base ON tickers(base);
CREATE VIRTUAL TABLE fts USING fts5(
  title, summary, body, content='', tokenize='unicode61 remove_diacritics 2'
);
CREATE TEMP TABLE flag_read(article_id TEXT);
CREATE TEMP TABLE flag_starred(article_id TEXT);
"""

NOW = datetime(2025, 1, 1, tzinfo=UTC)
"""The ``now`` relative dates are compiled against in these tests."""


@dataclass(slots=True, frozen=True)
class Row:
    """One test article, as the cache holds it (``published`` as ISO text here)."""

    id: str
    source: str | None
    title: str
    summary: str
    body: str
    published: str | None
    language: str | None
    sentiment: str | None  # the label as written; the database holds its direction
    confidence: float | None
    tickers: tuple[str, ...] = ()
    score: float | None = None

    @property
    def published_at(self) -> datetime | None:
        return None if self.published is None else datetime.fromisoformat(self.published)


ROWS: tuple[Row, ...] = (
    Row(
        "a01", "www.reuters.com", "Nvidia unveils faster AI chips",
        "Nvidia showed new chips for data centers on Tuesday.",
        "The chip maker said demand for its accelerators stays strong.",
        "2024-12-03T16:56:52+00:00", "en", "positive", 0.97, ("NVDA.O",),
    ),
    Row(
        "a02", "www.reuters.com", "Amazon cloud shows new AI servers",
        "Amazon Web Services showed servers built on its own Trainium chips.",
        "Apple will use the new servers, Amazon said.",
        "2024-12-01T00:00:00+00:00", "en", "neutral", 0.9999, ("AMZN.O", "AAPL.O"),
    ),
    Row(
        "a03", "Bloomberg", "Société Générale cuts jobs in Paris",
        "The French bank plans to cut 900 posts.",
        "Staff met at a café near the headquarters.",
        "2024-11-30T23:59:59.999+00:00", "fr", "negative", 0.85,
    ),
    Row(
        "a04", "Wall Street Journal", "Nvidia shares fall after export rules",
        "New export rules weigh on chip makers.",
        "Shares of Nvidia fell 3% in New York.",
        "2024-06-15T12:00:00+00:00", "en", "negative", 0.91, ("NVDA.OQ",),
    ),
    Row(
        "a05", "www.cnbc.com", "Apple raises its dividend",
        "Apple lifted the payout by 4%.",
        "The board met at 10:30 New York time.",
        "2024-01-01T00:00:00+00:00", "en", "positive", 0.6, ("AAPL.O",),
    ),
    Row(
        "a06", "www.cnbc.com", "Markets close higher before holiday",
        "Stocks ended the year on a high note.",
        "Traders were cautiously optimistic.",
        "2023-12-31T23:59:59+00:00", "en", "Somewhat-Bullish", 0.55, score=0.3,
    ),
    Row(
        "a07", "Reuters", "Chip stocks rally as Nvidia and Amazon gain",
        "Semiconductor shares rose sharply.",
        "Investors bought or sold in heavy trading.",
        "2023-05-10T09:00:00+00:00", "en", "", None, ("NVDA.O", "AMZN.O"),
    ),
    Row(
        "a08", "Bloomberg", "Undated note on the economy",
        "Growth is slowing.",
        "Economists expect rate cuts.",
        None, "en", "neutral", 0.9,
    ),
    Row(
        "a09", "Le Monde", "Le café et la bourse",
        "Les marchés européens ont progressé.",
        "La Société du café a publié ses résultats.",
        "2024-03-02T08:00:00+00:00", "fr", "positive", 0.75,
    ),
    Row(
        "a10", "www.reuters.com", "Traders want an exact phrase",
        "They found the exact phrase in the report.",
        "Buy or sell, said one analyst.",
        "2024-09-09T10:00:00+00:00", "en", "neutral", 0.99,
    ),
    Row(
        "a11", None, "Words out of order",
        "The phrase was not exact at all.",
        "Nothing to see here.",
        "2024-10-10T10:00:00+00:00", "en", None, 0.3, score=-0.4,
    ),
    Row(
        "a12", "Financial Times", "NVIDIA's rival AMD gains ground",
        "AMD won new data center deals.",
        "Analysts compared both chip designers.",
        "2024-12-31T23:00:00+00:00", "EN", "negative", 0.95, score=-0.8,
    ),
)  # fmt: skip

ALL_IDS = frozenset(row.id for row in ROWS)
READ = ("a01", "a02", "a03")
STARRED = ("a01", "a07")


def _millis(when: datetime | None) -> int | None:
    if when is None:
        return None
    return (when - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def build_query_db(path: Path) -> sqlite3.Connection:
    """A connection to a fresh database at ``path`` holding :data:`ROWS` and the flags.

    ``flag_read`` also holds a NULL, which a careless ``NOT IN`` turns into no rows.
    """
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    for rowid, row in enumerate(ROWS, start=1):
        conn.execute(
            "INSERT INTO articles(rowid, id, rel, ordinal, link, source, title, summary,"
            " published, language, sentiment, confidence, label, label_key, score, tickers)"
            " VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rowid, row.id, f"{rowid:03d}_{row.id}.txt", f"https://example.com/{row.id}",
                row.source, row.title, row.summary, _millis(row.published_at),
                # As in the real cache: a missing label or language is "", never NULL.
                row.language or "", direction_of(row.sentiment or "", row.score),
                row.confidence, row.sentiment or "", label_key(row.sentiment or ""), row.score,
                " ".join(row.tickers),
            ),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO tickers(rowid, code, base) VALUES (?, ?, ?)",
            [(rowid, code, code.partition(".")[0]) for code in row.tickers],
        )
        conn.execute(
            "INSERT INTO fts(rowid, title, summary, body) VALUES (?, ?, ?, ?)",
            (rowid, fold_text(row.title), fold_text(row.summary), fold_text(row.body)),
        )
    conn.executemany("INSERT INTO flag_read VALUES (?)", [(i,) for i in (*READ, None)])
    conn.executemany("INSERT INTO flag_starred VALUES (?)", [(i,) for i in STARRED])
    conn.commit()
    return conn
