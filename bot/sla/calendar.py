"""Business time: a workspace's working days and hours in its time zone, less public holidays
(the `holidays` library, by country and subdivision) and its own closed days.

Deadlines are computed a day at a time: each open day is one interval [opens, closes) in the
workspace's zone, turned into UTC on that day (so a daylight-saving change moves it as the
clock on the wall does). Nothing counts minutes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UTC = ZoneInfo("UTC")
# No deadline lies further than this many calendar days ahead (a calendar with no open day).
HORIZON_DAYS = 3 * 366
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache(maxsize=512)
def public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The country's (and subdivision's) public holidays of one year; cached, as the library
    computes them anew each time."""
    found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(found)


@lru_cache(maxsize=65536)
def _hours(zone: str, opens: time, closes: time, day: date) -> tuple[datetime, datetime]:
    # Cached: a calendar change recomputes thousands of deadlines over the same few days.
    tz = ZoneInfo(zone)
    return (
        datetime.combine(day, opens, tz).astimezone(UTC),
        datetime.combine(day, closes, tz).astimezone(UTC),
    )


@dataclass(frozen=True)
class Calendar:
    zone: str = "UTC"
    days: frozenset[int] = frozenset(range(5))  # Monday is 0
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    country: str | None = None
    subdivision: str | None = None
    closed: frozenset[date] = field(default_factory=frozenset)  # the workspace's own days

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("a working day closes after it opens")

    @property
    def day_length(self) -> timedelta:
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)

    def is_open(self, day: date) -> bool:
        if day.weekday() not in self.days or day in self.closed:
            return False
        return not (
            self.country and day in public_holidays(self.country, self.subdivision, day.year)
        )

    def hours_of(self, day: date) -> tuple[datetime, datetime]:
        """That day's working hours in UTC (as the wall clock of the zone says them)."""
        return _hours(self.zone, self.opens, self.closes, day)

    def _open_intervals(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The working intervals from `since` on, the first one cut at `since`."""
        day = since.astimezone(ZoneInfo(self.zone)).date()
        for _ in range(HORIZON_DAYS):
            if self.is_open(day):
                start, end = self.hours_of(day)
                if end > since:
                    yield max(start, since), end
            day += timedelta(days=1)

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The moment `amount` of business time after `start` (itself at or after `start`).
        A deadline that falls exactly at closing time stays there, not at next opening."""
        left = amount
        for begin, end in self._open_intervals(start):
            if left <= end - begin:
                return begin + left
            left -= end - begin
        raise ValueError("this calendar has no working time ahead")

    def add_days(self, start: datetime, days: int) -> datetime:
        """`days` business days: as many full working days of business time."""
        return self.add(start, self.day_length * days)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time from `start` to `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.between(end, start)
        total = timedelta()
        for begin, close in self._open_intervals(start):
            if begin >= end:
                break
            total += min(close, end) - begin
        return total

    def timeline(self, since: datetime, days: int = 400) -> Timeline:
        """The working intervals of `days` calendar days from `since`, for many deadlines at
        once (a calendar change recomputes every open complaint's): each is then a bisection."""
        starts: list[datetime] = []
        ends: list[datetime] = []
        day = since.astimezone(ZoneInfo(self.zone)).date() - timedelta(days=1)
        for _ in range(days + 1):
            if self.is_open(day):
                start, end = self.hours_of(day)
                starts.append(start)
                ends.append(end)
            day += timedelta(days=1)
        return Timeline(self, starts, ends)


class Timeline:
    """A calendar's working intervals over a stretch of days, with the business time before
    each: business time at a moment, and the moment of a business time, by bisection."""

    def __init__(self, calendar: Calendar, starts: list[datetime], ends: list[datetime]) -> None:
        self.calendar = calendar
        self.starts = starts
        self.ends = ends
        self.before: list[timedelta] = []
        total = timedelta()
        for start, end in zip(starts, ends, strict=True):
            self.before.append(total)
            total += end - start
        self.total = total

    def _covers(self, moment: datetime) -> bool:
        return bool(self.starts) and self.starts[0] <= moment <= self.ends[-1]

    def worked(self, moment: datetime) -> timedelta:
        """Business time from the timeline's start to `moment`."""
        i = bisect_right(self.starts, moment) - 1
        if i < 0:
            return timedelta()
        return self.before[i] + min(moment, self.ends[i]) - self.starts[i]

    def add(self, start: datetime, amount: timedelta) -> datetime:
        target = self.worked(start) + amount
        if not self._covers(start) or target > self.total:
            return self.calendar.add(start, amount)  # beyond the stretch: day by day
        i = bisect_right(self.before, target) - 1
        # At an interval's very start the deadline is the close of the one before (as add).
        while i > 0 and self.before[i] == target:
            i -= 1
        return self.starts[i] + (target - self.before[i])

    def between(self, start: datetime, end: datetime) -> timedelta:
        if not (self._covers(start) and self._covers(end)):
            return self.calendar.between(start, end)
        return self.worked(end) - self.worked(start)
