"""Look-alike links: an international host is shown, opened and copied in its punycode
form, a host that mixes scripts is flagged, and no browser means no "Opening".

``https://аррӏе.com`` is written in Cyrillic letters that look like ``apple``: shown
as is, it would pass for Apple's site. Its ASCII form ``xn--80ak6aa92e.com`` cannot.
"""

from __future__ import annotations

import webbrowser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickertape.core.links import (
    browser_available,
    check_link,
    display_link,
    plan_copy,
    plan_open,
)

LOOKALIKE = "https://аррӏе.com/login?next=/"


def test_an_international_host_is_passed_as_punycode() -> None:
    check = check_link(LOOKALIKE)
    assert check.ok
    assert check.url == LOOKALIKE
    assert check.target == "https://xn--80ak6aa92e.com/login?next=/"


def test_a_host_that_mixes_scripts_is_flagged() -> None:
    warning = check_link(LOOKALIKE).warning
    assert "Cyrillic" in warning
    assert "Latin" in warning
    assert "аррӏе" not in warning


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://www.reuters.com/markets/", "https://www.reuters.com/markets/"),
        ("HTTPS://EXAMPLE.COM/Path", "HTTPS://EXAMPLE.COM/Path"),
        ("https://пример.рф/новости", "https://xn--e1afmkfd.xn--p1ai/новости"),
        ("https://例え.jp/", "https://xn--r8jz45g.jp/"),
        ("https://bücher.example:8443/x", "https://xn--bcher-kva.example:8443/x"),
        ("https://straße.de/", "https://xn--strae-oqa.de/"),
        ("https://ａｐｐｌｅ.com/", "https://apple.com/"),
        ("http://[::1]:8080/status", "http://[::1]:8080/status"),
    ],
)
def test_single_script_hosts_are_punycode_and_not_flagged(url: str, target: str) -> None:
    check = check_link(url)
    assert check.ok, check.reason
    assert check.target == target
    assert check.warning == ""


@pytest.mark.parametrize(
    "url",
    [
        "https://xn--80ak6aa92e.com/",  # already punycode: what it stands for is checked
        "https://paypaӏ.com/",  # one Cyrillic letter in a Latin name
        "https://gοοgle.com/",  # Greek omicrons
    ],
)
def test_mixed_hosts_are_flagged(url: str) -> None:
    check = check_link(url)
    assert check.ok
    assert check.target.isascii()
    assert "mixes" in check.warning


@pytest.mark.parametrize("host", ["bü_cher.com", "ü" + "a" * 63 + ".com"])
def test_a_host_that_is_no_international_name_is_refused(host: str) -> None:
    check = check_link(f"https://{host}/")
    assert not check.ok
    assert "international domain name" in check.reason
    assert check.target == ""


def test_opening_says_what_is_opened_and_warns_about_a_mixed_host() -> None:
    plan = plan_open(LOOKALIKE, browser=True)
    assert plan.act
    assert plan.target == "https://xn--80ak6aa92e.com/login?next=/"
    assert plan.message.startswith("Opening https://xn--80ak6aa92e.com/login?next=/")
    assert "Cyrillic" in plan.message
    assert plan.severity == "warning"
    assert "аррӏе" not in plan.message


def test_without_a_browser_nothing_claims_to_open() -> None:
    plan = plan_open("https://news.example/a", browser=False)
    assert not plan.act
    assert "Opening" not in plan.message
    assert plan.message.startswith("Not opened: no web browser")
    assert "https://news.example/a" in plan.message
    assert plan.severity == "warning"


def test_a_refused_link_is_neither_opened_nor_copied() -> None:
    for plan in (plan_open("javascript:alert(1)", browser=True), plan_copy("javascript:alert(1)")):
        assert not plan.act
        assert plan.target == ""
        assert "refused: scheme 'javascript'" in plan.message


def test_copying_copies_the_punycode_form() -> None:
    plan = plan_copy(LOOKALIKE)
    assert plan.act
    assert plan.target == "https://xn--80ak6aa92e.com/login?next=/"
    assert plan.message.startswith("Copied https://xn--80ak6aa92e.com/")
    assert plan_copy("https://news.example/a").severity == "information"


def test_no_registered_browser_means_none_available(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_browser() -> webbrowser.BaseBrowser:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", no_browser)
    assert browser_available() is False


def test_a_text_mode_browser_does_not_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """lynx or w3m would take over the terminal the reader is drawn on."""
    monkeypatch.setattr(webbrowser, "get", lambda: webbrowser.GenericBrowser("w3m"))
    assert browser_available() is False
    monkeypatch.setattr(webbrowser, "get", lambda: webbrowser.BackgroundBrowser("firefox"))
    assert browser_available() is True


@given(st.text(max_size=30))
def test_any_host_is_judged_without_raising_and_targets_are_ascii_hosts(host: str) -> None:
    check = check_link(f"https://{host}/")
    if check.ok:
        assert check.target.startswith("https://")
        assert urlsplit(check.target).netloc.isascii()


def test_a_link_is_displayed_in_its_ascii_form_and_a_refused_one_as_it_is() -> None:
    assert display_link(LOOKALIKE) == "https://xn--80ak6aa92e.com/login?next=/"
    assert display_link("https://news.example/a") == "https://news.example/a"
    assert display_link("javascript:alert(1)") == "javascript:alert(1)"


def test_show_prints_links_in_their_ascii_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.cli.conftest import run

    index = tmp_path / "news"
    index.mkdir()
    (index / "001_0123456789abcdef.txt").write_text(
        f"link: {LOOKALIKE}\n\nimages: ['https://аррӏе.com/a.png']\n\ntitle: T\n\n"
        'content: <p>See <a href="https://аррӏе.com/x">this</a>.</p>\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "show", str(index), "0123")
    assert code == 0
    assert "Link:    https://xn--80ak6aa92e.com/login?next=/" in out
    assert "Image 1: https://xn--80ak6aa92e.com/a.png" in out
    assert "[1] https://xn--80ak6aa92e.com/x" in out
    assert "аррӏе" not in out
