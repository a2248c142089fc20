"""Failures are told in words: no class names, no control characters."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from tickertape.core.errors import describe_error


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
        (
            FileNotFoundError(errno.ENOENT, "No such file or directory", "/news/a\x1b.txt"),
            "No such file or directory: /news/a\\x1b.txt",
        ),
        (sqlite3.DatabaseError("database disk image is malformed"),
         "the cache database says: database disk image is malformed"),
        (MemoryError(), "not enough memory"),
        (RecursionError("maximum recursion depth exceeded"), "the data is nested too deeply"),
        (ValueError("bad date"), "bad date"),
        (KeyError("rowid"), "an unexpected error ('rowid')"),
        (RuntimeError(), "an unexpected error"),
        (RuntimeError("\x1b]52;c;evil\x07boom"), "an unexpected error (boom)"),
    ],
)  # fmt: skip
def test_errors_are_described_in_words(error: BaseException, words: str) -> None:
    assert describe_error(error) == words


def test_a_long_message_is_cut() -> None:
    assert len(describe_error(ValueError("x" * 1000))) == 200
