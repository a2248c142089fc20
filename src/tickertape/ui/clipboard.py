"""Copying text: OSC 52 through Textual, and the system clipboard tool where there is one.

OSC 52 works in most terminals but not all (macOS Terminal, some multiplexers), so a
local clipboard command is tried as well when one is installed.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import threading
from typing import Any

from textual.app import App

# Tried in order; each reads the text on stdin.
CLIPBOARD_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("wl-copy",),
    ("xclip", "-selection", "clipboard"),
    ("xsel", "--clipboard", "--input"),
    ("pbcopy",),
)


def system_clipboard_command() -> tuple[str, ...] | None:
    """The first clipboard command on PATH, or None."""
    if sys.platform == "win32":
        return ("clip",) if shutil.which("clip") else None
    for command in CLIPBOARD_COMMANDS:
        if shutil.which(command[0]):
            return command
    return None


def _run(command: tuple[str, ...], text: str) -> None:
    # OSC 52 was sent already; the fallback is best effort.
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(command, input=text.encode(), timeout=2, check=False, capture_output=True)


def copy_with_fallback(app: App[Any], text: str) -> None:
    """Copy ``text`` with OSC 52 and, in the background, with the system tool."""
    app.copy_to_clipboard(text)
    command = system_clipboard_command()
    if command is not None:
        threading.Thread(target=_run, args=(command, text), daemon=True).start()
