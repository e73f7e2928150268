"""Round 3 of attacks from outside, through the core: what they found, kept.

`/sla …` sent several times at once (or again) audited and recomputed every time; a warning
the platform refused for good was tried again whenever the complaint's deadlines were
planned anew (any /sla change, a new priority)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.scheduled import DeliveryRefused, Outgoing
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from storage.models import DeliveryFailure
from tests.factories import log_complaint, texts
from tests.sla.world import Recorder, ist, pune, sla_jobs
from tests.test_concurrency import BROKEN, Case, World, _meera, command, deliver, snapshot

SLA_CASES = [
    Case("sla hours", command(_meera, "sla", "hours mon-sat 09:30-18:30")),
    Case("sla holidays", command(_meera, "sla", "holidays IN MH")),
    Case("sla closed add", command(_meera, "sla", "closed add 2026-12-24")),
    Case("sla target", command(_meera, "sla", "target urgent 1h 8h")),
    Case("sla warn", command(_meera, "sla", "warn 80")),
]


@pytest.mark.parametrize("case", SLA_CASES, ids=[c.name for c in SLA_CASES])
async def test_an_sla_change_sent_many_times_at_once_is_audited_once(
    case: Case, carebot: CareBot, db: Database
) -> None:
    once, many = World(carebot, db, "ONCE"), World(carebot, db, "MANY")
    for world, times in ((once, 1), (many, 8)):
        call = await case.setup(world)
        for reply in await deliver(carebot, call, times, case.same_delivery):
            assert BROKEN not in texts(reply)
    assert await snapshot(db, "MANY") == await snapshot(db, "ONCE")


async def test_setting_an_sla_to_what_it_is_says_nothing_changed(
    carebot: CareBot, meera: Actor
) -> None:
    assert "Saved." in texts(await carebot.command(meera, "sla", "warn 80"))
    again = texts(await carebot.command(meera, "sla", "warn 80"))
    assert "Nothing changed." in again and "Saved." not in again


class Refusing:
    """A platform that will never deliver a DM to this person (they blocked the bot)."""

    def __init__(self) -> None:
        self.tried: list[str] = []

    async def deliver(self, outgoing: Outgoing) -> None:
        self.tried.append(texts(outgoing.reply))
        raise DeliveryRefused("cannot_dm_user", "D1")


async def test_a_warning_refused_for_good_is_not_tried_again_when_replanned(
    carebot: CareBot,
    asha: Actor,
    meera: Actor,
    db: Database,
    settings: Settings,
    clock: ManualClock,
) -> None:
    clock.set(ist("2026-11-06 17:55"))
    await pune(carebot, db, asha)
    await carebot.command(meera, "help")
    await log_complaint(carebot, asha, steps="", priority="high")
    clock.set(ist("2026-11-09 11:55"))  # 75% of the first response's four hours
    await Engine(db, settings, clock, {"console": Refusing()}).tick()
    assert (await sla_jobs(db))["response:warning"].state == "failed"

    # Deadlines planned anew: a setting that moves nothing, a priority changed and back.
    await carebot.command(meera, "sla", "closed add 2026-12-24")
    await carebot.submit(asha, "complaint.priority", {"priority": "urgent"}, {"number": "1"}, "a")
    await carebot.submit(asha, "complaint.priority", {"priority": "high"}, {"number": "1"}, "b")
    refusing = Refusing()
    await Engine(db, settings, clock, {"console": refusing}).tick()  # a restart
    assert not [said for said in refusing.tried if "needs a first response" in said]
    assert (await sla_jobs(db))["response:warning"].state == "failed"
    async with db.session() as session:
        (failure,) = (await session.scalars(select(DeliveryFailure))).all()
    assert failure.error == "cannot_dm_user"  # kept for the admins

    # The breach still comes, once, to whoever can be told.
    recorder = Recorder()
    clock.set(ist("2026-11-09 13:00"))
    for _ in range(2):
        await Engine(db, settings, clock, {"console": recorder}).tick()
    assert len(recorder.told("missed its first-response target")) == 2  # asha and meera
    assert recorder.told("needs a first response") == []
