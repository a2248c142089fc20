"""The installed command on the shared real-world corpus, checked against counts made
independently from the files themselves. Skipped where ../shared/corpus is absent.

Each index's cache is built once for the module, in a module-wide cache folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytestmark = pytest.mark.corpus

TICKERTAPE = Path(sys.executable).with_name("tickertape")
# Where tests/conftest.py's corpus_dir looks; that fixture is per test, and the cache
# here is built once per module.
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]"
)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if not (CORPUS / "reuters21578").is_dir() or not (CORPUS / "fin_html").is_dir():
        pytest.skip(f"{CORPUS} is absent: the shared corpus ships beside the repository only")
    home = tmp_path_factory.mktemp("corpus-home")
    return {
        **os.environ,
        "TICKERTAPE_CACHE_DIR": str(home / "cache"),
        "TICKERTAPE_DATA_DIR": str(home / "data"),
    }


def tickertape(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TICKERTAPE), *argv],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
        encoding="utf-8",
    )


def records(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def file_id(path: Path) -> str:
    return path.stem.split("_", 1)[1]


def header_field(path: Path, key: str) -> str | None:
    """The first ``key:`` field of an article file, read as plainly as possible."""
    text = path.read_text(encoding="utf-8", errors="replace")
    header = text.split("\ncontent:", 1)[0]
    for line in header.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() == key.lower():
            return value.strip()
    return None


@pytest.fixture(scope="module")
def reuters(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return tickertape(env, "list", str(CORPUS / "reuters21578"), "--format", "jsonl", "--quiet")


def test_reuters_lists_every_article_as_valid_json_with_unique_ids(
    reuters: subprocess.CompletedProcess[str],
) -> None:
    listed = records(reuters)
    assert len(listed) == 21_578
    assert len({r["id"] for r in listed}) == 21_578
    on_disk = {file_id(p) for p in (CORPUS / "reuters21578").iterdir() if p.is_file()}
    assert {r["id"] for r in listed} == on_disk
    assert re.fullmatch(r"[\d,]+ warnings? \(run without --quiet to see them\)\n", reuters.stderr)


def test_reuters_output_has_no_control_characters(
    reuters: subprocess.CompletedProcess[str],
) -> None:
    """Reuters bodies and dates carry `&#3;`-style entities for control bytes."""
    assert reuters.returncode == 0
    found = CONTROL.findall(reuters.stdout)
    assert not found, [hex(ord(c)) for c in found][:10]


def test_fin_html_ticker_query_finds_exactly_the_files_that_link_the_company(
    env: dict[str, str],
) -> None:
    root = CORPUS / "fin_html"
    expected = {
        file_id(path)
        for path in root.iterdir()
        if "/companies/LCID.O" in path.read_text(encoding="utf-8", errors="replace")
    }
    assert expected  # the corpus has at least one
    result = tickertape(env, "list", str(root), "-q", "ticker:LCID.O", "--format", "jsonl")
    listed = records(result)
    assert {r["id"] for r in listed} == expected
    assert len(listed) == len(expected)
    assert all("LCID.O" in r["tickers"] for r in listed)  # type: ignore[operator]


def test_fin_html_date_range_agrees_with_the_files_own_dates(env: dict[str, str]) -> None:
    root = CORPUS / "fin_html"
    start, end = datetime(2022, 3, 1, tzinfo=UTC), datetime(2022, 4, 1, tzinfo=UTC)
    expected: set[str] = set()
    for path in root.iterdir():
        value = header_field(path, "publishDate")
        if value is None:
            continue
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            continue
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        if start <= when < end:
            expected.add(file_id(path))
    query = "after:2022-03-01 before:2022-04-01"
    listed = records(tickertape(env, "list", str(root), "-q", query, "--format", "jsonl"))
    assert len(expected) > 100
    assert {r["id"] for r in listed} == expected
    assert len(listed) == len(expected)
    published = [str(r["published"]) for r in listed]
    assert all("2022-03-01" <= p < "2022-04-01" for p in published)
    assert published == sorted(published, reverse=True)  # newest first


def test_fin_html_stats_sections_each_sum_to_2000(env: dict[str, str]) -> None:
    result = tickertape(env, "stats", str(CORPUS / "fin_html"), "--format", "json", "--quiet")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["articles"] == 2_000
    for section in ("source", "sentiment", "language", "month"):
        assert sum(stats[section].values()) == 2_000, section
    assert len(stats["ticker"]) <= 20
