"""Targets on Discord: an urgent complaint warns its agent, then tells of the breach in their
DM, once each, through the running bot's REST session."""

from __future__ import annotations

from datetime import timedelta

import simcord

from bot.app import CareBot
from bot.clock import ManualClock
from storage.db import Database
from tests.discord.flows import World, delivered, labels, shown
from tests.discord.test_scheduled_on_discord import agent, scheduler
from tests.factories import log_complaint


async def test_an_urgent_complaint_is_warned_then_breached_in_the_agents_dm(
    simcord_env: simcord.Env, world: World, core: CareBot, clock: ManualClock, db: Database
) -> None:
    await log_complaint(core, agent(world), steps="", priority="urgent")
    await delivered(simcord_env)  # its card, posted by the outbox
    engine = scheduler(simcord_env, core, clock)

    clock.advance(timedelta(minutes=45))
    await engine.tick()
    await simcord_env.settle()
    clock.advance(timedelta(minutes=20))
    await engine.tick()
    await engine.tick()
    await simcord_env.settle()
    warning, breach = world.asha.user.dm_channel.history()[-2:]
    assert "needs a first response by" in shown(warning)
    assert "missed its first-response target by 5 minutes" in shown(breach)
    assert labels(breach)[:2] == ["Take it over", "Reassign"]
    assert len(world.asha.user.dm_channel.history()) == 2
