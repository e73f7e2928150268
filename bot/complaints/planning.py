"""The due work a complaint creates: its follow-up reminder, the retention check one month
after it is resolved, and the escalation to managers. Called by the complaint service in the
event's transaction, so the work is saved with the change that causes it, or not at all."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select

from bot.clock import add_months
from bot.context import Context
from bot.scheduled import cancel, plan
from bot.surveys import service as surveys
from storage.models import Complaint, Job, RetentionCheck, table_of

FOLLOW_UP, RETENTION, ESCALATION = "follow_up", "retention", "escalation"


def key(kind: str, complaint: Complaint) -> str:
    return f"{kind}:{complaint.id}"


async def new_complaint(ctx: Context, complaint: Complaint) -> None:
    """A new complaint's jobs, inserted in one statement (no lookups: none can exist yet)."""
    rows = []
    if complaint.follow_up_at is not None:
        rows.append(_row(ctx, FOLLOW_UP, complaint, complaint.follow_up_at))
    escalate_at = escalation_due(ctx, complaint)
    if escalate_at is not None:
        rows.append(_row(ctx, ESCALATION, complaint, escalate_at))
    if rows:
        await ctx.session.execute(insert(table_of(Job)), rows)  # Core: the hot path
    if complaint.resolved_at is not None:
        await resolved(ctx, complaint)


def _row(ctx: Context, kind: str, complaint: Complaint, due_at: datetime) -> dict[str, object]:
    return {
        "workspace_id": ctx.workspace.id,
        "kind": kind,
        "key": key(kind, complaint),
        "subject_id": complaint.id,
        "due_at": due_at,
        "state": "pending",
        "attempts": 0,
        "claims": 0,
        "created_at": ctx.now(),
    }


async def _plan(ctx: Context, kind: str, complaint: Complaint, due_at: datetime) -> None:
    await plan(
        ctx.session,
        workspace_id=ctx.workspace.id,
        kind=kind,
        key=key(kind, complaint),
        due_at=due_at,
        now=ctx.now(),
        subject_id=complaint.id,
    )


async def follow_up_set(ctx: Context, complaint: Complaint, due_at: datetime) -> None:
    await _plan(ctx, FOLLOW_UP, complaint, due_at)


async def follow_up_done(ctx: Context, complaint: Complaint) -> None:
    await cancel(ctx.session, workspace_id=ctx.workspace.id, key=key(FOLLOW_UP, complaint))


def escalation_due(ctx: Context, complaint: Complaint) -> datetime | None:
    """When managers must hear of this complaint: at once if its compensation is above the
    workspace's limit, else when it has been open for the workspace's time limit."""
    workspace = ctx.workspace
    if complaint.escalated_at is not None:
        return None
    limit = workspace.escalate_above_minor
    if limit is not None and (complaint.compensation_minor or 0) > limit:
        return ctx.now()
    if workspace.escalate_after_hours is not None and complaint.resolved_at is None:
        return complaint.received_at + timedelta(hours=workspace.escalate_after_hours)
    return None


async def replan_escalation(ctx: Context, complaint: Complaint) -> None:
    due = escalation_due(ctx, complaint)
    if due is not None:
        await _plan(ctx, ESCALATION, complaint, due)


async def resolved(ctx: Context, complaint: Complaint, months: int | None = None) -> None:
    """Resolving schedules the retention check and the customer's survey; resolving again
    after a reopen moves them."""
    assert complaint.resolved_at is not None
    await surveys.plan_resolution(ctx, complaint)
    delay = months if months is not None else ctx.retention_months
    due = add_months(complaint.resolved_at, delay, ctx.zone)
    agent = complaint.assigned_to_id or complaint.received_by_id
    check = await ctx.session.scalar(
        select(RetentionCheck).where(RetentionCheck.complaint_id == complaint.id)
    )
    if check is None:
        check = RetentionCheck(
            workspace_id=ctx.workspace.id,
            complaint_id=complaint.id,
            agent_id=agent,
            due_at=due,
            state="scheduled",
            nudges=0,
            created_at=ctx.now(),
        )
        ctx.session.add(check)
    elif check.state != "done":
        check.agent_id, check.due_at, check.state, check.nudges = agent, due, "scheduled", 0
    else:
        return  # the customer was already asked; a second resolution does not ask again
    await _plan(ctx, RETENTION, complaint, due)


async def reopened(ctx: Context, complaint: Complaint) -> None:
    check = await ctx.session.scalar(
        select(RetentionCheck).where(RetentionCheck.complaint_id == complaint.id)
    )
    if check is not None and check.state in ("scheduled", "surveying", "prompted"):
        check.state = "cancelled"
    await cancel(ctx.session, workspace_id=ctx.workspace.id, key=key(RETENTION, complaint))
    await surveys.cancel_planned(ctx, complaint)
    await replan_escalation(ctx, complaint)
