"""``tickertape show``: one article, cleaned, as plain text (tickers and links marked)."""

from __future__ import annotations

import argparse
import sys

from tickertape.commands.common import (
    CommandFailed,
    UsageError,
    add_quiet_argument,
    add_refresh_argument,
    count_noun,
    open_path,
)
from tickertape.core.article import Article, format_published
from tickertape.core.links import display_link
from tickertape.core.sanitize import sanitize, sanitize_inline, visible_path
from tickertape.output import sentiment_glyph


def sentiment_text(article: Article) -> str:
    """The label as written, its direction when the label does not say it plainly,
    the confidence and the signed score: ``Somewhat-Bullish (positive) score +0.21``."""
    label, direction = article.sentiment_label, article.sentiment
    if label:
        text = label if label.lower() == direction else f"{label} ({direction or 'unknown label'})"
    else:
        text = f"{direction} (from the score)" if direction else "no sentiment"
    if article.confidence is not None:
        text += f" {article.confidence:.2f}"
    if article.score is not None:
        text += f" score {article.score:+.2f}"
    return text


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "show",
        help="print one article as plain text",
        description="Print one article: title, metadata and the cleaned text, with links "
        "numbered [1], [2]... and listed at the end. ID may be any unique prefix of the "
        "article id. The article's warnings go to stderr.",
        usage="tickertape show [-h] [--quiet] [--refresh] [PATH] ID",
    )
    parser.add_argument("args", nargs="+", metavar="[PATH] ID", help=argparse.SUPPRESS)
    add_quiet_argument(parser)
    add_refresh_argument(parser)


def render_article(article: Article) -> str:
    """The article as plain text: header lines, the summary, the body, numbered links."""
    from tickertape.core.clean import blocks_to_plain, clean_html

    lines = [article.title or "(no title)"]
    published = format_published(article.published)
    meta = [
        article.source or "unknown source",
        published or "no date",
        article.language or "no language",
    ]
    meta.append(f"{sentiment_glyph(article.sentiment)} {sentiment_text(article)}")
    lines.append(" · ".join(meta))
    lines.append("")
    lines.append(f"Link:    {display_link(article.link) if article.link else '-'}")
    lines.append(f"Tickers: {' '.join(article.tickers) or '-'}")
    for index, url in enumerate(article.images, 1):
        lines.append(f"Image {index}: {display_link(url)}")
    for key, value in article.extra.items():
        lines.append(f"{key}: {value}")
    lines.append(f"Id:      {article.id}")
    lines.append(f"File:    {visible_path(article.path)}")
    for warning in article.warnings:
        lines.append(f"Warning: {warning}")
    if article.summary:
        lines += ["", *(f"  > {line}" for line in article.summary.splitlines())]
    body = blocks_to_plain(clean_html(article.content)) if article.content else ""
    lines += ["", body if body else "(no content)"]
    return "\n".join(sanitize(line) for line in lines).rstrip() + "\n"


def run(args: argparse.Namespace) -> int:
    if len(args.args) > 2:
        raise UsageError("tickertape show: expected [PATH] ID")
    path, wanted = (None, args.args[0]) if len(args.args) == 1 else args.args
    cache = open_path(path, full=args.refresh)
    try:
        matches = cache.find(wanted)
        if not matches:
            raise CommandFailed(f"no article with id {sanitize_inline(wanted)!r}")
        if len(matches) > 1:
            raise CommandFailed(
                f"{len(matches)} articles have ids starting with {sanitize_inline(wanted)!r}; "
                "give more of the id"
            )
        article = cache.load_article(matches[0])
    finally:
        cache.close()
    if args.quiet and article.warnings:
        sys.stderr.write(
            f"{count_noun(len(article.warnings), 'warning')} (run without --quiet to see them)\n"
        )
    elif article.warnings:
        where = visible_path(article.path)
        sys.stderr.write(
            "".join(f"warning: {where}: {sanitize_inline(w)}\n" for w in article.warnings)
        )
    sys.stdout.write(render_article(article))
    return 0
