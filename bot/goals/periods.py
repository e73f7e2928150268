"""Reporting windows in the workspace's time zone: ISO weeks and calendar months.

A window runs from local midnight to local midnight, [start, end), so a week across a DST
change is 167 or 169 hours long and still holds exactly seven local days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK = "week"
MONTH = "month"
PERIODS = (WEEK, MONTH)


@dataclass(frozen=True)
class Window:
    """Local days [first_day, end_day) and the same span as aware UTC instants."""

    first_day: date
    end_day: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return midnight(self.first_day, self.zone)

    @property
    def end(self) -> datetime:
        return midnight(self.end_day, self.zone)

    @property
    def label(self) -> str:
        """The ISO week of the first day, e.g. 2026-W45 (the key of a digest's period)."""
        year, week, _ = self.first_day.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def last_day(self) -> date:
        return self.end_day - timedelta(days=1)


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def week_of(day: date, zone: ZoneInfo) -> Window:
    monday = day - timedelta(days=day.weekday())
    return Window(monday, monday + timedelta(days=7), zone)


def week_before(moment: datetime, zone: ZoneInfo) -> Window:
    """The ISO week that ended before `moment`: the one a digest sent then reports on."""
    this = week_of(local_day(moment, zone), zone)
    return week_of(this.first_day - timedelta(days=7), zone)


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def goal_windows(period: str, week: Window) -> tuple[Window, Window]:
    """The window a goal is measured over in a digest for `week`, and the one to compare with.

    A weekly goal: that week, and the week before. A monthly goal: its calendar month up to
    the week's end (month to date), compared with the same number of days of the month
    before. The month is the one of the week's first day, so the week that holds a month's
    last day reports that month complete (against the whole month before), and every day of
    every month is reported."""
    if period == WEEK:
        before = Window(week.first_day - timedelta(days=7), week.first_day, week.zone)
        return week, before
    first = _first_of_month(week.first_day)
    end = min(week.end_day, _next_month(first))
    current = Window(first, end, week.zone)
    previous_first = _first_of_month(first - timedelta(days=1))
    if end == _next_month(first):
        return current, Window(previous_first, first, week.zone)
    same_length = previous_first + (end - first)
    return current, Window(previous_first, min(same_length, first), week.zone)
