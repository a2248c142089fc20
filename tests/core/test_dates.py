"""publishDate parsing: every accepted form lands on the right UTC instant."""

from __future__ import annotations

from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickertape.core.article import format_published
from tickertape.core.dates import date_from_epoch, date_reason, parse_date, read_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-12-03T16:56:52.859Z", "2024-12-03T16:56:52.859Z"),
        ("2024-12-03T16:56:52Z", "2024-12-03T16:56:52Z"),
        ("2024-12-03T16:56:52z", "2024-12-03T16:56:52Z"),
        ("2024-12-03T22:26:52+05:30", "2024-12-03T16:56:52Z"),
        ("2024-12-03T22:26:52+0530", "2024-12-03T16:56:52Z"),
        ("2024-12-03T11:56:52-05", "2024-12-03T16:56:52Z"),
        ("2024-12-03 16:56:52", "2024-12-03T16:56:52Z"),
        ("2024-12-03T16:56:52", "2024-12-03T16:56:52Z"),
        ("2024-12-03T16:56", "2024-12-03T16:56:00Z"),
        ("2024-12-03T16:56:52.7Z", "2024-12-03T16:56:52.700Z"),
        ("2024-12-03T16:56:52.830", "2024-12-03T16:56:52.830Z"),
        ("2024-12-03T16:56:52.123456789Z", "2024-12-03T16:56:52.123Z"),
        ("2024-12-03T16:56:52 UTC", "2024-12-03T16:56:52Z"),
        ("2024-12-03T24:00:00Z", "2024-12-04T00:00:00Z"),
        ("20240719T133010", "2024-07-19T13:30:10Z"),
        ("20240719T133010Z", "2024-07-19T13:30:10Z"),
        ("2024-12-03", "2024-12-03T00:00:00Z"),
        ("  2024-12-03  ", "2024-12-03T00:00:00Z"),
        ("1733244900", "2024-12-03T16:55:00Z"),
        ("1733244900.5", "2024-12-03T16:55:00.500Z"),
        ("1733244900123", "2024-12-03T16:55:00.123Z"),
        ("1733244900123.0", "2024-12-03T16:55:00.123Z"),
        ("Tue, 03 Dec 2024 16:56:52 GMT", "2024-12-03T16:56:52Z"),
        ("Tue, 03 Dec 2024 22:26:52 +0530", "2024-12-03T16:56:52Z"),
        ("03 Dec 2024 16:56:52 -0000", "2024-12-03T16:56:52Z"),
        ("26-FEB-1987 15:14:42.83", "1987-02-26T15:14:42.830Z"),
        ("26-FEB-1987 15:14:42.7", "1987-02-26T15:14:42.700Z"),
        ("9-APR-1987 00:00:00.00", "1987-04-09T00:00:00Z"),
    ],
)
def test_accepted_forms_read_as_utc(raw: str, expected: str) -> None:
    when = parse_date(raw)
    assert when is not None
    assert when.tzinfo is UTC
    assert format_published(when) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2024-13-45",
        "2024-02-30T10:00:00Z",
        "2024-12-03T25:00:00Z",
        "2024-12-03T10:61:00Z",
        "31-MAR-1987 605:12:19.12",
        "31-XYZ-1987 10:12:19.12",
        "9999-12-31T23:00:00-05:00",
        "2024-12-03T10:00:00+25:00",
        "1e400",
        "nan",
        "inf",
        "yesterday",
        "",
        "   ",
        "9" * 5000,
    ],
)
def test_impossible_or_unreadable_dates_give_none(raw: str) -> None:
    assert parse_date(raw) is None


def test_epoch_out_of_range_gives_none() -> None:
    assert date_from_epoch(1e30) is None
    assert date_from_epoch(float("nan")) is None
    assert date_from_epoch(float("-inf")) is None


def test_reuters_noise_after_the_date_is_ignored_with_a_warning() -> None:
    when, reason = read_date("27-MAR-1987 14:04:26.14&#5;&#5;&#5;F")
    assert format_published(when) == "1987-03-27T14:04:26.140Z"
    assert reason == "ignored '&#5;&#5;&#5;F' after the date '27-MAR-1987 14:04:26.14'"


def test_guesswork_comment_after_the_date_is_ignored_with_a_warning() -> None:
    when, reason = read_date("9-APR-1987 00:00:00.00    # date added by S Finch as guesswork")
    assert format_published(when) == "1987-04-09T00:00:00Z"
    assert reason is not None
    assert "# date added by S Finch as guesswork" in reason


def test_an_impossible_hour_is_not_read_as_a_shorter_date() -> None:
    when, reason = read_date("31-MAR-1987 605:12:19.12")
    assert when is None
    assert reason == "cannot read date '31-MAR-1987 605:12:19.12'; ignored"


def test_reasons_tell_impossible_dates_from_non_dates() -> None:
    assert date_reason("2024-13-45") == "'2024-13-45' is not a real date and time; ignored"
    assert date_reason("soon") == "cannot read date 'soon'; ignored"


def test_reasons_quote_the_value_safely() -> None:
    reason = date_reason("\x1b]0;pwned\x07" + "x" * 200)
    assert "\x1b" not in reason
    assert "\x07" not in reason
    assert len(reason) < 120


def test_empty_value_is_no_date_and_no_warning() -> None:
    assert read_date("  ") == (None, None)


@given(st.text(max_size=60))
def test_parse_date_never_raises_and_is_always_utc(raw: str) -> None:
    when = parse_date(raw)
    assert when is None or when.tzinfo is UTC
    when, reason = read_date(raw)
    assert when is None or when.tzinfo is UTC
    assert reason is None or "\x1b" not in reason
