"""Business-time arithmetic against hand-worked cases: every expected time below was worked
out by hand from the calendar, not by the code under test."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.sla.calendar import Calendar

IST = ZoneInfo("Asia/Kolkata")
NY = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")
WEEKDAYS = frozenset(range(5))
MON_SAT = frozenset(range(6))

OFFICE = Calendar("UTC", WEEKDAYS, time(9), time(17))
PUNE = Calendar("Asia/Kolkata", WEEKDAYS, time(9, 30), time(18, 30), "IN", "MH")
INDIA = Calendar("Asia/Kolkata", WEEKDAYS, time(9, 30), time(18, 30), "IN")
NEW_YORK = Calendar("America/New_York", WEEKDAYS, time(9), time(17), "US", "NY")


def at(zone: ZoneInfo, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


CASES = [
    # (why, calendar, start, business time, deadline)
    (
        "within the day",
        OFFICE,
        at(UTC, "2026-12-01 10:00"),
        timedelta(hours=2),
        at(UTC, "2026-12-01 12:00"),
    ),
    (
        "ends exactly at closing",
        OFFICE,
        at(UTC, "2026-11-30 09:00"),
        timedelta(hours=8),
        at(UTC, "2026-11-30 17:00"),
    ),
    (
        "overnight",
        OFFICE,
        at(UTC, "2026-12-01 16:00"),
        timedelta(hours=3),
        at(UTC, "2026-12-02 11:00"),
    ),
    (
        "before opening",
        OFFICE,
        at(UTC, "2026-12-01 07:00"),
        timedelta(hours=1),
        at(UTC, "2026-12-01 10:00"),
    ),
    (
        "after closing",
        OFFICE,
        at(UTC, "2026-12-01 20:00"),
        timedelta(minutes=30),
        at(UTC, "2026-12-02 09:30"),
    ),
    (
        "over a weekend",
        OFFICE,
        at(UTC, "2026-12-04 16:00"),
        timedelta(hours=2),
        at(UTC, "2026-12-07 10:00"),
    ),
    (
        "logged on a Sunday",
        OFFICE,
        at(UTC, "2026-12-06 12:00"),
        timedelta(hours=1),
        at(UTC, "2026-12-07 10:00"),
    ),
    # 17:55 on the Friday before Diwali: 35 minutes that evening, the rest on Monday.
    (
        "Friday evening before Diwali, 1 h",
        PUNE,
        at(IST, "2026-11-06 17:55"),
        timedelta(hours=1),
        at(IST, "2026-11-09 09:55"),
    ),
    (
        "Friday evening before Diwali, 8 h",
        PUNE,
        at(IST, "2026-11-06 17:55"),
        timedelta(hours=8),
        at(IST, "2026-11-09 16:55"),
    ),
    # Tuesday 10 November (Bali Pratipada) is a holiday in Maharashtra.
    (
        "a holiday",
        PUNE,
        at(IST, "2026-11-09 18:00"),
        timedelta(hours=2),
        at(IST, "2026-11-11 11:00"),
    ),
    # Shivaji Maharaj's birthday (Thursday 19 February) is Maharashtra's, not all India's.
    (
        "a subdivision's holiday",
        PUNE,
        at(IST, "2026-02-18 18:00"),
        timedelta(hours=1),
        at(IST, "2026-02-20 10:00"),
    ),
    (
        "the same day without the subdivision",
        INDIA,
        at(IST, "2026-02-18 18:00"),
        timedelta(hours=1),
        at(IST, "2026-02-19 10:00"),
    ),
    # New York leaves daylight saving time on Sunday 1 November: 16:00 EDT is 20:00 UTC and
    # Monday's 10:00 EST is 15:00 UTC.
    (
        "across the end of daylight saving",
        NEW_YORK,
        at(NY, "2026-10-30 16:00"),
        timedelta(hours=2),
        at(UTC, "2026-11-02 15:00"),
    ),
    (
        "across its start",
        NEW_YORK,
        at(NY, "2026-03-06 16:30"),
        timedelta(hours=1),
        at(UTC, "2026-03-09 13:30"),
    ),
]


@pytest.mark.parametrize(
    ("why", "calendar", "start", "amount", "due"), CASES, ids=[c[0] for c in CASES]
)
def test_deadlines_in_business_time(
    why: str, calendar: Calendar, start: datetime, amount: timedelta, due: datetime
) -> None:
    assert calendar.add(start, amount) == due
    assert calendar.between(start, due) == amount  # and back: the time it took


def test_business_days_are_whole_working_days() -> None:
    assert OFFICE.add_days(at(UTC, "2026-12-02 12:00"), 2) == at(UTC, "2026-12-04 12:00")
    assert OFFICE.add_days(at(UTC, "2026-12-03 12:00"), 2) == at(UTC, "2026-12-07 12:00")
    # 17:55 Friday before Diwali + 2 business days of 9 h: 35 min Fri, Mon 9 h, Wed 8 h 25 min.
    assert PUNE.add_days(at(IST, "2026-11-06 17:55"), 2) == at(IST, "2026-11-11 17:55")


def test_a_calendar_change_mid_complaint_moves_the_deadline() -> None:
    logged = at(UTC, "2026-12-04 16:00")  # a Friday
    assert OFFICE.add(logged, timedelta(hours=2)) == at(UTC, "2026-12-07 10:00")
    saturdays = Calendar("UTC", MON_SAT, time(9), time(17))
    assert saturdays.add(logged, timedelta(hours=2)) == at(UTC, "2026-12-05 10:00")
    closed = Calendar("UTC", WEEKDAYS, time(9), time(17), closed=frozenset({date(2026, 12, 7)}))
    assert closed.add(logged, timedelta(hours=2)) == at(UTC, "2026-12-08 10:00")


def test_time_elapsed_counts_only_working_hours() -> None:
    assert OFFICE.between(at(UTC, "2026-12-04 16:00"), at(UTC, "2026-12-07 10:00")) == timedelta(
        hours=2
    )
    assert OFFICE.between(at(UTC, "2026-12-07 10:00"), at(UTC, "2026-12-04 16:00")) == -timedelta(
        hours=2
    )
    assert OFFICE.between(at(UTC, "2026-12-05 10:00"), at(UTC, "2026-12-06 10:00")) == timedelta()


def test_a_calendar_that_never_opens_is_refused() -> None:
    never = Calendar("UTC", frozenset(), time(9), time(17))
    with pytest.raises(ValueError, match="no working time"):
        never.add(at(UTC, "2026-12-01 10:00"), timedelta(hours=1))
    with pytest.raises(ValueError, match="closes after it opens"):
        Calendar("UTC", WEEKDAYS, time(17), time(9))


@pytest.mark.parametrize(
    ("why", "calendar", "start", "amount", "due"), CASES, ids=[c[0] for c in CASES]
)
def test_a_timeline_agrees_with_the_calendar(
    why: str, calendar: Calendar, start: datetime, amount: timedelta, due: datetime
) -> None:
    """The bisection used for many deadlines at once gives the same answers as the day walk."""
    timeline = calendar.timeline(start - timedelta(days=3))
    assert timeline.add(start, amount) == due
    assert timeline.between(start, due) == amount
