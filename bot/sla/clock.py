"""One complaint's clock: its deadlines in business time, and the four jobs that warn before
them and tell of their breach.

`replan` is called in the transaction of every change that moves a deadline or meets it (a
new complaint, its first step, resolved, reopened, its priority or category changed, waiting
for the customer and back) and by `/sla` changes for every open complaint. A met deadline, or
one stopped (the resolution while the complaint waits for the customer), has no job; one
already warned of or breached is not told again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduled import plan_unless_refused
from bot.sla.calendar import Calendar
from bot.sla.targets import (
    DEFAULT_WARN_PERCENT,
    Adds,
    Deadlines,
    calendar_of,
    deadlines,
    target_for,
)
from storage.models import Complaint, Job, Workspace
from storage.sla import BusinessHours, ComplaintClock, SlaTarget

WARNING_KIND, BREACH_KIND = "sla_warning", "sla_breach"
RESPONSE, RESOLUTION = "response", "resolution"
WARNING, BREACH = "warning", "breach"
STAGES = (WARNING, BREACH)
DEADLINES = (RESPONSE, RESOLUTION)
Slot = tuple[str, str]  # (response|resolution, warning|breach)


def job_key(complaint_id: int, which: str, stage: str) -> str:
    """One job's key: `which` response|resolution, `stage` warning|breach."""
    return f"sla:{complaint_id}:{which}:{stage}"


def plan_keys(complaint_id: int) -> dict[Slot, str]:
    """The four jobs' keys of one complaint, by deadline and stage."""
    return {
        (which, stage): job_key(complaint_id, which, stage)
        for which in DEADLINES
        for stage in STAGES
    }


def slot_of(key: str) -> Slot | None:
    """The deadline and stage a job's key names (`sla:12:response:warning`)."""
    parts = key.split(":")
    if len(parts) != 4 or parts[0] != "sla" or parts[2] not in DEADLINES or parts[3] not in STAGES:
        return None
    return parts[2], parts[3]


def kind_of(stage: str) -> str:
    return WARNING_KIND if stage == WARNING else BREACH_KIND


@dataclass(frozen=True)
class Setup:
    """A workspace's business time and targets, read once for any number of complaints."""

    calendar: Calendar
    targets: Sequence[SlaTarget]
    warn_percent: int
    hours: BusinessHours | None


async def setup_of(session: AsyncSession, workspace: Workspace) -> Setup:
    hours = await session.get(BusinessHours, workspace.id)
    targets = (
        await session.scalars(select(SlaTarget).where(SlaTarget.workspace_id == workspace.id))
    ).all()
    return Setup(
        calendar_of(hours, workspace.timezone),
        targets,
        hours.warn_percent if hours is not None else DEFAULT_WARN_PERCENT,
        hours,
    )


def deadlines_of(
    complaint: Complaint, row: ComplaintClock, setup: Setup, adds: Adds | None = None
) -> Deadlines:
    """The complaint's deadlines and warning times; `adds` a Timeline for many at once."""
    target = target_for(setup.targets, setup.calendar, complaint.priority, complaint.category)
    return deadlines(
        adds or setup.calendar,
        setup.calendar,
        complaint.received_at,
        target,
        setup.warn_percent,
        timedelta(minutes=row.waited_minutes),
    )


def due_jobs(
    complaint: Complaint, row: ComplaintClock, found: Deadlines, now: datetime
) -> dict[Slot, datetime]:
    """The jobs the complaint needs now, by slot: none for a met or stopped deadline, no
    warning once warned or past the deadline, no breach once told."""
    due: dict[Slot, datetime] = {}
    resolved = complaint.resolved_at is not None
    running = {
        RESPONSE: not resolved and row.responded_at is None,
        RESOLUTION: not resolved and row.waiting_since is None,
    }
    times = {
        RESPONSE: (found.response_warn, found.response_due),
        RESOLUTION: (found.resolution_warn, found.resolution_due),
    }
    for which in DEADLINES:
        if not running[which]:
            continue
        warn_at, due_at = times[which]
        breached = getattr(row, f"{which}_breached_at") is not None
        warned = getattr(row, f"{which}_warned_at") is not None
        if not breached:
            due[(which, BREACH)] = due_at
            if not warned and warn_at < due_at and due_at > now:
                due[(which, WARNING)] = warn_at
    return due


async def clock_row(session: AsyncSession, complaint: Complaint) -> ComplaintClock:
    """The complaint's clock, made on first use (`Complaint.clock` is loaded with it, so
    None means there is none yet)."""
    row = complaint.clock
    if row is None:
        row = ComplaintClock(
            complaint_id=complaint.id, workspace_id=complaint.workspace_id, waited_minutes=0
        )
        session.add(row)
    complaint.clock = row
    return row


async def start(
    session: AsyncSession,
    workspace: Workspace,
    complaint: Complaint,
    now: datetime,
    responded: bool,
) -> None:
    """A new complaint's clock and jobs: the workspace's setup read before the clock is added
    (so it is inserted once, whole), and nothing to cancel yet."""
    setup = await setup_of(session, workspace)
    row = await clock_row(session, complaint)
    if responded:
        row.responded_at = now
    await replan(session, workspace, complaint, now, setup, fresh=True)


async def replan(
    session: AsyncSession,
    workspace: Workspace,
    complaint: Complaint,
    now: datetime,
    setup: Setup | None = None,
    fresh: bool = False,
) -> None:
    """Computes the complaint's deadlines, keeps them in its clock, and plans or cancels its
    four jobs (`fresh`: it has none yet)."""
    setup = setup or await setup_of(session, workspace)
    row = await clock_row(session, complaint)
    found = deadlines_of(complaint, row, setup)
    row.response_due_at = found.response_due
    row.resolution_due_at = found.resolution_due
    due = due_jobs(complaint, row, found, now)
    keys = plan_keys(complaint.id)
    for slot, due_at in due.items():
        await plan_unless_refused(
            session,
            workspace_id=workspace.id,
            kind=kind_of(slot[1]),
            key=keys[slot],
            due_at=due_at,
            now=now,
            subject_id=complaint.id,
        )
    unplanned = [key for slot, key in keys.items() if slot not in due]
    if fresh or not unplanned:
        return
    await session.execute(
        update(Job)
        .where(Job.workspace_id == workspace.id, Job.key.in_(unplanned), Job.state == "pending")
        .values(state="cancelled")
        .execution_options(synchronize_session=False)
    )


async def responded(
    session: AsyncSession, workspace: Workspace, complaint: Complaint, now: datetime
) -> None:
    """The first step recorded: the first response, if none was before."""
    row = await clock_row(session, complaint)
    if row.responded_at is None:
        row.responded_at = now
        await replan(session, workspace, complaint, now)


async def pause(
    session: AsyncSession, workspace: Workspace, complaint: Complaint, now: datetime
) -> None:
    """Waiting for the customer: the resolution clock stops."""
    row = await clock_row(session, complaint)
    if row.waiting_since is None:
        row.waiting_since = now
    await replan(session, workspace, complaint, now)


async def resume(
    session: AsyncSession, workspace: Workspace, complaint: Complaint, now: datetime
) -> timedelta:
    """The customer replied: the business time waited moves the resolution deadline on.
    Returns that time."""
    setup = await setup_of(session, workspace)
    row = await clock_row(session, complaint)
    waited = timedelta()
    if row.waiting_since is not None:
        waited = setup.calendar.between(row.waiting_since, now)
        row.waited_minutes += int(waited.total_seconds() // 60)
        row.waiting_since = None
    await replan(session, workspace, complaint, now, setup)
    return waited
