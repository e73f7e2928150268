"""When the weekly digest fires: an APScheduler cron in the workspace's time zone.

CronTrigger computes each fire time in local time, so "Monday 09:00" stays 09:00 local
across a DST change (13:00 UTC before New York's November change, 14:00 UTC after).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.i18n import N_
from bot.scheduled import cancel, plan
from storage.models import Job, Workspace

KIND = "digest"
KEY = "digest"  # one digest job per workspace, re-armed after each send
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_TICK = timedelta(microseconds=1)
# Weekly fires are at most 7 days and a DST hour apart: eight days back always holds one.
_LOOK_BACK = timedelta(days=8)
SCHEDULE_USAGE = N_("Use /digest schedule DAY HH:MM, for example /digest schedule mon 09:00")


def parse_schedule(text: str) -> tuple[str, str]:
    """("mon", "09:00") from "Monday 9:00"; UserError when either part is wrong."""
    parts = text.lower().split()
    if len(parts) != 2:
        raise UserError(SCHEDULE_USAGE)
    word = parts[0]
    day = next((name[:3] for name in _FULL if len(word) >= 3 and name.startswith(word)), None)
    if day is None:
        raise UserError(N_("Give the day as mon, tue, wed, thu, fri, sat or sun."))
    match = _TIME.match(parts[1])
    if match is None:
        raise UserError(N_("Give the time as HH:MM on a 24-hour clock, for example 09:00."))
    return day, f"{int(match.group(1)):02d}:{match.group(2)}"


def _cron(day: str, at: str, timezone: str) -> Any:
    hour, minute = at.split(":")
    return CronTrigger(
        day_of_week=day, hour=int(hour), minute=int(minute), timezone=ZoneInfo(timezone)
    )


def _fire(cron: Any, after: datetime) -> datetime:
    """The first fire time at or after `after`, in UTC."""
    return cast(datetime, cron.get_next_fire_time(None, after)).astimezone(UTC)


def next_fire(workspace: Workspace, after: datetime) -> datetime:
    """The first fire time strictly after `after`: finishing at 09:00 arms next week's."""
    return _fire(
        _cron(workspace.digest_day, workspace.digest_time, workspace.timezone), after + _TICK
    )


def latest_fire(workspace: Workspace, now: datetime) -> datetime:
    """The last fire time at or before `now`: the time a digest being sent was due.

    The job's own due_at cannot say it: the engine moves it to a lease's end while the job
    is claimed. The schedule can, since changing the schedule re-plans the job."""
    cron = _cron(workspace.digest_day, workspace.digest_time, workspace.timezone)
    fire = _fire(cron, now - _LOOK_BACK)
    while (following := _fire(cron, fire + _TICK)) <= now:
        fire = following
    return fire


async def replan(session: AsyncSession, workspace: Workspace, now: datetime) -> Job | None:
    """After the channel or the schedule changed: the job waits for the next fire time, or
    is cancelled when the digest is off."""
    if not workspace.digest_channel:
        await cancel(session, workspace_id=workspace.id, key=KEY)
        return None
    return await plan(
        session,
        workspace_id=workspace.id,
        kind=KIND,
        key=KEY,
        due_at=next_fire(workspace, now),
        now=now,
    )
