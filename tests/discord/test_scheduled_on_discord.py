"""Scheduled work delivered to Discord by the scheduler: a follow-up reminder in the agent's DM
(its buttons work there), the weekly digest in the team's channel (a customer's words in it as
typed), a refusal for good kept as such, a server error tried again later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import simcord
from sqlalchemy import select

from adapters.discord.deliver import DiscordDeliverer, factory
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.scheduled import DeliveryDeferred, DeliveryRefused, Outgoing
from bot.ui import Audience, Message, Post, Reply
from scheduler.engine import Engine
from storage.db import Database
from storage.models import DeliveryFailure, Job
from tests.discord.flows import World, delivered, ephemeral, labels, public, shown
from tests.factories import MARKUP, add_survey, log_complaint


def agent(world: World) -> Actor:
    return Actor(
        "discord",
        str(world.guild.id),
        str(world.asha.id),
        "asha",
        channel_id=str(world.channel.id),
    )


def scheduler(env: simcord.Env, core: CareBot, clock: ManualClock) -> Engine:
    deliverer = DiscordDeliverer(core, env.bot)  # the running bot's REST session
    return Engine(core.db, core.settings, clock, {"discord": deliverer})


async def test_a_due_follow_up_reaches_the_agents_dm_once_and_its_buttons_work(
    simcord_env: simcord.Env, world: World, core: CareBot, clock: ManualClock, db: Database
) -> None:
    await log_complaint(core, agent(world))
    await delivered(simcord_env)  # its card, posted by the outbox
    engine = scheduler(simcord_env, core, clock)
    assert (await engine.tick()).claimed == 0  # not due yet
    clock.advance(timedelta(days=2))

    report = await engine.tick()
    await simcord_env.settle()
    assert (report.claimed, report.sent) == (1, 1)
    (reminder,) = world.asha.user.dm_channel.history()
    assert "Follow-up due: complaint #1" in shown(reminder)
    assert labels(reminder)[:2] == ["Done – satisfied", "Done – not satisfied"]
    assert (await engine.tick()).claimed == 0  # sent once

    snoozed = await world.asha.user.click(reminder, label="Snooze a day")  # in the DM
    assert any("complaint #1" in shown(m).lower() for m in ephemeral(snoozed))
    async with db.session() as session:
        job = (await session.scalars(select(Job).where(Job.key == "follow_up:1"))).one()
    assert job.state == "pending" and job.due_at > clock.now()


async def test_the_weekly_digest_goes_to_the_channel_chosen(
    simcord_env: simcord.Env, world: World, core: CareBot, clock: ManualClock
) -> None:
    chosen = await world.meera.slash(world.channel, "digest channel", where="here")
    assert f"The weekly digest will go to <#{world.channel.id}>" in shown(ephemeral(chosen)[0])
    await log_complaint(core, agent(world))
    await delivered(simcord_env)  # its card, posted by the outbox

    clock.set(datetime(2026, 11, 9, 9, 0, tzinfo=UTC))  # Monday 09:00, the default
    report = await scheduler(simcord_env, core, clock).tick()
    await simcord_env.settle()

    assert report.sent >= 1
    (digest,) = [m for m in public(world.channel) if "Weekly digest" in shown(m)]
    for secret in ("Ravi", "98765", "43210", "MG Road"):
        assert secret not in shown(digest)
    assert all(a.filename.endswith(".png") for a in digest.attachments)


async def test_an_unknown_channel_is_refused_for_good(
    simcord_env: simcord.Env, world: World, core: CareBot, clock: ManualClock, db: Database
) -> None:
    deliverer = DiscordDeliverer(core, simcord_env.bot)
    gone = Post(Message(text="Weekly digest"), Audience.CHANNEL, channel="123456789012345678")
    with pytest.raises(DeliveryRefused) as refused:
        await deliverer.deliver(Outgoing(agent(world), Reply(posts=(gone,))))
    assert refused.value.error == "10003 Unknown Channel"
    assert refused.value.channel == "123456789012345678"

    await log_complaint(core, agent(world))  # through the scheduler: recorded, not retried
    await delivered(simcord_env)  # its card, posted by the outbox
    clock.advance(timedelta(days=2))
    simcord_env.inject_error("POST", "/channels/*/messages", status=403, code=50007)
    report = await scheduler(simcord_env, core, clock).tick()
    assert report.failed == 1
    async with db.session() as session:
        job = (await session.scalars(select(Job).where(Job.key == "follow_up:1"))).one()
        failures = (await session.scalars(select(DeliveryFailure))).all()
    assert job.state == "failed"
    assert [f.error[:5] for f in failures] == ["50007"]


async def test_a_server_error_is_tried_again_later(
    simcord_env: simcord.Env, world: World, core: CareBot, clock: ManualClock, db: Database
) -> None:
    deliverer = DiscordDeliverer(core, simcord_env.bot)
    simcord_env.inject_error("POST", "/channels/*/messages", status=500)
    with pytest.raises(DeliveryDeferred):
        await deliverer.deliver(
            Outgoing(agent(world), Reply(posts=(Post(Message(text="Hi"), Audience.DM),)))
        )

    await log_complaint(core, agent(world))
    await delivered(simcord_env)  # its card, posted by the outbox
    clock.advance(timedelta(days=2))
    simcord_env.inject_error("POST", "/channels/*/messages", status=502)
    engine = scheduler(simcord_env, core, clock)
    assert (await engine.tick()).retried == 1
    async with db.session() as session:
        job = (await session.scalars(select(Job).where(Job.key == "follow_up:1"))).one()
    clock.set(job.due_at)
    assert (await engine.tick()).sent == 1
    assert len(world.asha.user.dm_channel.history()) == 1


async def test_a_rate_limit_discord_py_gave_up_on_is_deferred_not_refused(
    simcord_env: simcord.Env, world: World, core: CareBot
) -> None:
    deliverer = DiscordDeliverer(core, simcord_env.bot)
    simcord_env.inject_error("POST", "/channels/*/messages", status=429, message="rate limited")
    with pytest.raises(DeliveryDeferred):
        await deliverer.deliver(
            Outgoing(agent(world), Reply(posts=(Post(Message(text="Hi"), Audience.DM),)))
        )
    await deliverer.deliver(
        Outgoing(agent(world), Reply(posts=(Post(Message(text="Hi again"), Audience.DM),)))
    )
    assert [m.content for m in world.asha.user.dm_channel.history()] == ["Hi again"]


def test_the_deliverer_plug_in_needs_a_token(
    core: CareBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env: the token comes from the environment
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert factory(core.settings, core.db) is None
    monkeypatch.setenv("DISCORD_TOKEN", "a-token")
    assert isinstance(factory(core.settings, core.db), DiscordDeliverer)


async def test_a_customers_markup_in_the_digest_reaches_discord_as_typed(
    simcord_env: simcord.Env, world: World, core: CareBot, clock: ManualClock, db: Database
) -> None:
    await world.meera.slash(world.channel, "digest channel", where="here")
    await log_complaint(core, agent(world), solution_mode="on_the_spot", follow_up_at=None)
    await delivered(simcord_env)
    answered = datetime(2026, 11, 4, 12, tzinfo=UTC)
    await add_survey(db, 1, "resolution", answered, answered, score=4, better=MARKUP)

    clock.set(datetime(2026, 11, 9, 9, 0, tzinfo=UTC))
    await scheduler(simcord_env, core, clock).tick()
    await simcord_env.settle()
    (digest,) = [m for m in public(world.channel) if "Weekly digest" in shown(m)]
    descriptions = "\n".join(e.description or "" for e in digest.embeds)
    # Markdown and mentions escaped (Discord shows no HTML): read as the characters typed.
    escaped = r"“<script>alert(1)\</script> <!channel> \@everyone \*bold\*” (score 4 of 5)"
    assert escaped in descriptions
    assert f"“{MARKUP}” (score 4 of 5)" in shown(digest)
    assert not digest.mention_everyone and not digest.mentions
