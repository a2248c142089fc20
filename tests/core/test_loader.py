"""Loading a whole index: unique ids, every problem collected, capped reads."""

from __future__ import annotations

import hashlib
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tickertape.core import loader
from tickertape.core.article import Article, Problem
from tickertape.core.loader import assign_unique_id, load_index, read_capped


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def article_text(title: str) -> str:
    return f"title: {title}\n\npublishDate: 2024-12-03T16:56:52Z\n\ncontent: <p>{title}</p>\n"


def sha16(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def test_an_index_loads_in_path_order(tmp_path: Path) -> None:
    write(tmp_path, "b/002_00000000000000b2.txt", article_text("two"))
    write(tmp_path, "a/001_00000000000000a1.txt", article_text("one"))
    record = {"title": "three", "date": "2024-12-03", "body": "<p>3</p>"}
    write(tmp_path, "c.jsonl", json.dumps(record) + "\n")
    loaded = load_index(tmp_path)
    assert [a.title for a in loaded.articles] == ["one", "two", "three"]
    assert [a.id for a in loaded.articles[:2]] == ["00000000000000a1", "00000000000000b2"]
    assert loaded.problems == []


def test_a_clashing_id_goes_to_the_later_path_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "a/001_ccb8ea6fd69811d1.txt", article_text("first"))
    write(tmp_path, "b/001_ccb8ea6fd69811d1.txt", article_text("second"))
    loaded = load_index(tmp_path)
    first, second = loaded.articles
    assert first.id == "ccb8ea6fd69811d1"
    assert second.id == sha16("b/001_ccb8ea6fd69811d1.txt")
    expected = Problem(
        "b/001_ccb8ea6fd69811d1.txt",
        "id",
        f"'ccb8ea6fd69811d1' is also the id of a/001_ccb8ea6fd69811d1.txt; using '{second.id}'",
    )
    assert loaded.problems == [expected]
    assert second.warnings == [expected.short()]
    assert first.warnings == []


def test_duplicate_links_are_two_articles(tmp_path: Path) -> None:
    text = "link: https://a.example/x\n\n" + article_text("t")
    write(tmp_path, "1.txt", text)
    write(tmp_path, "2.txt", text)
    assert len(load_index(tmp_path).articles) == 2


def test_when_the_path_hash_is_taken_too_a_counter_is_added() -> None:
    article = Article(id="abc12345", path="x/1.txt")
    fallback = sha16("x/1.txt")
    owners = {"abc12345": "a.txt", fallback: "b.txt", f"{fallback}-2": "c.txt"}
    problem = assign_unique_id(article, owners.get)
    assert article.id == f"{fallback}-3"
    assert problem is not None
    assert article.warnings == [problem.short()]


def test_a_free_id_is_left_alone() -> None:
    article = Article(id="abc12345", path="x/1.txt")
    owners: dict[str, str] = {}
    assert assign_unique_id(article, owners.get) is None
    assert article.id == "abc12345"
    assert article.warnings == []


def test_clashing_record_ids_use_path_and_ordinal(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "same", "title": t}) for t in ("a", "b")]
    write(tmp_path, "r.jsonl", "\n".join(lines) + "\n")
    loaded = load_index(tmp_path)
    assert [a.id for a in loaded.articles] == ["same", sha16("r.jsonl#1")]


def test_problems_from_articles_and_skipped_files_are_all_collected(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "title: T\n\nconfidence: 3\n\ncontent: x")
    write(tmp_path, "notes.md", "no fields here\n")
    (tmp_path / "pic.png").write_bytes(bytes(range(256)) * 8)
    loaded = load_index(tmp_path)
    assert [a.path for a in loaded.articles] == ["a.txt"]
    assert [(p.path, p.field) for p in loaded.problems] == [
        ("a.txt", "publishDate"),
        ("a.txt", "confidence"),
        ("notes.md", "file"),
        ("pic.png", "file"),
    ]


def test_a_single_file_can_be_loaded(tmp_path: Path) -> None:
    path = write(tmp_path, "000_ccb8ea6fd69811d1.txt", article_text("solo"))
    [article] = load_index(path).articles
    assert (article.id, article.path) == ("ccb8ea6fd69811d1", "000_ccb8ea6fd69811d1.txt")


def test_an_oversized_file_is_read_up_to_the_cap_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_ARTICLE_FILE_BYTES", 1000)
    head = "title: Big!\n\npublishDate: 2024-12-03\n\ncontent: "
    assert len(head) % 2 == 1  # so the 1,000th byte falls inside a two-byte "é"
    write(tmp_path, "big.txt", head + "é" * 5000)
    loaded = load_index(tmp_path)
    [article] = loaded.articles
    assert loaded.problems[0] == Problem(
        "big.txt", "file", "is over the 1,000 bytes limit; only the first 999 bytes were read"
    )
    assert article.warnings[0] == loaded.problems[0].short()
    # Cut on a character boundary: no invalid byte at the end.
    assert not article.content.endswith("\ufffd")
    assert len(loaded.problems) == 1


def test_read_capped_returns_everything_under_the_cap(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "hello")
    assert read_capped(path, "a.txt", 5) == (b"hello", None)


@pytest.fixture
def fails_instead_of_hanging() -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("the load hung")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.usefixtures("fails_instead_of_hanging")
def test_a_fifo_in_the_index_does_not_hang_the_load(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path, "a.txt", article_text("ok"))
    loaded = load_index(tmp_path)
    assert [a.title for a in loaded.articles] == ["ok"]
    assert [p.path for p in loaded.problems] == ["pipe.txt"]


@pytest.mark.usefixtures("fails_instead_of_hanging")
def test_reading_a_fifo_directly_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    data, problem = read_capped(tmp_path / "pipe.txt", "pipe.txt", 100)
    assert data is None
    assert problem == Problem("pipe.txt", "file", "is no longer a regular file; skipped")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file, whatever its mode")
def test_an_unreadable_file_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", article_text("secret"))
    write(tmp_path, "b.txt", article_text("ok"))
    path.chmod(0)
    try:
        loaded = load_index(tmp_path)
    finally:
        path.chmod(0o644)
    assert [a.title for a in loaded.articles] == ["ok"]
    assert loaded.problems[0].path == "a.txt"
    assert "Permission denied" in loaded.problems[0].reason


def test_a_file_that_vanishes_after_the_scan_is_a_problem(tmp_path: Path) -> None:
    data, problem = read_capped(tmp_path / "gone.txt", "gone.txt", 100)
    assert data is None
    assert problem is not None
    assert problem.reason == "cannot be read (No such file or directory); skipped"


def test_a_permission_error_skips_just_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path as chmod 000 for a non-root user, simulated so it runs as root too."""
    write(tmp_path, "a.txt", article_text("secret"))
    write(tmp_path, "b.txt", article_text("ok"))
    real_open = os.open

    def deny_a(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if os.fspath(path).endswith("a.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", deny_a)
    loaded = load_index(tmp_path)
    assert [a.title for a in loaded.articles] == ["ok"]
    assert loaded.problems == [
        Problem("a.txt", "file", "cannot be read (Permission denied); skipped")
    ]
