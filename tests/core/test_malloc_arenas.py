"""Asking the C library for fewer malloc arenas never fails the reader's start."""

from __future__ import annotations

import sys

from tickertape.core.malloc_arenas import limit_arenas


def test_limiting_the_arenas_is_done_on_linux_and_harmless_elsewhere() -> None:
    done = limit_arenas()
    assert isinstance(done, bool)
    if not sys.platform.startswith("linux"):
        assert done is False
