"""Shared fixtures: isolated cache and data directories, and the optional shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own cache, state and config directories, never the user's."""
    base = tmp_path_factory.mktemp("tickertape-home")
    monkeypatch.setenv("TICKERTAPE_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("TICKERTAPE_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("TICKERTAPE_CONFIG_DIR", str(base / "config"))


@pytest.fixture(scope="session", autouse=True)
def company_list_loaded() -> None:
    """The company list is built once per process, on first use (about 0.5 s): load it
    before any test, so the tests that bound a time measure the work, not the load."""
    from tickertape.core.companies import company_catalog

    company_catalog()


@pytest.fixture
def seed_path() -> Path:
    """The real article the format comes from (skips where ../shared is absent)."""
    path = SHARED / "seed" / "000_ccb8ea6fd69811d1.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared seed article ships beside the repository only")
    return path


@pytest.fixture
def corpus_dir() -> Path:
    """The shared test corpus (skips where ../shared/corpus is absent)."""
    path = SHARED / "corpus"
    if not (path / "reuters21578").is_dir():
        pytest.skip(f"{path} is absent: the shared corpus ships beside the repository only")
    return path
