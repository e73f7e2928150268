"""Searching the complaint log so that no search can find a customer it should not.

A customer's name, phone and email are searched only where the person may see them; every
search is audited (its kind and count, never what was typed) and limited per person, counted
from the audit trail so the limit holds across processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from bot.complaints import reads, service
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_
from bot.paging import PAGE_SIZE, Page
from storage.models import AuditEvent, Complaint


class SearchKind(StrEnum):
    """What a search looked for: recorded in the audit trail instead of what was typed."""

    NUMBER = "number"
    CATEGORY = "category"
    PHONE = "phone"
    EMAIL = "email"
    TEXT = "text"  # the customer's name (where allowed) and what happened


@dataclass(frozen=True)
class SearchLimit:
    """Searches a person may make in a window, counted from the audit trail (so the limit
    holds across processes and restarts)."""

    searches: int
    window: timedelta


SEARCH_LIMIT = SearchLimit(searches=30, window=timedelta(minutes=10))
SEARCHED = "searched"


async def _check_search_limit(ctx: Context) -> None:
    since = ctx.now() - SEARCH_LIMIT.window
    made = await ctx.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.actor_id == ctx.member.id,
            AuditEvent.action == SEARCHED,
            AuditEvent.at > since,
            AuditEvent.workspace_id == ctx.workspace.id,
        )
    )
    if (made or 0) >= SEARCH_LIMIT.searches:
        raise UserError(
            N_(
                "You have made {searches} searches in the last {minutes} minutes, the most "
                "allowed. Please wait a few minutes and try again."
            ),
            searches=SEARCH_LIMIT.searches,
            minutes=int(SEARCH_LIMIT.window.total_seconds() // 60),
        )


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped.lower()}%", escape="\\")


async def search(
    ctx: Context, *, kind: SearchKind, value: str, page: int = 1, size: int = PAGE_SIZE
) -> Page[Complaint]:
    """Complaints by number, category, phone, email or text, newest first; audited and
    rate-limited.

    A customer's name, phone and email are searched only where ctx may see them (every
    complaint for managers and admins, the complaints an agent holds otherwise), so a search
    never tells anyone else whether a customer exists. The audit event holds the kind of search
    and the count, never what was typed (it may be a name, a phone or an email).
    """
    await _check_search_limit(ctx)
    query = service.in_workspace(ctx)
    scope = service.personal_data_scope(ctx)
    if kind is SearchKind.NUMBER:
        query = query.where(Complaint.number == int(value))
    elif kind is SearchKind.CATEGORY:
        query = query.where(Complaint.category == value)
    elif kind in (SearchKind.PHONE, SearchKind.EMAIL):
        same = (
            Complaint.customer_phone == value
            if kind is SearchKind.PHONE
            else reads.same_email(value)
        )
        query = query.where(same, Complaint.erased_at.is_(None))
        if scope is not None:
            query = query.where(scope)
    else:
        by_name = _contains(Complaint.customer_name, value) & Complaint.erased_at.is_(None)
        if scope is not None:
            by_name = by_name & scope
        query = query.where(or_(by_name, _contains(Complaint.description, value)))
    found = await reads.page_of(ctx, query, [Complaint.number.desc()], page, size)
    service.audit(ctx, SEARCHED, None, kind=kind.value, results=found.total, page=page)
    return found
