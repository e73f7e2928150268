"""Where complaints stand against their targets, in words, for the lists people read (App
Home, `/complaint list overdue`): the deadline that counts now, and the time left or how late,
in the workspace's business time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.complaints import views
from bot.context import Context
from bot.i18n import Translator
from bot.sla.calendar import Calendar
from bot.sla.targets import calendar_of
from bot.sla.words import time_left
from bot.ui import Section
from storage.models import Complaint, Workspace
from storage.sla import BusinessHours, ComplaintClock

LATE_SHOWN = 20


async def calendar_for(session: AsyncSession, workspace: Workspace) -> Calendar:
    return calendar_of(await session.get(BusinessHours, workspace.id), workspace.timezone)


def deadline_text(
    clock: ComplaintClock, calendar: Calendar, t: Translator, now: datetime
) -> str | None:
    """The first response's deadline until it is met, then the resolution's; none while the
    complaint waits for the customer (its clock stopped) or has no deadline."""
    if clock.responded_at is None and clock.response_due_at is not None:
        left = time_left(t, calendar, now, clock.response_due_at)
        return t("first response: {left}").format(left=left)
    if clock.waiting_since is None and clock.resolution_due_at is not None:
        left = time_left(t, calendar, now, clock.resolution_due_at)
        return t("resolution: {left}").format(left=left)
    return None


async def deadline_texts(
    session: AsyncSession,
    workspace: Workspace,
    complaints: Sequence[Complaint],
    t: Translator,
    now: datetime,
) -> dict[int, str]:
    """Complaint id -> where it stands against its target, for the open ones listed (their
    clocks came with them: `Complaint.clock` is loaded with the complaint)."""
    clocks = [c.clock for c in complaints if c.status != "resolved" and c.clock is not None]
    if not clocks:
        return {}
    calendar = await calendar_for(session, workspace)
    found = {c.complaint_id: deadline_text(c, calendar, t, now) for c in clocks}
    return {cid: text for cid, text in found.items() if text}


def _late(now: datetime) -> ColumnElement[bool]:
    clock = ComplaintClock
    return or_(
        and_(clock.responded_at.is_(None), clock.response_due_at < now),
        and_(clock.waiting_since.is_(None), clock.resolution_due_at < now),
    )


async def past_target(
    session: AsyncSession, workspace: Workspace, now: datetime, limit: int = LATE_SHOWN
) -> tuple[list[tuple[Complaint, ComplaintClock]], int]:
    """Open complaints past their response or resolution deadline, the latest first, and how
    many there are in all."""
    clock = ComplaintClock
    late = (
        clock.workspace_id == workspace.id,
        Complaint.status != "resolved",
        _late(now),
    )
    total = await session.scalar(
        select(func.count())
        .select_from(clock)
        .join(Complaint, Complaint.id == clock.complaint_id)
        .where(*late)
    )
    # The deadline that counts: the first response's until met, then the resolution's.
    earliest = case(
        (clock.responded_at.is_(None), clock.response_due_at), else_=clock.resolution_due_at
    )
    rows = await session.execute(
        select(Complaint, clock)
        .join(clock, clock.complaint_id == Complaint.id)
        .where(*late)
        .order_by(earliest, Complaint.number)
        .limit(limit)
    )
    return [(c, k) for c, k in rows], int(total or 0)


async def past_target_section(ctx: Context) -> Section:
    """`/complaint list overdue`'s second part: complaints past their response or resolution
    deadline, the latest first, with how late in business time."""
    t = ctx.t
    found, total = await past_target(ctx.session, ctx.workspace, ctx.now())
    title = t("Past their response or resolution target")
    if not found:
        return Section(title=title, body=t("No complaint is past its target."))
    calendar = await calendar_for(ctx.session, ctx.workspace)
    lines = [views.line(c, t, deadline_text(k, calendar, t, ctx.now())) for c, k in found]
    if total > len(found):
        lines.append(
            t("{shown} of {total} shown, the latest first.").format(
                shown=t.number(len(found), 0), total=t.number(total, 0)
            )
        )
    return Section(title=title, body="\n".join(lines))
