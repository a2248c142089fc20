"""Search folding: the one spelling of text that the full-text index, the query and the
highlights all compare.

``cafe`` finds ``café``, ``σισυφος`` finds ``σίσυφος``, full-width ``ｏｉｌ`` finds
``oil`` and ``strasse`` finds ``straße``. Each character is folded on its own: NFKC
(compatibility forms such as full-width letters and ligatures), then case folding
(``ß`` to ``ss``, final ``ς`` to ``σ``), then the combining diacritical marks are
removed (accents, tonos, cedillas) and the rest recomposed. Marks that are part of a
letter in other scripts (Indic vowel signs and viramas, Hebrew points, Thai vowels)
are kept: dropping them would merge different words.

Folding a character at a time gives every folded character an origin in the text,
so a highlight found in the folded text maps back to exact offsets; the text of the
index and of a query goes through the same :func:`fold_text`.
"""

from __future__ import annotations

import re
import unicodedata

# The combining diacritical mark blocks: accents, not letters.
_DIACRITIC_RANGES = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)


def _is_diacritic(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _DIACRITIC_RANGES)


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def fold_char(ch: str) -> str:
    """One character folded: zero, one or several characters, all lower-case.

    Ends with ``lower()`` (a no-op but for the few scripts, like Cherokee, whose case
    folding is upper-case), so :func:`fold_text` may lower a whole text at C speed.
    """
    if ch.isascii():
        return ch.lower()
    folded = unicodedata.normalize("NFKC", ch).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    kept = "".join(part for part in decomposed if not _is_diacritic(part))
    return unicodedata.normalize("NFC", kept).lower()


class _FoldTable(dict[int, "int | str"]):
    """A ``str.translate`` table filled as characters are met: C-speed folding of long
    bodies, each distinct character computed once."""

    def __missing__(self, code: int) -> int | str:
        folded = fold_char(chr(code))
        value: int | str = ord(folded) if len(folded) == 1 else folded
        self[code] = value
        return value


_TABLE = _FoldTable()


def fold_text(text: str) -> str:
    """``text`` as the search compares it; equal to folding each character in turn.

    Only the runs of non-ASCII characters go through the table (news text has a few
    curly quotes and dashes a paragraph): three times faster than translating it all.
    """
    if text.isascii():
        return text.lower()
    return _NON_ASCII_RUN.sub(_fold_run, text).lower()


def _fold_run(match: re.Match[str]) -> str:
    return match[0].translate(_TABLE)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index in ``text`` of the
    character it came from (plus ``len(text)`` at the end, for a match's end)."""
    if text.isascii():
        return text.lower(), [*range(len(text) + 1)]
    parts: list[str] = []
    origins: list[int] = []
    for index, ch in enumerate(text):
        folded = fold_char(ch) if ch.isascii() else _folded(ord(ch))
        parts.append(folded)
        origins.extend([index] * len(folded))
    origins.append(len(text))
    return "".join(parts), origins


def _folded(code: int) -> str:
    value = _TABLE[code]
    return chr(value) if isinstance(value, int) else value
