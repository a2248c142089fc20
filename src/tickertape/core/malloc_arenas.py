"""Fewer malloc arenas for the reader: its threads' freed memory is reused, not kept.

glibc gives each thread that allocates under contention an arena of its own (up to
eight a core), and memory freed in one arena is not reused by another. The reader's
workers (the refresh after the first paint, searches, counts, the folder watch) each
left their own arena behind: its peak once idle at 100k articles was 142-153 MB with
the default and 122-151 MB with two arenas (VmHWM in tmux, same machine, back to
back, four runs each: the lower figure in half of them).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Final

_M_ARENA_MAX: Final = -8  # mallopt's parameter number, from glibc's malloc.h
ARENAS: Final = 2


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Ask glibc for at most ``arenas`` arenas; whether it was done (elsewhere, or
    with another C library, nothing happens). Call before any thread starts."""
    if not sys.platform.startswith("linux"):
        return False
    try:  # the process's own symbols: find_library would run ldconfig at every start
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, arenas))
