"""``tickertape stats``: counts by source, sentiment, label, language, ticker and month,
and each ticker's mean sentiment."""

from __future__ import annotations

import argparse
import json
import sys

from tickertape.commands.common import (
    add_path_argument,
    add_query_arguments,
    add_quiet_argument,
    add_refresh_argument,
    compile_from_args,
    open_path,
    query_epilog,
    report_problems,
)
from tickertape.core.sanitize import sanitize_inline
from tickertape.core.sentiment import score_direction
from tickertape.output import sentiment_glyph

SECTIONS = ("source", "sentiment", "label", "language", "ticker", "month")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="count articles by source, sentiment, label, language, ticker and month",
        description="Count the articles a query selects (all by default) by source,\n"
        "sentiment (the direction), label (as the feed writes it), language, ticker\n"
        "(top 20, with the mean sentiment of its articles: the score where there is\n"
        "one, else +1/0/-1 from the direction) and month (UTC). In JSON, articles\n"
        'without a value are counted under "", and the means are in "ticker_sentiment".',
        epilog=query_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_path_argument(parser)
    add_refresh_argument(parser)
    add_query_arguments(parser, query_help="count only what this query selects", sort=False)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    add_quiet_argument(parser)


def run(args: argparse.Namespace) -> int:
    compiled = compile_from_args(args.query)
    cache = open_path(args.path, full=args.refresh)
    try:
        report_problems(cache.problems(), quiet=args.quiet)
        total = len(cache.select(compiled))
        stats = cache.stats(compiled)
        means = cache.ticker_means(compiled, [code for code, _ in stats["ticker"]])
        story_stats = cache.story_stats()
        largest = [
            (n, article.title, article.id)
            for (lead, n), article in zip(
                story_stats.largest, cache.articles([lead for lead, _ in story_stats.largest]),
                strict=False,
            )
        ]
    finally:
        cache.close()
    if args.format == "json":
        payload = {
            "articles": total,
            **{name: {sanitize_inline(k): v for k, v in stats[name]} for name in SECTIONS},
            "ticker_sentiment": {
                code: None if mean is None else round(mean, 4) for code, mean in means.items()
            },
            "stories": story_stats.stories,
            "largest_stories": [
                {"lead": article_id, "title": sanitize_inline(title), "versions": n}
                for n, title, article_id in largest
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return 0
    lines = [f"{total:,} articles"]
    for name in SECTIONS:
        rows = stats[name]
        title = "ticker (top 20)" if name == "ticker" else name
        lines += ["", title.upper()]
        if not rows:
            lines.append("  (none)")
        width = max((len(f"{count:,}") for _, count in rows), default=1)
        key_width = max((len(sanitize_inline(key)) for key, _ in rows), default=0)
        for key, count in rows:
            line = f"  {count:>{width},}  {sanitize_inline(key) or '(none)'}"
            mean = means.get(key) if name == "ticker" else None
            if mean is not None:
                line = f"{line:<{width + key_width + 4}}  {sentiment_glyph(score_direction(mean))}"
                line += f" {mean:+.2f}"
            lines.append(line)
    lines += ["", "STORIES", f"  {story_stats.stories:,} in the whole index; the largest:"]
    if not largest:
        lines.append("  (none with more than one version)")
    for n, title, article_id in largest:
        lines.append(f"  {n:>4} versions  {sanitize_inline(title) or '(no title)'}  [{article_id}]")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
