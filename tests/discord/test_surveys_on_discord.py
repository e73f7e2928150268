"""Customer surveys on Discord (simcord): the survey's link and QR code in the agent's DM a day
after resolving, and a customer's low answer back in that DM with a Reopen button that works;
the customer's words shown as text (no @everyone ping)."""

from __future__ import annotations

import re
from datetime import timedelta

import simcord

from bot.app import CareBot
from bot.clock import ManualClock
from bot.surveys.page import PageKind, SurveyDesk
from storage.db import Database
from tests.discord.flows import World, delivered, ephemeral, labels, shown
from tests.discord.test_scheduled_on_discord import agent, scheduler
from tests.factories import log_complaint
from tests.surveys.flows import token_of

SURVEY_URL = re.compile(r"(http://localhost:3000/s/[\w.-]+)")


async def test_the_link_and_qr_code_reach_the_agent_and_a_low_answer_can_reopen(
    simcord_env: simcord.Env, world: World, core: CareBot, clock: ManualClock, db: Database
) -> None:
    await log_complaint(core, agent(world), solution_mode="on_the_spot", follow_up_at=None)
    await delivered(simcord_env)
    engine = scheduler(simcord_env, core, clock)
    clock.advance(timedelta(hours=24))
    await engine.tick()
    await simcord_env.settle()
    (dm,) = world.asha.user.dm_channel.history()
    text = shown(dm)
    assert "Survey for complaint #1: send this link to the customer" in text
    assert "Ravi" not in text
    link = SURVEY_URL.search(text)
    assert link is not None
    assert [a.filename for a in dm.attachments] == ["survey-1-resolution.png"]

    token = token_of(link.group(1))
    answer = {"score": "2", "better": "@everyone nobody called", "token": token}
    assert (await SurveyDesk(db, core.settings, clock).answer(token, answer)).kind is (
        PageKind.THANKS
    )
    await engine.tick()
    await simcord_env.settle()
    alert = world.asha.user.dm_channel.history()[-1]
    assert "the customer is not satisfied" in shown(alert)
    assert labels(alert)[0] == "Reopen"
    reopened = await world.asha.user.click(alert, label="Reopen")
    assert any("Complaint #1 is open again." in shown(m) for m in ephemeral(reopened))
    assert "@everyone" in shown(alert)  # shown as the customer typed it...
    assert not alert.mention_everyone  # ...and pinging nobody
