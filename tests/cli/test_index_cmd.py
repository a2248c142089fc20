"""``tickertape index``: builds, refreshes, counts, and fails politely."""

from __future__ import annotations

from pathlib import Path

import pytest

from tickertape.cli import main


def write_article(root: Path, rel: str, title: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"source: www.example.com\n\ntitle: {title}\n\npublishDate: 2024-01-02T03:04:05Z\n\n"
        "content: <p>Body text.</p>\n",
        encoding="utf-8",
    )


def test_index_builds_then_refreshes_with_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "news"
    write_article(root, "001_00000000000000a1.txt", "First")
    write_article(root, "002_00000000000000a2.txt", "Second")

    assert main(["index", str(root)]) == 0
    out = capsys.readouterr().out
    assert "2 articles · files: 2 added, 0 changed, 0 removed · 0 warnings" in out
    assert out.rstrip().endswith(" s")

    write_article(root, "003_00000000000000a3.txt", "Third")
    (root / "001_00000000000000a1.txt").unlink()
    (root / "bad.txt").write_bytes(b"")
    assert main(["index", str(root)]) == 0
    out = capsys.readouterr().out
    assert "2 articles · files: 2 added, 0 changed, 1 removed · 1 warning" in out


def test_index_prints_phases_as_plain_lines_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_article(tmp_path / "news", "001_00000000000000a1.txt", "First")
    assert main(["index", str(tmp_path / "news")]) == 0
    err = capsys.readouterr().err
    assert "tickertape: reading 1 files" in err
    assert "\x1b" not in err


def test_index_of_a_missing_path_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(tmp_path / "nowhere")]) == 2
    captured = capsys.readouterr()
    assert "no such file or folder" in captured.err
    assert "Traceback" not in captured.err


def test_index_never_prints_control_characters_from_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(tmp_path / "evil\x1b]0;pwned\x07")]) == 2
    assert "\x1b" not in capsys.readouterr().err


def test_index_without_a_path_builds_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    from tickertape.sample import sample_path

    if not sample_path().is_dir():
        pytest.skip("the sample index is not there yet")
    assert main(["index"]) == 0
    assert " articles · " in capsys.readouterr().out
