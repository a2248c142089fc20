"""Shared fixtures and helpers for the command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.articles import write_index
from tickertape.cli import main


@pytest.fixture
def index(tmp_path: Path) -> Path:
    """The six known articles in a folder of their own."""
    return write_index(tmp_path / "news")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``tickertape`` in-process; returns the exit code, stdout and stderr."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err
