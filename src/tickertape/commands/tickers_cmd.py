"""``tickertape tickers``: one row per ticker of the matching articles, with its counts
by direction, mean sentiment and first and last appearance."""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from datetime import UTC, date, datetime, timedelta

from tickertape.commands.common import (
    UsageError,
    add_path_argument,
    add_query_arguments,
    add_quiet_argument,
    add_refresh_argument,
    compile_from_args,
    open_path,
    query_epilog,
    report_problems,
)
from tickertape.core.index.ticker_stats import TickerSummary
from tickertape.core.sanitize import sanitize_inline

FORMATS = ("table", "json", "csv")
COLUMNS = ("code", "articles", "positive", "negative", "neutral", "mean", "first", "last")
_SINCE = re.compile(r"(\d{1,5})([dwmy])")
SINCE_HELP = (
    "only articles since then: 30d, 12w, 6m, 1y (counted back from today, or from the "
    "newest article when the index is older than today) or a date (2024-05-01)"
)


def add_since_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="WHEN", help=SINCE_HELP)


def since_start(text: str | None, newest: datetime | None) -> date | None:
    """The first day ``--since`` lets in; relative periods end at the newest article when
    the index is older than today, so an archive still reads sensibly."""
    if not text:
        return None
    today = datetime.now(UTC).date()
    anchor = min(today, newest.date()) if newest is not None else today
    match = _SINCE.fullmatch(text.strip().lower())
    if match is not None:
        n, unit = int(match[1]), match[2]
        days = {"d": 1, "w": 7, "m": 30, "y": 365}[unit] * n
        return anchor - timedelta(days=days - 1)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"tickertape: bad --since {text!r}: use 30d, 12w, 6m, 1y or a date (2024-05-01)"
        ) from None


def as_datetime(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, datetime.min.time(), UTC)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "tickers",
        help="one row per ticker: articles, by direction, mean sentiment, first and last seen",
        description="One row per ticker of the articles a query selects (all by default):\n"
        "articles, positive, negative, neutral, the mean sentiment (each article's score\n"
        "for the ticker or its own, else +1/0/-1 from its direction) and the first and\n"
        "last publication dates (UTC).",
        epilog=query_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_path_argument(parser)
    add_refresh_argument(parser)
    add_query_arguments(parser, query_help="count only what this query selects", sort=False)
    add_since_argument(parser)
    parser.add_argument(
        "--sort", choices=("count", "score", "code"), default="count",
        help="most articles first (default), highest mean sentiment first, or A-Z",
    )  # fmt: skip
    parser.add_argument("--limit", type=int, metavar="N", help="at most N rows")
    parser.add_argument("--format", choices=FORMATS, default="table")
    add_quiet_argument(parser)


def _sorted(rows: list[TickerSummary], key: str) -> list[TickerSummary]:
    if key == "code":
        return sorted(rows, key=lambda r: r.code)
    if key == "score":
        return sorted(rows, key=lambda r: (r.mean is None, -(r.mean or 0.0), -r.articles, r.code))
    return rows


def _iso(when: datetime | None) -> str:
    return "" if when is None else when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _record(row: TickerSummary) -> dict[str, object]:
    return {
        "code": sanitize_inline(row.code),
        "articles": row.articles,
        "positive": row.positive,
        "negative": row.negative,
        "neutral": row.neutral,
        "mean": None if row.mean is None else round(row.mean, 4),
        "first": _iso(row.first) or None,
        "last": _iso(row.last) or None,
    }


def run(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise UsageError("tickertape: --limit must be 0 or more")
    # No query: the per-day ticker counts answer (core/index/ticker_days.py).
    compiled = compile_from_args(args.query) if args.query.strip() else None
    cache = open_path(args.path, full=args.refresh)
    try:
        report_problems(cache.problems(), quiet=args.quiet)
        start = since_start(args.since, cache.date_range()[1])
        rows = cache.ticker_summaries(compiled, as_datetime(start))
    finally:
        cache.close()
    rows = _sorted(rows, args.sort)
    if args.limit is not None:
        rows = rows[: args.limit]
    records = [_record(row) for row in rows]
    write_records(records, COLUMNS, args.format)
    return 0


def write_records(records: list[dict[str, object]], columns: tuple[str, ...], fmt: str) -> None:
    """Records as a JSON array, CSV with a header, or an aligned table."""
    if fmt == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow(["" if record[c] is None else record[c] for c in columns])
        return
    cells = [[_cell(record[c]) for c in columns] for record in records]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append(
            "  ".join(
                value.ljust(w) if i == 0 else value.rjust(w)
                for i, (value, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    if not records:
        lines.append("(no tickers)")
    sys.stdout.write("\n".join(lines) + "\n")


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:+.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    text = str(value)
    return text[:10] if re.fullmatch(r"\d{4}-\d\d-\d\dT.*Z", text) else text
