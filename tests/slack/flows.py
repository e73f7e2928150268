"""Steps a support agent takes in Slack, shared by the Slack tests."""

from __future__ import annotations

from typing import Any

from tests.slack.harness import SlackClientSide

ANSWERS: dict[str, Any] = {
    "customer_name": "Ravi Kumar",
    "customer_phone": "98765 43210",
    "customer_email": "ravi.kumar@example.com",
    "customer_address": "12 MG Road, Pune",
    "customer_language": "hi",
    "category": "delivery",
    "description": "Parcel arrived two weeks late",
    "received_by": "U1",
    "solution": "Refund the shipping fee",
    "solution_mode": "promised",
    "steps": "Called the courier",
    "compensation_amount": "150.50",
    "compensation_currency": "INR",
}


async def open_form(side: SlackClientSide, text: str = "", **kwargs: Any) -> dict[str, Any]:
    before = len(side.slack.calls_to("views.open"))
    response, trigger = await side.command(text, **kwargs)
    assert response.status == 200
    await side.slack.wait_for("views.open", before + 1)
    opened = [c for c in side.slack.calls_to("views.open") if c.args.get("trigger_id") == trigger]
    assert len(opened) == 1, side.slack.calls
    return dict(opened[0].args["view"])


async def log_complaint(side: SlackClientSide, **answers: Any) -> dict[str, Any]:
    """The whole flow: /complaint, fill the modal, submit. Returns the card as posted."""
    view = await open_form(side)
    posted = len(side.slack.calls_to("chat.postMessage"))
    response = await side.submit(view, {**ANSWERS, **answers})
    assert response.status == 200
    await side.slack.wait_for("chat.postMessage", posted + 1)
    return dict(side.slack.calls_to("chat.postMessage")[-1].args)


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A posted message's buttons by their label."""
    return {
        element["text"]["text"]: element
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def shown(message: dict[str, Any]) -> str:
    """Every piece of text of a posted message."""
    parts = [message.get("text", "")]
    for block in message.get("blocks") or []:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(f["text"] for f in block.get("fields", []))
        parts.extend(e["text"]["text"] for e in block.get("elements", []) if "text" in e)
    return "\n".join(parts)
