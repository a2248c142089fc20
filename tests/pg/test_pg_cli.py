"""The command line and the reader on a PostgreSQL database: ``index --to``, the data
commands with a URL where they take a path, the reader, and clear failures."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.cli.conftest import run
from tests.ui.articles import ARTICLES, write_index
from tests.ui.conftest import wait_loaded, wait_until

pytest.importorskip("psycopg", reason="psycopg is not installed (the postgresql extra)")


@pytest.fixture
def loaded(tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    folder = write_index(tmp_path / "news")
    code, out, _ = run(capsys, "index", str(folder), "--to", pg_url)
    assert code == 0
    assert f"{len(ARTICLES)} articles loaded" in out
    return pg_url


def test_list_show_stats_and_export_read_the_database(
    loaded: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "list", loaded, "-q", "export licences", "--format", "jsonl")
    assert code == 0
    found = [json.loads(line) for line in out.splitlines()]
    assert [r["title"] for r in found] == ["Chipmakers rally as export rules ease"]
    assert found[0]["path"] == ARTICLES[0]["name"]  # the file it was loaded from
    code, out, _ = run(capsys, "show", loaded, found[0]["id"])
    assert code == 0
    assert "Nvidia" in out  # the body, from the database
    code, out, _ = run(capsys, "stats", loaded)
    assert code == 0
    assert f"{len(ARTICLES)} articles" in out
    target = tmp_path / "out.csv"
    code, _, _ = run(capsys, "export", loaded, "--format", "csv", "-o", str(target))
    assert code == 0
    assert len(list(csv.DictReader(target.open()))) == len(ARTICLES)
    code, out, _ = run(capsys, "tickers", loaded)
    assert code == 0
    assert "NVDA.O" in out


def test_loading_again_reads_nothing_new(
    loaded: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "index", str(tmp_path / "news"), "--to", loaded)
    assert code == 0
    assert "0 articles loaded · files: 0 added, 0 changed, 0 removed" in out


def test_json_lines_on_standard_input_load(pg_url: str) -> None:
    records = "".join(
        json.dumps({"id": f"p{n}", "title": f"Piped {n}", "content": "Wheat harvest"}) + "\n"
        for n in range(4)
    )
    loaded = subprocess.run(
        [sys.executable, "-m", "tickertape", "index", "-", "--to", pg_url],
        input=records, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    assert "4 articles loaded" in loaded.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "tickertape", "list", pg_url, "-q", "wheat", "--format", "jsonl"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert sorted(json.loads(line)["id"] for line in listed.stdout.splitlines()) == [
        "p0", "p1", "p2", "p3",
    ]  # fmt: skip


def test_an_unreachable_database_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"postgresql://reader:hunter2@/news?host={tmp_path}&connect_timeout=2"
    code, out, err = run(capsys, "list", url)
    assert code == 1
    assert out == ""
    assert err.startswith("tickertape: cannot reach the database postgresql://reader@/news")
    assert "hunter2" not in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_the_sqlite_path_never_imports_psycopg(tmp_path: Path) -> None:
    folder = write_index(tmp_path / "news")
    code = (
        "import sys; from tickertape.cli import main; "
        f"main(['list', {str(folder)!r}, '--quiet']); "
        "sys.exit(1 if any(m.startswith('psycopg') for m in sys.modules) else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr


async def test_the_reader_opens_on_the_database(loaded: str, tmp_path: Path) -> None:
    from tickertape.ui.app import TickertapeApp

    app = TickertapeApp(
        Path("db"), index_name="shared", cache_dir=tmp_path / "c", state_dir=tmp_path / "s",
        url=loaded,
    )  # fmt: skip
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert app.reader.header.total == len(ARTICLES)
        assert app.reader.current_article is not None
        assert app.reader.current_article.title == "Chipmakers rally as export rules ease"
        assert "Nvidia" in app.reader.current_article.content
        await pilot.press("slash", *"cloud", "enter")
        await wait_until(pilot, lambda: app.reader.header.shown == 1)


async def test_the_reader_keeps_its_rows_when_the_database_goes(
    loaded: str, pg_server: str, tmp_path: Path
) -> None:
    from tickertape.core.pg.schema import connect
    from tickertape.ui.app import TickertapeApp

    app = TickertapeApp(
        Path("db"), index_name="shared", cache_dir=tmp_path / "c", state_dir=tmp_path / "s",
        url=loaded,
    )  # fmt: skip
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        shown = app.reader.header.shown
        with connect(pg_server) as admin:
            name = urlsplit(loaded).path.lstrip("/")
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        await pilot.press("slash", *"export", "enter")
        await wait_until(
            pilot,
            lambda: any("database" in n.message for n in app._notifications),
        )
        assert app.reader.header.shown == shown  # what was shown stays
        assert app.is_running


def test_flags_are_kept_per_database(
    tmp_path: Path, pg_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.pg.conftest import new_database

    folder = write_index(tmp_path / "news")
    with new_database(pg_server) as first, new_database(pg_server) as second:
        for url in (first, second):
            assert run(capsys, "index", str(folder), "--to", url)[0] == 0
        code, out, _ = run(capsys, "list", first, "-q", "export licences", "--format", "jsonl")
        article_id = json.loads(out)["id"]
        code, out, _ = run(capsys, "mark", first, article_id, "--star")
        assert (code, out) == (0, "marked 1 article starred\n")

        def starred(where: str) -> list[str]:
            code, out, _ = run(capsys, "list", where, "-q", "is:starred", "--format", "jsonl")
            assert code == 0
            return [json.loads(line)["id"] for line in out.splitlines()]

        assert starred(first) == [article_id]
        assert starred(second) == []  # the same ids in another database
        assert starred(str(folder)) == []  # and in the folder itself


def test_index_check_reads_a_database(
    loaded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tickertape.core.pg.schema import connect

    code, out, err = run(capsys, "index", "--check", loaded)
    assert code == 0, err
    assert f"{len(ARTICLES)} articles · {len(ARTICLES)} files in 1 folder" in out
    assert "check: the database is consistent" in out
    with connect(loaded) as conn:
        conn.execute("DELETE FROM tickers WHERE ctid IN (SELECT ctid FROM tickers LIMIT 1)")
    code, out, err = run(capsys, "index", "--check", loaded)
    assert code == 1
    assert "check: 1 articles whose ticker list disagrees" in out
    assert "index PATH --to URL" in err
    code, _, err = run(capsys, "index", loaded)
    assert code == 1
    assert "tickertape index --check URL" in err
