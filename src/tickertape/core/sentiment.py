"""Sentiment as providers write it, read as one direction: positive, negative or neutral.

Feeds disagree on scales: a classifier writes ``positive``/``neg``, a market feed
``Somewhat-Bullish``, a trading signal ``buy``/``sell``, a regression model ``0.7``.
One table maps every label we know to a direction, ignoring case and punctuation;
the article keeps the label as written for display. A signed score in [-1, 1] gives
the direction when the label does not (the neutral band is the market feeds'
±0.15, so a score and the label such a feed derives from it agree).

Numeric labels are read as signed: ``1``/``-1``/``0`` and ``0.7`` go by their sign,
with the same neutral band. A number outside [-1, 1] (a ``2`` of a 0/1/2 class
scheme, a star rating) says nothing about its scale, so it stays an unknown label.
A label is never taken for a score: scores come from score fields only.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Final

from tickertape.core.article import GivenTicker, Problem

POSITIVE: Final = "positive"
NEGATIVE: Final = "negative"
NEUTRAL: Final = "neutral"
DIRECTIONS: Final = (POSITIVE, NEGATIVE, NEUTRAL)
"""Every direction; ``""`` stands for none (no label, an unknown one, and no score)."""

NEUTRAL_BAND: Final = 0.15
"""A score with ``abs(score) < NEUTRAL_BAND`` is neutral."""

DIRECTION_VALUES: Final = {POSITIVE: 1.0, NEUTRAL: 0.0, NEGATIVE: -1.0}
"""What a direction counts for in a mean when an article has no score."""

# Words that are directions themselves in the query language (sentiment:neg).
DIRECTION_NAMES: Final = {
    "positive": POSITIVE, "pos": POSITIVE,
    "negative": NEGATIVE, "neg": NEGATIVE,
    "neutral": NEUTRAL, "neu": NEUTRAL,
}  # fmt: skip

# Label words to directions. Keys are label keys (see label_key).
_BASE_LABELS: Final = {
    **DIRECTION_NAMES,
    "bullish": POSITIVE, "bull": POSITIVE, "buy": POSITIVE, "up": POSITIVE,
    "bearish": NEGATIVE, "bear": NEGATIVE, "sell": NEGATIVE, "down": NEGATIVE,
    "hold": NEUTRAL, "flat": NEUTRAL,
}  # fmt: skip

# Words that grade a label without changing its direction: Somewhat-Bullish, strong buy.
MODIFIERS: Final = (
    "somewhat", "slightly", "mildly", "moderately", "weakly", "weak",
    "very", "strongly", "strong", "extremely", "highly",
)  # fmt: skip

# Labels that say "no sentiment" (a Python None written out, an empty cell).
_NO_LABEL: Final = frozenset({"", "none", "null", "nan", "na", "n-a"})

_WORD: Final = re.compile(r"[^\W_]+")
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_FUSED: Final = re.compile("(" + "|".join(MODIFIERS) + ")(" + "|".join(_BASE_LABELS) + ")")


def label_key(label: str) -> str:
    """The form labels are compared in: lower-case words joined by ``-``.

    ``"Somewhat-Bullish"``, ``"SOMEWHAT_BULLISH"`` and ``"somewhatbullish"`` all give
    ``"somewhat-bullish"``; a number keeps its value's spelling (``"+0.70"`` gives
    ``"0.7"``).
    """
    text = unicodedata.normalize("NFKC", label).strip().lower()
    if _NUMBER.fullmatch(text):
        number = float(text)
        return "0" if number == 0 else f"{number:g}"
    words = _WORD.findall(text)
    if len(words) == 1:
        fused = _FUSED.fullmatch(words[0])
        if fused is not None:
            words = [fused[1], fused[2]]
    return "-".join(words)


def label_direction(label: str) -> str | None:
    """The direction of a label: ``""`` when it says nothing (empty, ``None``), ``None``
    when it is unknown."""
    key = label_key(label)
    if key in _NO_LABEL:
        return ""
    direction = _BASE_LABELS.get(key)
    if direction is not None:
        return direction
    if _NUMBER.fullmatch(key):
        number = float(key)
        return score_direction(number) if -1.0 <= number <= 1.0 else None
    modifier, _, base = key.partition("-")
    if modifier in MODIFIERS:
        return _BASE_LABELS.get(base)
    return None


def score_direction(score: float) -> str:
    """The direction of a signed score: neutral within ±:data:`NEUTRAL_BAND`."""
    if score >= NEUTRAL_BAND:
        return POSITIVE
    if score <= -NEUTRAL_BAND:
        return NEGATIVE
    return NEUTRAL


def direction_of(label: str, score: float | None) -> str:
    """The label's direction, else the score's, else ``""``."""
    direction = label_direction(label)
    if direction:
        return direction
    if score is not None and math.isfinite(score):
        return score_direction(score)
    return ""


def is_unknown_label(label: str) -> bool:
    """Whether a label is written but means no direction we know."""
    return label_direction(label) is None


def family_keys(key: str) -> tuple[str, ...]:
    """The label keys a query for ``key`` matches: a base word takes its graded forms
    along (``bullish`` finds Somewhat-Bullish), a graded label only itself."""
    if key not in _BASE_LABELS:
        return (key,)
    return (key, *(f"{modifier}-{key}" for modifier in MODIFIERS))


def family_of(key: str) -> str:
    """The base word of a graded label key (``"somewhat-bullish"`` gives ``"bullish"``)."""
    modifier, _, base = key.partition("-")
    return base if modifier in MODIFIERS and base in _BASE_LABELS else key


def sentiment_value(direction: str, score: float | None) -> float | None:
    """What an article adds to a mean sentiment: its score, else +1/0/-1 by direction."""
    if score is not None:
        return score
    return DIRECTION_VALUES.get(direction)


def unknown_label_problems(labels: Iterable[tuple[str, str, int]]) -> list[Problem]:
    """One problem per unknown label of an index, not one per file.

    ``labels`` holds ``(label as written, file, number of articles)``, in any order
    and grouping; spellings of one label (``Mixed``, ``MIXED``) count together, and
    the problem names the first file in path order.
    """
    found: dict[str, tuple[str, str, int]] = {}
    for label, rel, count in labels:
        if not label or not is_unknown_label(label):
            continue
        key = label_key(label)
        seen = found.get(key)
        if seen is None:
            found[key] = (label, rel, count)
        else:
            found[key] = (seen[0], min(seen[1], rel), seen[2] + count)
    problems = []
    for label, rel, count in sorted(found.values(), key=lambda item: item[1]):
        articles = f"{count:,} articles" if count != 1 else "1 article"
        reason = (
            f"unknown label '{label}' on {articles} (this file first); "
            "shown as ? unless a score gives the direction"
        )
        problems.append(Problem(rel, "sentiment", reason))
    return problems


def given_value(ticker: GivenTicker) -> float | None:
    """What a record's own sentiment for a ticker counts for: its score, else +1/0/-1
    from its label, else None (the article's own sentiment is used)."""
    if ticker.score is not None:
        return ticker.score
    return DIRECTION_VALUES.get(label_direction(ticker.label) or "")
