"""One customer's personal data: found by phone, email or exact name, and erased on request or
when its retention period is over.

Erasing anonymises the complaints instead of deleting them, so every count, category, time
and compensation that lists, goals and digests use stays: the name becomes "erased", phone,
email and address become empty. Free text the team wrote (what happened, solution, steps,
notes, prevention, the audit trail's copies of them) is the log's substance and is kept,
except exact mentions of the name, phone, email or address, which become "[erased]"; anything
else about the customer typed there (a first name alone, say) stays. What the customer said
could be done better (their surveys, the retention call) is their own words and goes whole;
the scores and choices stay for the figures. The language stays: it names nobody.

A form half-filled in steps (bot/drafts.py) holds what was typed for at most
FORM_DRAFT_MINUTES, when the scheduler deletes it; erasing a customer deletes at once the
drafts that mention them. Drafts are not exported: they are not part of the log yet.

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

from bot import drafts
from bot.complaints.planning import RETENTION, key
from bot.complaints.reads import same_email
from bot.errors import UserError
from bot.i18n import N_
from bot.scheduled import cancel
from bot.validation import EMAIL_EXAMPLE, email_or_none, phone_or_none
from storage.models import AuditEvent, Complaint, ComplaintStep, FollowUp, RetentionCheck
from storage.surveys import Survey

ERASED = "erased"
MASK = "[erased]"
_SEPARATORS = r"[\s\-.()/]*"
OPEN_CHECK = ("scheduled", "prompted")


@dataclass(frozen=True)
class Customer:
    """Who is meant: a phone number in E.164 (repeat customers are matched by it), an email
    address, else a name."""

    phone: str | None = None
    name: str | None = None
    email: str | None = None

    @property
    def matched_by(self) -> str:
        return "phone" if self.phone else "email" if self.email else "name"


# Slack sends an address in a command that escapes its text (/carebot) as a link.
_MAILTO = re.compile(r"^<mailto:([^|>]+)(?:\|[^>]*)?>$")


def identify(typed: str, region: str) -> Customer:
    text = typed.strip()
    link = _MAILTO.match(text)
    if link:
        text = link.group(1)
    if len(text) < 2:
        raise UserError(N_("Give the customer's phone number, email or full name."))
    if "@" in text:  # meant as an email: a mistyped one is said so, not taken for a name
        email = email_or_none(text)
        if email is None:
            raise UserError(
                N_("This does not look like an email address. Example: {example}"),
                example=EMAIL_EXAMPLE,
            )
        return Customer(email=email)
    phone = phone_or_none(text, region)
    return Customer(phone=phone) if phone else Customer(name=text)


def matching(workspace_id: int, customer: Customer) -> Select[Complaint]:
    """Complaints not erased yet: by phone, by email or by the whole name, these two in any
    letter case (lower() on both sides, so SQLite's ASCII-only lower() compares like with
    like)."""
    query = select(Complaint).where(
        Complaint.workspace_id == workspace_id, Complaint.erased_at.is_(None)
    )
    if customer.phone:
        query = query.where(Complaint.customer_phone == customer.phone)
    elif customer.email:
        query = query.where(same_email(customer.email))
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
    the personal data itself (nor the phone, email or name that was looked up)."""
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
    """Replaces exact mentions of one customer's name, address, email and phone number in free
    text; the phone in any spacing or punctuation (98765 43210, +91-98765-43210, 9876543210),
    the email in any letter case."""

    def __init__(self, complaint: Complaint) -> None:
        patterns = [
            re.escape(text)
            for text in (
                complaint.customer_name,
                complaint.customer_address,
                complaint.customer_email,
            )
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
        complaint.customer_phone, complaint.customer_email = None, None
        complaint.erased_at = at
    for step in await session.scalars(
        select(ComplaintStep).where(ComplaintStep.complaint_id.in_(ids))
    ):
        step.text = by_id[step.complaint_id].text(step.text) or ""
    for follow_up in await session.scalars(select(FollowUp).where(FollowUp.complaint_id.in_(ids))):
        follow_up.note = by_id[follow_up.complaint_id].text(follow_up.note)
    for check in await session.scalars(
        select(RetentionCheck).where(RetentionCheck.complaint_id.in_(ids))
    ):
        check.better = None  # the customer's own words (see the module's docstring)
        if check.state in OPEN_CHECK:
            check.state = "cancelled"
            job = key(RETENTION, rows[check.complaint_id])
            await cancel(session, workspace_id=workspace_id, key=job)
    for survey in await session.scalars(select(Survey).where(Survey.complaint_id.in_(ids))):
        survey.better = None
    for event in await session.scalars(select(AuditEvent).where(AuditEvent.complaint_id.in_(ids))):
        assert event.complaint_id is not None
        scrubbed = by_id[event.complaint_id].json(event.changes)
        if scrubbed != event.changes:
            event.changes = scrubbed
    scrubbers = list(by_id.values())
    await drafts.forget(
        session, workspace_id, lambda values: any(s.json(values) != values for s in scrubbers)
    )
    return len(complaints)
