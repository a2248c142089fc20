"""Decide whether a URL from an index may be opened or copied.

Links come from untrusted files. A ``javascript:`` or ``file:`` URL, a leading ``-``
that a browser launcher reads as an option, user-info that disguises the real host,
or an invisible character that makes one URL look like another must never reach a
browser or the clipboard. Every open and copy asks :func:`check_link`; nothing else
decides. A refused URL is never "fixed": the user sees the reason instead.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_LINK_CHARS = 2048
ALLOWED_SCHEMES = frozenset({"http", "https"})

# ASCII controls, space and DEL; non-ASCII is checked by Unicode category below.
_ASCII_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
# Categories refused outside ASCII: controls, format characters (bidi, zero-width,
# BOM), surrogates, private use, unassigned, and every kind of space or separator.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
# One host label: letters and digits of any script, hyphen, underscore.
_LABEL = re.compile(r"[\w-]+")
_PORT = re.compile(r"[0-9]{0,5}", re.ASCII)


@dataclass(slots=True, frozen=True)
class LinkCheck:
    """The verdict on one URL; ``url`` is the input unchanged, ``reason`` says why."""

    url: str
    ok: bool
    reason: str


def check_link(url: str) -> LinkCheck:
    """Accept only an ``http``/``https`` URL with a valid host; otherwise say why not."""
    reason = _refusal(url)
    if reason is None:
        return LinkCheck(url, True, "ok")
    return LinkCheck(url, False, f"refused: {reason}")


def _refusal(url: str) -> str | None:
    if not url:
        return "empty link"
    if len(url) > MAX_LINK_CHARS:
        return f"longer than {MAX_LINK_CHARS:,} characters"
    if url.startswith("-"):
        return "starts with '-'"
    # urlsplit silently drops tabs and newlines, so the raw string is checked first.
    if _has_unsafe_characters(url):
        return "contains control or whitespace characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "malformed URL"
    scheme = parts.scheme.lower()
    if not scheme:
        return "no scheme (only http and https links are opened)"
    if scheme not in ALLOWED_SCHEMES:
        return f"scheme {scheme[:20]!r} is not http or https"
    if "@" in parts.netloc:
        return "user-info in URL"
    return _host_refusal(parts.netloc)


def _has_unsafe_characters(url: str) -> bool:
    if _ASCII_UNSAFE.search(url):
        return True
    if url.isascii():
        return False
    return any(not ch.isascii() and unicodedata.category(ch) in _UNSAFE_CATEGORIES for ch in url)


def _host_refusal(netloc: str) -> str | None:
    """Check ``host[:port]``: a name of valid labels or a bracketed IPv6 address."""
    if netloc.startswith("["):
        address, _, port = netloc[1:].partition("]")
        if port and not port.startswith(":"):
            return "invalid characters in host"
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            return "invalid IPv6 host"
        port = port[1:]
    else:
        host, _, port = netloc.partition(":")
        if not host:
            return "no host"
        labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
        if not all(_LABEL.fullmatch(label) for label in labels):
            return "invalid characters in host"
    if not _PORT.fullmatch(port) or (port and int(port) > 65535):
        return f"port {port[:20]!r} is not a number from 0 to 65535"
    return None
