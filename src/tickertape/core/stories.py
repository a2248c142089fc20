"""Story clusters: the same story from many sources, found at index time.

Each article gets a MinHash signature (numpy) over the word 3-shingles of its
title and body text: 32 minimum hashes, each kept as 16 bits (64 bytes). Locality-
sensitive hashing splits the first 16 of them into 8 bands of 2; an article is compared
only with the articles that share a band (or its link), never with every article.
A candidate is confirmed when the signatures agree on at least :data:`THRESHOLD` of
their hashes (an estimate of the Jaccard similarity of the shingle sets) and the two
were published within the time window (:func:`window_ms`, 7 days unless
``TICKERTAPE_STORY_WINDOW_DAYS`` says otherwise), so a yearly report that repeats last
year's boilerplate stays apart. The same link, or the same text (equal signatures),
clusters whatever the dates.

A cluster's lead is its earliest article (ties by rowid). Only articles in clusters of
two or more have a row in ``story_members``; an article alone is its own lead.

Tables (created by :mod:`tickertape.core.index.schema`):

- ``story_sigs(rowid, sig)``: the signature of each article that has words;
- ``story_keys(key, rowid)``: one row per band and one for the link (32-bit keys);
- ``story_members(rowid, lead)``: cluster membership.

Everything here runs on the refresh's writer connection, inside its transactions.
"""

from __future__ import annotations

import os
import re
import sqlite3
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

NUM_PERM: Final = 32
BANDS: Final = 8
ROWS: Final = 2
THRESHOLD: Final = 0.5
SHINGLE: Final = 3
MAX_WORDS: Final = 300
NUMBER_WEIGHT: Final = 4
DEFAULT_WINDOW_DAYS: Final = 7.0
WINDOW_ENV: Final = "TICKERTAPE_STORY_WINDOW_DAYS"
_LINK_BAND: Final = BANDS
_DAY_MS: Final = 86_400_000
# At most this many candidates of one key are compared (a key shared by thousands of
# articles is boilerplate, not a story).
_KEY_LIMIT: Final = 200
_PER_KEY: Final = 64  # the latest articles of one key read back from the cache
_KEYS_A_STATEMENT: Final = 200  # SQLite allows 500 terms in a compound SELECT

TABLES: Final = frozenset({"story_sigs", "story_keys", "story_members"})
SCHEMA: Final = (
    "CREATE TABLE story_sigs(rowid INTEGER PRIMARY KEY, sig BLOB NOT NULL)",
    """CREATE TABLE story_keys(
        key INTEGER NOT NULL, rowid INTEGER NOT NULL, PRIMARY KEY(key, rowid)
    ) WITHOUT ROWID""",
    "CREATE TABLE story_members(rowid INTEGER PRIMARY KEY, lead INTEGER NOT NULL)",
    "CREATE INDEX story_members_lead ON story_members(lead)",
)

_DIGIT: Final = re.compile(r"\d")
_PUNCTUATION: Final = ".,;:!?\"'()[]"


def window_ms() -> int:
    """The time window in milliseconds (the environment variable, else 7 days)."""
    raw = os.environ.get(WINDOW_ENV, "")
    try:
        days = float(raw) if raw else DEFAULT_WINDOW_DAYS
    except ValueError:
        days = DEFAULT_WINDOW_DAYS
    if days != days or days < 0:  # NaN or negative: the default
        days = DEFAULT_WINDOW_DAYS
    return int(min(days, 1e6) * _DAY_MS)


@cache
def _parameters() -> tuple[Any, Any, Any, Any]:
    """Fixed random parameters: the 32 hash functions' odd multipliers and offsets
    (64-bit multiply-add, wrapping), the three words' weights in a shingle, and the
    salts that make one number count as several shingles."""
    import numpy as np

    rng = np.random.default_rng(0x7E1C)
    odd = np.uint64(1)
    a = rng.integers(0, 1 << 62, NUM_PERM, dtype=np.uint64) * np.uint64(2) + odd
    b = rng.integers(0, 1 << 62, NUM_PERM, dtype=np.uint64)
    weights = rng.integers(0, 1 << 62, SHINGLE, dtype=np.uint64) * np.uint64(2) + odd
    salts = rng.integers(0, 1 << 62, NUMBER_WEIGHT, dtype=np.uint64)
    return a, b, weights, salts


def _hashes(words: list[str]) -> Any:
    import numpy as np

    encoded = map(str.encode, words)
    return np.fromiter(map(zlib.crc32, encoded), dtype=np.uint64, count=len(words))


def shingle_hashes(title: str, text: str) -> Any:
    """64-bit hashes of the word 3-shingles of the title and text, lower-cased (the
    words themselves when fewer than three), and of each number, several times over:
    numbers are the facts of a templated report, so two earnings reports of one
    template with other figures stay apart. At most the first MAX_WORDS words count."""
    import numpy as np

    return np.unique(_grams(title, text))


def _grams(title: str, text: str) -> Any:
    """:func:`shingle_hashes` with repeats (a minimum does not need them removed)."""
    import numpy as np

    # Words split at white space (punctuation stays on them, the same in every version):
    # a regular expression for words cost seven times as much.
    words = f"{title}\n{text[: MAX_WORDS * 12]}".lower().split()[:MAX_WORDS]
    if not words:
        return np.zeros(0, dtype=np.uint64)
    _, _, weights, salts = _parameters()
    hashes = _hashes(words)
    # uint64 arithmetic wraps silently in numpy arrays (only scalars warn).
    if len(hashes) >= SHINGLE:
        n = len(hashes) - SHINGLE + 1
        grams = hashes[:n] * weights[0]
        grams += hashes[1 : n + 1] * weights[1]
        grams += hashes[2 : n + 2] * weights[2]
    else:
        grams = np.array([hashes.sum()], dtype=np.uint64) * weights[0]
    numbers = sorted(
        {
            word.strip(_PUNCTUATION)
            for word in words
            if not word.isalpha() and _DIGIT.search(word) is not None
        }
    )
    if numbers:
        salted = (_hashes(numbers)[:, None] * weights[0] + salts[None, :]).ravel()
        grams = np.concatenate([grams, salted])
    return grams


def signature(title: str, text: str) -> bytes | None:
    """The 64-byte signature of an article's title and body text (None without words):
    32 MinHash values, 16 bits of each (b-bit MinHash).

    Written with numpy rather than ``datasketch``: measured on 500-word articles the
    library took about 4x as long (a Python call a shingle, and 2 s to import in every
    worker process), which alone would have added more than the 15% a build may grow.
    """
    import numpy as np

    grams = _grams(title, text)
    if not len(grams):
        return None
    a, b, _, _ = _parameters()
    mins = (grams[:, None] * a[None, :] + b[None, :]).min(axis=0)
    packed: bytes = (mins >> np.uint64(48)).astype("<u2").tobytes()
    return packed


def similarity(a: bytes, b: bytes) -> float:
    """The share of equal hashes: an estimate of the Jaccard similarity."""
    if len(a) != len(b) or not a:
        return 0.0
    same = sum(1 for i in range(0, len(a), 2) if a[i : i + 2] == b[i : i + 2])
    return same / (len(a) // 2)


def _key(band: int, payload: bytes) -> int:
    """A signed 32-bit key (SQLite stores it in four bytes) for a band or the link."""
    value = zlib.crc32(payload, band * 0x9E3779B1 & 0xFFFFFFFF)
    return value - (1 << 32) if value >= 1 << 31 else value


def keys(sig: bytes | None, link: str) -> list[int]:
    """The LSH band keys of a signature, and the link's key."""
    out: list[int] = []
    if sig is not None:
        width = 2 * ROWS
        out.extend(_key(band, sig[band * width : (band + 1) * width]) for band in range(BANDS))
    if link:
        out.append(_key(_LINK_BAND, link.encode("utf-8", "surrogatepass")))
    return out


@dataclass(slots=True)
class _Known:
    rowid: int
    published: int | None
    link: str
    sig: bytes | None


def _same_story(new: _Known, old: _Known, window: int) -> bool:
    if new.link and new.link == old.link:
        return True
    if new.sig is None or old.sig is None:
        return False
    if new.sig == old.sig:
        return True  # the same text: a duplicate whatever the dates
    if new.published is None or old.published is None:
        return False
    if abs(new.published - old.published) > window:
        return False
    return similarity(new.sig, old.sig) >= THRESHOLD


def add(conn: sqlite3.Connection, items: Sequence[tuple[int, bytes | None]]) -> None:
    """Store the signatures of new articles (rowid, sig) and join them to their stories.

    Articles are added in the order given; each is compared with its LSH candidates
    among everything stored before it, including earlier items of the same call (held
    in memory until the rows are written at the end, in one statement a table).
    """
    window = window_ms()
    known: dict[int, _Known] = {}
    for start in range(0, len(items), 500):
        part = [rowid for rowid, _ in items[start : start + 500]]
        rows = conn.execute(
            "SELECT a.rowid, a.published, d.link FROM articles AS a JOIN details AS d "
            f"ON d.rowid = a.rowid WHERE a.rowid IN ({','.join('?' * len(part))})",
            part,
        ).fetchall()
        known.update((r, _Known(r, p, link, None)) for r, p, link in rows)
    its_keys = {rowid: keys(sig, known[rowid].link) for rowid, sig in items if rowid in known}
    stored = _stored_candidates(conn, its_keys)
    batch: dict[int, list[int]] = {}
    sig_rows: list[tuple[int, bytes]] = []
    key_rows: list[tuple[int, int]] = []
    for rowid, sig in items:
        new = known.get(rowid)
        if new is None or not its_keys[rowid]:
            continue
        new.sig = sig
        earlier = sorted({r for key in its_keys[rowid] for r in batch.get(key, ())[-_KEY_LIMIT:]})
        candidates = stored.get(rowid, []) + [known[r] for r in earlier[-_KEY_LIMIT:]]
        matches = {other.rowid for other in candidates if _same_story(new, other, window)}
        if sig is not None:
            sig_rows.append((rowid, sig))
        for key in its_keys[rowid]:
            batch.setdefault(key, []).append(rowid)
            key_rows.append((key, rowid))
        if matches:
            _join(conn, rowid, sorted(matches))
    conn.executemany("INSERT OR REPLACE INTO story_sigs(rowid, sig) VALUES (?, ?)", sig_rows)
    conn.executemany("INSERT OR IGNORE INTO story_keys(key, rowid) VALUES (?, ?)", key_rows)


def _stored_candidates(
    conn: sqlite3.Connection, its_keys: dict[int, list[int]]
) -> dict[int, list[_Known]]:
    """For each new rowid, the articles already stored that share one of its keys: the
    latest :data:`_PER_KEY` of each key, at most :data:`_KEY_LIMIT` in all.

    Read for the whole batch at once (nothing stored changes while a batch is added:
    its keys and signatures are written at the end): one statement for many keys, each
    a limited walk of the (key, rowid) index, then one read of their details. A
    statement a key cost most of the stories' share of a cold build.
    """
    wanted = sorted({key for ks in its_keys.values() for key in ks})
    latest: dict[int, list[int]] = {}
    for start in range(0, len(wanted), _KEYS_A_STATEMENT):
        part = wanted[start : start + _KEYS_A_STATEMENT]
        walk = " UNION ALL ".join(
            "SELECT * FROM (SELECT key, rowid FROM story_keys WHERE key = ? "
            f"ORDER BY rowid DESC LIMIT {_PER_KEY})"
            for _ in part
        )
        for key, r in conn.execute(walk, part):
            latest.setdefault(key, []).append(r)
    chosen: dict[int, list[int]] = {}
    for rowid, ks in its_keys.items():
        found = {r for key in ks for r in latest.get(key, ())}
        found.discard(rowid)
        if found:  # the latest: a story's newest versions suffice
            chosen[rowid] = sorted(found)[-_KEY_LIMIT:]
    details: dict[int, _Known] = {}
    ids = sorted({r for rs in chosen.values() for r in rs})
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = conn.execute(
            "SELECT a.rowid, a.published, d.link, s.sig FROM articles AS a "
            "JOIN details AS d ON d.rowid = a.rowid "
            "LEFT JOIN story_sigs AS s ON s.rowid = a.rowid "
            f"WHERE a.rowid IN ({','.join('?' * len(part))})",
            part,
        ).fetchall()
        details.update((r, _Known(r, p, link, sig)) for r, p, link, sig in rows)
    return {rowid: [details[r] for r in rs if r in details] for rowid, rs in chosen.items()}


def _lead_of(conn: sqlite3.Connection, rowid: int) -> int:
    row = conn.execute("SELECT lead FROM story_members WHERE rowid = ?", (rowid,)).fetchone()
    return rowid if row is None else int(row[0])


def _leads_of(conn: sqlite3.Connection, rowids: Sequence[int]) -> set[int]:
    """The leads of the stories of ``rowids`` (an article in no story leads its own)."""
    leads: set[int] = set()
    for start in range(0, len(rowids), 500):
        part = tuple(rowids[start : start + 500])
        found = dict(
            conn.execute(
                "SELECT rowid, lead FROM story_members "
                f"WHERE rowid IN ({','.join('?' * len(part))})",
                part,
            ).fetchall()
        )
        leads.update(found.get(r, r) for r in part)
    return leads


def _members(conn: sqlite3.Connection, lead: int) -> list[int]:
    rows = conn.execute("SELECT rowid FROM story_members WHERE lead = ?", (lead,)).fetchall()
    return [r for (r,) in rows] or [lead]


def _earliest(conn: sqlite3.Connection, rowids: Sequence[int]) -> int:
    """The lead of these articles: the earliest published (undated last), then rowid."""
    marks = ",".join("?" * len(rowids))
    row = conn.execute(
        f"SELECT rowid FROM articles WHERE rowid IN ({marks}) "
        "ORDER BY published IS NULL, published, rowid LIMIT 1",
        tuple(rowids),
    ).fetchone()
    return int(row[0]) if row is not None else min(rowids)


def _join(conn: sqlite3.Connection, rowid: int, matches: Sequence[int]) -> None:
    """Put ``rowid`` and every cluster it matched into one cluster with the earliest lead."""
    leads = _leads_of(conn, matches)
    if len(leads) == 1:
        # One story gains a version (the common case, and the only one in a burst of
        # reprints): one row, unless the newcomer is earlier and takes the lead.
        (lead,) = leads
        if _earliest(conn, [lead, rowid]) == lead:
            conn.executemany(
                "INSERT OR REPLACE INTO story_members(rowid, lead) VALUES (?, ?)",
                [(lead, lead), (rowid, lead)],
            )
            return
    members = {rowid}
    for lead in leads:
        members.update(_members(conn, lead))
    lead = _earliest(conn, sorted(members))
    conn.executemany(
        "INSERT OR REPLACE INTO story_members(rowid, lead) VALUES (?, ?)",
        [(member, lead) for member in members],
    )


def forget(conn: sqlite3.Connection, rowids: Sequence[int]) -> None:
    """Take deleted articles out of their stories (call before their rows go): a lead
    that goes hands the lead to the next earliest version; a cluster left with one
    article is no cluster."""
    if not rowids:
        return
    touched: set[int] = set()
    for start in range(0, len(rowids), 500):
        part = tuple(rowids[start : start + 500])
        marks = ",".join("?" * len(part))
        rows = conn.execute(
            "SELECT a.rowid, d.link, s.sig FROM articles AS a "
            "JOIN details AS d ON d.rowid = a.rowid "
            "LEFT JOIN story_sigs AS s ON s.rowid = a.rowid "
            f"WHERE a.rowid IN ({marks})",
            part,
        ).fetchall()
        conn.executemany(
            "DELETE FROM story_keys WHERE key = ? AND rowid = ?",
            [(key, rowid) for rowid, link, sig in rows for key in keys(sig, link)],
        )
        conn.execute(f"DELETE FROM story_sigs WHERE rowid IN ({marks})", part)
        touched.update(
            lead
            for (lead,) in conn.execute(
                f"SELECT DISTINCT lead FROM story_members WHERE rowid IN ({marks})", part
            )
        )
        conn.execute(f"DELETE FROM story_members WHERE rowid IN ({marks})", part)
    for lead in touched:
        left = [
            r for (r,) in conn.execute("SELECT rowid FROM story_members WHERE lead = ?", (lead,))
        ]
        if len(left) <= 1:
            conn.execute("DELETE FROM story_members WHERE lead = ?", (lead,))
            continue
        new_lead = _earliest(conn, left)
        if new_lead != lead:
            conn.execute("UPDATE story_members SET lead = ? WHERE lead = ?", (new_lead, lead))


def reset(conn: sqlite3.Connection) -> None:
    """Forget every story (the rowids are about to be renumbered; all are added again)."""
    for table in ("story_sigs", "story_keys", "story_members"):
        conn.execute(f"DELETE FROM {table}")


# -- reading the clusters (any connection) ---------------------------------------------


IS_LEAD_SQL: Final = "a.rowid NOT IN (SELECT rowid FROM story_members WHERE lead != rowid)"
"""SQL true for a cluster's lead and for an article alone (``is:lead``)."""


DUPES_SQL: Final = (
    "max(1, (SELECT count(*) FROM story_members WHERE lead = "
    "(SELECT lead FROM story_members WHERE rowid = a.rowid))) >= ?"
)
"""SQL true for every version of a cluster with at least ``?`` versions (``dupes:N``);
an article alone has one version, so ``dupes:1`` matches everything."""


def followers(conn: sqlite3.Connection) -> array[int]:
    """Rowids that are versions but not leads (what a collapsed list leaves out), sorted."""
    rows = conn.execute("SELECT rowid FROM story_members WHERE lead != rowid ORDER BY rowid")
    return array("q", (r for (r,) in rows))


def cluster_info(
    conn: sqlite3.Connection, rowids: Sequence[int]
) -> dict[int, tuple[int, str, int, int]]:
    """For each of ``rowids`` in a cluster: (lead rowid, lead id, number of versions,
    number of distinct sources)."""
    out: dict[int, tuple[int, str, int, int]] = {}
    for start in range(0, len(rowids), 500):
        part = tuple(rowids[start : start + 500])
        marks = ",".join("?" * len(part))
        rows = conn.execute(
            "SELECT m.rowid, m.lead, a.id, count(*), count(DISTINCT lower(s.source)) "
            "FROM story_members AS m JOIN articles AS a ON a.rowid = m.lead "
            "JOIN story_members AS o ON o.lead = m.lead "
            "JOIN articles AS s ON s.rowid = o.rowid "
            f"WHERE m.rowid IN ({marks}) GROUP BY m.rowid",
            part,
        ).fetchall()
        out.update((r, (lead, lead_id, n, k)) for r, lead, lead_id, n, k in rows)
    return out


def cluster_of(conn: sqlite3.Connection, rowid: int) -> list[int]:
    """Every version of the article's cluster, lead first then by date ([rowid] alone)."""
    lead = _lead_of(conn, rowid)
    rows = conn.execute(
        "SELECT m.rowid FROM story_members AS m JOIN articles AS a ON a.rowid = m.rowid "
        "WHERE m.lead = ? ORDER BY m.rowid != m.lead, a.published IS NULL, a.published, "
        "m.rowid",
        (lead,),
    ).fetchall()
    return [r for (r,) in rows] or [rowid]


@dataclass(slots=True, frozen=True)
class StoryStats:
    """How many stories an index holds and its largest clusters (lead rowid, versions)."""

    stories: int
    clustered: int
    largest: list[tuple[int, int]]


def story_stats(conn: sqlite3.Connection, top: int = 5) -> StoryStats:
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    members, clusters = conn.execute(
        "SELECT count(*), count(DISTINCT lead) FROM story_members"
    ).fetchone()
    largest = conn.execute(
        "SELECT lead, count(*) AS n FROM story_members GROUP BY lead ORDER BY n DESC, lead LIMIT ?",
        (top,),
    ).fetchall()
    return StoryStats(
        stories=int(total) - int(members) + int(clusters),
        clustered=int(members),
        largest=[(int(lead), int(n)) for lead, n in largest],
    )
