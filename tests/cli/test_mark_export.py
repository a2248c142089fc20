"""``tickertape mark`` (flags a query can see, kept across cache rebuilds) and
``tickertape export`` (exactly the selection, written whole or not at all)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tickertape.output import RECORD_KEYS

A1, B2, C3, D4, E5, F6 = (c * 8 for c in ("a1", "b2", "c3", "d4", "e5", "f6"))


def ids(capsys: pytest.CaptureFixture[str], index: Path, query: str) -> list[str]:
    code, out, err = run(capsys, "list", str(index), "-q", query, "--format", "jsonl")
    assert code == 0, err
    return [json.loads(line)["id"] for line in out.splitlines()]


# -- mark ------------------------------------------------------------------------------


def test_star_and_unstar_show_in_is_starred(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ids(capsys, index, "is:starred") == []
    code, out, _ = run(capsys, "mark", str(index), A1, "d4d4", "--star")
    assert code == 0
    assert out == "marked 2 articles starred\n"
    assert ids(capsys, index, "is:starred") == [A1, D4]
    assert ids(capsys, index, "is:starred sentiment:neutral") == [D4]
    assert ids(capsys, index, "-is:starred") == [B2, C3, E5, F6]
    assert run(capsys, "mark", str(index), A1, "--unstar")[0] == 0
    assert ids(capsys, index, "is:starred") == [D4]


def test_read_and_unread_show_in_is_unread(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ids(capsys, index, "is:unread") == [A1, B2, C3, D4, E5, F6]
    code, out, _ = run(capsys, "mark", str(index), B2, C3, "--read")
    assert (code, out) == (0, "marked 2 articles read\n")
    assert ids(capsys, index, "is:unread") == [A1, D4, E5, F6]
    assert ids(capsys, index, "is:read") == [B2, C3]
    assert run(capsys, "mark", str(index), "c3", "--unread")[1] == "marked 1 article unread\n"
    assert ids(capsys, index, "is:read") == [B2]


def test_an_unknown_id_fails_and_marks_nothing(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "mark", str(index), A1, "0123abcd", "--star")
    assert code == 1
    assert out == ""
    assert "no article with id '0123abcd'" in err
    assert "nothing was marked" in err
    assert ids(capsys, index, "is:starred") == []


def test_an_ambiguous_prefix_fails_and_marks_nothing(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("010_abab000000000001.txt", "011_abab000000000002.txt"):
        (index / name).write_text("title: Twin\n\ncontent: <p>x</p>\n", encoding="utf-8")
    code, _, err = run(capsys, "mark", str(index), A1, "abab", "--star")
    assert code == 1
    assert "2 articles with id 'abab'" in err
    assert ids(capsys, index, "is:starred") == []


def test_flags_survive_deleting_the_cache(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "mark", str(index), E5, "--star")[0] == 0
    cache = Path(os.environ["TICKERTAPE_CACHE_DIR"])
    assert any(cache.iterdir())
    shutil.rmtree(cache)
    assert ids(capsys, index, "is:starred") == [E5]
    assert any(cache.iterdir())  # rebuilt


def test_mark_needs_a_flag_and_an_id(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "mark", str(index), A1)[0] == 2
    assert run(capsys, "mark", "--star")[0] == 2
    assert run(capsys, "mark", str(index), A1, "--star", "--read")[0] == 2


def test_mark_of_a_missing_index_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "mark", str(tmp_path / "nowhere"), A1, "--star")
    assert code == 2
    assert "no such file or folder" in err


def test_mark_without_a_path_marks_in_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "mark", "ccb8ea6f", "--star")[0] == 0
    code, out, _ = run(capsys, "list", "-q", "is:starred", "--format", "jsonl")
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["ccb8ea6fd69811d1"]


def test_mark_fails_when_the_flags_cannot_be_kept(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("TICKERTAPE_DATA_DIR", str(blocker / "data"))
    code, out, err = run(capsys, "mark", str(index), A1, "--star")
    assert code == 1
    assert out == ""
    assert "cannot be saved" in err
    assert "Traceback" not in err


# -- export ----------------------------------------------------------------------------


def test_export_jsonl_has_exactly_the_selected_records(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "amzn.jsonl"
    target.parent.mkdir()
    code, out, err = run(capsys, "export", str(index), "-q", "ticker:AMZN", "-o", str(target))
    assert code == 0
    assert out == ""
    assert err.endswith(f"wrote 2 articles to {target}\n")
    _, listed, _ = run(capsys, "list", str(index), "-q", "ticker:AMZN", "--format", "jsonl")
    text = target.read_text(encoding="utf-8")
    assert text == listed
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["id"] for r in records] == [B2, C3]
    assert all(list(r) == list(RECORD_KEYS) for r in records)
    assert sorted(p.name for p in target.parent.iterdir()) == ["amzn.jsonl"]  # no temp file


def test_export_csv_sorted_and_reversed(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "pos.csv"
    argv = ["-q", "sentiment:pos", "--sort", "title", "--reverse", "--format", "csv"]
    assert run(capsys, "export", str(index), *argv, "-o", str(target))[0] == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [row["id"] for row in rows] == [A1, E5]  # Chipmakers, Bank: Z-A
    assert list(rows[0]) == list(RECORD_KEYS)


def test_export_replaces_an_existing_file_whole(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old line\n" * 10_000, encoding="utf-8")
    assert run(capsys, "export", str(index), "-q", "$NVDA", "-o", str(target))[0] == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [A1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news", "out.jsonl"]


def test_a_failed_export_leaves_the_old_file_and_no_temp_file(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("precious\n", encoding="utf-8")
    assert run(capsys, "index", str(index))[0] == 0  # the cache is built before the patch

    def refuse(src: object, dst: object) -> None:
        raise OSError("simulated failure")

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = run(capsys, "export", str(index), "-o", str(target))
    assert code == 1
    assert out == ""
    assert f"cannot write {target}: simulated failure; nothing was written" in err
    assert "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news", "out.jsonl"]


def test_export_into_a_missing_folder_is_a_usage_error(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "export", str(index), "-o", str(tmp_path / "no" / "out.jsonl"))
    assert code == 2
    assert "no such folder" in err
    assert not (tmp_path / "no").exists()


def test_export_onto_a_folder_is_a_usage_error(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "export", str(index), "-o", str(tmp_path))
    assert code == 2
    assert "is a folder" in err


def test_export_needs_an_output_and_a_good_query(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "export", str(index))[0] == 2
    target = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "export", str(index), "-q", "after:2024-13-45", "-o", str(target))
    assert code == 2
    assert "invalid date at column 7" in err
    assert not target.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--star", "{index}", A1, D4],
        ["{index}", "--star", A1, D4],
        ["{index}", A1, "--star", D4],
        ["{index}", A1, D4, "--star"],
    ],
)
def test_the_flag_may_come_before_between_or_after_the_ids(
    index: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    words = [word.format(index=index) for word in argv]
    code, out, err = run(capsys, "mark", *words)
    assert (code, out, err) == (0, "marked 2 articles starred\n", "")
    assert ids(capsys, index, "is:starred") == [A1, D4]


def test_after_a_double_dash_a_word_that_starts_with_a_dash_is_a_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.articles import write_index

    index = write_index(tmp_path / "-news")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "mark", "--read", "--", "-news", B2)
    assert (code, out) == (0, "marked 1 article read\n"), err
    assert ids(capsys, index, "is:read") == [B2]
