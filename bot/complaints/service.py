"""The complaint log's operations. Keyword-only, each writes its audit event; callers commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from bot.complaints import planning
from bot.complaints.schemas import (
    ComplaintIn,
    FollowUpDoneIn,
    FollowUpIn,
    ResolveIn,
    SolutionMode,
    StepIn,
)
from bot.context import Context, Role
from bot.errors import NotFound, UserError
from bot.i18n import N_
from bot.members import member_by_external_id
from bot.sla import clock as sla_clock
from storage.models import (
    AuditEvent,
    Complaint,
    ComplaintStep,
    FollowUp,
    Member,
    Workspace,
    table_of,
)

OPEN = "open"
WAITING = "waiting"  # for the customer: the resolution clock stops
RESOLVED = "resolved"
NOT_RESOLVED = (OPEN, WAITING)

# The method's four steps to resolve a problem, offered as the agent's checklist.
CHECKLIST: dict[str, str] = {
    "understand": N_("Understand the problem: let the customer speak, note the facts, repeat them"),
    "cause": N_("Identify the cause: what happened, what should have happened"),
    "propose": N_("Propose solutions: ask for the customer's ideas first, agree a plan"),
    "resolve": N_("Resolve: act, check the customer is pleased, apologise, offer something"),
}


def audit(ctx: Context, action: str, complaint: Complaint | None, **changes: Any) -> None:
    ctx.session.add(
        AuditEvent(
            workspace_id=ctx.workspace.id,
            complaint_id=complaint.id if complaint else None,
            actor_id=ctx.member.id,
            action=action,
            changes=changes,
            at=ctx.now(),
        )
    )


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _set(complaint: Complaint, changes: dict[str, list[Any]], **values: Any) -> None:
    """Assign and record [old, new] for the fields that actually change."""
    for name, new in values.items():
        old = getattr(complaint, name)
        if old != new:
            setattr(complaint, name, new)
            changes[name] = [_jsonable(old), _jsonable(new)]


# One atomic statement: two agents logging at once never get the same number.
# On the tables, not the ORM entities: a create is the hot path, and the ORM's bulk
# machinery costs more per statement than SQLite does (see bench/README.md).
_WORKSPACES = table_of(Workspace)
_NEXT_NUMBER = (
    update(_WORKSPACES)
    .where(_WORKSPACES.c.id == bindparam("workspace"))
    .values(last_complaint_number=_WORKSPACES.c.last_complaint_number + 1)
    .returning(_WORKSPACES.c.last_complaint_number)
)
_INSERT_COMPLAINT = insert(table_of(Complaint)).returning(table_of(Complaint).c.id)
_INSERT_STEPS = insert(table_of(ComplaintStep))
_INSERT_FOLLOW_UP = insert(table_of(FollowUp))
_INSERT_AUDIT = insert(table_of(AuditEvent))
# The columns a create leaves to the database (all NULL): set on the object too, so that
# reading one never tries a lazy load.
_UNSET = {"assigned_to_id": None, "escalated_at": None, "erased_at": None}


async def _replan(ctx: Context, complaint: Complaint) -> None:
    await sla_clock.replan(ctx.session, ctx.workspace, complaint, ctx.now())


async def _next_number(ctx: Context) -> int:
    number = await ctx.session.scalar(_NEXT_NUMBER, {"workspace": ctx.workspace.id})
    assert number is not None
    return int(number)


async def create(ctx: Context, *, data: ComplaintIn) -> Complaint:
    """Log a complaint with its first steps, follow-up and audit event.

    Bulk INSERT ... RETURNING statements instead of the unit of work: logging a complaint is
    the hot path, and each statement is a round trip (on SQLite, through aiosqlite's thread).
    """
    receiver = ctx.member
    if data.received_by and data.received_by != ctx.member.external_id:
        receiver = await member_by_external_id(
            ctx.session, ctx.workspace, data.received_by, ctx.clock
        )
    now = ctx.now()
    on_the_spot = data.solution_mode is SolutionMode.ON_THE_SPOT
    row = {
        "workspace_id": ctx.workspace.id,
        "number": await _next_number(ctx),
        "status": RESOLVED if on_the_spot else OPEN,
        "priority": data.priority or "normal",
        "customer_name": data.customer_name,
        "customer_address": data.customer_address,
        "customer_phone": data.customer_phone,
        "customer_email": data.customer_email,
        "customer_language": data.customer_language,
        "received_by_id": receiver.id,
        "received_at": data.received_at or now,
        "resolved_at": now if on_the_spot else None,
        "category": data.category,
        "description": data.description,
        "solution": data.solution,
        "solution_mode": data.solution_mode.value if data.solution_mode else None,
        "follow_up_at": data.follow_up_at,
        "compensation_text": data.compensation_text,
        "compensation_minor": data.compensation_minor,
        "compensation_currency": data.compensation_currency
        if data.compensation_minor is not None or data.compensation_text
        else None,
        "prevention": data.prevention,
        "checklist": {},
        "created_at": now,
        "updated_at": now,
    }
    complaint_id = await ctx.session.scalar(_INSERT_COMPLAINT, row)
    assert complaint_id is not None
    # The row as the ORM would have loaded it, attached without a query: the card is drawn
    # from it, and later changes in this event are flushed as updates.
    complaint = Complaint(id=complaint_id, **_UNSET, **row)
    make_transient_to_detached(complaint)
    ctx.session.add(complaint)
    set_committed_value(complaint, "received_by", receiver)
    set_committed_value(complaint, "assigned_to", None)
    set_committed_value(complaint, "clock", None)
    steps = [
        {"complaint_id": complaint_id, "text": line, "by_id": ctx.member.id, "at": now}
        for line in data.step_lines()
    ]
    if steps:
        await ctx.session.execute(_INSERT_STEPS, steps)
    if data.follow_up_at:
        follow_up = {"complaint_id": complaint_id, "due_at": data.follow_up_at, "created_at": now}
        await ctx.session.execute(_INSERT_FOLLOW_UP, follow_up)
    await planning.new_complaint(ctx, complaint)
    # Steps already taken, or resolved on the spot: that was the first response.
    await sla_clock.start(ctx.session, ctx.workspace, complaint, now, bool(steps or on_the_spot))
    audit_row = {
        "workspace_id": ctx.workspace.id,
        "complaint_id": complaint_id,
        "actor_id": ctx.member.id,
        "action": "created",
        "changes": {"number": complaint.number, "status": complaint.status},
        "at": now,
    }
    await ctx.session.execute(_INSERT_AUDIT, audit_row)
    return complaint


async def get(ctx: Context, *, number: int, for_update: bool = False) -> Complaint:
    """The complaint; `for_update` locks its row first (PostgreSQL) and reads it afresh, so
    two changes at once are made one after the other, the second seeing the first's result.
    Every change to a complaint reads it this way."""
    query = select(Complaint).where(
        Complaint.workspace_id == ctx.workspace.id, Complaint.number == number
    )
    if for_update:
        # NO KEY UPDATE (key_share): see bot.locks.
        query = query.with_for_update(of=Complaint, key_share=True).execution_options(
            populate_existing=True
        )
    complaint = await ctx.session.scalar(query)
    if complaint is None:
        raise NotFound(N_("There is no complaint #{number} in this workspace."), number=number)
    return complaint


def can_see_personal_data(ctx: Context, complaint: Complaint) -> bool:
    """The agent who logged it, the assigned agent, managers and admins."""
    if ctx.role in (Role.MANAGER, Role.ADMIN):
        return True
    return ctx.member.id in (complaint.received_by_id, complaint.assigned_to_id)


def _touch(ctx: Context, complaint: Complaint) -> None:
    complaint.updated_at = ctx.now()


async def add_step(ctx: Context, *, complaint: Complaint, data: StepIn) -> ComplaintStep:
    assert data.text is not None
    step = ComplaintStep(
        complaint_id=complaint.id, text=data.text, by_id=ctx.member.id, at=ctx.now()
    )
    ctx.session.add(step)
    _touch(ctx, complaint)
    await sla_clock.responded(ctx.session, ctx.workspace, complaint, ctx.now())
    audit(ctx, "step_added", complaint, text=data.text)
    return step


async def assign(ctx: Context, *, complaint: Complaint, assignee_external_id: str) -> Member:
    assignee = await member_by_external_id(
        ctx.session, ctx.workspace, assignee_external_id, ctx.clock
    )
    changes: dict[str, list[Any]] = {}
    _set(complaint, changes, assigned_to_id=assignee.id)
    if changes:
        complaint.assigned_to = assignee
        _touch(ctx, complaint)
        audit(ctx, "assigned", complaint, assigned_to=assignee.display_name)
    return assignee


async def _scheduled_follow_ups(ctx: Context, complaint: Complaint) -> Sequence[FollowUp]:
    # Locked (PostgreSQL): of two clicks at once, the second waits and then finds none left.
    return (
        await ctx.session.scalars(
            select(FollowUp)
            .where(FollowUp.complaint_id == complaint.id, FollowUp.state == "scheduled")
            .with_for_update()
        )
    ).all()


async def schedule_follow_up(ctx: Context, *, complaint: Complaint, data: FollowUpIn) -> FollowUp:
    """Set the follow-up; one replaces any that was still scheduled."""
    assert data.due_at is not None
    scheduled = await _scheduled_follow_ups(ctx, complaint)
    if [(f.due_at, f.note) for f in scheduled] == [(data.due_at, data.note)]:
        return scheduled[0]  # set to what it is already (a second form): nothing changes
    for old in scheduled:
        old.state = "cancelled"
    follow_up = FollowUp(
        complaint_id=complaint.id, due_at=data.due_at, note=data.note, created_at=ctx.now()
    )
    ctx.session.add(follow_up)
    changes: dict[str, list[Any]] = {}
    _set(complaint, changes, follow_up_at=data.due_at)
    _touch(ctx, complaint)
    await planning.follow_up_set(ctx, complaint, data.due_at)
    audit(ctx, "follow_up_scheduled", complaint, **changes)
    return follow_up


async def complete_follow_up(
    ctx: Context, *, complaint: Complaint, data: FollowUpDoneIn
) -> FollowUp:
    pending = await _scheduled_follow_ups(ctx, complaint)
    if not pending:
        raise UserError(
            N_("Complaint #{number} has no follow-up scheduled."), number=complaint.number
        )
    assert data.outcome is not None
    now = ctx.now()
    for follow_up in pending:
        follow_up.state = "done"
        follow_up.outcome = data.outcome.value
        follow_up.note = data.note or follow_up.note
        follow_up.done_at = now
        follow_up.done_by_id = ctx.member.id
    complaint.follow_up_at = None
    _touch(ctx, complaint)
    await planning.follow_up_done(ctx, complaint)
    audit(ctx, "follow_up_done", complaint, outcome=data.outcome.value, note=data.note)
    return pending[0]


async def resolve(ctx: Context, *, complaint: Complaint, data: ResolveIn) -> None:
    if complaint.status == RESOLVED:
        raise UserError(N_("Complaint #{number} is already resolved."), number=complaint.number)
    assert data.solution_mode is not None
    if complaint.status == WAITING:  # the time waited counts until now
        await sla_clock.resume(ctx.session, ctx.workspace, complaint, ctx.now())
    changes: dict[str, list[Any]] = {}
    _set(
        complaint,
        changes,
        status=RESOLVED,
        resolved_at=ctx.now(),
        solution=data.solution,
        solution_mode=data.solution_mode.value,
        prevention=data.prevention or complaint.prevention,
    )
    if data.compensation_text or data.compensation_minor is not None:
        _set(
            complaint,
            changes,
            compensation_text=data.compensation_text,
            compensation_minor=data.compensation_minor,
            compensation_currency=data.compensation_currency,
        )
    _touch(ctx, complaint)
    await planning.resolved(ctx, complaint)
    await planning.replan_escalation(ctx, complaint)  # compensation above the limit
    clock = await sla_clock.clock_row(ctx.session, complaint)
    clock.responded_at = clock.responded_at or ctx.now()  # a resolution is a response too
    await _replan(ctx, complaint)  # both targets met: their jobs end
    audit(ctx, "resolved", complaint, **changes)


async def reopen(ctx: Context, *, complaint: Complaint) -> None:
    if complaint.status != RESOLVED:
        raise UserError(N_("Complaint #{number} is already open."), number=complaint.number)
    changes: dict[str, list[Any]] = {}
    _set(complaint, changes, status=OPEN, resolved_at=None)
    _touch(ctx, complaint)
    await planning.reopened(ctx, complaint)
    await _replan(ctx, complaint)
    audit(ctx, "reopened", complaint, **changes)


async def set_priority(ctx: Context, *, complaint: Complaint, priority: str) -> bool:
    """A new priority, and the deadlines it gives; False when it was that already."""
    changes: dict[str, list[Any]] = {}
    _set(complaint, changes, priority=priority)
    if not changes:
        return False
    _touch(ctx, complaint)
    await _replan(ctx, complaint)
    audit(ctx, "priority", complaint, **changes)
    return True


async def set_waiting(ctx: Context, *, complaint: Complaint, waiting: bool) -> bool:
    """Waiting for the customer (the resolution clock stops), or their reply came (it goes
    on, its deadline moved by the business time waited). What the button showed it would do,
    so a second click changes nothing: False then."""
    if complaint.status == RESOLVED:
        raise UserError(N_("Complaint #{number} is already resolved."), number=complaint.number)
    if (complaint.status == WAITING) == waiting:
        return False
    changes: dict[str, list[Any]] = {}
    _set(complaint, changes, status=WAITING if waiting else OPEN)
    _touch(ctx, complaint)
    if waiting:
        await sla_clock.pause(ctx.session, ctx.workspace, complaint, ctx.now())
    else:
        await sla_clock.resume(ctx.session, ctx.workspace, complaint, ctx.now())
    audit(ctx, "waiting" if waiting else "customer_replied", complaint, **changes)
    return True


async def set_checklist(ctx: Context, *, complaint: Complaint, step: str, done: bool) -> bool:
    """Marks a step done or not done (what the button showed it would do, so a double click
    lands once); False when it was that already and nothing changed."""
    if step not in CHECKLIST:
        raise UserError(N_("There is no such step in the checklist."))
    if complaint.checklist.get(step, False) == done:
        return False
    complaint.checklist = {**complaint.checklist, step: done}  # a new dict, so the ORM sees it
    _touch(ctx, complaint)
    audit(ctx, "checklist", complaint, step=step, done=done)
    return True


# --- reading ----------------------------------------------------------------------------------


def in_workspace(ctx: Context) -> Select[Complaint]:
    return select(Complaint).where(Complaint.workspace_id == ctx.workspace.id)


def held_by(member_id: int) -> ColumnElement[bool]:
    """The complaints a member holds, as SQL: logged by them or assigned to them."""
    return or_(Complaint.received_by_id == member_id, Complaint.assigned_to_id == member_id)


def personal_data_scope(ctx: Context) -> ColumnElement[bool] | None:
    """can_see_personal_data as SQL: the complaints whose customer ctx may see (None: all)."""
    if ctx.role in (Role.MANAGER, Role.ADMIN):
        return None
    return held_by(ctx.member.id)
