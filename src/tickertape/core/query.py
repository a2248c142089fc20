"""The query language: what the user types, parsed to a tree and compiled to SQL.

The same language serves the query bar, ``tickertape list -q`` and saved views, so the
tree prints back as canonical query text (history, facets) and every error names the
column where it went wrong. Compiled queries put every user value in parameters and
quote every search word as an FTS5 string: no text can change the SQL or the FTS5
syntax. :data:`QUERY_HELP` is the user's reference.

Decisions worth knowing (they are also in :data:`QUERY_HELP`):

- ``m`` in a relative date is calendar months (``3m``), not minutes; ``y`` is years.
- A word with a colon is a field only when the text before the colon is a field name;
  other letters before a colon are an error (``foo:bar``), except exchange prefixes
  (``NASDAQ:AAPL`` is a ticker) and URLs (``https://...``). Anything else with a
  colon, such as ``10:30``, is searched as the phrase of its words, like ``covid-19``.
- A bare word shaped like an instrument code (``AMZN.O``, ``amazon.com``) is a ticker;
  quoting it (``"amazon.com"``) searches the words.
- A word or phrase with no letters or digits (``&``, ``""``) is ignored, as the search
  index cannot find it; ``-&`` is ignored with it.
- Negation is logical: ``-after:2024`` also finds articles with no date.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final, Literal, TypeAlias

from tickertape.core.folding import fold_text
from tickertape.core.query_help import QUERY_HELP as QUERY_HELP
from tickertape.core.sentiment import DIRECTION_NAMES, family_keys, label_key
from tickertape.core.stories import DUPES_SQL, IS_LEAD_SQL
from tickertape.core.tickers import normalise_ticker

MAX_QUERY_LENGTH: Final = 1000
"""Longer queries are refused: nobody types them, and they bound the work per keystroke."""
MAX_DEPTH: Final = 32
"""Parentheses and ``-`` nest at most this deep, so no input can exhaust the stack."""
FIELDS: Final = (
    "ticker", "sentiment", "source", "lang", "after", "before", "conf", "score", "is",
    "dupes",
)  # fmt: skip
"""Field names, in the order error messages and help list them."""

NO_SENTIMENT: Final = ("unknown", "none")
"""``sentiment:`` values meaning "no direction" (no label, or one we do not know, and no score)."""
IS_VALUES: Final = ("unread", "read", "starred", "lead")

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# Relative dates reach back at most about a century: enough, and never out of range.
_RELATIVE_MAX: Final = {"h": 24 * 36_525, "d": 36_525, "w": 5_217, "m": 1_200, "y": 100}

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FIELD = re.compile(r"([A-Za-z]+)(>=|<=|>|<|=|:)(.*)", re.DOTALL)
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,7}\.[A-Za-z]{1,3}")
_CASHTAG = re.compile(r"\$[A-Za-z][A-Za-z0-9]{0,7}(?:\.[A-Za-z]{1,3})?")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_RELATIVE = re.compile(r"([0-9]{1,7})([hdwmy])")
_NUMBER = re.compile(r"[0-9]{1,20}(?:\.[0-9]{0,20})?|\.[0-9]{1,20}")
_SIGNED_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,20}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})")
_ASCII_LOWER: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_CONF_SQL: Final = {
    ">": "(a.confidence IS NOT NULL AND a.confidence > ?)",
    ">=": "(a.confidence IS NOT NULL AND a.confidence >= ?)",
    "<": "(a.confidence IS NOT NULL AND a.confidence < ?)",
    "<=": "(a.confidence IS NOT NULL AND a.confidence <= ?)",
}
_SCORE_SQL: Final = {op: sql.replace("confidence", "score") for op, sql in _CONF_SQL.items()}
_MATCH_SQL: Final = "a.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
_NOT_MATCH_SQL: Final = "a.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)"


class QueryError(ValueError):
    """A query that cannot be run, with the 1-based column to point at.

    ``str()`` reads ``"invalid date at column 7"``; ``message`` is the part before
    " at column", ``hint`` (maybe empty) what follows after "; ". Columns count
    characters (code points) of the text given to :func:`parse`.
    """

    def __init__(self, message: str, column: int, hint: str = "") -> None:
        text = f"{message} at column {column}"
        super().__init__(f"{text}; {hint}" if hint else text)
        self.message = message
        self.column = column
        self.hint = hint

    def __reduce__(self) -> tuple[type[QueryError], tuple[str, int, str]]:
        return QueryError, (self.message, self.column, self.hint)


# -- the tree ----------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class Term:
    """A word to find in title, summary or body; ``prefix`` for ``nvid*``."""

    text: str
    prefix: bool = False

    def __str__(self) -> str:
        word = f"{self.text}*" if self.prefix else self.text
        return word if _reads_back(word, self) else _quote(self.text)


@dataclass(slots=True, frozen=True)
class Phrase:
    """Words that must appear together and in order (whitespace folded)."""

    text: str

    def __str__(self) -> str:
        return _quote(self.text)


@dataclass(slots=True, frozen=True)
class Field:
    """A metadata filter, normalised: ``Field("ticker", ":", "NVDA.O")``.

    ``op`` is ``:`` except for ``conf`` (``>``, ``>=``, ``<``, ``<=``). Values are
    normalised so equal filters compare equal: tickers upper-case, sentiment aliases
    expanded, other text lower-case (ASCII letters, as SQLite's ``lower`` does).
    """

    name: str
    op: str
    value: str

    def __str__(self) -> str:
        bare = f"{self.name}{self.op}{self.value}"
        return bare if _reads_back(bare, self) else f"{self.name}{self.op}{_quote(self.value)}"


@dataclass(slots=True, frozen=True)
class Not:
    """Articles the child does not match (``-word``, ``-( ... )``)."""

    child: Node

    def __str__(self) -> str:
        if isinstance(self.child, And | Or):
            return f"-({self.child})"
        return f"-{self.child}"


@dataclass(slots=True, frozen=True)
class And:
    """All children match: words side by side."""

    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " ".join(f"({c})" if isinstance(c, And | Or) else str(c) for c in self.children)


@dataclass(slots=True, frozen=True)
class Or:
    """Any child matches: ``a OR b``."""

    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " OR ".join(f"({c})" if isinstance(c, Or) else str(c) for c in self.children)


Node: TypeAlias = Term | Phrase | Field | Not | And | Or


def _quote(text: str) -> str:
    """A quoted value; the language has no escape for ``"``, so one becomes a space."""
    return '"' + text.replace('"', " ") + '"'


def _reads_back(text: str, node: Node) -> bool:
    """Whether ``text`` written bare parses back to exactly ``node``."""
    if _CONTROL.search(text):
        return False
    try:
        tokens = _lex(text)
    except QueryError:
        return False
    return len(tokens) == 2 and tokens[0].kind == "atom" and tokens[0].node == node


# -- lexing ------------------------------------------------------------------------

_Kind: TypeAlias = Literal["atom", "minus", "or", "lparen", "rparen", "end"]


@dataclass(slots=True, frozen=True)
class _Token:
    kind: _Kind
    column: int
    node: Node | None = None  # for atoms; None when the word has nothing searchable


def _is_token_char(ch: str) -> bool:
    """What the FTS5 ``unicode61 remove_diacritics 2`` tokenizer keeps in a token."""
    category = unicodedata.category(ch)
    return category[0] in "LNM" or category == "Co"


def _token_runs(text: str) -> list[str]:
    """The pieces of ``text`` the search index sees as words."""
    runs: list[str] = []
    current: list[str] = []
    for ch in text:
        if _is_token_char(ch):
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """The text inside the quote opening at ``start``, and the index after its close."""
    end = text.find('"', start + 1)
    if end < 0:
        raise QueryError("unterminated quote", start + 1)
    return " ".join(text[start + 1 : end].split()), end + 1


def _lex(text: str) -> list[_Token]:
    """Tokens of a query whose control characters are already spaces."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        column = i + 1
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(_Token("lparen", column))
            i += 1
        elif ch == ")":
            tokens.append(_Token("rparen", column))
            i += 1
        elif ch == "-":
            if i + 1 >= n or text[i + 1].isspace() or text[i + 1] == ")":
                raise QueryError("nothing to exclude after -", column)
            tokens.append(_Token("minus", column))
            i += 1
        elif ch == '"':
            inner, i = _read_quoted(text, i)
            tokens.append(_Token("atom", column, Phrase(inner) if _token_runs(inner) else None))
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"':
                j += 1
            word = text[i:j]
            if word == "OR":
                tokens.append(_Token("or", column))
            else:
                node, j = _word(text, word, i, j)
                tokens.append(_Token("atom", column, node))
            i = j
    tokens.append(_Token("end", n + 1))
    return tokens


def _word(text: str, word: str, start: int, end: int) -> tuple[Node | None, int]:
    """The node for one bare word (a field may read on into a quoted value)."""
    column = start + 1
    field = _FIELD.fullmatch(word)
    if field is not None:
        name, op, value = field.groups()
        lname = name.lower()
        if lname in FIELDS or (op == ":" and not value.startswith("//")):
            quoted = not value and end < len(text) and text[end] == '"'
            if quoted:
                value, end = _read_quoted(text, end)
            if lname in FIELDS:
                return _field(lname, op, value, column, column + len(name) + len(op)), end
            code = None if quoted else normalise_ticker(word)
            if code is None:
                raise QueryError(
                    f"unknown field '{name}'", column, "fields are " + ", ".join(FIELDS)
                )
            return Field("ticker", ":", code), end
    if _CASHTAG.fullmatch(word) or _CODE.fullmatch(word):
        code = normalise_ticker(word)
        if code is not None:
            return Field("ticker", ":", code), end
    if word.endswith("*"):
        stem = word.rstrip("*")
        runs = _token_runs(stem)
        if not runs or len(runs[-1]) < 2:
            raise QueryError("prefix needs at least 2 characters", column)
        return Term(stem, True), end
    return (Term(word) if _token_runs(word) else None), end


def _field(name: str, op: str, raw: str, column: int, value_column: int) -> Field:
    """Check and normalise one field's operator and value."""
    op_column = value_column - len(op)
    if name in ("conf", "score"):
        if op not in _CONF_SQL:
            raise QueryError(f"{name} takes >, >=, < or <=", op_column)
    elif op != ":":
        raise QueryError(f"{name} takes ':'", op_column)
    if not raw:
        raise QueryError(f"{name}{op} needs a value", value_column)
    value = raw.translate(_ASCII_LOWER)
    if name == "ticker":
        code = normalise_ticker(raw)
        if code is None:
            raise QueryError("invalid ticker", value_column)
        value = code
    elif name == "sentiment":
        value = _sentiment_value(value, value_column)
    elif name in ("after", "before"):
        _check_date(value, value_column)
    elif name == "conf":
        if _NUMBER.fullmatch(value) is None:
            raise QueryError("invalid number", value_column)
        number = Decimal(value)
        if number > 1:
            raise QueryError("confidence is between 0 and 1", value_column)
        value = format(number.normalize(), "f")
    elif name == "score":
        if _SIGNED_NUMBER.fullmatch(value) is None:
            raise QueryError("invalid number", value_column)
        number = Decimal(value)
        if not -1 <= number <= 1:
            raise QueryError("score is between -1 and 1", value_column)
        value = format(number.normalize() + 0, "f")  # + 0 turns -0 into 0
    elif name == "dupes":
        if not value.isascii() or not value.isdigit() or len(value) > 9:
            raise QueryError("dupes: takes a number of versions", value_column)
        value = str(int(value))
    elif name == "is" and value not in IS_VALUES:
        raise QueryError("is: takes " + ", ".join(IS_VALUES), value_column)
    return Field(name, op, value)


def _sentiment_value(value: str, column: int) -> str:
    """A direction (``neg`` gives ``negative``), ``none``/``unknown``, or a label key."""
    if value in NO_SENTIMENT:
        return value
    key = label_key(value)
    if not key:
        raise QueryError("sentiment: needs a label with letters or digits", column)
    return DIRECTION_NAMES.get(key, key)


def _check_date(value: str, column: int) -> None:
    relative = _RELATIVE.fullmatch(value)
    if relative is not None:
        if int(relative[1]) > _RELATIVE_MAX[relative[2]]:
            raise QueryError("date too far back (100 years at most)", column)
        return
    if _absolute_date(value) is None:
        raise QueryError("invalid date", column)


def _absolute_date(value: str) -> datetime | None:
    """The UTC start of ``2024``, ``2024-12`` or ``2024-12-01``; None if not one."""
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    try:
        return datetime(int(match[1]), int(match[2] or 1), int(match[3] or 1), tzinfo=UTC)
    except ValueError:
        return None


# -- parsing -----------------------------------------------------------------------


def _make_and(parts: list[Node]) -> Node | None:
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, And) else (part,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def _make_or(parts: list[Node]) -> Node | None:
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, Or) else (part,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


class _Parser:
    """Recursive descent: OR of ANDs of (possibly negated) atoms and groups."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr()
        token = self.peek()
        if token.kind == "rparen":
            raise QueryError("unexpected )", token.column)
        return node

    def or_expr(self) -> Node | None:
        seen, node = self.and_expr()
        alternatives = [] if node is None else [node]
        while self.peek().kind == "or":
            keyword = self.take()
            if not seen:
                raise QueryError("nothing before OR", keyword.column)
            seen, node = self.and_expr()
            if not seen:
                raise QueryError("nothing after OR", keyword.column)
            if node is not None:
                alternatives.append(node)
        return _make_or(alternatives)

    def and_expr(self) -> tuple[bool, Node | None]:
        """The conjunction up to OR, ``)`` or the end, and whether there was any text."""
        parts: list[Node] = []
        seen = False
        while self.peek().kind not in ("or", "rparen", "end"):
            seen = True
            node = self.unary()
            if node is not None:
                parts.append(node)
        return seen, _make_and(parts)

    def unary(self) -> Node | None:
        token = self.take()
        if token.kind == "minus":
            if self.peek().kind in ("or", "rparen", "end"):
                raise QueryError("nothing to exclude after -", token.column)
            self.enter(token)
            child = self.unary()
            self.depth -= 1
            return None if child is None else Not(child)
        if token.kind == "lparen":
            if self.peek().kind == "rparen":
                raise QueryError("empty parentheses", token.column)
            self.enter(token)
            node = self.or_expr()
            if self.peek().kind != "rparen":
                raise QueryError("missing ) for (", token.column)
            self.take()
            self.depth -= 1
            return node
        return token.node

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(f"nested too deep ({MAX_DEPTH} levels at most)", token.column)


def parse(text: str) -> Node | None:
    """The tree of a query, or None when it has nothing to search (blank).

    Raises :class:`QueryError` (and nothing else) for any text that is not a query.
    """
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"query too long ({MAX_QUERY_LENGTH} characters at most)", MAX_QUERY_LENGTH + 1
        )
    return _Parser(_lex(_CONTROL.sub(" ", text))).parse()


# -- compiling ---------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class CompiledQuery:
    """A query as SQL over ``articles AS a``, ready for ``WHERE``.

    ``params`` fill the ``?`` of ``where`` in order. ``fts`` is the FTS5 expression of
    the query's top-level text terms, run in ``where`` as one subquery: every row
    ``where`` selects matches it, so ``bm25(fts)`` with ``fts MATCH <fts>`` ranks the
    result (``has_text`` says there is something to rank by). ``terms`` are the words
    and phrases to highlight (prefix words without ``*``). ``text_only`` says the query
    is words alone (``where`` is that one match and ``params`` its expression), which
    an engine may answer from its full-text index without looking at any other column.
    """

    where: str
    params: tuple[object, ...]
    terms: tuple[str, ...]
    has_text: bool
    fts: str | None
    text_only: bool = False
    node: Node | None = field(default=None, compare=False)
    """The tree it was compiled from, and the ``now`` its relative dates count back
    from: another engine compiles the same query to its own SQL (``core/pg``)."""
    now: datetime | None = field(default=None, compare=False)


def _is_text(node: Node) -> bool:
    """Whether ``node`` is one FTS5 expression (only words, and a positive one in each AND)."""
    if isinstance(node, Term | Phrase):
        return True
    if isinstance(node, Or):
        return all(_is_text(child) for child in node.children)
    if isinstance(node, And):
        positives = 0
        for child in node.children:
            if _is_text(child):
                positives += 1
            elif not (isinstance(child, Not) and _is_text(child.child)):
                return False
        return positives > 0
    return False


def _is_negated_text(node: Node) -> bool:
    return isinstance(node, Not) and _is_text(node.child)


def _fts_string(text: str) -> str:
    """An FTS5 string: the tokenizer splits it, nothing in it is syntax. Folded as the
    indexed text was (:func:`fold_text`), so ``strasse`` meets ``straße``."""
    return '"' + fold_text(text).replace('"', '""') + '"'


def _fts(node: Node) -> str:
    """The FTS5 expression of a node for which :func:`_is_text` holds."""
    if isinstance(node, Term):
        return _fts_string(node.text) + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return _fts_string(node.text)
    if isinstance(node, Or):
        return "(" + _fts_any(node.children) + ")"
    if isinstance(node, And):
        return "(" + _fts_all(node.children) + ")"
    raise TypeError(f"not a text node: {node!r}")


def _fts_any(nodes: Sequence[Node]) -> str:
    return " OR ".join(_fts(node) for node in nodes)


def _fts_all(nodes: Sequence[Node]) -> str:
    """``a AND b NOT (c OR d)`` for positive text ``a b`` and negated text ``-c -d``."""
    positive = " AND ".join(_fts(node) for node in nodes if not isinstance(node, Not))
    negative = [node.child for node in nodes if isinstance(node, Not)]
    if not negative:
        return positive
    return f"({positive}) NOT ({_fts_any(negative)})"


def _join(parts: list[str], operator: str) -> str:
    return parts[0] if len(parts) == 1 else "(" + f" {operator} ".join(parts) + ")"


class _Compiler:
    """Builds the SQL and collects its parameters in placeholder order.

    Every expression it emits is 0 or 1, never NULL (NULL columns are tested for), so
    ``NOT`` is plain logical negation.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.params: list[object] = []

    def match(self, expression: str, *, negate: bool = False) -> str:
        self.params.append(expression)
        return _NOT_MATCH_SQL if negate else _MATCH_SQL

    def conjunction(self, nodes: Sequence[Node]) -> tuple[str, str | None]:
        """SQL for all of ``nodes``, their words in one FTS5 match, and that match."""
        text = [node for node in nodes if _is_text(node) or _is_negated_text(node)]
        rest = [node for node in nodes if not (_is_text(node) or _is_negated_text(node))]
        parts: list[str] = []
        fts = None
        if any(_is_text(node) for node in text):
            fts = _fts_all(text)
            parts.append(self.match(fts))
        elif text:
            excluded = [node.child for node in text if isinstance(node, Not)]
            parts.append(self.match(_fts_any(excluded), negate=True))
        parts.extend(self.sql(node) for node in rest)
        return _join(parts, "AND"), fts

    def sql(self, node: Node) -> str:
        if _is_text(node):
            return self.match(_fts(node))
        if isinstance(node, And):
            return self.conjunction(node.children)[0]
        if isinstance(node, Or):
            text = [child for child in node.children if _is_text(child)]
            parts = [self.match(_fts_any(text))] if text else []
            parts.extend(self.sql(child) for child in node.children if not _is_text(child))
            return _join(parts, "OR")
        if isinstance(node, Not):
            if _is_text(node.child):
                return self.match(_fts(node.child), negate=True)
            return f"NOT ({self.sql(node.child)})"
        if isinstance(node, Field):
            return self.field(node)
        raise TypeError(f"not a query node: {node!r}")

    def field(self, node: Field) -> str:
        name, value = node.name, node.value
        if name == "ticker":
            self.params.append(value)
            if "." in value:
                return "a.rowid IN (SELECT rowid FROM tickers WHERE code = ?)"
            return "a.rowid IN (SELECT rowid FROM tickers WHERE base = ?)"
        if name == "sentiment":
            if value in NO_SENTIMENT:
                self.params.append("")
                return _INDEXED_SENTIMENT
            if value in DIRECTION_NAMES.values():
                self.params.append(value)
                return _INDEXED_SENTIMENT
            keys = family_keys(value)
            self.params.extend(keys)
            return f"a.label_key IN ({', '.join('?' * len(keys))})"
        if name == "source":
            # LIKE folds ASCII case as lower() does, and scans about twice as fast.
            escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            self.params.append(f"%{escaped}%")
            return "coalesce(a.source, '') LIKE ? ESCAPE '\\'"
        if name == "lang":
            self.params.append(value)
            return _INDEXED_LANGUAGE
        if name in ("after", "before"):
            self.params.append(_millis(_date_start(value, self.now)))
            if name == "after":
                return "(a.published IS NOT NULL AND a.published >= ?)"
            return "(a.published IS NOT NULL AND a.published < ?)"
        if name == "conf":
            self.params.append(float(value))
            return _CONF_SQL[node.op]
        if name == "score":
            self.params.append(float(value))
            return _SCORE_SQL[node.op]
        if name == "dupes":
            self.params.append(int(value))
            return DUPES_SQL
        if name == "is":
            if value == "lead":
                return IS_LEAD_SQL
            if value == "starred":
                return "a.id IN (SELECT article_id FROM flag_starred WHERE article_id IS NOT NULL)"
            if value == "read":
                return "a.id IN (SELECT article_id FROM flag_read WHERE article_id IS NOT NULL)"
            return "a.id NOT IN (SELECT article_id FROM flag_read WHERE article_id IS NOT NULL)"
        raise ValueError(f"unknown field {name!r}")


def _millis(when: datetime) -> int:
    return (when - _EPOCH) // timedelta(milliseconds=1)


def _months_back(now: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (clamped to month end)."""
    total = now.year * 12 + now.month - 1 - months
    year, month = divmod(total, 12)
    if year < 1:
        return datetime.min.replace(tzinfo=UTC)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def _date_start(value: str, now: datetime) -> datetime:
    """The instant an ``after:``/``before:`` value stands for."""
    relative = _RELATIVE.fullmatch(value)
    if relative is None:
        start = _absolute_date(value)
        if start is None:
            raise ValueError(f"invalid date {value!r}")
        return start
    count, unit = int(relative[1]), relative[2]
    if unit in "my":
        return _months_back(now, count * (12 if unit == "y" else 1))
    span = {"h": timedelta(hours=count), "d": timedelta(days=count), "w": timedelta(weeks=count)}
    try:
        return now - span[unit]
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)


def _positive_terms(node: Node, positive: bool = True) -> Iterator[str]:
    if isinstance(node, Term | Phrase):
        if positive:
            yield node.text
    elif isinstance(node, Not):
        yield from _positive_terms(node.child, not positive)
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from _positive_terms(child, positive)


# Comparisons an index answers (the cache stores no NULL in either column, so they
# negate as plainly as the lower() forms they replace).
_INDEXED_SENTIMENT: Final = "a.sentiment = ? COLLATE NOCASE"
_INDEXED_LANGUAGE: Final = "a.language = ? COLLATE NOCASE"


def compile_query(node: Node | None, *, now: datetime | None = None) -> CompiledQuery:
    """SQL for a parsed query; ``now`` anchors relative dates (default: the current time).

    A naive ``now`` is taken as UTC. An empty query compiles to ``where="1"``. Trees
    built by hand must hold values as :func:`parse` normalises them (a ``Field`` with a
    date that is not one raises ``ValueError``); words and phrases may hold anything.
    """
    if node is None:
        return CompiledQuery("1", (), (), False, None)
    when = datetime.now(UTC) if now is None else now
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    compiler = _Compiler(when)
    nodes = node.children if isinstance(node, And) else (node,)
    where, fts = compiler.conjunction(nodes)
    text_only = fts is not None and all(_is_text(n) or _is_negated_text(n) for n in nodes)
    if fts is not None:
        # With words to match, each full-text hit is checked by its rowid; walking the
        # sentiment or language index instead is slower (measured: 39 ms against 22 ms
        # for `sentiment:negative chips` at 100k), so the unary + keeps SQLite off it.
        where = where.replace(_INDEXED_SENTIMENT, "+" + _INDEXED_SENTIMENT)
        where = where.replace(_INDEXED_LANGUAGE, "+" + _INDEXED_LANGUAGE)
    terms = tuple(dict.fromkeys(_positive_terms(node)))
    return CompiledQuery(
        where, tuple(compiler.params), terms, fts is not None, fts, text_only, node, when
    )


# -- editing queries ---------------------------------------------------------------


def add_term(query_text: str, term: str | Node) -> str:
    """``query_text`` narrowed by ``term`` (``ticker:NVDA.O``), unless it already has it.

    The user's text is kept as typed; a query whose top level is an ``OR`` is wrapped
    in parentheses first, so the new clause narrows all of it. Raises
    :class:`QueryError` when ``query_text`` or ``term`` does not parse.
    """
    node = parse(term) if isinstance(term, str) else term
    if node is None:
        return query_text
    current = parse(query_text)
    if current is None:
        return str(node)
    have = current.children if isinstance(current, And) else (current,)
    wanted = node.children if isinstance(node, And) else (node,)
    if all(part in have for part in wanted):
        return query_text
    base = query_text.strip()
    if isinstance(current, Or):
        base = f"({base})"
    clause = f"({node})" if isinstance(node, Or) else str(node)
    return f"{base} {clause}"
