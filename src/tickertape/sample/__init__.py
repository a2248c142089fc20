"""The bundled sample index: the seed article and short articles written for tickertape."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["sample_path"]


def sample_path() -> Path:
    """The folder of sample articles, as a real path (wheel and editable installs alike).

    The articles sit in a sub-folder of their own so the package's Python files are
    not read as articles.
    """
    root = files("tickertape.sample")
    base = root if isinstance(root, Path) else Path(str(root))
    return base / "articles"
