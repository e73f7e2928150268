"""Everything carebot holds about one customer, as one JSON document: what a person asking for
their data receives. Each complaint with all its fields, steps, follow-ups, retention check and
the surveys the customer was sent (with their answers); other customers' complaints never
appear (the caller passes only this customer's)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy.customers import Customer
from bot.validation import minor_to_amount
from storage.models import Complaint, ComplaintStep, FollowUp, Member, RetentionCheck, Workspace
from storage.surveys import Survey

FORMAT = "carebot-customer-export/1"
Name = Callable[[int | None], str | None]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _amount(complaint: Complaint) -> str | None:
    if complaint.compensation_minor is None or not complaint.compensation_currency:
        return None
    return str(minor_to_amount(complaint.compensation_minor, complaint.compensation_currency))


async def document(
    session: AsyncSession,
    workspace: Workspace,
    customer: Customer,
    complaints: Sequence[Complaint],
    at: datetime,
) -> dict[str, Any]:
    ids = [c.id for c in complaints]
    steps: dict[int, list[ComplaintStep]] = defaultdict(list)
    follow_ups: dict[int, list[FollowUp]] = defaultdict(list)
    checks: dict[int, RetentionCheck] = {}
    surveys: dict[int, list[Survey]] = defaultdict(list)
    for step in await session.scalars(
        select(ComplaintStep)
        .where(ComplaintStep.complaint_id.in_(ids))
        .order_by(ComplaintStep.at, ComplaintStep.id)
    ):
        steps[step.complaint_id].append(step)
    for follow_up in await session.scalars(
        select(FollowUp).where(FollowUp.complaint_id.in_(ids)).order_by(FollowUp.due_at)
    ):
        follow_ups[follow_up.complaint_id].append(follow_up)
    for check in await session.scalars(
        select(RetentionCheck).where(RetentionCheck.complaint_id.in_(ids))
    ):
        checks[check.complaint_id] = check
    for survey in await session.scalars(
        select(Survey).where(Survey.complaint_id.in_(ids)).order_by(Survey.due_at, Survey.id)
    ):
        surveys[survey.complaint_id].append(survey)
    wanted = {c.received_by_id for c in complaints} | {c.assigned_to_id for c in complaints}
    wanted |= {s.by_id for rows in steps.values() for s in rows}
    wanted |= {f.done_by_id for rows in follow_ups.values() for f in rows}
    wanted |= {r.agent_id for r in checks.values()} | {r.answered_by_id for r in checks.values()}
    people = {
        m.id: m.display_name
        for m in await session.scalars(select(Member).where(Member.id.in_(wanted - {None})))
    }

    def name(member_id: int | None) -> str | None:
        return people.get(member_id) if member_id is not None else None

    return {
        "format": FORMAT,
        "workspace": f"{workspace.platform}:{workspace.external_id}",
        "exported_at": at.isoformat(),
        "customer": _who(customer),
        "complaints": [
            {
                "number": c.number,
                "status": c.status,
                "customer_name": c.customer_name,
                "customer_phone": c.customer_phone,
                "customer_email": c.customer_email,
                "customer_address": c.customer_address,
                "customer_language": c.customer_language,
                "received_by": name(c.received_by_id),
                "assigned_to": name(c.assigned_to_id),
                "received_at": _iso(c.received_at),
                "resolved_at": _iso(c.resolved_at),
                "category": c.category,
                "description": c.description,
                "solution": c.solution,
                "solution_mode": c.solution_mode,
                "follow_up_at": _iso(c.follow_up_at),
                "compensation_text": c.compensation_text,
                "compensation_amount": _amount(c),
                "compensation_currency": c.compensation_currency,
                "prevention": c.prevention,
                "checklist": c.checklist,
                "escalated_at": _iso(c.escalated_at),
                "created_at": _iso(c.created_at),
                "updated_at": _iso(c.updated_at),
                "steps": [
                    {"text": s.text, "by": name(s.by_id), "at": _iso(s.at)} for s in steps[c.id]
                ],
                "follow_ups": [
                    {
                        "due_at": _iso(f.due_at),
                        "state": f.state,
                        "outcome": f.outcome,
                        "note": f.note,
                        "done_at": _iso(f.done_at),
                        "done_by": name(f.done_by_id),
                    }
                    for f in follow_ups[c.id]
                ],
                "retention_check": _check(checks.get(c.id), name),
                "surveys": [_survey(survey) for survey in surveys[c.id]],
            }
            for c in complaints
        ],
    }


def _who(customer: Customer) -> dict[str, str | None]:
    """How the customer was looked up (what the admin typed, as carebot read it)."""
    if customer.phone:
        return {"phone": customer.phone}
    if customer.email:
        return {"email": customer.email}
    return {"name": customer.name}


def _survey(survey: Survey) -> dict[str, Any]:
    return {
        "kind": survey.kind,
        "state": survey.state,
        "sent_at": _iso(survey.sent_at),
        "score": survey.score,
        "satisfied": survey.satisfied,
        "bought_again": survey.bought_again,
        "better": survey.better,
        "answered_at": _iso(survey.answered_at),
    }


def _check(check: RetentionCheck | None, name: Name) -> dict[str, Any] | None:
    if check is None:
        return None
    return {
        "due_at": _iso(check.due_at),
        "state": check.state,
        "agent": name(check.agent_id),
        "satisfied": check.satisfied,
        "bought_again": check.bought_again,
        "better": check.better,
        "answered_at": _iso(check.answered_at),
        "answered_by": name(check.answered_by_id),
        "answered_through": check.source,  # the customer on the survey page, or the agent
    }


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
