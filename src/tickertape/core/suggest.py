"""What to say when a query finds nothing: which part failed, and what would match.

"No article matches" leaves the user guessing between a typo, a value this index
does not use (``sentiment:bullish`` where the labels are positive and negative) and
a search index still being built. :func:`explain_empty` looks at each part of the
query on its own against the index's own values, with a few aggregate queries, and
returns hints a reader or a script can show.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from tickertape.core.query import (
    Field,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    compile_query,
    parse,
)
from tickertape.core.tickers import ticker_base

if TYPE_CHECKING:
    from tickertape.core.index import Index

MAX_SUGGESTIONS: Final = 5
VALUES_LIMIT: Final = 1000
"""Distinct sources (or labels, languages) compared with a value: the most frequent."""


@dataclass(slots=True, frozen=True)
class Hint:
    """One piece of advice: a sentence, and query clauses that would find articles
    (with how many each finds), best first."""

    text: str
    suggestions: tuple[tuple[str, int], ...] = ()


def explain_empty(index: Index, text: str, *, now: datetime | None = None) -> list[Hint]:
    """Hints for a query ``text`` that selected no article of ``index``."""
    try:
        tree = parse(text)
    except QueryError:
        return []
    if tree is None:
        return [Hint("This index has no articles yet.")] if index.count() == 0 else []
    now = now or datetime.now(UTC)
    hints: list[Hint] = []
    parts = list(_required(tree))
    has_words = any(isinstance(part, Term | Phrase) for part in parts)
    if has_words and not index.fts_ready():
        hints.append(
            Hint("Full-text search is still indexing: words match the articles read so far.")
        )
    for part in parts:
        if _matches(index, part, now):
            continue
        if isinstance(part, Field):
            hints.append(_field_hint(index, part, now))
        elif index.fts_ready():
            hints.append(_words_hint(index, part, now))
    if not hints and len(parts) > 1:
        counts = tuple((str(part), _count(index, part, now)) for part in parts)
        hints.append(Hint("Each part finds articles, but no article matches them all:", counts))
    return hints


def _required(node: Node) -> Iterator[Node]:
    """The parts every match must satisfy: the terms of the top-level conjunction
    (``OR`` groups and negations are left whole, they are not values to correct)."""
    children = getattr(node, "children", None)
    if children is not None and not isinstance(node, Or):
        for child in children:
            yield from _required(child)
    elif not isinstance(node, Not | Or):
        yield node


def _matches(index: Index, node: Node, now: datetime) -> bool:
    return bool(index.select(compile_query(node, now=now), limit=1))


def _count(index: Index, node: Node, now: datetime) -> int:
    return len(index.select(compile_query(node, now=now)))


def _field_hint(index: Index, field: Field, now: datetime) -> Hint:
    name, value = field.name, field.value
    if name == "ticker":
        return _ticker_hint(index, value)
    if name == "sentiment":  # the directions, then the labels as written
        found: dict[str, tuple[str, int]] = {}
        for label, count in (*index.values("sentiment"), *index.values("label")):
            found.setdefault(label.lower(), (label, count))
        return _value_hint(name, value, list(found.values()))
    if name in ("source", "lang"):
        column = "language" if name == "lang" else name
        return _value_hint(name, value, index.values(column, VALUES_LIMIT))
    if name in ("after", "before"):
        return _dates_hint(index, str(field))
    if name == "conf":
        if not _matches(index, Field("conf", ">=", "0"), now):
            return Hint("No article in this index has a confidence.")
        return Hint(f"No article has a confidence {field.op} {value}.")
    if value == "starred":
        return Hint("No article is starred.")
    if value == "read":
        return Hint("No article has been read yet.")
    return Hint("Every article has been read.")


def _ticker_hint(index: Index, value: str) -> Hint:
    """The closest codes the index has (``NVDA.O`` for ``NVDA.OQ``, ``NVDA`` for ``NVDX``)."""
    stats = index.ticker_stats()
    if not stats:
        return Hint(f"No article mentions {value}: this index has no tickers.")
    by_code = {code: count for code, (count, _) in stats.items()}
    if "." in value:
        pool = by_code
    else:
        pool = {}
        for code, count in by_code.items():
            base = ticker_base(code)
            pool[base] = pool.get(base, 0) + count
    close = difflib.get_close_matches(value, list(pool), n=MAX_SUGGESTIONS, cutoff=0.5)
    if not close:
        base = ticker_base(value)
        close = [code for code in pool if ticker_base(code) == base][:MAX_SUGGESTIONS]
    if close:
        suggestions = tuple((str(Field("ticker", ":", code)), pool[code]) for code in close)
        return Hint(f"No article mentions {value}. Closest tickers here:", suggestions)
    top = sorted(pool.items(), key=lambda item: (-item[1], item[0]))[:MAX_SUGGESTIONS]
    suggestions = tuple((str(Field("ticker", ":", code)), count) for code, count in top)
    return Hint(f"No article mentions {value}. Most mentioned here:", suggestions)


def _value_hint(name: str, value: str, values: Sequence[tuple[str, int]]) -> Hint:
    """The values this index uses: every label (there are few), the closest sources."""
    present = [(label, count) for label, count in values if label]
    what = {"sentiment": "sentiment label", "source": "source", "lang": "language"}[name]
    if not present:
        return Hint(f"No article in this index has a {what}.")
    if name == "source":
        lowered = {label.lower(): (label, count) for label, count in present}
        close = difflib.get_close_matches(value, list(lowered), n=MAX_SUGGESTIONS, cutoff=0.4)
        picked = [lowered[key] for key in close] or present[:MAX_SUGGESTIONS]
        intro = "Closest sources here:" if close else "Most frequent sources here:"
    else:
        picked = present[: MAX_SUGGESTIONS * 2]
        plural = "labels" if name == "sentiment" else "languages"
        intro = f"The {plural} of this index:"
    suggestions = tuple((str(Field(name, ":", label.lower())), count) for label, count in picked)
    return Hint(f"No article has the {what} {value!r}. {intro}", suggestions)


def _dates_hint(index: Index, clause: str) -> Hint:
    """The span of dates the index covers."""
    dated = compile_query(parse("after:1900"))
    newest = index.select(dated, sort="date", limit=1)
    oldest = index.select(dated, sort="date", reverse=True, limit=1)
    rows = index.rows([*newest, *oldest])
    days = [
        datetime.fromtimestamp(row.published_ms / 1000, UTC).strftime("%Y-%m-%d")
        for row in rows
        if row.published_ms is not None
    ]
    if not days:
        return Hint(f"No article matches {clause}: no article here has a date.")
    return Hint(f"No article matches {clause}: articles here run from {days[-1]} to {days[0]}.")


def _words_hint(index: Index, node: Node, now: datetime) -> Hint:
    """A word found nowhere; its prefix search when that finds something."""
    if isinstance(node, Term) and not node.prefix and len(node.text) >= 2:
        prefix = Term(node.text, prefix=True)
        count = _count(index, prefix, now)
        if count:
            return Hint(
                f"No article contains {node.text!r}. Words starting so:", ((str(prefix), count),)
            )
    return Hint(f"No article contains {str(node)!r}.")
