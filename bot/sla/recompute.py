"""Every open complaint's deadlines anew, for one workspace, after its calendar or targets
changed: one timeline, one query for the targets, and a few bulk statements.

Per complaint, four jobs (keys `sla:{id}:{response|resolution}:{warning|breach}`, subject the
complaint): a deadline met (responded) or stopped (waiting for the customer) has its two jobs
cancelled; a moment not yet told is planned at its time, or now when it is past already; a
moment told already is left alone (told once). Planning follows bot.scheduled.plan: one
upsert on the unique (workspace, key), pending again, attempts cleared, the claim token bumped
so a delivery in flight for the old plan cannot end the new one. A job already pending at the
same time (or already due, and due again) is not touched, so running twice changes nothing.

While a complaint waits, its resolution deadline is the one counting the business time of its
past waits only (`waited_minutes`): the clock goes on from there when the customer answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, func, not_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.sla.targets import DEFAULT_WARN_PERCENT, Target, calendar_of, deadlines, target_for
from storage.models import Complaint, ComplaintStep, Job, Workspace
from storage.sla import BusinessHours, ComplaintClock, SlaTarget
from storage.types import UTCDateTime

WARNING, BREACH = "sla_warning", "sla_breach"
# Calendar days past the newest complaint the timeline covers: the longest usual target
# (10 business days) and long holidays; a deadline further away is walked day by day.
AHEAD_DAYS = 60


def job_key(complaint_id: int, deadline: str, moment: str) -> str:
    """`deadline` response|resolution, `moment` warning|breach."""
    return f"sla:{complaint_id}:{deadline}:{moment}"


@dataclass(frozen=True)
class _Open:
    id: int
    received_at: datetime
    priority: str
    category: str
    waiting: bool
    has_clock: bool
    responded_at: datetime | None
    waited_minutes: int
    told: tuple[datetime | None, datetime | None, datetime | None, datetime | None]


async def recompute_workspace(session: AsyncSession, workspace: Workspace, now: datetime) -> int:
    """Recomputes the deadlines and jobs of every complaint of `workspace` not resolved;
    returns how many complaints."""
    hours = await session.get(BusinessHours, workspace.id)
    calendar = calendar_of(hours, workspace.timezone)
    warn_percent = hours.warn_percent if hours is not None else DEFAULT_WARN_PERCENT
    rows = list(
        await session.scalars(select(SlaTarget).where(SlaTarget.workspace_id == workspace.id))
    )
    complaints = await _open_complaints(session, workspace.id)
    if not complaints:
        return 0
    connection = await session.connection()
    responded = await _first_steps(connection, [c.id for c in complaints if not c.has_clock])

    since = min(c.received_at for c in complaints)
    days = (now - since).days + AHEAD_DAYS if now > since else AHEAD_DAYS
    timeline = calendar.timeline(since, days)
    targets: dict[tuple[str, str], Target] = {}
    clocks: list[dict[str, Any]] = []
    planned: list[dict[str, Any]] = []
    cancelled: list[dict[str, Any]] = []
    for c in complaints:
        target = targets.get((c.priority, c.category))
        if target is None:
            target = target_for(rows, calendar, c.priority, c.category)
            targets[(c.priority, c.category)] = target
        due = deadlines(
            timeline, calendar, c.received_at, target, warn_percent, _minutes(c.waited_minutes)
        )
        responded_at = c.responded_at if c.has_clock else responded.get(c.id)
        clocks.append(
            {
                "complaint_id": c.id,
                "workspace_id": workspace.id,
                "response_due_at": due.response_due,
                "resolution_due_at": due.resolution_due,
                "responded_at": responded_at,
            }
        )
        moments = (
            ("response", responded_at is not None, due.response_warn, due.response_due),
            ("resolution", c.waiting, due.resolution_warn, due.resolution_due),
        )
        for i, (deadline, stopped, warn, breach) in enumerate(moments):
            for j, (moment, kind, at) in enumerate(
                (("warning", WARNING, warn), ("breach", BREACH, breach))
            ):
                key = job_key(c.id, deadline, moment)
                if stopped:
                    cancelled.append({"job_key": key})
                elif c.told[2 * i + j] is None:
                    planned.append(
                        {"key": key, "kind": kind, "subject_id": c.id, "due_at": max(at, now)}
                    )
    await _write_clocks(connection, clocks)
    await _plan(connection, workspace.id, planned, now)
    await _cancel(connection, workspace.id, cancelled)
    return len(complaints)


def _minutes(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)


async def _open_complaints(session: AsyncSession, workspace_id: int) -> list[_Open]:
    clock = ComplaintClock
    result = await session.execute(
        select(
            Complaint.id,
            Complaint.received_at,
            Complaint.priority,
            Complaint.category,
            Complaint.status,
            clock.complaint_id,
            clock.responded_at,
            clock.waiting_since,
            clock.waited_minutes,
            clock.response_warned_at,
            clock.response_breached_at,
            clock.resolution_warned_at,
            clock.resolution_breached_at,
        )
        .outerjoin(clock, clock.complaint_id == Complaint.id)
        .where(Complaint.workspace_id == workspace_id, Complaint.status != "resolved")
    )
    return [
        _Open(
            id=row[0],
            received_at=row[1],
            priority=row[2],
            category=row[3],
            waiting=row[4] == "waiting" or row[7] is not None,
            has_clock=row[5] is not None,
            responded_at=row[6],
            waited_minutes=row[8] or 0,
            told=(row[9], row[10], row[11], row[12]),
        )
        for row in result
    ]


async def _first_steps(connection: AsyncConnection, ids: Sequence[int]) -> dict[int, datetime]:
    """The first step of complaints that have no clock yet: their first response."""
    found: dict[int, datetime] = {}
    for chunk in _chunks(ids):
        result = await connection.execute(
            select(ComplaintStep.complaint_id, func.min(ComplaintStep.at))
            .where(ComplaintStep.complaint_id.in_(chunk))
            .group_by(ComplaintStep.complaint_id)
        )
        found.update({cid: at for cid, at in result if at is not None})
    return found


def _chunks(items: Sequence[int], size: int = 5000) -> list[Sequence[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _insert(connection: AsyncConnection) -> Any:
    return pg_insert if connection.dialect.name == "postgresql" else sqlite_insert


async def _write_clocks(connection: AsyncConnection, clocks: list[dict[str, Any]]) -> None:
    """One executemany: new clocks inserted, changed deadlines updated, the rest untouched."""
    if not clocks:
        return
    table = ComplaintClock.__table__
    statement = _insert(connection)(table).values(
        complaint_id=bindparam("complaint_id"),
        workspace_id=bindparam("workspace_id"),
        response_due_at=bindparam("response_due_at"),
        resolution_due_at=bindparam("resolution_due_at"),
        responded_at=bindparam("responded_at"),
        waited_minutes=0,
    )
    excluded = statement.excluded
    upsert = statement.on_conflict_do_update(
        index_elements=["complaint_id"],
        set_={
            "response_due_at": excluded.response_due_at,
            "resolution_due_at": excluded.resolution_due_at,
        },
        where=or_(
            table.c.response_due_at.is_distinct_from(excluded.response_due_at),
            table.c.resolution_due_at.is_distinct_from(excluded.resolution_due_at),
        ),
    )
    await connection.execute(upsert, clocks)


async def _plan(
    connection: AsyncConnection, workspace_id: int, planned: list[dict[str, Any]], now: datetime
) -> None:
    """bot.scheduled.plan for many keys in one executemany; a job pending at the same time, or
    due already and due again, is left as it is."""
    if not planned:
        return
    table = Job.__table__
    statement = _insert(connection)(table).values(
        workspace_id=workspace_id,
        kind=bindparam("kind"),
        key=bindparam("key"),
        subject_id=bindparam("subject_id"),
        due_at=bindparam("due_at"),
        state="pending",
        attempts=0,
        claims=0,
        created_at=now,
    )
    excluded = statement.excluded
    at_now = bindparam("now", now, type_=UTCDateTime())
    unchanged = and_(
        table.c.state == "pending",
        or_(
            table.c.due_at == excluded.due_at,
            and_(table.c.due_at <= at_now, excluded.due_at <= at_now),
        ),
    )
    upsert = statement.on_conflict_do_update(
        index_elements=["workspace_id", "key"],
        set_={
            "kind": excluded.kind,
            "subject_id": excluded.subject_id,
            "due_at": excluded.due_at,
            "state": "pending",
            "attempts": 0,
            "last_error": None,
            "done_at": None,
            "claims": table.c.claims + 1,
        },
        where=not_(unchanged),
    )
    await connection.execute(upsert, planned)


async def _cancel(
    connection: AsyncConnection, workspace_id: int, cancelled: list[dict[str, Any]]
) -> None:
    """bot.scheduled.cancel for many keys: a pending job is cancelled, any other left."""
    if not cancelled:
        return
    table = Job.__table__
    assert isinstance(table, Table)
    await connection.execute(
        update(table)
        .where(
            table.c.workspace_id == workspace_id,
            table.c.key == bindparam("job_key"),
            table.c.state == "pending",
        )
        .values(state="cancelled"),
        cancelled,
    )
