"""Targets in Slack: an urgent complaint's warning and breach reach the agent's DM through
Slack's Web API (the fake Slack), once each, with the buttons to act."""

from __future__ import annotations

from datetime import timedelta

from bot.app import CareBot
from bot.clock import ManualClock
from bot.settings import Settings
from storage.db import Database
from tests.slack.flows import buttons, shown
from tests.slack.test_scheduled_in_slack import AGENT, engine, logged
from tests.slack_fake import FakeSlack


async def test_an_urgent_complaint_warns_then_tells_of_its_breach_in_the_agents_dm(
    carebot: CareBot, db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    await logged(carebot, db, settings, clock, slack, steps="")  # Monday 09:00, normal
    await carebot.submit(AGENT, "complaint.priority", {"priority": "urgent"}, {"number": "1"})
    await engine(db, settings, clock, slack).tick(kinds=("card",))  # the card, updated
    slack.calls.clear()
    scheduler = engine(db, settings, clock, slack)

    clock.advance(timedelta(minutes=45))  # 75% of the hour
    await scheduler.tick()
    (warning,) = slack.calls_to("chat.postMessage")
    assert "needs a first response by" in shown(warning.args)
    assert "(15 minutes left)" in shown(warning.args)

    clock.advance(timedelta(minutes=20))
    await scheduler.tick()
    await scheduler.tick()
    posted = slack.calls_to("chat.postMessage")
    assert len(posted) == 2
    breach = posted[1].args
    assert "missed its first-response target by 5 minutes" in shown(breach)
    assert list(buttons(breach))[:2] == ["Take it over", "Reassign"]
    assert "Ravi" not in shown(breach)
