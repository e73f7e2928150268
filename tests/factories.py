"""Helpers that fill forms the way a person would."""

from __future__ import annotations

from typing import Any

from bot.app import CareBot
from bot.context import Actor
from bot.ui import Reply

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
