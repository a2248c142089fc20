"""Only http and https links with a real host may be opened or copied; the rest say why."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickertape.core.links import check_link


@pytest.mark.parametrize(
    "url",
    [
        "https://www.reuters.com/technology/amazons-cloud-2024-12-03/",
        "http://example.com",
        "HTTPS://EXAMPLE.COM/Path?q=1#frag",
        "HtTp://example.com/",
        "https://cn.wsj.com/articles/中国经济-11641234567",
        "https://example.com/caf%C3%A9?x=a%20b",
        "https://例え.jp/",
        "http://[::1]:8080/status",
        "https://example.com:8443/x",
        "https://example.com:/x",
        "https://example.com./",
        "http://192.168.0.1/",
        "https://sub_domain.example.com/",
    ],
)
def test_http_and_https_links_with_a_host_are_accepted(url: str) -> None:
    check = check_link(url)
    assert (check.url, check.ok, check.reason, check.warning) == (url, True, "ok", "")
    assert check.target == (url if urlsplit(url).netloc.isascii() else "https://xn--r8jz45g.jp/")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "refused: scheme 'javascript' is not http or https"),
        ("JavaScript:alert(1)", "refused: scheme 'javascript' is not http or https"),
        ("file:///etc/passwd", "refused: scheme 'file' is not http or https"),
        ("data:text/html,<script>alert(1)</script>", "refused: scheme 'data' is not"),
        ("ftp://example.com/", "refused: scheme 'ftp' is not http or https"),
        ("urn:reuters21578:42", "refused: scheme 'urn' is not http or https"),
        ("", "refused: empty link"),
        ("-https://example.com", "refused: starts with '-'"),
        ("--help", "refused: starts with '-'"),
        ("www.example.com/page", "refused: no scheme"),
        ("/relative/path", "refused: no scheme"),
        ("https://user:secret@example.com/", "refused: user-info in URL"),
        ("https://example.com@evil.com/", "refused: user-info in URL"),
        ("https://evil.com\\@good.com/", "refused: user-info in URL"),
        ("https://example.com/a b", "refused: contains control or whitespace characters"),
        (" https://example.com/", "refused: contains control or whitespace characters"),
        ("https://exa\tmple.com/", "refused: contains control or whitespace characters"),
        ("https://example.com/\n", "refused: contains control or whitespace characters"),
        ("https://example.com/\r\nX: y", "refused: contains control or whitespace"),
        ("https://example.com/\x1b[31m", "refused: contains control or whitespace"),
        ("https://example.com/\x9b", "refused: contains control or whitespace"),
        ("https://example.com/\x7f", "refused: contains control or whitespace"),
        ("https://example.com/\u202egpj.exe", "refused: contains control or whitespace"),
        ("https://exa\u2066mple.com/", "refused: contains control or whitespace"),
        ("https://pay\u200bpal.com/", "refused: contains control or whitespace"),
        ("https://pay\u2060pal.com/", "refused: contains control or whitespace"),
        ("https://example.com/\ufeff", "refused: contains control or whitespace"),
        ("https://example.com/\u00a0x", "refused: contains control or whitespace"),
        ("https://example.com/\u3000x", "refused: contains control or whitespace"),
        ("https://" + "a" * 2050 + ".com/", "refused: longer than 2,048 characters"),
        ("http:///path", "refused: no host"),
        ("https:example.com", "refused: no host"),
        ("https://", "refused: no host"),
        ("https://:443/", "refused: no host"),
        ("https://exa%41mple.com/", "refused: invalid characters in host"),
        ("https://example..com/", "refused: invalid characters in host"),
        ("https://exa<mple.com/", "refused: invalid characters in host"),
        ("https://example.com:80x/", "refused: port '80x' is not a number"),
        ("https://example.com:99999/", "refused: port '99999' is not a number"),
        ("https://example.com:+80/", "refused: port '+80' is not a number"),
        ("http://[::1/", "refused: malformed URL"),
        # Newer Pythons reject this in urlsplit already; older ones reach our own check.
        ("http://[not-an-ip]/", ("refused: malformed URL", "refused: invalid IPv6 host")),
    ],
)
def test_unsafe_links_are_refused_with_a_reason(url: str, reason: str | tuple[str, ...]) -> None:
    check = check_link(url)
    assert not check.ok
    assert check.reason.startswith(reason)


def test_refused_link_is_reported_unchanged_never_fixed() -> None:
    url = " javascript:alert(1)\n"
    assert check_link(url).url == url


def test_link_of_exactly_the_limit_is_accepted() -> None:
    url = "https://example.com/" + "a" * (2048 - len("https://example.com/"))
    assert len(url) == 2048
    assert check_link(url).ok


def test_long_scheme_is_cut_short_in_the_reason() -> None:
    assert len(check_link("a" * 500 + ":x").reason) < 80


@given(st.text())
def test_check_link_never_raises_and_accepts_only_http_or_https(url: str) -> None:
    check = check_link(url)
    assert check.url == url
    assert check.reason
    if check.ok:
        parts = urlsplit(url)
        assert parts.scheme.lower() in ("http", "https")
        assert parts.hostname


@given(
    st.sampled_from(["http", "https", "HTTP", "javascript", "file", "data", "", "-http"]),
    st.sampled_from(["://", ":", ":/", ":///"]),
    st.text(max_size=40),
)
def test_check_link_refuses_every_scheme_but_http_and_https(
    scheme: str, separator: str, rest: str
) -> None:
    check = check_link(scheme + separator + rest)
    if check.ok:
        assert scheme.lower() in ("http", "https")
        assert separator == "://"
        assert not any(ch.isspace() or not ch.isprintable() for ch in rest)
