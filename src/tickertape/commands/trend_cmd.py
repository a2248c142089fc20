"""``tickertape trend TICKER``: one ticker's articles and mean sentiment per day, week or
month, periods without articles included with zeros; ``--format plot`` draws it."""

from __future__ import annotations

import argparse
import sys

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
from tickertape.commands.tickers_cmd import add_since_argument, since_start, write_records
from tickertape.core.index.ticker_stats import PERIODS, Period
from tickertape.core.tickers import normalise_ticker

COLUMNS = ("start", "articles", "positive", "negative", "neutral", "mean")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "trend",
        help="one ticker's articles and mean sentiment per day, week or month",
        description="One row per period (its first day, UTC; weeks start on Monday) from\n"
        "the first article selected (or --since) to the newest: articles about TICKER,\n"
        "positive, negative, neutral, and the mean sentiment. Periods without articles\n"
        "are included with zeros. TICKER NVDA.O is that listing, NVDA every listing.",
        epilog=query_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ticker", metavar="TICKER", help="the ticker (NVDA.O, NVDA, $nvda)")
    add_path_argument(parser)
    add_refresh_argument(parser)
    add_query_arguments(parser, query_help="count only what this query selects", sort=False)
    parser.add_argument("--by", choices=PERIODS, default="month", help="period (default: month)")
    add_since_argument(parser)
    parser.add_argument("--format", choices=("table", "json", "csv", "plot"), default="table")
    add_quiet_argument(parser)


def run(args: argparse.Namespace) -> int:
    code = normalise_ticker(args.ticker)
    if code is None:
        raise UsageError(f"tickertape: {args.ticker!r} is not a ticker (try NVDA.O or NVDA)")
    # No query: the per-day ticker counts answer (core/index/ticker_days.py).
    compiled = compile_from_args(args.query) if args.query.strip() else None
    cache = open_path(args.path, full=args.refresh)
    try:
        report_problems(cache.problems(), quiet=args.quiet)
        first, last = cache.date_range(compiled)
        start = since_start(args.since, last)
        periods: list[Period] = []
        if first is not None and last is not None:
            begin = max(first.date(), start) if start is not None else first.date()
            if begin <= last.date():
                periods = cache.ticker_trend(code, compiled, args.by, begin, last.date())
    finally:
        cache.close()
    if args.format == "plot":
        plot(code, periods, args.by)
        return 0
    records: list[dict[str, object]] = [
        {
            "start": p.start.isoformat(), "articles": p.articles, "positive": p.positive,
            "negative": p.negative, "neutral": p.neutral,
            "mean": None if p.mean is None else round(p.mean, 4),
        }
        for p in periods
    ]  # fmt: skip
    write_records(records, COLUMNS, args.format)
    return 0


def plot(code: str, periods: list[Period], by: str) -> None:
    """Articles per period as bars and the mean sentiment as a line on its own axis."""
    import plotext as plt

    if not periods:
        sys.stdout.write(f"(no articles for {code})\n")
        return
    labels = [p.start.isoformat() for p in periods]
    xs = list(range(1, len(periods) + 1))
    plt.clear_figure()
    plt.theme("clear")
    plt.bar(xs, [p.articles for p in periods], label="articles", marker="sd")
    means = [(x, p.mean) for x, p in zip(xs, periods, strict=True) if p.mean is not None]
    if means:
        plt.plot(
            [x for x, _ in means], [m for _, m in means], yside="right", label="mean sentiment",
        )  # fmt: skip
        plt.ylim(-1, 1, yside="right")
    step = max(1, len(xs) // 6)
    plt.xticks(xs[::step], labels[::step])
    plt.title(f"{code}: articles per {by} and mean sentiment")
    tty = sys.stdout.isatty()
    if not tty:
        plt.plotsize(100, 25)
    chart = plt.build()
    sys.stdout.write((chart if tty else plt.uncolorize(chart)) + "\n")
