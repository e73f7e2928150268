"""A complaint's targets in business time: its deadlines on the card, the warning and the
breach told once each by two schedulers at once, waiting for the customer, a new priority."""

from __future__ import annotations

import asyncio

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.i18n import Translator
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from tests.factories import log_complaint, texts
from tests.sla.world import Recorder, clock_of, ist, pune, sla_jobs

PUNE = Translator("en", "Asia/Kolkata")


async def test_a_friday_evening_complaint_before_a_holiday_is_warned_and_breached_once(
    carebot: CareBot,
    asha: Actor,
    meera: Actor,
    db: Database,
    settings: Settings,
    clock: ManualClock,
) -> None:
    clock.set(ist("2026-11-06 17:55"))  # a Friday, five minutes before closing
    await pune(carebot, db, asha)
    await carebot.command(meera, "help")
    await log_complaint(carebot, asha, steps="", priority="high")  # 4 hours, 2 business days

    details = texts(await carebot.command(asha, "complaint", "show 1"))
    # 5 minutes on Friday, then Monday; Tuesday 10 November is a holiday (Diwali) in Maharashtra.
    assert f"First response due: {PUNE.datetime(ist('2026-11-09 12:55'))}" in details
    assert f"Resolution due: {PUNE.datetime(ist('2026-11-11 17:55'))}" in details
    assert "Priority: High" in details

    recorder = Recorder()
    engines = [Engine(db, settings, clock, {"console": recorder}) for _ in range(2)]

    async def tick() -> None:
        await asyncio.gather(*(e.tick() for e in engines))

    clock.set(ist("2026-11-09 11:54"))
    await tick()
    assert recorder.told("first response") == []
    clock.set(ist("2026-11-09 11:55"))  # 75% of the four hours used
    await tick()
    await tick()
    (warning,) = recorder.told("needs a first response")
    assert warning[0] == "asha" and "(1 hour left)" in warning[1]

    clock.set(ist("2026-11-09 13:00"))
    await tick()
    await tick()
    breaches = recorder.told("missed its first-response target by 5 minutes")
    assert sorted(who for who, _ in breaches) == ["asha", "meera"]
    row = await clock_of(db)
    assert row.response_warned_at == ist("2026-11-09 11:55")
    assert row.response_breached_at == ist("2026-11-09 13:00")
    for out in recorder.sent:  # nothing of the customer's
        assert "Ravi" not in texts(out.reply) and "98765" not in texts(out.reply)
    buttons = [b.action for b in recorder.sent[-1].reply.posts[0].message.buttons]
    assert buttons[:2] == ["escalation.take", "complaint.assign"]


async def test_a_step_meets_the_first_response_and_its_jobs_say_nothing(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    clock.set(ist("2026-11-06 17:55"))
    await pune(carebot, db, asha)
    await log_complaint(carebot, asha, steps="", priority="urgent")
    clock.set(ist("2026-11-09 09:30"))
    await carebot.submit(asha, "complaint.step", {"text": "Called the customer"}, {"number": "1"})
    jobs = await sla_jobs(db)
    assert jobs["response:warning"].state == jobs["response:breach"].state == "cancelled"
    assert jobs["resolution:breach"].state == "pending"
    card = texts(await carebot.command(asha, "complaint", "show 1"))
    assert f"First response due: met {PUNE.datetime(ist('2026-11-09 09:30'))}" in card


async def test_waiting_for_the_customer_moves_the_resolution_by_the_business_time_waited(
    carebot: CareBot, asha: Actor, db: Database, clock: ManualClock
) -> None:
    clock.set(ist("2026-11-06 17:55"))
    await pune(carebot, db, asha)
    await log_complaint(carebot, asha, steps="", priority="high")
    clock.set(ist("2026-11-09 10:00"))
    reply = await carebot.action(asha, "complaint.waiting:on", "1")
    assert "waiting for the customer" in texts(reply)
    assert "Waiting for customer" in texts(await carebot.command(asha, "complaint", "list"))
    jobs = await sla_jobs(db)
    assert jobs["resolution:breach"].state == "cancelled"
    assert jobs["response:breach"].state == "pending"  # the first response still counts
    again = await carebot.action(asha, "complaint.waiting:on", "1")  # a second click
    assert "waiting" in texts(again)

    # Monday 10:00 to Wednesday 11:00: 8 hours on Monday, none on the holiday, 2 on Wednesday.
    clock.set(ist("2026-11-11 11:00"))
    card = texts(await carebot.action(asha, "complaint.waiting:off", "1"))
    assert "Customer replied" not in card and "Waiting for customer" in card  # the buttons
    row = await clock_of(db)
    assert (row.waited_minutes, row.waiting_since) == (10 * 60, None)
    # Wednesday 17:55 plus 10 business hours: 5 minutes, Thursday, and 55 minutes on Friday.
    assert row.resolution_due_at == ist("2026-11-13 09:55")
    assert (await sla_jobs(db))["resolution:breach"].due_at == ist("2026-11-13 09:55")
    history = texts(await carebot.command(asha, "complaint", "show 1"))
    assert "set it waiting for the customer" in history
    assert "recorded the customer's reply" in history


async def test_a_new_priority_replans_and_is_audited(
    carebot: CareBot, asha: Actor, bob: Actor, db: Database, clock: ManualClock
) -> None:
    clock.set(ist("2026-11-06 17:55"))
    await pune(carebot, db, asha)
    await log_complaint(carebot, bob, steps="")
    assert (await sla_jobs(db))["response:breach"].due_at == ist("2026-11-09 17:55")  # 1 day

    form = (await carebot.action(bob, "complaint.priority", "1")).form
    assert form is not None and form.fields[0].initial == "normal"
    reply = await carebot.submit(bob, "complaint.priority", {"priority": "urgent"}, {"number": "1"})
    assert "now of Urgent priority" in texts(reply)
    assert (await sla_jobs(db))["response:breach"].due_at == ist("2026-11-09 09:55")
    assert "changed the priority" in texts(await carebot.command(asha, "complaint", "show 1"))
    urgent = texts(await carebot.command(bob, "complaint", "list all priority urgent"))
    assert "#1" in urgent and "Urgent" in urgent
    assert "#1" not in texts(await carebot.command(bob, "complaint", "list all priority low"))

    meera_refused = await carebot.submit(
        Actor("console", "T1", "dev", "Dev", channel_id="C1"),
        "complaint.priority",
        {"priority": "low"},
        {"number": "1"},
    )
    assert "Only the agent who logged complaint #1" in texts(meera_refused)


async def test_resolving_meets_both_and_reopening_plans_the_resolution_again(
    carebot: CareBot, asha: Actor, db: Database, clock: ManualClock
) -> None:
    clock.set(ist("2026-11-06 17:55"))
    await pune(carebot, db, asha)
    await log_complaint(carebot, asha, steps="", solution="", solution_mode="")
    resolve = {"solution": "Refunded", "solution_mode": "on_the_spot"}
    await carebot.submit(asha, "complaint.resolve", resolve, {"number": "1"})
    assert {j.state for j in (await sla_jobs(db)).values()} == {"cancelled"}
    await carebot.action(asha, "complaint.reopen", "1")
    jobs = await sla_jobs(db)
    assert jobs["resolution:breach"].state == "pending"
    assert jobs["response:breach"].state == "cancelled"  # the resolution was a response


async def test_sla_settings_are_checked_with_clear_localised_sentences(
    carebot: CareBot, asha: Actor, bob: Actor, db: Database, clock: ManualClock
) -> None:
    await pune(carebot, db, asha)

    async def said(text: str, who: Actor = asha) -> str:
        return texts(await carebot.command(who, "sla", text))

    assert "“funday” is not a day" in await said("hours funday 09:00-18:00")
    assert "not a time range" in await said("hours mon-fri 9-6")
    assert "must close after it opens" in await said("hours mon-fri 18:00-09:00")
    assert "No public holidays are known for “XX”" in await said("holidays XX")
    assert "“ZZ” is not a subdivision of IN" in await said("holidays IN ZZ")
    assert "YYYY-MM-DD" in await said("closed add 24/12/2026")
    assert "“1x” is not a length of time" in await said("target urgent 1x 8h")
    assert "cannot be longer than the resolution" in await said("target urgent 9h 1h")
    assert "percentage from 1 to 99" in await said("warn 120")
    assert "Only managers and admins" in await said("warn 80", bob)
    assert "Warning: at 75%" in await said("", bob)  # everyone may read them

    shown = await said("target high 2h 1d category delivery")
    assert "High · Delivery: first response 2 hours, resolution 1 business day" in shown
    assert "Public holidays: IN · MH" in shown
    assert "changed the business hours or targets" not in shown
    await carebot.command(asha, "language", "me hi")
    assert "“funday” कोई दिन नहीं है" in await said("hours funday 09:00-18:00")
    assert "कामकाज के घंटे" in await said("")
