"""Writing articles for scripts and people: JSON Lines, CSV and a plain-text table.

Every string written here has already been sanitised by the core; it is sanitised
once more on the way out, so the command line can never emit a control sequence
whatever a future code path forgets.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import IO, Any

from tickertape.core.article import Article, format_published
from tickertape.core.sanitize import sanitize, sanitize_inline, visible_path

FORMATS = ("table", "jsonl", "csv")
SENTIMENT_GLYPHS = {"positive": "▲", "negative": "▼", "neutral": "■"}
RECORD_KEYS = (
    "id", "path", "link", "source", "title", "summary", "published", "language",
    "sentiment", "sentiment_label", "score", "confidence", "tickers", "ticker_matches",
    "images", "warnings",
    "cluster", "versions",
)  # fmt: skip
# A spreadsheet runs a cell that begins with one of these as a formula (OWASP's "CSV
# injection"): ASCII ones, tab and carriage return, and the full-width forms some
# locales also read as a formula. A leading space does not protect the cell (some
# importers trim it).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def sentiment_glyph(direction: str) -> str:
    """▲ positive, ▼ negative, ■ neutral, ? for no direction (no label, an unknown one)."""
    return SENTIMENT_GLYPHS.get(direction, "?")


def conf_or_score(confidence: float | None, score: float | None) -> str:
    """The Conf/Score cell: the confidence, else the score with its sign, else ``-``.

    A score always shows its sign (``+0.42``) and a confidence never does, so a
    column holding both still says which each number is.
    """
    if confidence is not None:
        return f"{confidence:.2f}"
    if score is not None:
        return f"{score:+.2f}"
    return "-"


def conf_or_score_header(has_confidence: bool, has_score: bool) -> str:
    """``Conf``, ``Score`` or ``Conf/Score``: what the column shows."""
    if has_score and not has_confidence:
        return "Score"
    return "Conf/Score" if has_score else "Conf"


def article_record(article: Article, path: str) -> dict[str, Any]:
    """The one JSON shape of an article for scripts; keys exactly :data:`RECORD_KEYS`.

    ``path`` is the real path, whatever its characters: JSON Lines escapes them the
    JSON way, CSV and tables show them as visible escapes (:func:`visible_path`).
    """
    return {
        "id": article.id,
        "path": path,
        "link": sanitize_inline(article.link),
        "source": sanitize_inline(article.source),
        "title": sanitize_inline(article.title),
        "summary": sanitize(article.summary),
        "published": format_published(article.published),
        "language": sanitize_inline(article.language),
        "sentiment": article.sentiment or None,
        "sentiment_label": sanitize_inline(article.sentiment_label),
        "score": article.score,
        "confidence": article.confidence,
        "tickers": list(article.tickers),
        "ticker_matches": [
            {"code": match.code, "how": match.how} for match in article.ticker_matches
        ],
        "images": [sanitize_inline(url) for url in article.images],
        "warnings": [sanitize_inline(text) for text in article.warnings],
        # The story: its lead's id (null when the article is alone) and its size;
        # ``list`` and ``export`` fill them in from the cache.
        "cluster": None,
        "versions": 1,
    }


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[str]) -> None:
    """One record a line. ``json.dumps`` escapes only C0 controls; every other character
    a terminal could act on (DEL, C1, bidi, separators, lone surrogates) is escaped too,
    as ``\\uXXXX``, so the line is printable and still decodes to the exact value.

    Lines are written a batch at a time: one write a line cost a system call each
    where stdout is unbuffered (``PYTHONUNBUFFERED``), a third of the time at 6,000."""
    lines: list[str] = []
    try:
        for record in records:
            line = json.dumps(record, ensure_ascii=False)
            if not line.isprintable():
                line = "".join(ch if ch.isprintable() else _json_escape(ch) for ch in line)
            lines.append(line)
            if len(lines) >= _LINES_A_WRITE:
                out.write("\n".join(lines) + "\n")
                lines.clear()
    finally:  # what was read before a failure is written, as it was line by line
        if lines:
            out.write("\n".join(lines) + "\n")


_LINES_A_WRITE = 200


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def csv_text_cell(text: str) -> str:
    """``text`` as a cell a spreadsheet shows and never runs: a leading ``'`` when it
    could start a formula (OWASP's advice; the quote is visible, the text is kept whole).
    """
    if text.lstrip(" ").startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(records: Iterable[dict[str, Any]], out: IO[str]) -> None:
    """CSV with the JSON keys as header; lists joined by spaces (warnings by '; ').

    Text cells go through :func:`csv_text_cell`. Numbers (``score``, ``confidence``) do not: we
    write them from a float, so they hold only digits, a sign, a point and an exponent,
    never a formula, and a negative score must reach a spreadsheet as a number.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RECORD_KEYS)
    for record in records:
        row: list[str] = []
        for key in RECORD_KEYS:
            value = record[key]
            if value is None:
                row.append("")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                row.append(str(value))
            elif key == "path":
                row.append(csv_text_cell(visible_path(value)))
            elif key == "warnings":
                row.append(csv_text_cell("; ".join(value)))
            elif key == "ticker_matches":
                pairs = (f"{item['code']}:{item['how']}" for item in value)
                row.append(csv_text_cell(" ".join(pairs)))
            elif isinstance(value, list):
                row.append(csv_text_cell(" ".join(value)))
            else:
                row.append(csv_text_cell(str(value)))
        writer.writerow(row)


def _cell_len(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _fit(text: str, width: int) -> str:
    """Pad or cut ``text`` to ``width`` terminal cells (wide characters count twice)."""
    from rich.cells import set_cell_size

    if _cell_len(text) > width:
        return set_cell_size(text, max(width - 1, 0)) + "…"
    return set_cell_size(text, width)


def write_table(
    records: Sequence[dict[str, Any]],
    out: IO[str],
    *,
    width: int | None = None,
    versions: bool = False,
) -> None:
    """Aligned columns for people; the title is cut to ``width`` when one is given.
    With ``versions``, a column says how many versions each story has."""
    shown = [(r["confidence"], r["score"]) for r in records]
    has_confidence = any(confidence is not None for confidence, _ in shown)
    has_score = any(confidence is None and score is not None for confidence, score in shown)
    conf = conf_or_score_header(has_confidence, has_score).upper()
    header = ("ID", "DATE (UTC)", "S", conf, "SOURCE", "TICKERS", "TITLE")
    rows: list[tuple[str, ...]] = []
    for record in records:
        published = record["published"]
        date = (
            datetime.fromisoformat(published.replace("Z", "+00:00"))
            .astimezone(UTC)
            .strftime("%Y-%m-%d %H:%M")
            if published
            else "-"
        )
        rows.append(
            (
                record["id"],
                date,
                sentiment_glyph(record["sentiment"] or ""),
                conf_or_score(record["confidence"], record["score"]),
                record["source"] or "-",
                " ".join(record["tickers"]) or "-",
                record["title"] or "(no title)",
            )
        )
    caps = (16, 16, 1, 10, 24, 24)
    widths = [
        min(cap, max([_cell_len(header[i])] + [_cell_len(row[i]) for row in rows]))
        for i, cap in enumerate(caps)
    ]
    fixed = sum(widths) + 2 * len(widths)
    buffer = io.StringIO()
    for row in [header, *rows]:
        cells = [_fit(row[i], widths[i]) for i in range(len(widths))]
        title = row[-1]
        if width is not None:
            title = _fit(title, max(width - fixed, 10)).rstrip()
        buffer.write(("  ".join(cells) + "  " + title).rstrip() + "\n")
    text = buffer.getvalue()
    if versions:
        lines = text.splitlines(keepends=True)
        counts = ["VER", *(str(record.get("versions", 1)) for record in records)]
        pad = max(len(c) for c in counts)
        text = "".join(f"{c:>{pad}}  {line}" for c, line in zip(counts, lines, strict=True))
    out.write(text)
