"""``tickertape show [PATH] ID``: one article as readable plain text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tests.ui.articles import ARTICLES
from tickertape.core.clean import blocks_to_plain, clean_html

TICKERTAPE = Path(sys.executable).with_name("tickertape")
A1 = "a1" * 8


def test_show_by_full_id_prints_title_metadata_link_tickers_summary_and_body(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "show", str(index), A1)
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "Chipmakers rally as export rules ease"
    assert lines[1] == "wire.example · 2024-12-05T14:30:00Z · en · ▲ positive 0.93"
    assert "Link:    https://news.example/chips/rally" in lines
    assert "Tickers: NVDA.O AMD.O" in lines
    assert f"Id:      {A1}" in lines
    assert "File:    001_a1a1a1a1a1a1a1a1.txt" in lines
    assert "  > Shares of chip designers rose after regulators eased export licences." in lines
    # The body is exactly what blocks_to_plain makes of the content, links numbered.
    body = blocks_to_plain(clean_html(ARTICLES[0]["content"]))
    assert out.endswith(body + "\n")
    assert "Analysts at a research desk [1] expect orders to pick up." in out
    assert out.endswith("Links:\n[1] https://news.example/research/note\n")
    assert "- Licences cover data-centre parts" in out
    assert "<" not in out  # no markup left


def test_show_by_a_unique_prefix(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", str(index), "c3c3")
    assert code == 0
    assert out.startswith("Retailer cuts outlook as holiday demand cools\n")
    assert "> Demand cooled in the last two weeks, the chief executive said." in out


def test_an_ambiguous_prefix_fails_and_says_how_many(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("010_abab000000000001.txt", "011_abab000000000002.txt"):
        (index / name).write_text("title: Twin\n\ncontent: <p>x</p>\n", encoding="utf-8")
    code, out, err = run(capsys, "show", str(index), "abab")
    assert code == 1
    assert out == ""
    assert "2 articles have ids starting with 'abab'" in err
    code, out, _ = run(capsys, "show", str(index), "abab000000000002")
    assert code == 0
    assert out.startswith("Twin\n")


def test_an_unknown_id_fails(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", str(index), "0123456789")
    assert code == 1
    assert out == ""
    assert "no article with id '0123456789'" in err
    assert "Traceback" not in err


def test_show_of_a_missing_index_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "show", str(tmp_path / "nowhere"), A1)
    assert code == 2
    assert "no such file or folder" in err


def test_show_without_an_id_or_with_too_many_words_is_a_usage_error(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "show")[0] == 2
    code, _, err = run(capsys, "show", str(index), A1, "b2b2")
    assert code == 2
    assert "expected [PATH] ID" in err


def test_show_without_a_path_reads_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "ccb8ea6fd69811d1")
    assert code == 0
    assert out.startswith("Amazon's cloud service shows new AI servers")
    assert "Tickers: AMZN.O" in out


def test_the_articles_warnings_go_to_stderr(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (index / "007_0707070707070707.txt").write_text(
        "title: Odd one\n\nconfidence: 1.7\n\ncontent: <p>Text.</p>\n", encoding="utf-8"
    )
    code, out, err = run(capsys, "show", str(index), "0707")
    assert code == 0
    assert err.splitlines() == [
        "warning: 007_0707070707070707.txt: publishDate: no date",
        "warning: 007_0707070707070707.txt: confidence: 1.7 is outside [0, 1]; ignored",
    ]
    assert "Warning: confidence: 1.7 is outside [0, 1]; ignored" in out  # beside the metadata
    code, out, err = run(capsys, "show", str(index), "0707", "--quiet")
    assert code == 0
    assert err == "2 warnings (run without --quiet to see them)\n"


def test_show_into_a_pipe_has_no_escape_codes(index: Path) -> None:
    result = subprocess.run(
        [str(TICKERTAPE), "show", str(index), A1],
        capture_output=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert b"\x1b" not in result.stdout
    assert result.stdout.decode("utf-8").startswith("Chipmakers rally as export rules ease\n")
    assert b"Links:\n[1] https://news.example/research/note\n" in result.stdout
