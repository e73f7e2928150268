"""Buttons pressed twice, through Slack's signed protocol: the same block_actions delivered
twice at once, and a real double click (two deliveries) on Snooze in a reminder."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from storage.db import Database
from storage.models import AuditEvent, Complaint, FollowUp
from tests.factories import log_complaint as log_in_core
from tests.slack.flows import buttons, log_complaint, shown
from tests.slack.harness import SlackClientSide, listener_tasks, slack_scheduler
from tests.slack_fake import FakeSlack


async def drained(limit: float = 10.0) -> None:
    """Until the app's work after its acks has ended (Bolt runs each listener as a task)."""
    start = time.perf_counter()
    while listener_tasks():
        assert time.perf_counter() - start < limit, "the app's work did not end"
        await asyncio.sleep(0.01)


def block_actions(side: SlackClientSide, button: dict[str, Any]) -> dict[str, Any]:
    """One click on `button` as Slack sends it (its action_ts names the click)."""
    return {
        "type": "block_actions",
        "team": {"id": "T1", "domain": "acme"},
        "user": side.user(),
        "api_app_id": "A1",
        "trigger_id": side.slack.new_trigger(),
        "channel": {"id": "C1", "name": "support"},
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C1"},
        "response_url": side.slack.response_url(),
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "b",
                "value": button.get("value", ""),
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


async def audited(db: Database, action: str) -> int:
    async with db.session() as session:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        return int(await session.scalar(query) or 0)


async def test_one_click_delivered_twice_at_once_ticks_the_step_once(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    card = await log_complaint(user_side)
    await user_side.press(buttons(card)["Details"])
    await slack.wait_for("response", 1)
    details = slack.responses[-1]
    tick = next(b for label, b in buttons(details).items() if label.endswith("the cause"))
    assert tick["text"]["text"].startswith("☐")

    click = block_actions(user_side, tick)
    answers = await asyncio.gather(user_side.interaction(click), user_side.interaction(click))
    assert [a.status for a in answers] == [200, 200]
    await drained()

    async with db.session() as session:
        complaint = await session.scalar(select(Complaint))
        assert complaint is not None and complaint.checklist == {"cause": True}
    assert await audited(db, "checklist") == 1
    ticked = [shown(r) for r in slack.responses[1:]]
    assert len(ticked) == 1  # the redelivered click is answered by nothing
    assert "☑ Identify the cause" in ticked[0]


async def test_a_double_clicked_snooze_in_a_reminder_moves_it_one_day(
    user_side: SlackClientSide,
    slack: FakeSlack,
    carebot: CareBot,
    db: Database,
    settings: Settings,
    clock: ManualClock,
) -> None:
    await log_in_core(carebot, Actor("slack", "T1", "U1", "asha", channel_id="C1"))
    clock.advance(timedelta(days=2))
    # The complaint's card (from the outbox) and the reminder.
    assert (await slack_scheduler(db, settings, clock, slack).tick()).sent == 2
    (reminder,) = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] != "C1"]
    snooze = buttons(reminder.args)["Snooze a day"]
    async with db.session() as session:
        due = (await session.scalars(select(FollowUp.due_at))).one()

    # Two clicks: two deliveries, each with its own action_ts.
    answers = await asyncio.gather(user_side.press(snooze), user_side.press(snooze))
    assert [a.status for a in answers] == [200, 200]
    await drained()

    async with db.session() as session:
        scheduled = (
            await session.scalars(select(FollowUp.due_at).where(FollowUp.state == "scheduled"))
        ).all()
        complaint = await session.scalar(select(Complaint))
    assert scheduled == [due + timedelta(days=1)]
    assert complaint is not None and complaint.follow_up_at == due + timedelta(days=1)
    assert await audited(db, "follow_up_scheduled") == 1
