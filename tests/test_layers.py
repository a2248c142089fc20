"""The core must never pull in the UI toolkits; the command line must not pull in Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "tickertape.core.article",
    "tickertape.core.sanitize",
    "tickertape.core.links",
    "tickertape.core.tickers",
    "tickertape.core.clean",
    "tickertape.core.dates",
    "tickertape.core.formats",
    "tickertape.core.scan",
    "tickertape.core.loader",
    "tickertape.core.paths",
    "tickertape.core.sqlite",
    "tickertape.core.index",
    "tickertape.core.query",
    "tickertape.core.state",
]


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_neither_textual_nor_rich(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert module in loaded
    assert not {name for name in loaded if name.split(".")[0] in {"textual", "rich"}}


def test_core_does_real_work_without_the_ui_toolkits() -> None:
    code = (
        "from tickertape.core.clean import clean_html\n"
        "from tickertape.core.formats import read_file\n"
        "result = read_file(b'title: t\\n\\ncontent: <p>$NVDA up</p>', 'a.txt')\n"
        "clean_html(result.articles[0].content)\n"
    )
    loaded = _loaded_after(code)
    assert not {name for name in loaded if name.split(".")[0] in {"textual", "rich"}}


def test_command_line_sub_commands_do_not_import_textual() -> None:
    loaded = _loaded_after(
        "from tickertape.cli import build_parser\n"
        "for name in ('list', 'show', 'index', 'stats'):\n"
        "    build_parser(name)\n"
    )
    assert not {name for name in loaded if name.split(".")[0] == "textual"}
