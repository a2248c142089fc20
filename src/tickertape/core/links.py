"""Decide whether a URL from an index may be opened or copied.

Links come from untrusted files. A ``javascript:`` or ``file:`` URL, a leading ``-``
that a browser launcher reads as an option, user-info that disguises the real host,
or an invisible character that makes one URL look like another must never reach a
browser or the clipboard. Every open and copy asks :func:`check_link`; nothing else
decides. A refused URL is never "fixed": the user sees the reason instead.

An international host is shown, opened and copied in its ASCII (punycode) form:
``https://аррӏе.com`` is Cyrillic letters that pass for ``apple``, while
``xn--80ak6aa92e.com`` passes for nothing. A host whose letters mix scripts in a way
no single language writes (Unicode's "highly restrictive" level, UTS #39) is also
flagged in words. :func:`plan_open` and :func:`plan_copy` turn a verdict into what
the reader does and says, so the screen only shows it.
"""

from __future__ import annotations

import ipaddress
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
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
# Scripts that one language writes together (UTS #39, "highly restrictive"): a host
# whose letters fall in one of these sets, or in a single script, is not flagged.
_SCRIPT_SETS = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
# Browsers that draw in the terminal: started from the reader they would fight it for
# the screen and the keyboard, so they do not count as a browser to open links in.
_TERMINAL_BROWSERS = frozenset({"www-browser", "links", "links2", "elinks", "lynx", "w3m"})

Severity = Literal["information", "warning"]


@dataclass(slots=True, frozen=True)
class LinkCheck:
    """The verdict on one URL; ``url`` is the input unchanged, ``reason`` says why.

    ``target`` is what may be opened, copied and shown: the URL with its host in ASCII
    (punycode), "" when refused. ``warning`` is a reason to look twice, "" when none.
    """

    url: str
    ok: bool
    reason: str
    target: str = ""
    warning: str = ""


@dataclass(slots=True, frozen=True)
class LinkPlan:
    """What to do with a link the user chose, and the notice that says so."""

    act: bool  # open (or copy) ``target``; False: do nothing but show ``message``
    target: str
    message: str
    severity: Severity


def check_link(url: str) -> LinkCheck:
    """Accept only an ``http``/``https`` URL with a valid host; otherwise say why not."""
    reason = _refusal(url)
    if reason is not None:
        return LinkCheck(url, False, f"refused: {reason}")
    target, unicode_host = _ascii_host_form(url)
    if target is None:
        reason = "the host is not a valid international domain name (IDNA)"
        return LinkCheck(url, False, f"refused: {reason}")
    return LinkCheck(url, True, "ok", target, _mixed_script_warning(unicode_host))


def display_link(url: str) -> str:
    """How a link is shown (sidebar, link list): the ASCII form of an acceptable link,
    so a look-alike host never appears in the letters it imitates; else as it is."""
    check = check_link(url)
    return check.target if check.ok else url


def plan_open(url: str, *, browser: bool) -> LinkPlan:
    """Open ``url`` if it passes the check and ``browser`` says one can be started."""
    check = check_link(url)
    if not check.ok:
        return LinkPlan(False, "", f"Not opened: {check.reason}", "warning")
    if not browser:
        message = f"Not opened: no web browser was found; copy the link instead: {check.target}"
        return LinkPlan(False, check.target, _with_warning(message, check), "warning")
    message = _with_warning(f"Opening {check.target}", check)
    return LinkPlan(True, check.target, message, "warning" if check.warning else "information")


def plan_copy(url: str) -> LinkPlan:
    """Copy ``url`` (its ASCII form) if it passes the check."""
    check = check_link(url)
    if not check.ok:
        return LinkPlan(False, "", f"Not copied: {check.reason}", "warning")
    message = _with_warning(f"Copied {check.target}", check)
    return LinkPlan(True, check.target, message, "warning" if check.warning else "information")


def browser_available() -> bool:
    """True when Python's ``webbrowser`` has a browser it can start beside the reader.

    With none registered it raises (and ``webbrowser.open`` would return False): the
    reader must then say so, not "Opening". A text-mode browser does not count.
    """
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    name = os.path.basename(getattr(browser, "name", "") or "")
    return name not in _TERMINAL_BROWSERS


def _with_warning(message: str, check: LinkCheck) -> str:
    return f"{message}\n{check.warning}" if check.warning else message


def _ascii_host_form(url: str) -> tuple[str | None, str]:
    """``url`` with its host in ASCII, and the host in Unicode (for the script check).

    Each non-ASCII label goes through IDNA 2008 with the UTS #46 mapping, as browsers
    do (full-width letters become ASCII, ``ß`` stays ``ß``); an ``xn--`` label is
    decoded for the script check. ``None`` when a label cannot be encoded.
    """
    start = url.index("//") + 2
    netloc = urlsplit(url).netloc
    if netloc.startswith("["):
        return url, ""
    host, colon, port = netloc.partition(":")
    if host.isascii() and "xn--" not in host.lower():
        return url, host
    import idna  # only for international hosts: its tables take a while to import

    dot = "." if host.endswith(".") else ""
    ascii_labels: list[str] = []
    unicode_labels: list[str] = []
    try:
        for label in (host[:-1] if dot else host).split("."):
            if label.isascii():
                ascii_labels.append(label)
                unicode_labels.append(_decoded_label(label))
                continue
            encoded = idna.encode(label, uts46=True).decode("ascii")
            ascii_labels.append(encoded)
            unicode_labels.append(idna.decode(encoded))
    except (UnicodeError, ValueError):
        return None, host
    ascii_host = ".".join(ascii_labels) + dot
    target = url[:start] + ascii_host + colon + port + url[start + len(netloc) :]
    return target, ".".join(unicode_labels)


def _decoded_label(label: str) -> str:
    """An ``xn--`` label as the Unicode it stands for; any other label as it is."""
    if not label.lower().startswith("xn--"):
        return label
    import idna

    try:
        return idna.decode(label)
    except (UnicodeError, ValueError):
        return label


def _mixed_script_warning(host: str) -> str:
    """Words about a host whose letters mix scripts no single language mixes, or ""."""
    if host.isascii():
        return ""
    from confusable_homoglyphs import categories

    scripts = {categories.alias(ch) for ch in host if ch.isalpha()} - {"COMMON", "INHERITED"}
    if len(scripts) < 2 or any(scripts <= allowed for allowed in _SCRIPT_SETS):
        return ""
    names = " and ".join(sorted(name.title() for name in scripts))
    return f"Careful: the address mixes {names} letters, as look-alike addresses do."


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
