"""Exit codes, messages instead of tracebacks, and output that never carries a control
character or markup, whatever the index holds (PRODUCT 1.3, 3 and 5)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tickertape import __version__
from tickertape.cli import COMMANDS, main

TICKERTAPE = Path(sys.executable).with_name("tickertape")

# Everything a terminal could act on, or that hides or reorders text: C0 but tab and
# newline, DEL, C1, bidi embeddings/overrides/isolates, zero-width characters, BOM.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff]"
)
MARKUP = ("[@click=app.quit]x[/]", "[bold red]loud[/bold red]")
NASTY = (
    "\x1b[31mred\x1b[0m \x1b]52;c;cHduZWQ=\x07 \x1b]0;retitled\x1b\\ \x1bP+q\x1b\\ \x1b7\x1b8 "
    "\x9b31m \x9d0;t\x9c \x90dcs\x9c \x01\x02\x07\x08\x0b\x0c\x0e\x1f\x7f \x85\x9f "
    "\u202a\u202b\u202c\u202d\u202e \u2066\u2067\u2068\u2069 \u200b\u200c\u200d\u200e\u200f"
    "\u2060\ufeff &#27;[2J &#x1b;]52;c;eA==&#7; &#155;1m &#x9b;0m &#8238;rev "
    f"{MARKUP[0]} {MARKUP[1]}"
)
EVIL_NAME = "002_\x1b[31mred\x1b]0;x\x07_0000000000000bee.txt"


def installed(*argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(TICKERTAPE), *argv], capture_output=True, env=dict(os.environ), timeout=60, check=False
    )


def assert_clean(text: str, what: str) -> None:
    found = FORBIDDEN.findall(text)
    assert not found, f"{what} holds {[hex(ord(c)) for c in found][:10]}"


# -- exit codes and messages -------------------------------------------------------------


def test_version_prints_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"tickertape {__version__}\n"
    result = installed("--version")
    assert result.returncode == 0
    assert result.stdout.decode() == f"tickertape {__version__}\n"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_that_exits_0(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: tickertape {command}")


def test_list_help_from_the_installed_command_explains_the_query_language() -> None:
    result = installed("list", "--help")
    assert result.returncode == 0
    assert result.stderr == b""
    out = result.stdout.decode()
    assert "--sort" in out
    assert "relevance" in out
    assert "ticker:NVDA" in out
    assert "after:2024-12-01" in out
    assert "is:starred" in out


# What each command needs before argparse looks at an unknown option.
REQUIRED = {
    "list": [], "index": [], "stats": [], "show": ["abc"], "mark": ["abc", "--star"],
    "export": ["-o", "out.jsonl"], "tickers": [], "trend": ["NVDA.O"], "watch": [],
}  # fmt: skip


def test_every_command_is_tried_with_an_unknown_option() -> None:
    assert set(REQUIRED) == set(COMMANDS)


@pytest.mark.parametrize("argv", [[command, *extra] for command, extra in REQUIRED.items()])
def test_an_unknown_option_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *argv, "--no-such-option")
    assert code == 2
    assert out == ""
    assert "--no-such-option" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--limit", "many"],
        ["list", "--sort", "colour"],
        ["list", "--format", "xml"],
        ["stats", "--format", "csv"],
        ["export", "--format", "table", "-o", "x"],
        ["show"],
        ["mark", "abc"],
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("tickertape")
    assert "Traceback" not in err


def test_the_installed_command_reports_user_errors_without_a_traceback(
    index: Path, tmp_path: Path
) -> None:
    bad_query = installed("list", str(index), "-q", "after:2024-13-45")
    assert bad_query.returncode == 2
    assert bad_query.stdout == b""
    assert b"invalid date at column 7" in bad_query.stderr
    missing = installed("list", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert b"no such file or folder" in missing.stderr
    unknown = installed("show", str(index), "ffffffff")
    assert unknown.returncode == 1
    assert b"no article with id 'ffffffff'" in unknown.stderr
    option = installed("stats", "--frobnicate")
    assert option.returncode == 2
    for result in (bad_query, missing, unknown, option):
        assert b"Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_a_system_error_is_a_failure_with_a_message(
    index: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tickertape.commands.list_cmd as list_cmd

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/some/cache.sqlite")

    monkeypatch.setattr(list_cmd, "open_path", refuse)
    code, out, err = run(capsys, "list", str(index))
    assert code == 1
    assert out == ""
    assert err == "tickertape: /some/cache.sqlite: Permission denied\n"


def test_an_argument_with_an_escape_sequence_is_not_echoed_raw(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "list", "--\x1b]0;pwned\x07", "extra\x1b[31m")
    assert code == 2
    assert "unrecognized arguments" in err
    assert_clean(err, "stderr")
    code, _, err = run(capsys, "show", "x", "\x1b[2J")
    assert code == 2
    assert_clean(err, "stderr")


def test_a_query_may_start_with_an_exclusion(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "list", str(index), "-q", "-sentiment:neutral", "--format", "jsonl"
    )
    assert code == 0, err
    assert len(out.splitlines()) == 4
    code, out, _ = run(capsys, "stats", str(index), "--query", "-amazon", "--format", "json")
    assert code == 0
    assert json.loads(out)["articles"] == 4


# -- output safety ---------------------------------------------------------------------


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """Every field of two articles full of escape sequences, controls, bidi and invisible
    characters, entities that decode to them, and Rich markup; one file name with an
    escape sequence; a skipped file with one; and a JSON Lines record with JSON escapes."""
    root = tmp_path / "hostile"
    root.mkdir()
    text = (
        f"link: https://evil.example/{NASTY}\n\nsource: src {NASTY}\n\ntitle: Title {NASTY}\n\n"
        f"summary: Sum {NASTY}\nsecond line {NASTY}\n\npublishDate: 2024-01-02T03:04:05Z\n\n"
        f"language: en{NASTY}\n\nsentiment: {NASTY}\n\nconfidence: 0.5{NASTY}\n\n"
        f"images: ['https://img.example/{NASTY}']\n\nx-extra-{NASTY}: {NASTY}\n\n"
        f'content: <p>Body {NASTY}</p><p><a href="https://e.example/{NASTY}">link {NASTY}</a>'
        ' <a href="https://www.reuters.com/markets/companies/NVDA.O">(NVDA.O)</a></p>'
        f"<script>{NASTY}</script><table><tr><td>{NASTY}</td></tr></table>\n"
    )
    (root / "001_0000000000000bad.txt").write_text(text, encoding="utf-8")
    (root / EVIL_NAME).write_text(text, encoding="utf-8")
    (root / "003_\x1b]0;x\x07broken.txt").write_bytes(b"")
    record = {
        "url": "https://json.example/\u001b]52;c;x\u0007",
        "title": f"JSON {NASTY}",
        "description": "\u001b[2J\u009b1m",
        "source": {"name": f"json {NASTY}"},
        "publishedAt": "2024-02-03T04:05:06Z",
        "content": f"<p>{NASTY}</p>",
    }
    (root / "004_records.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return root


def test_no_command_prints_a_control_character_and_markup_stays_text(
    hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "list", str(hostile), "--format", "jsonl")
    assert code == 0
    ids = [json.loads(line)["id"] for line in out.splitlines()]
    assert len(ids) == 3
    export = tmp_path / "export.jsonl"
    commands = [
        ["list", str(hostile)],
        ["list", str(hostile), "--format", "jsonl"],
        ["list", str(hostile), "--format", "csv"],
        ["list", str(hostile), "-q", "title", "--sort", "relevance"],
        ["stats", str(hostile)],
        ["stats", str(hostile), "--format", "json"],
        ["export", str(hostile), "-o", str(export)],
        ["export", str(hostile), "--format", "csv", "-o", str(tmp_path / "export.csv")],
        ["mark", str(hostile), *ids, "--star"],
        *(["show", str(hostile), article_id] for article_id in ids),
    ]
    for argv in commands:
        code, out, err = run(capsys, *argv)
        assert code == 0, (argv, err)
        assert_clean(out, f"stdout of {argv[:2]}")
        assert_clean(err, f"stderr of {argv[:2]}")
        assert "\x1b" not in repr(out)  # no ESC, however spelled
        if argv[0] in ("list", "show"):
            for markup in MARKUP:
                assert markup in out, (argv, markup)
    for written in (export, tmp_path / "export.csv"):
        content = written.read_text(encoding="utf-8")
        assert_clean(content, written.name)
        assert MARKUP[0] in content
        assert MARKUP[1] in content
    titles = [json.loads(line)["title"] for line in export.read_text().splitlines()]
    assert all(title.endswith(f"{MARKUP[0]} {MARKUP[1]}") for title in titles)


def test_escape_sequences_in_file_names_never_reach_the_terminal(
    hostile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "list", str(hostile), "--format", "jsonl")
    assert code == 0
    assert_clean(out, "stdout")
    assert_clean(err, "stderr")
    assert "broken.txt: file: " in err  # the skipped file is named, made safe
    paths = [json.loads(line)["path"] for line in out.splitlines()]
    assert any("red" in path and "0000000000000bee" in path for path in paths)
    evil_id = next(
        json.loads(line)["id"] for line in out.splitlines() if "bee" in json.loads(line)["path"]
    )
    code, out, err = run(capsys, "show", str(hostile), evil_id)
    assert code == 0
    assert err  # the article's warnings, each naming the (cleaned) file
    assert all(line.startswith("warning: 002_") for line in err.splitlines())
    assert_clean(out, "show stdout")
    assert_clean(err, "show stderr")


def test_the_installed_command_writes_clean_bytes(hostile: Path) -> None:
    listed = installed("list", str(hostile), "--format", "jsonl")
    assert listed.returncode == 0
    first_id = json.loads(listed.stdout.splitlines()[0])["id"]
    for result in (
        listed,
        installed("list", str(hostile)),
        installed("show", str(hostile), first_id),
    ):
        assert result.returncode == 0
        for stream in (result.stdout, result.stderr):
            text = stream.decode("utf-8")  # valid UTF-8 throughout
            assert_clean(text, "output")
            assert b"\x1b" not in stream
            assert b"\x07" not in stream
