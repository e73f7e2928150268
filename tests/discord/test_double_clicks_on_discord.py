"""A Snooze clicked twice on Discord (simcord runs one interaction at a time, so the second
comes after the first): two interactions, each with its own id, move the follow-up once."""

from __future__ import annotations

from datetime import timedelta

import simcord
from sqlalchemy import select

from adapters.discord.deliver import DiscordDeliverer
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from scheduler.engine import Engine
from storage.db import Database
from storage.models import FollowUp
from tests.discord.flows import World, ephemeral, shown
from tests.factories import log_complaint


async def test_a_double_clicked_snooze_moves_the_follow_up_one_day(
    simcord_env: simcord.Env, world: World, core: CareBot, clock: ManualClock, db: Database
) -> None:
    agent = Actor(
        "discord", str(world.guild.id), str(world.asha.id), "asha", channel_id=str(world.channel.id)
    )
    await log_complaint(core, agent)
    clock.advance(timedelta(days=2))
    engine = Engine(db, core.settings, clock, {"discord": DiscordDeliverer(core, simcord_env.bot)})
    assert (await engine.tick()).sent == 2  # the complaint's card (the outbox), the reminder
    await simcord_env.settle()
    (reminder,) = world.asha.user.dm_channel.history()
    async with db.session() as session:
        due = (await session.scalars(select(FollowUp.due_at))).one()

    await world.asha.user.click(reminder, label="Snooze a day")
    again = await world.asha.user.click(reminder, label="Snooze a day")  # the same message
    assert any("set for" in shown(m) for m in ephemeral(again))
    async with db.session() as session:
        scheduled = (
            await session.scalars(select(FollowUp.due_at).where(FollowUp.state == "scheduled"))
        ).all()
    assert scheduled == [due + timedelta(days=1)]
