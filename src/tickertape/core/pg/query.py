"""The query language compiled to PostgreSQL: the same tree as the SQLite compiler
(:mod:`tickertape.core.query`), the same meaning, every value a ``%s`` parameter.

Words and phrases become ``tsquery`` literals built from quoted lexemes
(:mod:`tickertape.core.pg.text`) and cast from a parameter; ``to_tsquery`` never sees
user text. Read and starred flags live in the user's local state store, so ``is:read``
and ``is:starred`` take the flagged ids as an array parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tickertape.core.folding import fold_text
from tickertape.core.pg import text
from tickertape.core.query import (
    NO_SENTIMENT,
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    _date_start,
    _millis,
)
from tickertape.core.sentiment import DIRECTION_NAMES, family_keys

_OPS = (">", ">=", "<", "<=")
_MATCH = "a.tsv @@ %s::tsquery"


@dataclass(slots=True, frozen=True)
class PgQuery:
    """A ``WHERE`` over ``articles AS a`` with its parameters; ``rank`` is the
    ``tsquery`` of the top-level words (relevance), None without words."""

    where: str
    params: tuple[object, ...]
    rank: str | None


FlagIds = Callable[[str], Sequence[str]]
"""The ids flagged ``read`` or ``starred`` in the user's state."""


def _tsquery(node: Node) -> str | None:
    """The tsquery of a node made only of words (None when it holds anything else)."""
    if isinstance(node, Term):
        return text.phrase(fold_text(node.text), prefix=node.prefix)
    if isinstance(node, Phrase):
        return text.phrase(fold_text(node.text))
    if isinstance(node, Not):
        inner = _tsquery(node.child)
        return None if inner is None else f"!({inner})"
    if isinstance(node, And | Or):
        parts = [_tsquery(child) for child in node.children]
        if any(part is None for part in parts):
            return None
        joiner = " & " if isinstance(node, And) else " | "
        return "(" + joiner.join(p for p in parts if p is not None) + ")"
    return None


def _positive(node: Node) -> bool:
    return not isinstance(node, Not)


class _Compiler:
    def __init__(self, now: datetime, flags: FlagIds) -> None:
        self.now = now
        self.flags = flags
        self.params: list[object] = []

    def sql(self, node: Node) -> str:
        if isinstance(node, Term | Phrase):
            return self.match(node)
        if isinstance(node, Not):
            return f"NOT ({self.sql(node.child)})"
        if isinstance(node, And):
            return "(" + " AND ".join(self.sql(child) for child in node.children) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(self.sql(child) for child in node.children) + ")"
        if isinstance(node, Field):
            return self.field(node)
        raise TypeError(f"not a query node: {node!r}")

    def match(self, node: Node) -> str:
        query = _tsquery(node)
        assert query is not None
        self.params.append(query)
        return _MATCH

    def field(self, node: Field) -> str:
        name, value = node.name, node.value
        if name == "ticker":
            self.params.append(value)
            column = "code" if "." in value else "base"
            return f"a.rowid IN (SELECT rowid FROM tickers WHERE {column} = %s)"
        if name == "sentiment":
            if value in NO_SENTIMENT or value in DIRECTION_NAMES.values():
                self.params.append("" if value in NO_SENTIMENT else value)
                return 'lower(a.sentiment COLLATE "C") = %s'
            self.params.append(list(family_keys(value)))
            return "a.label_key = ANY(%s)"
        if name == "source":
            escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            self.params.append(f"%{escaped}%")
            return "lower(a.source COLLATE \"C\") LIKE %s ESCAPE '\\'"
        if name == "lang":
            self.params.append(value)
            return 'lower(a.language COLLATE "C") = %s'
        if name in ("after", "before"):
            self.params.append(_millis(_date_start(value, self.now)))
            op = ">=" if name == "after" else "<"
            return f"(a.published IS NOT NULL AND a.published {op} %s)"
        if name in ("conf", "score") and node.op in _OPS:
            column = "confidence" if name == "conf" else "score"
            self.params.append(float(value))
            return f"(a.{column} IS NOT NULL AND a.{column} {node.op} %s)"
        if name == "dupes":
            # Story clusters are not computed in this engine yet: every article is
            # a story of its own (one version), and its own lead.
            self.params.append(int(value))
            return "(1 >= %s)"
        if name == "is":
            if value == "lead":
                return "true"
            flag = "starred" if value == "starred" else "read"
            self.params.append(list(self.flags(flag)))
            test = "a.id = ANY(%s)"
            return f"NOT ({test})" if value == "unread" else test
        raise ValueError(f"unknown field {name!r}")


def compile_pg(
    node: Node | None, *, now: datetime | None = None, flags: FlagIds | None = None
) -> PgQuery:
    """PostgreSQL for a parsed query (``now`` anchors relative dates, as in SQLite)."""
    if node is None:
        return PgQuery("true", (), None)
    when = datetime.now(UTC) if now is None else now
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    compiler = _Compiler(when, flags or (lambda _flag: ()))
    where = compiler.sql(node)
    nodes = node.children if isinstance(node, And) else (node,)
    words = [n for n in nodes if _tsquery(n) is not None]
    rank = None
    if any(_positive(n) for n in words):
        rank = " & ".join(f"({_tsquery(n)})" for n in words)
    return PgQuery(where, tuple(compiler.params), rank)
