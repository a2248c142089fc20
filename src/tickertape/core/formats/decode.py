"""Bytes to text for every format: BOMs, invalid UTF-8, NUL bytes, CRLF, binary files.

Index files are meant to be UTF-8, but real ones carry BOMs, Windows line ends,
stray Latin-1 bytes and NULs, and an index directory can hold images or archives
too. Text that is mostly readable is kept and each repair is recorded; a file that
is not mostly text is skipped, so one PNG never turns into a garbage article.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from tickertape.core.article import Problem

# A file is binary when more than this share of it is undecodable or control bytes.
BINARY_SHARE = 0.30

# Bytes that count as text: tab, LF, VT, FF, CR, printable ASCII and everything >= 0x80
# (whose validity the UTF-8 decoder judges). Deleting them leaves the control bytes.
_TEXT_BYTES = bytes([9, 10, 11, 12, 13, *range(0x20, 0x7F), *range(0x80, 0x100)])
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(slots=True)
class DecodedText:
    """The text of one file, or ``None`` when it was skipped, and what was repaired."""

    text: str | None
    problems: list[Problem] = field(default_factory=list)


def decode_bytes(data: bytes, rel_path: str) -> DecodedText:
    """Decode a file's bytes to text with ``\\n`` line ends, recording every repair.

    Only ``\\r\\n`` becomes ``\\n``: a lone ``\\r`` is not a line end in our formats.
    """
    problems: list[Problem] = []
    if data[:1] in (b"\xef", b"\xff", b"\xfe", b"\x00"):
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                if encoding != "utf-8":
                    return _decode_wide(data[len(bom) :], encoding, rel_path, problems)
                data = data[len(bom) :]
                break
    invalid = first_bad = 0
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="surrogateescape")
        invalid = len(_ESCAPED_BYTE.findall(text))
        first_bad = error.start
    controls = len(data.translate(None, _TEXT_BYTES))
    if invalid or controls:
        bad = invalid + controls
        if bad > BINARY_SHARE * len(data):
            wide = _guess_utf16(data)
            if wide is not None:
                problems.append(Problem(rel_path, "file", f"{wide} without a byte order mark"))
                return _decode_wide(data, wide, rel_path, problems)
            share = round(100 * bad / len(data))
            return DecodedText(None, [Problem(rel_path, "file", _binary_reason(share))])
        if invalid:
            text = _ESCAPED_BYTE.sub("\ufffd", text)
            problems.append(
                Problem(
                    rel_path,
                    "file",
                    f"{_count(invalid, 'invalid UTF-8 byte')} replaced with U+FFFD "
                    f"(the first at byte {first_bad})",
                )
            )
    return DecodedText(_normalise(text, rel_path, problems), problems)


def _decode_wide(data: bytes, encoding: str, rel_path: str, problems: list[Problem]) -> DecodedText:
    """UTF-16 and UTF-32: rare, so judged on characters after decoding, not on bytes."""
    text = data.decode(encoding, errors="replace")
    if text:
        bad = len(_CONTROL_CHARS.findall(text))
        if bad > BINARY_SHARE * len(text):
            share = round(100 * bad / len(text))
            return DecodedText(None, [*problems, Problem(rel_path, "file", _binary_reason(share))])
        replaced = text.count("\ufffd")
        if replaced:
            reason = f"{_count(replaced, f'invalid {encoding} sequence')} replaced with U+FFFD"
            problems.append(Problem(rel_path, "file", reason))
    return DecodedText(_normalise(text, rel_path, problems), problems)


def _normalise(text: str, rel_path: str, problems: list[Problem]) -> str:
    if "\x00" in text:
        nuls = text.count("\x00")
        text = text.replace("\x00", "")
        problems.append(Problem(rel_path, "file", f"{_count(nuls, 'NUL byte')} removed"))
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NULs in every other byte of ASCII-heavy text."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls > 0.6 * half and even_nuls < 0.1 * half:
        return "utf-16-le"
    if even_nuls > 0.6 * half and odd_nuls < 0.1 * half:
        return "utf-16-be"
    return None


def _binary_reason(share: int) -> str:
    return f"binary file ({share}% undecodable or control bytes); skipped"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
