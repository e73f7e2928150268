"""When digests fire and which week they report: local time across DST, month and year ends."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.digest.schedule import latest_fire, next_fire, parse_schedule
from bot.errors import UserError
from bot.goals.periods import week_before
from storage.models import Workspace


def workspace(zone: str, day: str = "mon", at: str = "09:00") -> Workspace:
    return Workspace(timezone=zone, digest_day=day, digest_time=at)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "fire"),
    [
        ("Asia/Kolkata", utc(2026, 11, 2, 3, 30)),  # UTC+5:30, no DST
        ("Asia/Manila", utc(2026, 11, 2, 1, 0)),  # UTC+8, no DST
        ("America/New_York", utc(2026, 11, 2, 14, 0)),  # EST from Nov 1
        ("UTC", utc(2026, 11, 2, 9, 0)),
    ],
)
def test_monday_nine_is_nine_local(zone: str, fire: datetime) -> None:
    assert next_fire(workspace(zone), utc(2026, 10, 31, 12)) == fire
    assert fire.astimezone(ZoneInfo(zone)).strftime("%a %H:%M") == "Mon 09:00"


def test_new_york_stays_at_nine_across_the_dst_change() -> None:
    new_york = workspace("America/New_York")
    before = next_fire(new_york, utc(2026, 10, 20))
    assert before == utc(2026, 10, 26, 13, 0)  # EDT, UTC-4
    after = next_fire(new_york, before)  # strictly after: the next week, not the same instant
    assert after == utc(2026, 11, 2, 14, 0)  # EST, UTC-5: 09:00 local still
    assert latest_fire(new_york, utc(2026, 11, 2, 13, 59)) == before
    assert latest_fire(new_york, after) == after
    assert latest_fire(new_york, utc(2026, 11, 5)) == after
    # Spring forward, 2027-03-14: 09:00 EDT is 13:00 UTC again.
    assert next_fire(new_york, utc(2027, 3, 9)) == utc(2027, 3, 15, 13, 0)


def test_the_week_reported_is_the_one_that_ended_before_the_send() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    # Monday 00:30 in Kolkata is still Sunday in UTC: the local week decides.
    week = week_before(utc(2026, 11, 1, 19, 0), kolkata)
    assert (week.first_day, week.end_day, week.label) == (
        date(2026, 10, 26),
        date(2026, 11, 2),
        "2026-W44",
    )
    assert week.start == utc(2026, 10, 25, 18, 30)  # local midnight
    # A Sunday-evening digest reports the week before: this one has not ended yet.
    sunday = workspace("Asia/Kolkata", "sun", "23:30")
    fire = next_fire(sunday, utc(2026, 11, 29))
    assert fire == utc(2026, 11, 29, 18, 0)
    assert week_before(fire, kolkata).label == "2026-W47"
    # New York's week across the DST change is 169 hours long and still seven local days.
    new_york = ZoneInfo("America/New_York")
    week = week_before(utc(2026, 11, 2, 14), new_york)
    assert (week.end - week.start).total_seconds() == 169 * 3600


@pytest.mark.parametrize(
    ("after", "fire", "label"),
    [
        (utc(2026, 11, 24), utc(2026, 11, 30, 1, 0), "2026-W48"),  # Nov 23–29
        (utc(2026, 11, 30, 1, 0), utc(2026, 12, 7, 1, 0), "2026-W49"),  # across the month end
        (utc(2026, 12, 29), utc(2027, 1, 4, 1, 0), "2026-W53"),  # 2026 has 53 ISO weeks
        (utc(2027, 1, 4, 1, 0), utc(2027, 1, 11, 1, 0), "2027-W01"),
        (utc(2028, 2, 22), utc(2028, 2, 28, 1, 0), "2028-W08"),
        (utc(2028, 2, 28, 1, 0), utc(2028, 3, 6, 1, 0), "2028-W09"),  # Feb 28–Mar 5, leap year
    ],
)
def test_month_and_year_ends(after: datetime, fire: datetime, label: str) -> None:
    manila = workspace("Asia/Manila")
    assert next_fire(manila, after) == fire
    assert latest_fire(manila, fire) == fire
    assert week_before(fire, ZoneInfo("Asia/Manila")).label == label


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mon 09:00", ("mon", "09:00")),
        ("Wednesday 7:05", ("wed", "07:05")),
        ("SUN 23:59", ("sun", "23:59")),
    ],
)
def test_schedules_people_type(typed: str, expected: tuple[str, str]) -> None:
    assert parse_schedule(typed) == expected


@pytest.mark.parametrize(
    "typed", ["mo 09:00", "monday", "mon 9", "mon 24:00", "mon 09:60", "x y z"]
)
def test_schedules_refused(typed: str) -> None:
    with pytest.raises(UserError):
        parse_schedule(typed)
