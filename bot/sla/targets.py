"""Targets by priority (and optionally category), and the deadlines they give a complaint.

A target is business time: hours of the working day, or business days (whole working days,
so "2 days" is twice the working day's length). The first response is the first step
recorded, or the resolution, whichever comes first; resolution is the complaint resolved.
The defaults are the common helpdesk ones; a workspace's managers change them (`/sla`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol

from bot.sla.calendar import Calendar
from storage.sla import BusinessHours, SlaTarget

PRIORITIES = ("low", "normal", "high", "urgent")
DEFAULT_PRIORITY = "normal"
HOUR = 60
# (first response, resolution); "d" is business days, "h" business hours.
DEFAULTS: dict[str, tuple[str, str]] = {
    "urgent": ("1h", "8h"),
    "high": ("4h", "2d"),
    "normal": ("1d", "5d"),
    "low": ("2d", "10d"),
}
DEFAULT_WARN_PERCENT = 75
_SPAN = re.compile(r"^\s*(\d{1,4})\s*([hd])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """An amount of business time as people set it: N hours or N business days."""

    amount: int
    unit: str  # "h" | "d"

    @classmethod
    def parse(cls, text: str) -> Span | None:
        match = _SPAN.match(text)
        if match is None or int(match[1]) == 0:
            return None
        return cls(int(match[1]), match[2].lower())

    def minutes(self, calendar: Calendar) -> int:
        if self.unit == "h":
            return self.amount * HOUR
        return self.amount * int(calendar.day_length.total_seconds() // 60)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@dataclass(frozen=True)
class Target:
    priority: str
    category: str | None
    response: Span
    resolution: Span


def default_targets() -> dict[str, Target]:
    return {
        p: Target(p, None, Span.parse(r) or Span(1, "d"), Span.parse(s) or Span(5, "d"))
        for p, (r, s) in DEFAULTS.items()
    }


def span_of_minutes(minutes: int, calendar: Calendar) -> Span:
    """How a stored target is shown: in days when it is whole working days, else hours."""
    day = int(calendar.day_length.total_seconds() // 60)
    if minutes % day == 0 and minutes >= day:
        return Span(minutes // day, "d")
    return Span(max(1, minutes // HOUR), "h")


def target_for(
    rows: Iterable[SlaTarget], calendar: Calendar, priority: str, category: str | None
) -> Target:
    """The workspace's target for a priority and category: its row for that category, else
    its row for the priority, else the default."""
    general: SlaTarget | None = None
    for row in rows:
        if row.priority != priority:
            continue
        if row.category is not None and row.category == category:
            return _target(row, calendar)
        if row.category is None:
            general = row
    if general is not None:
        return _target(general, calendar)
    return default_targets()[priority if priority in DEFAULTS else DEFAULT_PRIORITY]


def _target(row: SlaTarget, calendar: Calendar) -> Target:
    return Target(
        row.priority,
        row.category,
        span_of_minutes(row.response_minutes, calendar),
        span_of_minutes(row.resolution_minutes, calendar),
    )


def calendar_of(hours: BusinessHours | None, zone: str) -> Calendar:
    """A workspace's calendar; without a row, Monday to Friday 09:00–18:00 in its zone."""
    if hours is None:
        return Calendar(zone)
    return Calendar(
        zone=zone,
        days=frozenset(int(d) for d in hours.days.split(",") if d.strip()),
        opens=time.fromisoformat(hours.opens),
        closes=time.fromisoformat(hours.closes),
        country=hours.country,
        subdivision=hours.subdivision,
        closed=hours.closed_days(),
    )


class Adds(Protocol):
    """A Calendar, or a Timeline of it (many deadlines at once)."""

    def add(self, start: datetime, amount: timedelta) -> datetime: ...


@dataclass(frozen=True)
class Deadlines:
    response_due: datetime
    response_warn: datetime
    resolution_due: datetime
    resolution_warn: datetime


def deadlines(
    clock: Adds,
    calendar: Calendar,
    received_at: datetime,
    target: Target,
    warn_percent: int = DEFAULT_WARN_PERCENT,
    waited: timedelta = timedelta(),
) -> Deadlines:
    """A complaint's deadlines and the moments to warn before them, in business time from
    when it was received; the resolution's moved on by the business time it waited for the
    customer."""
    response = timedelta(minutes=target.response.minutes(calendar))
    resolution = timedelta(minutes=target.resolution.minutes(calendar))
    share = warn_percent / 100
    return Deadlines(
        response_due=clock.add(received_at, response),
        response_warn=clock.add(received_at, response * share),
        resolution_due=clock.add(received_at, resolution + waited),
        resolution_warn=clock.add(received_at, resolution * share + waited),
    )


def ordered(priorities: Sequence[str]) -> list[str]:
    """Most urgent first."""
    return sorted(priorities, key=lambda p: -PRIORITIES.index(p) if p in PRIORITIES else 0)
