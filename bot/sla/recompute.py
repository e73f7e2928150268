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

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, TextClause, bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.scheduled import REFUSED
from bot.sla.clock import BREACH_KIND, WARNING_KIND, job_key
from bot.sla.targets import DEFAULT_WARN_PERCENT, Target, calendar_of, deadlines, target_for
from storage.models import Complaint, ComplaintStep, Workspace
from storage.sla import BusinessHours, ComplaintClock, SlaTarget
from storage.types import UTCDateTime

WARNING, BREACH = WARNING_KIND, BREACH_KIND  # the job kinds (bot/sla/jobs.py)
# Calendar days past the newest complaint the timeline covers: the longest usual target
# (10 business days) and long holidays; a deadline further away is walked day by day.
AHEAD_DAYS = 60


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
    clocks: list[list[Any]] = []
    planned: list[list[Any]] = []
    cancelled: list[str] = []
    for c in complaints:
        target = targets.get((c.priority, c.category))
        if target is None:
            target = target_for(rows, calendar, c.priority, c.category)
            targets[(c.priority, c.category)] = target
        due = deadlines(
            timeline, calendar, c.received_at, target, warn_percent, _minutes(c.waited_minutes)
        )
        responded_at = c.responded_at if c.has_clock else responded.get(c.id)
        clocks.append([c.id, due.response_due, due.resolution_due, responded_at])
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
                    cancelled.append(key)
                elif c.told[2 * i + j] is None:
                    planned.append([key, kind, c.id, max(at, now)])
    await _write_clocks(connection, workspace.id, clocks)
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


class _Rows:
    """Many rows sent as one JSON parameter and read back as a table in SQL (json_each on
    SQLite, json_array_elements on PostgreSQL): a bulk write is then one statement, with no
    per-row parameter handling on the way."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.pg = connection.dialect.name == "postgresql"
        self.source = (
            "json_array_elements(CAST(:rows AS json)) AS e(value)"
            if self.pg
            else "json_each(:rows) AS e"
        )
        self.distinct = "IS DISTINCT FROM" if self.pg else "IS NOT"

    def column(self, index: int, kind: str) -> str:
        """Element `index` of each row; `kind` integer|text|timestamptz."""
        if self.pg:
            return f"CAST(e.value->>{index} AS {kind})"
        return f"json_extract(e.value, '$[{index}]')"

    def moment(self, value: datetime | None) -> str | None:
        """A datetime as the column stores it (SQLite: UTC text, as SQLAlchemy writes it)."""
        if value is None:
            return None
        utc = value.astimezone(UTC)
        return utc.isoformat() if self.pg else utc.strftime("%Y-%m-%d %H:%M:%S.%f")

    def dump(self, rows: list[list[Any]]) -> str:
        return json.dumps(rows, separators=(",", ":"))


def _bound(sql: str) -> TextClause:
    return text(sql).bindparams(
        bindparam("now", type_=UTCDateTime()), bindparam("workspace", type_=Integer())
    )


async def _write_clocks(
    connection: AsyncConnection, workspace_id: int, clocks: list[list[Any]]
) -> None:
    """[complaint, response due, resolution due, responded]: new clocks inserted, changed
    deadlines updated, the rest untouched."""
    if not clocks:
        return
    rows = _Rows(connection)
    col = rows.column
    sql = f"""
        INSERT INTO complaint_clocks (complaint_id, workspace_id, response_due_at,
            resolution_due_at, responded_at, waited_minutes)
        SELECT {col(0, "integer")}, :workspace, {col(1, "timestamptz")},
            {col(2, "timestamptz")}, {col(3, "timestamptz")}, 0
        FROM {rows.source} WHERE true
        ON CONFLICT (complaint_id) DO UPDATE SET
            response_due_at = excluded.response_due_at,
            resolution_due_at = excluded.resolution_due_at
        WHERE complaint_clocks.response_due_at {rows.distinct} excluded.response_due_at
            OR complaint_clocks.resolution_due_at {rows.distinct} excluded.resolution_due_at
    """
    for row in clocks:
        row[1], row[2], row[3] = rows.moment(row[1]), rows.moment(row[2]), rows.moment(row[3])
    await connection.execute(
        text(sql).bindparams(bindparam("workspace", type_=Integer())),
        {"rows": rows.dump(clocks), "workspace": workspace_id},
    )


async def _plan(
    connection: AsyncConnection, workspace_id: int, planned: list[list[Any]], now: datetime
) -> None:
    """bot.scheduled.plan for many [key, kind, complaint, due] in one statement: pending
    again, attempts cleared, the claim token bumped; a job pending at the same time, or due
    already and due again, is left as it is."""
    if not planned:
        return
    rows = _Rows(connection)
    col = rows.column
    sql = f"""
        INSERT INTO jobs (workspace_id, kind, key, subject_id, due_at, state, attempts, claims,
            created_at)
        SELECT :workspace, {col(1, "text")}, {col(0, "text")}, {col(2, "integer")},
            {col(3, "timestamptz")}, 'pending', 0, 0, :now
        FROM {rows.source} WHERE true
        ON CONFLICT (workspace_id, key) DO UPDATE SET
            kind = excluded.kind, subject_id = excluded.subject_id, due_at = excluded.due_at,
            state = 'pending', attempts = 0, last_error = NULL, done_at = NULL,
            claims = jobs.claims + 1
        WHERE NOT (jobs.state = 'pending' AND (jobs.due_at = excluded.due_at
            OR (jobs.due_at <= :now AND excluded.due_at <= :now)))
        AND NOT (jobs.state = 'failed' AND jobs.last_error LIKE :refused)
    """
    for row in planned:
        row[3] = rows.moment(row[3])
    await connection.execute(
        _bound(sql),
        {
            "rows": rows.dump(planned),
            "workspace": workspace_id,
            "now": now,
            "refused": REFUSED + "%",
        },
    )


async def _cancel(connection: AsyncConnection, workspace_id: int, cancelled: list[str]) -> None:
    """bot.scheduled.cancel for many keys: a pending job is cancelled, any other left."""
    if not cancelled:
        return
    rows = _Rows(connection)
    sql = f"""
        UPDATE jobs SET state = 'cancelled'
        WHERE workspace_id = :workspace AND state = 'pending'
            AND key IN (SELECT {rows.column(0, "text")} FROM {rows.source})
    """
    await connection.execute(
        text(sql).bindparams(bindparam("workspace", type_=Integer())),
        {"rows": rows.dump([[key] for key in cancelled]), "workspace": workspace_id},
    )
