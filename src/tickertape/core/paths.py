"""Where tickertape keeps its files, and how it writes them without leaving halves.

The cache and the user's state live in per-user directories, never next to an index
(an index is read-only to us). Both directories can be overridden by environment
variables, which tests and benchmarks use to stay out of the user's home. They are
looked up at call time, so a change to the environment takes effect at once, and
looking one up creates nothing: only the code that writes there creates it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

APP_NAME = "tickertape"
CACHE_DIR_ENV = "TICKERTAPE_CACHE_DIR"
DATA_DIR_ENV = "TICKERTAPE_DATA_DIR"
CONFIG_DIR_ENV = "TICKERTAPE_CONFIG_DIR"

# Temp files for atomic writes are hidden and carry this suffix, so a stray one left by
# a killed process is recognisable for what it is.
_TEMP_SUFFIX = ".tmp"


def _from_env(name: str) -> Path | None:
    """An absolute path from the environment, or None when the variable is unset or empty.

    Made absolute at once so a later change of working directory cannot move it.
    """
    value = os.environ.get(name, "")
    if not value:
        return None
    return Path(value).expanduser().absolute()


def cache_dir() -> Path:
    """The directory for rebuildable data: one SQLite cache per index. Not created here."""
    import platformdirs  # when needed: it loads tempfile, shutil and zlib (40 ms here)

    return _from_env(CACHE_DIR_ENV) or Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The directory for the user's own data (flags, views, history). Not created here."""
    import platformdirs

    return _from_env(DATA_DIR_ENV) or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The directory for the user's settings files (the key map). Not created here."""
    import platformdirs

    return _from_env(CONFIG_DIR_ENV) or Path(
        platformdirs.user_config_dir(APP_NAME, appauthor=False)
    )


class IndexNotFound(ValueError):
    """The path given for an index does not exist."""


def index_root(path: str | None) -> Path:
    """The index folder (or single file) to read; the bundled sample when none is given.

    Raises :class:`IndexNotFound` (its message safe to print) for a path that is not there.
    """
    if path is None:
        from tickertape.sample import sample_path

        return sample_path()
    root = Path(path).expanduser()
    if not root.exists():
        from tickertape.core.sanitize import sanitize_inline

        raise IndexNotFound(f"no such file or folder: {sanitize_inline(path)}")
    return root


def index_key(root: Path) -> str:
    """A short stable name for an index: the same directory always maps to the same key.

    The path is resolved first, so ``./news`` and ``/home/me/news`` (or a symlink to
    it) share one cache and one query history.
    """
    resolved = Path(root).expanduser().resolve()
    digest = hashlib.sha1(os.fsencode(resolved), usedforsecurity=False)
    return digest.hexdigest()[:16]


def cache_path(root: Path) -> Path:
    """The cache database file for the index at ``root`` (not created here)."""
    return cache_dir() / f"{index_key(root)}.sqlite"


def _create_temp_beside(path: Path) -> tuple[int, Path]:
    """Open a new, exclusive temp file in ``path``'s directory.

    ``os.open`` with mode 0o666 lets the umask decide the permissions, as for any
    file the user creates (``mkstemp`` would force 0o600 on an export).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{_TEMP_SUFFIX}")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {path}")


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; best effort, as some systems cannot sync a directory."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old file or the new one, never half.

    The data goes to a temp file in the same directory (a rename is only atomic within
    one file system), is flushed to disk, then renamed over ``path``. On any failure the
    temp file is removed and the old file is left as it was. An existing file keeps its
    permission bits. The parent directory must exist.
    """
    path = Path(path)
    try:
        old_mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        old_mode = None
    fd, temp = _create_temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if old_mode is not None:
            os.chmod(temp, old_mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(path.parent)


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """:func:`atomic_write_bytes` for text; newlines are written as given, never translated."""
    atomic_write_bytes(path, text.encode(encoding))


def combined_root(paths: Sequence[Path]) -> Path:
    """One index made of several folders or files: a folder of links to each of them.

    The folder lives in the cache directory, named from the set of paths, so the same
    set always opens the same cache; each link is named after its target (``a``,
    ``a-2`` when two share a name), which is how the articles' paths read. Nothing is
    written next to the paths themselves.
    """
    targets = sorted({path.expanduser().resolve() for path in paths}, key=str)
    joined = b"\n".join(os.fsencode(target) for target in targets)
    digest = hashlib.sha1(joined, usedforsecurity=False)
    folder = cache_dir() / "combined" / digest.hexdigest()[:16]
    if folder.is_dir():
        return folder
    staging = folder.with_name(f".{folder.name}.{secrets.token_hex(4)}.tmp")
    staging.mkdir(parents=True)
    try:
        used: set[str] = set()
        for target in targets:
            name = target.name or "root"
            number = 1
            while name in used:
                number += 1
                name = f"{target.name or 'root'}-{number}"
            used.add(name)
            (staging / name).symlink_to(target, target_is_directory=target.is_dir())
        try:
            staging.rename(folder)
        except OSError:  # another process made it first: theirs is the same
            if not folder.is_dir():
                raise
    finally:
        if staging.exists():
            for link in staging.iterdir():
                link.unlink()
            staging.rmdir()
    return folder
