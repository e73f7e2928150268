"""What only Discord has: roles from permissions, the support role, command sync to chosen
guilds, sharding, and forms left half-filled."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest
import simcord
from sqlalchemy import select

from adapters.discord.client import build_bot
from adapters.discord.settings import DiscordSettings
from bot.app import CareBot
from bot.clock import ManualClock
from storage.db import Database
from storage.models import Member
from tests.discord.flows import STEP_1, World, ephemeral, fill, log_complaint, public, shown

GUILD_ID = 1456074443980899999


async def roles(db: Database) -> dict[str, str]:
    async with db.session() as session:
        return {m.display_name: m.role for m in await session.scalars(select(Member))}


async def test_roles_come_from_discord_permissions(world: World, db: Database) -> None:
    for member in (world.bob, world.meera, world.asha):  # Bob first: he is no admin for it
        await member.slash(world.channel, "home")
    assert await roles(db) == {"bob": "agent", "meera": "manager", "asha": "admin"}


@pytest.mark.discord(discord_support_role="Support")
async def test_with_a_support_role_only_its_members_and_managers_use_carebot(
    world: World, db: Database
) -> None:
    support = world.guild.create_role("Support")
    carla = world.guild.add_member(world.env.create_user("carla"), roles=[support])

    refused = await world.bob.slash(world.channel, "complaint list")
    assert "carebot is for the support team here (the “Support” role)." in shown(
        ephemeral(refused)[0]
    )
    await log_complaint(world, carla)
    await world.meera.slash(world.channel, "complaint list")
    assert await roles(db) == {"carla": "agent", "meera": "manager"}
    assert len(public(world.channel)) == 1

    # In the bot's DM, a stranger is not taken for a member of the only server.
    stranger = await world.bob.user.slash("complaint list")
    assert "Please use this command in a channel of your server first." in shown(
        ephemeral(stranger)[0]
    )
    assert "bob" not in await roles(db)


async def test_commands_sync_at_once_to_the_guilds_configured(db: Database, core: CareBot) -> None:
    own = DiscordSettings(_env_file=None, discord_guild_ids=[GUILD_ID])  # type: ignore[call-arg]
    env = simcord.Env(build_bot(CareBot(db, core.settings, core.clock), own))
    guild = env.create_guild(id=GUILD_ID)  # the guild exists before the bot starts
    channel = guild.create_text_channel("support")
    await env.start()
    try:
        member = guild.add_member(env.create_user("asha"))
        assert "complaint list" in member.available_commands(channel)
        assert env.create_user("dina").available_commands() == ()  # nothing global
        listed = await member.slash(channel, "complaint list")
        assert ephemeral(listed)
    finally:
        await env.shutdown()


@pytest.mark.discord(discord_shard_count=2)
async def test_a_sharded_bot_serves_guilds_on_every_shard(simcord_env: simcord.Env) -> None:
    assert isinstance(simcord_env.bot, discord.AutoShardedClient)
    assert simcord_env.bot.shard_count == 2
    for shard in (0, 1):
        guild = simcord_env.create_guild(f"Shard {shard}", shard_id=shard)
        channel = guild.create_text_channel("support")
        member = guild.add_member(simcord_env.create_user(f"agent{shard}"))
        assert simcord_env.bot.get_guild(guild.id).shard_id == shard
        listed = await member.slash(channel, "complaint list", status="all")
        assert "No complaints logged yet." in shown(ephemeral(listed)[0])


async def test_a_form_left_half_filled_expires(world: World, clock: ManualClock) -> None:
    opened = await world.asha.slash(world.channel, "complaint new")
    first = await fill(world.asha, opened, STEP_1)
    assert first.response is not None
    clock.advance(timedelta(minutes=61))  # FORM_DRAFT_MINUTES is 60

    late = await world.asha.click(first.response, label="Continue (2/4)")
    assert late.modal is None
    assert "This form has expired" in shown(ephemeral(late)[-1])
    assert public(world.channel) == []


async def test_the_scheduler_starts_once_the_bot_has_logged_in(
    core: CareBot, discord_settings: DiscordSettings
) -> None:
    """`carebot run` starts the scheduler from this hook: its deliverer needs the REST session."""
    tokens: list[str | None] = []
    bot = build_bot(core, discord_settings, on_login=lambda: tokens.append(bot.http.token))
    env = simcord.Env(bot)
    await env.start()
    try:
        assert tokens == ["simcord.fake.token"]
        assert sorted(c.name for c in bot.tree.get_commands()) == [
            "Log as complaint",  # the message context menu
            "assessment",
            "carebot",
            "complaint",
            "digest",
            "goal",
            "help",
            "home",
            "language",
            "metric",
            "policy",
            "report",
            "sla",
        ]
    finally:
        await env.shutdown()
