"""The outbox in the core: a complaint's card is a job planned with the change, one per card
however many changes, rendered as the complaint stands when it is delivered; work the
scheduler gives up on (a card, a reminder after JOB_MAX_ATTEMPTS) is shown to admins at home."""

from __future__ import annotations

from datetime import timedelta

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.scheduled import DeliveryDeferred, Outgoing
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from tests.factories import log_complaint
from tests.jobs import job, jobs


class Unreachable:
    """A platform that never takes anything."""

    def __init__(self) -> None:
        self.tries = 0

    async def deliver(self, outgoing: Outgoing) -> None:
        self.tries += 1
        raise DeliveryDeferred("service_unavailable")


class Taken:
    def __init__(self) -> None:
        self.said: list[Outgoing] = []

    async def deliver(self, outgoing: Outgoing) -> None:
        self.said.append(outgoing)


def home_text(reply: object) -> str:
    message = reply.posts[0].message  # type: ignore[attr-defined]
    return "\n".join(f"{s.title}\n{s.body}" for s in message.sections)


async def test_changes_made_while_a_card_waits_are_posted_as_one_card_as_it_stands(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await log_complaint(carebot, asha)
    await carebot.submit(asha, "complaint.step", {"text": "Called the courier"}, {"number": "1"})
    await carebot.submit(
        asha,
        "complaint.resolve",
        {"solution": "Refunded", "solution_mode": "on_the_spot"},
        {"number": "1"},
    )
    assert [j.key for j in await jobs(db) if j.kind == "card"] == ["card:complaint:1"]

    platform = Taken()
    report = await Engine(db, settings, clock, {"console": platform}).tick()
    cards = [o for o in platform.said if o.reply.posts[0].message.ref == "complaint:1"]
    (card,) = cards
    assert "Resolved" in card.reply.posts[0].message.text
    assert card.reply.posts[0].channel == "C1"  # where the complaint was logged
    assert report.sent == 1 and (await job(db, "card:complaint:1")).state == "done"


async def test_a_reminder_given_up_after_its_attempts_is_shown_to_admins_at_home(
    carebot: CareBot,
    asha: Actor,
    bob: Actor,
    db: Database,
    settings: Settings,
    clock: ManualClock,
) -> None:
    await log_complaint(carebot, asha)  # follow-up in two days
    await Engine(db, settings, clock, {"console": Taken()}).tick()  # the card goes out
    clock.advance(timedelta(days=2))
    platform = Unreachable()
    engine = Engine(db, settings, clock, {"console": platform})
    for _ in range(settings.job_max_attempts):
        clock.set((await job(db, "follow_up:1")).due_at)
        await engine.tick()
    reminder = await job(db, "follow_up:1")
    assert (reminder.state, reminder.attempts) == ("failed", 8)  # JOB_MAX_ATTEMPTS
    assert platform.tries == 8

    home = home_text(await carebot.command(asha, "home"))
    assert "Work given up" in home
    assert "follow_up:1 · given up after 8 attempts · service_unavailable" in home
    assert "Work given up" not in home_text(await carebot.command(bob, "home"))
