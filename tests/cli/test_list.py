"""``tickertape list``: order, filters, formats, warnings and usage errors, on a known index.

The six articles of ``tests/ui/articles.py`` (ids a1a1..., b2b2..., ... f6f6...):

===  ==========  ===============  ========  =====  ==============
id   published   source           sentiment conf   tickers
===  ==========  ===============  ========  =====  ==============
a1   2024-12-05  wire.example     positive  0.93   NVDA.O AMD.O
b2   2024-12-04  cloud.example    neutral   0.71   AMZN.O
c3   2024-12-03  shop.example     negative  0.81   AMZN.O
d4   2024-11-20  wire.example     neutral   0.55   XOM.N
e5   2024-10-01  ledger.example   positive  -      JPM.N
f6   2024-09-01  brief.example    (none)    -      -
===  ==========  ===============  ========  =====  ==============
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tickertape.cli import main
from tickertape.output import RECORD_KEYS

TICKERTAPE = Path(sys.executable).with_name("tickertape")
A1, B2, C3, D4, E5, F6 = (c * 8 for c in ("a1", "b2", "c3", "d4", "e5", "f6"))
NEWEST_FIRST = [A1, B2, C3, D4, E5, F6]
ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z")


def listed_ids(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    code, out, err = run(capsys, "list", *argv, "--format", "jsonl")
    assert code == 0, err
    return [json.loads(line)["id"] for line in out.splitlines()]


# -- order -----------------------------------------------------------------------------


def test_list_is_newest_first_by_default(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert listed_ids(capsys, str(index)) == NEWEST_FIRST


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("date", [A1, B2, C3, D4, E5, F6]),
        # Bank, Chipmakers, Cloud, Markets, Oil, Retailer
        ("title", [E5, A1, B2, F6, D4, C3]),
        # brief, cloud, ledger, shop, wire (a1 and d4 tie: newest first)
        ("source", [F6, B2, E5, C3, A1, D4]),
        # positive (a1, e5), neutral (b2, d4), negative, none last
        ("sentiment", [A1, E5, B2, D4, C3, F6]),
        # 0.93, 0.81, 0.71, 0.55, then the two without a confidence, newest first
        ("confidence", [A1, C3, B2, D4, E5, F6]),
    ],
)
def test_each_sort_key_orders_as_documented_and_reverse_mirrors_it(
    index: Path, capsys: pytest.CaptureFixture[str], key: str, expected: list[str]
) -> None:
    assert listed_ids(capsys, str(index), "--sort", key) == expected
    assert listed_ids(capsys, str(index), "--sort", key, "--reverse") == expected[::-1]


def test_limit_keeps_the_first_n_of_the_order(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert listed_ids(capsys, str(index), "--limit", "2") == [A1, B2]
    assert listed_ids(capsys, str(index), "--limit", "2", "--reverse") == [F6, E5]
    assert listed_ids(capsys, str(index), "--limit", "2", "--sort", "title") == [E5, A1]
    assert listed_ids(capsys, str(index), "--limit", "0") == []
    assert listed_ids(capsys, str(index), "--limit", "99") == NEWEST_FIRST


def test_relevance_puts_the_best_match_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "rel"
    root.mkdir()
    bodies = {
        # newest: one mention lost in a long body
        "001_0000000000000001.txt": ("2024-03-01", "Markets wrap", "filler " * 200 + "tariff"),
        # middle: no mention at all
        "002_0000000000000002.txt": ("2024-02-01", "Weather report", "rain " * 20),
        # oldest: the word in the title and all over a short body
        "003_0000000000000003.txt": ("2024-01-01", "Tariff tariff", "tariff tariff tariff"),
    }
    for name, (date, title, body) in bodies.items():
        (root / name).write_text(
            f"title: {title}\n\npublishDate: {date}\n\ncontent: <p>{body}</p>\n", encoding="utf-8"
        )
    first, _, third = (f"{n:016d}" for n in (1, 2, 3))
    assert listed_ids(capsys, str(root), "-q", "tariff") == [first, third]
    assert listed_ids(capsys, str(root), "-q", "tariff", "--sort", "relevance") == [third, first]
    assert listed_ids(capsys, str(root), "-q", "tariff", "--sort", "relevance", "--reverse") == [
        first,
        third,
    ]


@pytest.mark.parametrize(
    "query",
    [
        "chip*",
        "amazon OR oil",
        "chips OR ticker:XOM",
        "-chips",
        "amazon -retailer",
        "sentiment:pos",
    ],
)
def test_relevance_changes_the_order_never_the_result(
    index: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    by_date = listed_ids(capsys, str(index), "-q", query)
    by_relevance = listed_ids(capsys, str(index), "-q", query, "--sort", "relevance")
    assert sorted(by_relevance) == sorted(by_date)
    assert len(by_relevance) == len(set(by_relevance))


def test_relevance_without_words_is_date_order_as_the_help_says(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert listed_ids(capsys, str(index), "--sort", "relevance") == NEWEST_FIRST
    assert listed_ids(capsys, str(index), "--sort", "relevance", "-q", "ticker:AMZN") == [B2, C3]
    assert main(["list", "--help"]) == 0
    assert "date order when it has none" in " ".join(capsys.readouterr().out.split())


# -- formats ---------------------------------------------------------------------------


def test_a_jsonl_record_has_exactly_the_documented_keys_and_types(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "list", str(index), "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 6
    for record in records:
        assert list(record) == list(RECORD_KEYS)
        assert set(record) == {
            "id", "path", "link", "source", "title", "summary", "published", "language",
            "sentiment", "sentiment_label", "score", "confidence", "tickers", "ticker_matches",
            "images", "warnings", "cluster", "versions",
        }  # fmt: skip
        for key in ("id", "path", "link", "source", "title", "summary", "language"):
            assert isinstance(record[key], str), key
        assert isinstance(record["sentiment_label"], str)
        assert record["sentiment"] in ("positive", "negative", "neutral", None)
        assert record["published"] is None or ISO_UTC.fullmatch(record["published"])
        assert record["confidence"] is None or isinstance(record["confidence"], float)
        assert record["score"] is None or isinstance(record["score"], float)
        for key in ("tickers", "images", "warnings"):
            assert isinstance(record[key], list)
            assert all(isinstance(item, str) for item in record[key])
        assert [match["code"] for match in record["ticker_matches"]] == record["tickers"]
        assert all(
            set(match) == {"code", "how"} and match["how"] in {"link", "symbol", "name", "given"}
            for match in record["ticker_matches"]
        )
        assert Path(record["path"]).is_file()
    first = records[0]
    assert first["id"] == A1
    assert first["published"] == "2024-12-05T14:30:00Z"
    assert first["confidence"] == 0.93
    assert first["tickers"] == ["NVDA.O", "AMD.O"]
    assert first["sentiment"] == "positive"
    assert first["link"] == "https://news.example/chips/rally"
    by_id = {record["id"]: record for record in records}
    assert by_id[E5]["sentiment"] == "positive"
    assert by_id[E5]["sentiment_label"] == "Positive"  # as the file writes it
    assert by_id[E5]["confidence"] is None
    assert by_id[F6]["sentiment"] is None
    assert by_id[F6]["sentiment_label"] == ""
    assert by_id[F6]["tickers"] == []


def test_csv_has_a_header_and_parses_back_to_the_jsonl_records(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, jsonl, _ = run(capsys, "list", str(index), "--format", "jsonl")
    code, out, _ = run(capsys, "list", str(index), "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(RECORD_KEYS)
    parsed = list(csv.DictReader(io.StringIO(out)))
    records = [json.loads(line) for line in jsonl.splitlines()]
    assert len(parsed) == len(records) == 6
    for row, record in zip(parsed, records, strict=True):
        assert row["id"] == record["id"]
        assert row["title"] == record["title"]
        assert row["tickers"].split() == record["tickers"]
        assert row["published"] == (record["published"] or "")
        assert row["confidence"] == (
            "" if record["confidence"] is None else str(record["confidence"])
        )


def test_table_has_a_header_and_one_row_an_article(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "list", str(index))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "DATE", "(UTC)", "S", "CONF", "SOURCE", "TICKERS", "TITLE"]
    assert len(lines) == 7
    assert lines[1].startswith(A1)
    assert "2024-12-05 14:30" in lines[1]
    assert "▲" in lines[1]
    assert "0.93" in lines[1]
    assert lines[1].endswith("Chipmakers rally as export rules ease")
    assert "\x1b" not in out


# -- the query language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ticker:AMZN.O", [B2, C3]),
        ("ticker:AMZN", [B2, C3]),
        ("$NVDA", [A1]),
        ("XOM.N", [D4]),
        ("sentiment:neg", [C3]),
        ("sentiment:positive", [A1, E5]),
        ("sentiment:none", [F6]),
        ("source:wire", [A1, D4]),
        ("lang:en", NEWEST_FIRST),
        ("conf>0.8", [A1, C3]),
        ("after:2024-12-01", [A1, B2, C3]),
        ("before:2024-11-01", [E5, F6]),
        ("after:2024-11-01 before:2024-12-04", [C3, D4]),
        ("chips", [B2]),
        ("chip*", [A1, B2]),
        ('"export licences"', [A1]),
        ('"licences export"', []),
        ("oil OR bank", [D4, E5]),
        ("amazon -retailer", [B2]),
        ("(oil OR bank) -sentiment:neutral", [E5]),
        ("", NEWEST_FIRST),
    ],
)
def test_query_selects_the_matching_articles(
    index: Path, capsys: pytest.CaptureFixture[str], query: str, expected: list[str]
) -> None:
    assert listed_ids(capsys, str(index), "-q", query) == expected


def test_bad_query_exits_2_with_its_column(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", str(index), "-q", "after:2024-13-45")
    assert code == 2
    assert out == ""
    assert "invalid date at column 7" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("query", ["foo:bar", '"unclosed', "(oil", "conf>high", "is:nonsense"])
def test_every_bad_query_is_a_usage_error_that_points_at_a_column(
    index: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    code, _, err = run(capsys, "list", str(index), "-q", query)
    assert code == 2
    assert re.search(r"bad query: .* at column \d+", err), err
    assert "Traceback" not in err


# -- paths, limits, the sample ----------------------------------------------------------


def test_a_missing_path_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "list", str(tmp_path / "nowhere"))
    assert code == 2
    assert out == ""
    assert "no such file or folder" in err
    assert "nowhere" in err


def test_a_negative_limit_is_a_usage_error(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", str(index), "--limit", "-1")
    assert code == 2
    assert out == ""
    assert "--limit" in err


def test_a_single_file_can_be_the_index(index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = listed_ids(capsys, str(index / "003_c3c3c3c3c3c3c3c3.txt"))
    assert ids == [C3]


def test_without_a_path_it_lists_the_bundled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 37
    assert len({r["id"] for r in records}) == 37
    warnings = err.splitlines()
    assert len(warnings) == 3  # one of them: the sample's unknown label 'mixed', once
    assert all(line.startswith("warning: ") for line in warnings)
    assert sum("unknown label 'mixed'" in line for line in warnings) == 1


# -- warnings --------------------------------------------------------------------------


def test_warnings_go_to_stderr_one_line_each_naming_file_field_and_reason(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (index / "007_0707070707070707.txt").write_text(
        "title: Odd one\n\nconfidence: 1.7\n\npublishDate: tomorrow-ish\n\ncontent: <p>x</p>\n",
        encoding="utf-8",
    )
    (index / "008_empty.txt").write_bytes(b"")
    code, out, err = run(capsys, "list", str(index), "--format", "jsonl")
    assert code == 0
    assert len(out.splitlines()) == 7
    lines = err.splitlines()
    assert len(lines) == 3, err
    assert any(
        line.startswith("warning: 007_0707070707070707.txt: confidence: ") and "1.7" in line
        for line in lines
    )
    assert any(
        line.startswith("warning: 007_0707070707070707.txt: publishDate: ") for line in lines
    )
    assert any(line.startswith("warning: 008_empty.txt: file: ") for line in lines)
    # The record carries its own warnings too.
    record = next(json.loads(line) for line in out.splitlines() if "0707" in line)
    assert any(w.startswith("confidence: ") for w in record["warnings"])

    code, out, err = run(capsys, "list", str(index), "--quiet")
    assert code == 0
    assert err == "3 warnings (run without --quiet to see them)\n"


def test_quiet_with_one_warning_says_warning(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (index / "008_empty.txt").write_bytes(b"")
    code, _, err = run(capsys, "list", str(index), "--quiet")
    assert code == 0
    assert err == "1 warning (run without --quiet to see them)\n"


# -- the installed command ---------------------------------------------------------------


def test_list_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    """``tickertape list | head -1``: exit 0, nothing on stderr, no traceback."""
    root = tmp_path / "many"
    root.mkdir()
    summary = "A long summary that makes the output outgrow a pipe buffer. " * 20
    for n in range(250):
        (root / f"{n:03d}_{n:016x}.txt").write_text(
            f"title: Article {n}\n\nsummary: {summary}\n\n"
            f"publishDate: 2024-01-01T00:{n // 60:02d}:{n % 60:02d}Z\n\ncontent: <p>x</p>\n",
            encoding="utf-8",
        )
    assert main(["index", str(root)]) == 0  # warm the cache, so the pipe is what we test
    process = subprocess.Popen(
        [str(TICKERTAPE), "list", str(root), "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    assert process.stdout is not None
    assert process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=30) == 0
    assert json.loads(first)["title"] == "Article 249"
    assert err == b""
