"""The user's key map: a TOML file in the config directory that rebinds keys by binding id.

Every binding has an id (``app.star``, ``list.down``, ...), so the file names what to
rebind, and Textual's keymap support (``App.set_keymap``) applies it wherever the
binding works. A value is one key or several separated by commas::

    # keymap.toml in tickertape's config directory
    [keys]
    "app.star" = "f"
    "list.down" = "j,down,ctrl+n"

A file that cannot be read, or an entry that makes no sense, is reported and the
default keys are kept for it; the reader opens either way.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from textual.binding import BindingType
from textual.dom import DOMNode

from tickertape.core.sanitize import sanitize_inline

KEYMAP_FILE: Final = "keymap.toml"


@dataclass(slots=True, frozen=True)
class LoadedKeymap:
    """Binding id -> keys, and a sentence for each thing in the file that was not used."""

    keys: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def binding_ids(*owners: type[DOMNode]) -> set[str]:
    """The ids of the bindings the given screens and widgets declare."""
    bindings: Iterable[BindingType] = (b for owner in owners for b in owner.BINDINGS)
    return {b.id for b in bindings if not isinstance(b, tuple) and b.id}


def load_keymap(path: Path, known: set[str]) -> LoadedKeymap:
    """The key map in ``path`` (empty when there is no such file), checked against the
    ``known`` binding ids."""
    shown = sanitize_inline(str(path))
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return LoadedKeymap()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        reason = sanitize_inline(str(error))[:200]
        return LoadedKeymap({}, [f"The key map {shown} could not be read ({reason}); "
                                 "the default keys are used."])  # fmt: skip
    table = data.get("keys", {})
    if not isinstance(table, dict):
        return LoadedKeymap({}, [f"The key map {shown} needs a [keys] table; "
                                 "the default keys are used."])  # fmt: skip
    keys: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, value in table.items():
        name = sanitize_inline(binding_id)[:60]
        if binding_id not in known:
            problems.append(f"The key map {shown} names no binding {name!r}; it is ignored.")
        elif not isinstance(value, str) or not value.strip(" ,"):
            problems.append(f"The key map {shown} gives {name!r} no key; the default is kept.")
        else:
            keys[binding_id] = value
    return LoadedKeymap(keys, problems)
