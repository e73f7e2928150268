"""What is read about complaints, never changed: lists a page at a time with an honest count,
the same customer's earlier complaints, and one complaint's steps, follow-ups and history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, or_, select

from bot.complaints.service import NOT_RESOLVED, in_workspace
from bot.context import Context
from bot.paging import PAGE_SIZE, Page
from storage.models import AuditEvent, Complaint, ComplaintStep, FollowUp


async def page_of(
    ctx: Context, query: Select[Complaint], order: Sequence[Any], page: int, size: int
) -> Page[Complaint]:
    """One page of `query`, and how many it finds in all (never a silent cut)."""
    total = await ctx.session.scalar(select(func.count()).select_from(query.subquery()))
    items = (
        await ctx.session.scalars(query.order_by(*order).offset((page - 1) * size).limit(size))
    ).all()
    return Page(items, int(total or 0), page, size)


async def list_complaints(
    ctx: Context,
    *,
    view: str,
    category: str | None = None,
    priority: str | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
    due_by: datetime | None = None,
) -> Page[Complaint]:
    """open | mine | overdue | all | category, of one priority if given: newest first
    (overdue: the most overdue first), one page of them with the count of all. Open ones
    include those waiting for the customer. `due_by`: only those with a follow-up by then."""
    query = in_workspace(ctx)
    if priority is not None:
        query = query.where(Complaint.priority == priority)
    if due_by is not None:
        query = query.where(Complaint.follow_up_at.is_not(None), Complaint.follow_up_at <= due_by)
    order: list[Any] = [Complaint.number.desc()]
    if view == "open":
        query = query.where(Complaint.status.in_(NOT_RESOLVED))
    elif view == "mine":
        query = query.where(
            Complaint.status.in_(NOT_RESOLVED),
            or_(
                Complaint.assigned_to_id == ctx.member.id,
                (Complaint.received_by_id == ctx.member.id) & Complaint.assigned_to_id.is_(None),
            ),
        )
    elif view == "overdue":
        query = query.where(Complaint.follow_up_at.is_not(None), Complaint.follow_up_at < ctx.now())
        order = [Complaint.follow_up_at, Complaint.number]
    elif view == "category":
        query = query.where(Complaint.category == category)
    return await page_of(ctx, query, order, page, size)


def same_email(email: str) -> ColumnElement[bool]:
    """Complaints whose customer has this address, in any letter case (lower() on both sides,
    so SQLite's ASCII-only lower() compares like with like)."""
    return func.lower(Complaint.customer_email) == func.lower(literal(email))


async def earlier_from_same_customer(ctx: Context, *, complaint: Complaint) -> Sequence[Complaint]:
    """The customer's other complaints (matched by phone number or email), newest first."""
    same: list[ColumnElement[bool]] = []
    if complaint.customer_phone:
        same.append(Complaint.customer_phone == complaint.customer_phone)
    if complaint.customer_email:
        same.append(same_email(complaint.customer_email))
    if not same:
        return []
    query = in_workspace(ctx).where(or_(*same), Complaint.id != complaint.id)
    return (await ctx.session.scalars(query.order_by(Complaint.number.desc()).limit(10))).all()


async def steps(ctx: Context, *, complaint: Complaint) -> Sequence[ComplaintStep]:
    return (
        await ctx.session.scalars(
            select(ComplaintStep)
            .where(ComplaintStep.complaint_id == complaint.id)
            .order_by(ComplaintStep.at, ComplaintStep.id)
        )
    ).all()


async def follow_ups(ctx: Context, *, complaint: Complaint) -> Sequence[FollowUp]:
    return (
        await ctx.session.scalars(
            select(FollowUp).where(FollowUp.complaint_id == complaint.id).order_by(FollowUp.due_at)
        )
    ).all()


async def history(ctx: Context, *, complaint: Complaint, limit: int = 10) -> Sequence[AuditEvent]:
    return (
        await ctx.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.complaint_id == complaint.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    ).all()
