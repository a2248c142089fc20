"""Read a whole index into memory: scan, read, parse, and make every id unique.

This is the simple path (tests, small indexes, the ``show`` command); the SQLite
cache builds on the same pieces (``scan_index``, :func:`read_entry`,
``read_file``, :func:`assign_unique_id`) so both agree on what an index holds.
"""

from __future__ import annotations

import gc
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tickertape.core.article import Article, Problem
from tickertape.core.formats import ReadResult, is_record_file, read_file
from tickertape.core.formats.article_file import path_id
from tickertape.core.scan import FileEntry, scan_index
from tickertape.core.sentiment import unknown_label_problems

# Article files larger than this are read only this far: no article needs more,
# and a stray multi-gigabyte file must not exhaust memory.
MAX_ARTICLE_FILE_BYTES = 8 * 1024 * 1024
# JSON and JSON Lines files hold many articles, so they may be much larger.
MAX_RECORD_FILE_BYTES = 512 * 1024 * 1024
_READ_CHUNK = 1024 * 1024


@dataclass(slots=True)
class LoadedIndex:
    """Every article of an index, and every problem met (articles' own ones included)."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def load_index(root: Path) -> LoadedIndex:
    """Load every article under ``root`` (a directory or a single file), in path order."""
    loaded = LoadedIndex()
    owners: dict[str, str] = {}
    with _collector_paused():
        for item in scan_index(root):
            if isinstance(item, Problem):
                loaded.problems.append(item)
                continue
            result = read_entry(item)
            loaded.problems.extend(result.problems)
            for article in result.articles:
                clash = assign_unique_id(article, owners.get)
                if clash is not None:
                    loaded.problems.append(clash)
                owners[article.id] = article.path
                loaded.articles.append(article)
    labels = ((article.sentiment_label, article.path, 1) for article in loaded.articles)
    loaded.problems.extend(unknown_label_problems(labels))
    return loaded


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading.

    A load allocates millions of small objects and no reference cycles, so the
    collector's repeated passes over the growing heap are pure cost (15% here).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_entry(entry: FileEntry) -> ReadResult:
    """Read and parse one scanned file; reading errors become problems."""
    return read_entry_with_digest(entry)[0]


def file_digest(data: bytes | None) -> bytes | None:
    """A hash of what was read of a file (None when it could not be read): the cache
    keeps it, so an edit that kept size and modification time is still found."""
    return None if data is None else hashlib.blake2b(data, digest_size=16).digest()


def read_digest(path: Path, rel: str) -> bytes | None:
    """:func:`file_digest` of the file as :func:`read_entry` would read it now."""
    limit = MAX_RECORD_FILE_BYTES if is_record_file(rel) else MAX_ARTICLE_FILE_BYTES
    return file_digest(read_capped(path, rel, limit)[0])


def read_entry_with_digest(entry: FileEntry) -> tuple[ReadResult, bytes | None]:
    """:func:`read_entry`, and the :func:`file_digest` of the bytes it parsed."""
    limit = MAX_RECORD_FILE_BYTES if is_record_file(entry.rel) else MAX_ARTICLE_FILE_BYTES
    data, problem = read_capped(entry.path, entry.rel, limit)
    digest = file_digest(data)
    if data is None:
        return ReadResult([], [problem] if problem is not None else []), digest
    result = read_file(data, entry.rel)
    if problem is not None:
        result.problems.insert(0, problem)
        if not is_record_file(entry.rel):  # a cut article file is a degraded article
            for article in result.articles:
                article.warnings.insert(0, problem.short())
    return result, digest


def read_capped(path: Path, rel: str, limit: int) -> tuple[bytes | None, Problem | None]:
    """At most ``limit`` bytes of a regular file, cut at a UTF-8 character boundary.

    Opened non-blocking and checked with ``fstat``, so a file replaced by a FIFO
    after the scan cannot hang the load. Returns the bytes (``None`` when unreadable)
    and a problem when the file was unreadable or cut.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        return None, Problem(rel, "file", f"cannot be read ({_detail(error)}); skipped")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, Problem(rel, "file", "is no longer a regular file; skipped")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_READ_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        return None, Problem(rel, "file", f"cannot be read ({_detail(error)}); skipped")
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if len(data) <= limit:
        return data, None
    cut = limit
    while cut > limit - 4 and data[cut] & 0xC0 == 0x80:  # do not split a character
        cut -= 1
    reason = f"is over the {_size(limit)} limit; only the first {_size(cut)} were read"
    return data[:cut], Problem(rel, "file", reason)


def assign_unique_id(article: Article, owner_of: Callable[[str], str | None]) -> Problem | None:
    """Give ``article`` an id nobody else holds; return the warning when it had to change.

    ``owner_of(id)`` names the path already holding an id, or ``None`` when it is
    free: a dict's ``get`` in memory, a query in the cache. The later path of a clash
    gets the hash of its path (``path#ordinal`` for a record), then ``-2``, ``-3``...
    The article's own warnings gain the reason too.
    """
    wanted = article.id
    owner = owner_of(wanted)
    if owner is None:
        return None
    key = f"{article.path}#{article.ordinal}" if is_record_file(article.path) else article.path
    candidate = path_id(key)
    counter = 1
    while owner_of(candidate) is not None:
        counter += 1
        candidate = f"{path_id(key)}-{counter}"
    article.id = candidate
    reason = f"'{wanted}' is also the id of {owner}; using '{candidate}'"
    problem = Problem(article.path, "id", reason)
    article.warnings.append(problem.short())
    return problem


def _size(count: int) -> str:
    mebibyte = 1024 * 1024
    return f"{count / mebibyte:g} MiB" if count >= mebibyte else f"{count:,} bytes"


def _detail(error: OSError) -> str:
    return error.strerror or type(error).__name__
