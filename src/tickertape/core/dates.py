"""publishDate parsing: every form real indexes use, to an aware UTC datetime.

Dates come from scrapers, news APIs and 1987 newswire SGML, so the parser accepts
ISO 8601 in its extended and compact forms, epoch seconds or milliseconds, RFC 2822
and the Reuters-21578 ``26-FEB-1987 15:14:42.83`` form. Nothing here raises: a date
that cannot be read is ``None`` and the caller records a warning (``date_reason``).
A time without a zone is taken as UTC, the convention of every source we read.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from tickertape.core.sanitize import sanitize_inline

# Longer values are not dates; the cap also keeps int() away from huge digit strings.
_MAX_DATE_CHARS = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Epoch values above this are milliseconds (1e11 seconds is the year 5138).
_MILLISECONDS_ABOVE = 1e11

_ZONE = r"(?:\s?(?P<zone>[Zz]|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?"
_FRACTION = r"(?:[.,](?P<frac>\d+))?"
_ISO_EXTENDED = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[Tt ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})" + _FRACTION + r")?" + _ZONE + r")?"
)
_ISO_COMPACT = re.compile(
    r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})"
    r"[Tt](?P<h>\d{2})(?P<mi>\d{2})(?:(?P<s>\d{2})" + _FRACTION + r")?" + _ZONE
)
_REUTERS = re.compile(
    r"(?P<d>\d{1,2})-(?P<mon>[A-Za-z]{3})-(?P<y>\d{4})"
    r"(?:\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})" + _FRACTION + r")?)?"
)
_EPOCH_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# RFC 2822 carries a month name; checked before handing over to the email parser.
_RFC2822_HINT = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
# The leading date of a value followed by noise (Reuters SGML: "...42.83&#5;&#5;RM").
# The noise must not start with a digit or a colon, so "605:12:19" never reads as 60.
_LEADING_DATE = re.compile(
    r"\s*(\d{1,2}-[A-Za-z]{3}-\d{4}\s+\d{1,2}:\d{2}:\d{2}(?:\.\d+)?"
    r"|\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)"
    r"(?=[^\d:.+-])"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def parse_date(raw: str) -> datetime | None:
    """Return ``raw`` as an aware UTC datetime, or ``None`` when it is not a real date."""
    text = raw.strip()
    if not text or len(text) > _MAX_DATE_CHARS:
        return None
    try:
        return _parse(text)
    except (ValueError, OverflowError, TypeError, IndexError):
        # Out-of-range fields and offsets that push a date past year 9999 land here.
        return None


def date_from_epoch(value: float) -> datetime | None:
    """Seconds (or milliseconds, when above 1e11) since 1970 as UTC; ``None`` if out of range."""
    if value != value or value in (float("inf"), float("-inf")):
        return None
    if abs(value) > _MILLISECONDS_ABOVE:
        value = value / 1000
    try:
        return _EPOCH + timedelta(seconds=value)
    except (OverflowError, ValueError):
        return None


def read_date(raw: str) -> tuple[datetime | None, str | None]:
    """Parse a publishDate value leniently: ``(when, warning reason or None)``.

    A value that is not a date as a whole but starts with one (the Reuters corpus
    has ``27-MAR-1987 14:04:26.14&#5;&#5;&#5;F``) gives that date and a warning, so
    the article keeps its place in time and the user still learns of the noise.
    An empty value is no date and no warning: callers decide about missing dates.
    """
    text = raw.strip()
    if not text:
        return None, None
    when = parse_date(text)
    if when is not None:
        return when, None
    if len(text) <= 4 * _MAX_DATE_CHARS:
        match = _LEADING_DATE.match(text)
        if match is not None:
            when = parse_date(match.group(1))
            if when is not None:
                noise = _quote(text[match.end() :].strip())
                return when, f"ignored {noise} after the date {_quote(match.group(1))}"
    return None, date_reason(text)


def date_reason(raw: str) -> str:
    """The warning for a date that cannot be read, quoting it safely.

    A value shaped like a date but naming no real instant (``2024-13-45``) is told
    apart from text that is no date at all, so the user knows which to fix.
    """
    text = raw.strip()
    if any(pattern.fullmatch(text) for pattern in (_ISO_EXTENDED, _ISO_COMPACT, _REUTERS)):
        return f"{_quote(text)} is not a real date and time; ignored"
    return f"cannot read date {_quote(text)}; ignored"


def _quote(raw: str, limit: int = 60) -> str:
    """Sanitised, shortened, quoted: the value as it may appear inside a warning."""
    shown = sanitize_inline(raw)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"'{shown}'"


def _parse(text: str) -> datetime | None:
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _EPOCH_NUMBER.fullmatch(text):
            return _from_number(text)
        if len(text) >= 10:
            # The C parser reads the common ISO forms about ten times faster than the
            # patterns below, which remain for what it refuses (24:00, "UTC", ...).
            try:
                when = datetime.fromisoformat(text)
            except ValueError:
                pass
            else:
                return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
        match = _ISO_EXTENDED.fullmatch(text) or _ISO_COMPACT.fullmatch(text)
        if match is not None:
            return _from_parts(match, int(match["mo"]))
        match = _REUTERS.fullmatch(text)
        if match is not None:
            month = _MONTHS.get(match["mon"].lower())
            return None if month is None else _from_parts(match, month)
    if _RFC2822_HINT.match(text):
        return _from_rfc2822(text)
    return None


def _from_number(text: str) -> datetime | None:
    if "." in text or "e" in text or "E" in text:
        return date_from_epoch(float(text))
    value = int(text)
    if abs(value) > _MILLISECONDS_ABOVE:
        seconds, millis = divmod(value, 1000)
        try:
            return _EPOCH + timedelta(seconds=seconds, milliseconds=millis)
        except OverflowError:
            return None
    return date_from_epoch(float(value))


def _from_parts(match: re.Match[str], month: int) -> datetime | None:
    groups = match.groupdict()
    hour = int(groups["h"] or 0)
    minute = int(groups["mi"] or 0)
    second = int(groups["s"] or 0)
    fraction = groups.get("frac") or ""
    microsecond = int((fraction + "000000")[:6]) if fraction else 0
    next_day = False
    if hour == 24 and minute == second == microsecond == 0:
        hour, next_day = 0, True  # ISO 8601's end-of-day midnight
    if second == 60:
        second = 59  # a leap second: the nearest instant datetime can hold
    when = datetime(
        int(groups["y"]),
        month,
        int(groups["d"]),
        hour,
        minute,
        second,
        microsecond,
        tzinfo=_zone(groups.get("zone")),
    )
    if next_day:
        when += timedelta(days=1)
    return when.astimezone(UTC)


def _zone(raw: str | None) -> timezone:
    if raw is None:
        return UTC
    raw = raw.strip()
    if raw in ("Z", "z", "UTC", "GMT"):
        return UTC
    sign = -1 if raw[0] == "-" else 1
    digits = raw[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _from_rfc2822(text: str) -> datetime | None:
    when = parsedate_to_datetime(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)
