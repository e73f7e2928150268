"""One customer's personal data: found by phone or exact name, and erased on request or when
its retention period is over.

Erasing anonymises the complaints instead of deleting them, so every count, category, time
and compensation that lists, goals and digests use stays: the name becomes "erased", phone
and address become empty. Free text (what happened, solution, steps, notes, prevention, the
retention call's answer, the audit trail's copies of them) is the log's substance and is kept,
except exact mentions of the name, phone or address, which become "[erased]"; anything else
about the customer typed there (a first name alone, say) stays.

Shared by chat (bot/privacy/handlers.py), the CLI (bot/privacy/cli.py) and the retention job
(bot/privacy/retention.py), so these take a session and a workspace, not a chat Context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.complaints.planning import RETENTION, key
from bot.errors import UserError
from bot.i18n import N_
from bot.scheduled import cancel
from bot.validation import phone_or_none
from storage.models import AuditEvent, Complaint, ComplaintStep, FollowUp, RetentionCheck

ERASED = "erased"
MASK = "[erased]"
_SEPARATORS = r"[\s\-.()/]*"
OPEN_CHECK = ("scheduled", "prompted")


@dataclass(frozen=True)
class Customer:
    """Who is meant: a phone number in E.164 (repeat customers are matched by it), else a name."""

    phone: str | None = None
    name: str | None = None

    @property
    def matched_by(self) -> str:
        return "phone" if self.phone else "name"


def identify(typed: str, region: str) -> Customer:
    text = typed.strip()
    if len(text) < 2:
        raise UserError(N_("Give the customer's phone number or full name."))
    phone = phone_or_none(text, region)
    return Customer(phone=phone) if phone else Customer(name=text)


def matching(workspace_id: int, customer: Customer) -> Select[Complaint]:
    """Complaints not erased yet: by phone, or by the whole name in any letter case (lower()
    on both sides, so SQLite's ASCII-only lower() compares like with like)."""
    query = select(Complaint).where(
        Complaint.workspace_id == workspace_id, Complaint.erased_at.is_(None)
    )
    if customer.phone:
        query = query.where(Complaint.customer_phone == customer.phone)
    else:
        name = customer.name or ""
        query = query.where(func.lower(Complaint.customer_name) == func.lower(literal(name)))
    return query.order_by(Complaint.number)


async def find(session: AsyncSession, workspace_id: int, customer: Customer) -> list[Complaint]:
    return list(await session.scalars(matching(workspace_id, customer)))


def record(
    session: AsyncSession,
    workspace_id: int,
    actor_id: int | None,
    action: str,
    at: datetime,
    complaints: Sequence[Complaint],
    **details: Any,
) -> None:
    """The audit row of an export or erasure: who, when, how many and which numbers; never
    the personal data itself (nor the phone or name that was looked up)."""
    session.add(
        AuditEvent(
            workspace_id=workspace_id,
            complaint_id=None,
            actor_id=actor_id,
            action=action,
            changes={
                "complaints": len(complaints),
                "numbers": [c.number for c in complaints],
                **details,
            },
            at=at,
        )
    )


class Scrubber:
    """Replaces exact mentions of one customer's name, address and phone number in free text;
    the phone in any spacing or punctuation (98765 43210, +91-98765-43210, 9876543210)."""

    def __init__(self, complaint: Complaint) -> None:
        patterns = [
            re.escape(text)
            for text in (complaint.customer_name, complaint.customer_address)
            if text and len(text.strip()) >= 3 and text != ERASED
        ]
        if complaint.customer_phone:
            national = str(phonenumbers.parse(complaint.customer_phone).national_number)
            patterns.append(r"(?<!\d)" + _SEPARATORS.join(national) + r"(?!\d)")
        # Longest first, so a name inside the address does not cut the address in two.
        patterns.sort(key=len, reverse=True)
        self._pattern = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def text(self, value: str | None) -> str | None:
        if value is None or self._pattern is None:
            return value
        return self._pattern.sub(MASK, value)

    def json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items()}
        return value


async def erase(
    session: AsyncSession, workspace_id: int, complaints: Sequence[Complaint], at: datetime
) -> int:
    """Anonymises the complaints (see the module's docstring); returns how many. A retention
    check still to be made is cancelled: there is nobody left to call."""
    if not complaints:
        return 0
    by_id = {c.id: Scrubber(c) for c in complaints}
    rows = {c.id: c for c in complaints}
    ids = list(by_id)
    for complaint in complaints:
        scrub = by_id[complaint.id]
        complaint.description = scrub.text(complaint.description) or ""
        complaint.solution = scrub.text(complaint.solution)
        complaint.prevention = scrub.text(complaint.prevention)
        complaint.compensation_text = scrub.text(complaint.compensation_text)
        complaint.customer_name, complaint.customer_address = ERASED, None
        complaint.customer_phone, complaint.erased_at = None, at
    for step in await session.scalars(
        select(ComplaintStep).where(ComplaintStep.complaint_id.in_(ids))
    ):
        step.text = by_id[step.complaint_id].text(step.text) or ""
    for follow_up in await session.scalars(select(FollowUp).where(FollowUp.complaint_id.in_(ids))):
        follow_up.note = by_id[follow_up.complaint_id].text(follow_up.note)
    for check in await session.scalars(
        select(RetentionCheck).where(RetentionCheck.complaint_id.in_(ids))
    ):
        check.better = by_id[check.complaint_id].text(check.better)
        if check.state in OPEN_CHECK:
            check.state = "cancelled"
            job = key(RETENTION, rows[check.complaint_id])
            await cancel(session, workspace_id=workspace_id, key=job)
    for event in await session.scalars(select(AuditEvent).where(AuditEvent.complaint_id.in_(ids))):
        assert event.complaint_id is not None
        scrubbed = by_id[event.complaint_id].json(event.changes)
        if scrubbed != event.changes:
            event.changes = scrubbed
    return len(complaints)
