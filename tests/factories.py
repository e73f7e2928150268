"""Helpers that fill forms the way a person would, and put rows in as other flows leave them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from bot.app import CareBot
from bot.context import Actor
from bot.ui import Reply
from storage.db import Database
from storage.models import Complaint, Survey

VALID = {
    "customer_name": "Ravi Kumar",
    "customer_phone": "98765 43210",
    "customer_address": "12 MG Road, Pune",
    "category": "delivery",
    "description": "Parcel arrived two weeks late",
    "solution": "Refund the shipping fee",
    "solution_mode": "promised",
    "steps": "Called the courier\nAsked the warehouse for the dispatch log",
    "follow_up_at": "+2d",
    "compensation_text": "Shipping refund",
    "compensation_amount": "150.50",
    "prevention": "Use the faster courier for this route",
}
# What a customer may type on the survey page: it must reach every platform as these characters.
MARKUP = "<script>alert(1)</script> <!channel> @everyone *bold*"


async def log_complaint(bot: CareBot, actor: Actor, **overrides: Any) -> Reply:
    delivery_id = overrides.pop("delivery_id", None)
    values = {**VALID, **overrides}
    return await bot.submit(actor, "complaint.create", values, {}, delivery_id)


def texts(reply: Reply) -> str:
    """Everything a person would read in a reply, as one string."""
    parts: list[str] = []
    for post in reply.posts:
        parts.append(post.message.text)
        for section in post.message.sections:
            parts.extend(filter(None, (section.title, section.body)))
            parts.extend(f"{label}: {value}" for label, value in section.fields)
        parts.extend(b.label for b in post.message.buttons)
    return "\n".join(parts)


async def add_survey(
    db: Database,
    number: int,
    kind: str,
    sent: datetime | None,
    answered: datetime | None = None,
    **fields: Any,
) -> None:
    """Complaint `number`'s survey as the survey flow leaves it: open once sent, answered
    when `answered` is given, else in the `state` given (expired, skipped...)."""
    async with db.transaction() as session:
        complaint = (
            await session.scalars(select(Complaint).where(Complaint.number == number))
        ).one()
        state = fields.pop("state", "answered" if answered else "open")
        # Resolving planned the resolution survey already: it is that one that went out.
        await session.execute(
            delete(Survey).where(Survey.complaint_id == complaint.id, Survey.kind == kind)
        )
        session.add(
            Survey(
                workspace_id=complaint.workspace_id,
                complaint_id=complaint.id,
                kind=kind,
                state=state,
                locale="en",
                due_at=sent or complaint.received_at,
                sent_at=sent,
                expires_at=sent + timedelta(days=14) if sent else None,
                answered_at=answered,
                created_at=complaint.received_at,
                **fields,
            )
        )
