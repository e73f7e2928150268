"""Discord's API failing under the real bot (simcord's env.inject_error): 429, 5xx, 403 and 404
on the reply path (a complaint's card after the three modals, posted by the outbox) and on the
scheduler's (the agent's DM). tests/discord covers a closed DM on the reply path and
403/5xx/429 on a scheduled post; this covers the rest.

Whatever fails, the complaint is saved once and the person is told; what Discord refuses for
good is recorded for admins (never raised); a transient failure of a card or a scheduled post
is tried again later by the scheduler.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import simcord
from sqlalchemy import func, select

from bot.app import CareBot
from bot.clock import ManualClock
from storage.db import Database
from storage.models import Complaint, DeliveryFailure, Job
from tests.discord.flows import World, delivered, ephemeral, log_complaint, public, shown
from tests.discord.test_scheduled_on_discord import agent, scheduler
from tests.factories import log_complaint as log_in_core

MESSAGES = "/channels/*/messages"
DM_OPEN = "/users/@me/channels"


async def count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def failures(db: Database) -> list[str]:
    async with db.session() as session:
        return [f.error for f in await session.scalars(select(DeliveryFailure))]


def told(result: simcord.InteractionResult) -> str:
    return "\n".join(shown(m) for m in ephemeral(result))


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [(404, 10003, "10003 Unknown Channel"), (403, 50001, "50001 Missing Access")],
)
async def test_a_card_refused_for_good_is_recorded_and_nothing_escapes(
    simcord_env: simcord.Env, world: World, db: Database, status: int, code: int, error: str
) -> None:
    simcord_env.inject_error("POST", MESSAGES, status=status, code=code, message=error[6:])
    last = await log_complaint(world)

    assert "Complaint #1 is logged" in told(last)
    assert public(world.channel) == []
    assert await count(db, Complaint) == 1
    assert await failures(db) == [error]
    assert simcord_env.errors == []  # handled: nothing reached discord.py's error log


@pytest.mark.parametrize(("status", "message"), [(500, "Internal Server Error"), (429, "slow")])
async def test_a_card_failing_for_now_is_put_off_never_lost_nor_the_complaint(
    simcord_env: simcord.Env,
    world: World,
    core: CareBot,
    clock: ManualClock,
    db: Database,
    status: int,
    message: str,
) -> None:
    simcord_env.inject_error("POST", MESSAGES, status=status, message=message)
    last = await log_complaint(world)

    assert "Complaint #1 is logged" in told(last)  # the answer came first
    assert await count(db, Complaint) == 1
    assert await failures(db) == []  # nothing for admins to fix
    assert simcord_env.errors == []  # the outbox's to try again, not an error
    async with db.session() as session:
        card = (await session.scalars(select(Job).where(Job.kind == "card"))).one()
    assert (card.state, card.attempts) == ("pending", 1)

    again = await log_complaint(world)  # the fault is gone: the next one is as usual
    assert "Complaint #2 is logged" in told(again)
    assert [m.embeds[0].title.split(" · ")[0] for m in public(world.channel)] == ["Complaint #2"]
    assert await count(db, Complaint) == 2

    clock.set(card.due_at)  # the scheduler's next try posts the first card
    assert (await scheduler(simcord_env, core, clock).tick()).sent == 1
    await simcord_env.settle()
    titles = sorted(m.embeds[0].title.split(" · ")[0] for m in public(world.channel))
    assert titles == ["Complaint #1", "Complaint #2"]


async def test_a_gone_agent_fails_the_reminder_for_good(
    simcord_env: simcord.Env, world: World, core: CareBot, clock: ManualClock, db: Database
) -> None:
    await log_in_core(core, agent(world))
    await delivered(simcord_env)  # its card, posted by the outbox
    clock.advance(timedelta(days=2))
    simcord_env.inject_error("POST", DM_OPEN, status=404, code=10013, message="Unknown User")
    engine = scheduler(simcord_env, core, clock)

    assert (await engine.tick()).failed == 1
    async with db.session() as session:
        job = (await session.scalars(select(Job).where(Job.kind == "follow_up"))).one()
    assert (job.state, job.last_error) == ("failed", "refused: 10013 Unknown User")
    assert await failures(db) == ["10013 Unknown User"]
    clock.advance(timedelta(days=30))
    assert (await engine.tick(kinds=["follow_up"])).claimed == 0
    assert simcord_env.errors == []


@pytest.mark.parametrize(("status", "message"), [(503, "Service Unavailable"), (429, "slow")])
async def test_a_dm_that_cannot_be_opened_for_now_is_tried_again_later(
    simcord_env: simcord.Env,
    world: World,
    core: CareBot,
    clock: ManualClock,
    db: Database,
    status: int,
    message: str,
) -> None:
    await log_in_core(core, agent(world))
    await delivered(simcord_env)  # its card, posted by the outbox
    clock.advance(timedelta(days=2))
    simcord_env.inject_error("POST", DM_OPEN, status=status, message=message)
    engine = scheduler(simcord_env, core, clock)

    assert (await engine.tick()).retried == 1
    async with db.session() as session:
        job = (await session.scalars(select(Job).where(Job.kind == "follow_up"))).one()
    assert (job.state, job.attempts) == ("pending", 1)
    clock.set(job.due_at)
    assert (await engine.tick()).sent == 1
    await simcord_env.settle()
    (reminder,) = world.asha.user.dm_channel.history()
    assert "Follow-up due: complaint #1" in shown(reminder)
    assert await failures(db) == []
    assert simcord_env.errors == []
