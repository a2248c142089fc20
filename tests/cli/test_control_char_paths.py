"""File names with control characters: the real path in JSON Lines, distinct visible
escapes in CSV and warnings, and never a raw control character on the way out.

Two files ``a\\x01b.txt`` and ``a\\x02b.txt`` once both reported the path ``ab.txt``
(and ``a\\x1bb.txt`` reported ``a.txt``): a script could not tell them apart, nor
open the file the record named.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from tests.cli.conftest import run

NAMES = ["a\x01b.txt", "a\x02b.txt", "a\x1bb.txt", "r\u202etxt.exe", "plain.txt"]
SHOWN = ["a\\x01b.txt", "a\\x02b.txt", "a\\x1bb.txt", "r\\u202etxt.exe", "plain.txt"]


@pytest.fixture
def index(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for number, name in enumerate(NAMES):
        try:
            (folder / name).write_text(
                f"title: Story {number}\n\ncontent: <p>x</p>\n", encoding="utf-8"
            )
        except OSError:  # pragma: no cover - a file system that refuses such names
            pytest.skip("this file system refuses control characters in names")
    return folder


def printable(text: str) -> bool:
    return all(line.isprintable() for line in text.split("\n"))


def test_jsonl_path_is_the_real_path_escaped_the_json_way(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "list", str(index), "--format", "jsonl")
    assert code == 0, err
    assert printable(out)
    for escape in ("\\u0001", "\\u001b", "\\u202e"):
        assert escape in out
    paths = sorted(json.loads(line)["path"] for line in out.splitlines())
    assert paths == sorted(os.path.join(str(index), name) for name in NAMES)
    for path in paths:
        assert Path(path).is_file()


def test_csv_paths_are_visible_and_distinct(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "list", str(index), "--format", "csv")
    assert code == 0, err
    assert printable(out)
    paths = [row["path"] for row in csv.DictReader(io.StringIO(out))]
    assert len(set(paths)) == len(NAMES)
    names = sorted(path.rpartition("/")[2] for path in paths)
    assert names == sorted(SHOWN)


def test_warnings_name_each_file_distinctly(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "list", str(index))
    assert code == 0
    assert printable(err)
    warned = {line.split(":")[1].strip() for line in err.splitlines() if "no date" in line}
    assert warned == set(SHOWN)
