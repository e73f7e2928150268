"""Due work a complaint creates, and what each kind says when it comes due: follow-up
reminders, the retention check one calendar month after resolution, escalation to managers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.complaints.planning import add_months
from bot.context import Actor
from bot.settings import Settings
from bot.ui import Audience, Reply
from storage.db import Database
from storage.models import Complaint, FollowUp, RetentionCheck, Workspace
from tests.factories import log_complaint, texts
from tests.jobs import finish, job, jobs, prepare

RESOLVE = {"solution": "Refunded", "solution_mode": "on_the_spot", "prevention": "Check stock"}


def said(outgoing: tuple) -> str:
    return "\n".join(texts(o.reply) for o in outgoing)


async def one(db: Database, model: type, **where: object):
    async with db.session() as session:
        rows = (await session.scalars(select(model).filter_by(**where))).all()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("resolved", "zone", "due"),
    [
        ("2026-01-31 10:00", "Asia/Kolkata", "2026-02-28 10:00"),
        ("2028-01-31 10:00", "Asia/Kolkata", "2028-02-29 10:00"),  # a leap year
        ("2026-03-31 23:30", "Asia/Manila", "2026-04-30 23:30"),
        ("2026-10-15 09:00", "America/New_York", "2026-11-15 09:00"),  # across the DST change
    ],
)
def test_one_calendar_month_later_in_the_workspace_zone(resolved: str, zone: str, due: str) -> None:
    tz = ZoneInfo(zone)
    start = datetime.fromisoformat(resolved).replace(tzinfo=tz).astimezone(UTC)
    later = add_months(start, 1, tz)
    assert later.astimezone(tz).replace(tzinfo=None) == datetime.fromisoformat(due)


async def test_a_follow_up_is_one_job_that_moves_with_it_and_ends_with_it(
    carebot: CareBot, asha: Actor, db: Database, clock: ManualClock
) -> None:
    await log_complaint(carebot, asha)  # follow-up in two days
    (planned,) = [j for j in await jobs(db) if j.kind == "follow_up"]  # the card and targets aside
    assert (planned.kind, planned.due_at) == ("follow_up", clock.now() + timedelta(days=2))

    await carebot.submit(asha, "complaint.follow_up", {"due_at": "+5d"}, {"number": "1"})
    (moved,) = [j for j in await jobs(db) if j.kind == "follow_up"]
    assert moved.id == planned.id and moved.due_at == clock.now() + timedelta(days=5)

    await carebot.submit(
        asha, "complaint.follow_up_done", {"outcome": "satisfied"}, {"number": "1"}
    )
    assert (await job(db, "follow_up:1")).state == "cancelled"


async def test_the_agent_is_reminded_once_when_the_follow_up_is_due(
    carebot: CareBot, asha: Actor, bob: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "help")
    await log_complaint(carebot, asha)
    await carebot.submit(asha, "complaint.assign", {"assignee": "bob"}, {"number": "1"})
    await carebot.remember_post(asha, "complaint:1", "C1", "1700.1")  # the card stands in C1
    assert await prepare(db, settings, clock, "follow_up:1") == ()  # not due yet

    clock.advance(timedelta(days=2))
    (out,) = await prepare(db, settings, clock, "follow_up:1")
    assert out.actor.user_id == "bob"  # the assigned agent
    dm, card = out.reply.posts
    assert dm.to is Audience.DM and "Follow-up due: complaint #1 · Delivery" in dm.message.text
    assert [b.label for b in dm.message.buttons] == [
        "Done – satisfied",
        "Done – not satisfied",
        "Snooze a day",
        "Reschedule",
        "Details",
    ]
    assert card.posted == ("C1", "1700.1") and "due now" in texts(Reply(posts=(card,)))
    assert "Ravi" not in texts(Reply(posts=(card,)))

    assert await finish(db, settings, clock, "follow_up:1") is None
    assert await prepare(db, settings, clock, "follow_up:1") == ()  # reminded already

    snooze = dm.message.buttons[2]
    await carebot.action(bob, snooze.action, snooze.value)
    assert (await job(db, "follow_up:1")).due_at == clock.now() + timedelta(days=1)
    clock.advance(timedelta(days=1))
    assert len(await prepare(db, settings, clock, "follow_up:1")) == 1  # reminded again

    done = dm.message.buttons[0]
    reply = await carebot.action(bob, done.action, done.value)
    assert "Follow-up of complaint #1 recorded." in texts(reply)
    follow_up = await one(db, FollowUp, state="done")
    assert follow_up.outcome == "satisfied"


async def test_resolving_yields_exactly_one_retention_check_a_month_later(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "complaint", "survey one-month off")  # the call itself
    await log_complaint(carebot, asha, follow_up_at=None, customer_email="ravi@example.com")
    for _ in range(2):  # resolve, reopen, resolve again: still one check
        await carebot.submit(asha, "complaint.resolve", RESOLVE, {"number": "1"})
        await carebot.action(asha, "complaint.reopen", "1")
    assert (await one(db, RetentionCheck)).state == "cancelled"
    clock.advance(timedelta(days=3))
    await carebot.submit(asha, "complaint.resolve", RESOLVE, {"number": "1"})

    check = await one(db, RetentionCheck)
    assert check.state == "scheduled"
    assert check.due_at == datetime(2026, 12, 5, 9, 0, tzinfo=UTC)  # 5 Nov + one month
    retention = await job(db, "retention:1")
    assert retention.due_at == check.due_at and retention.state == "pending"

    clock.set(check.due_at)
    (out,) = await prepare(db, settings, clock, "retention:1")
    assert out.reply.posts[0].to is Audience.DM  # the customer's contact, to the agent only
    prompt = texts(out.reply)
    assert "Retention check due: complaint #1" in prompt and "Ravi Kumar" in prompt
    assert "Email: ravi@example.com" in prompt  # a way to reach them, besides the phone
    rearm = await finish(db, settings, clock, "retention:1")
    assert rearm == clock.now() + timedelta(days=settings.retention_nudge_days)


async def test_unanswered_checks_are_nudged_then_missed(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "complaint", "survey one-month off")  # the call itself
    await log_complaint(carebot, asha, solution_mode="on_the_spot", follow_up_at=None)
    clock.set((await one(db, RetentionCheck)).due_at)
    sent = []
    while out := await prepare(db, settings, clock, "retention:1"):
        sent.append(said(out))
        rearm = await finish(db, settings, clock, "retention:1")
        assert rearm is not None
        clock.set(rearm)
    assert len(sent) == 1 + settings.retention_nudges
    assert all("Reminder: the retention check" in text for text in sent[1:])
    assert (await one(db, RetentionCheck)).state == "missed"


async def test_the_answers_are_validated_and_recorded_once(
    carebot: CareBot, asha: Actor, bob: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "complaint", "survey one-month off")  # the call itself
    await log_complaint(carebot, asha, solution_mode="on_the_spot", follow_up_at=None)
    check = await one(db, RetentionCheck)
    opened = await carebot.action(asha, "retention.record", str(check.id))
    assert opened.form is not None and opened.form.form_id == "retention.record"

    refused = await carebot.submit(
        asha, "retention.record", {"satisfied": "maybe"}, opened.form.state
    )
    assert refused.errors is not None
    assert set(refused.errors.errors) == {"satisfied", "bought_again"}
    assert (await one(db, RetentionCheck)).state == "scheduled"  # nothing half-saved

    other = await carebot.submit(
        bob, "retention.record", {"satisfied": "yes", "bought_again": "yes"}, opened.form.state
    )
    assert "Only the agent asked to call" in texts(other)

    values = {"satisfied": "yes", "bought_again": "no", "better": "Call back sooner"}
    saved = await carebot.submit(asha, "retention.record", values, opened.form.state)
    assert "Retention check of complaint #1 recorded" in texts(saved)
    again = await carebot.submit(asha, "retention.record", values, opened.form.state)
    assert "recorded already" in texts(again)
    check = await one(db, RetentionCheck)
    assert (check.state, check.satisfied, check.bought_again) == ("done", "yes", "no")
    assert check.source == "agent"  # the agent's call, not the customer's survey
    assert (await job(db, "retention:1")).state == "cancelled"


async def test_escalation_to_managers_once_with_a_button_to_take_over(
    carebot: CareBot,
    asha: Actor,
    meera: Actor,
    bob: Actor,
    db: Database,
    settings: Settings,
    clock: ManualClock,
) -> None:
    await carebot.command(asha, "help")
    await carebot.command(meera, "help")
    refused = await carebot.command(bob, "complaint", "escalation hours 48")
    assert "Only managers and admins" in texts(refused)
    answer = await carebot.command(meera, "complaint", "escalation hours 48")
    assert "after 48 hours open" in texts(answer)
    answer = await carebot.command(meera, "complaint", "escalation amount 1000")
    assert "above ₹1,000.00" in texts(answer)
    bad = await carebot.command(meera, "complaint", "escalation amount -5")
    assert "cannot be negative" in texts(bad)

    await log_complaint(carebot, bob, follow_up_at=None)  # ₹150.50: only the time limit applies
    assert (await job(db, "escalation:1")).due_at == clock.now() + timedelta(hours=48)
    await log_complaint(carebot, bob, follow_up_at=None, compensation_amount="2500")
    assert (await job(db, "escalation:2")).due_at == clock.now()  # at once

    out = await prepare(db, settings, clock, "escalation:2")
    assert sorted(o.actor.user_id for o in out) == ["asha", "meera"]  # each manager's DM
    assert "compensation above the limit of ₹1,000.00" in said(out)
    await finish(db, settings, clock, "escalation:2")
    assert await prepare(db, settings, clock, "escalation:2") == ()  # once

    await carebot.command(meera, "complaint", "managers here")
    clock.advance(timedelta(hours=48))
    (out,) = await prepare(db, settings, clock, "escalation:1")
    (post,) = out.reply.posts
    assert post.to is Audience.CHANNEL and post.channel == "C1"
    assert "open for more than 48 hours" in texts(out.reply)
    for secret in ("Ravi", "98765", "MG Road"):
        assert secret not in texts(out.reply)
    take = post.message.buttons[0]
    taken = await carebot.action(meera, take.action, take.value)
    assert "You took over complaint #1." in texts(taken)
    assert (await one(db, Complaint, number=1)).assigned_to_id is not None


async def test_a_resolved_complaint_is_not_escalated_by_time(
    carebot: CareBot, meera: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(meera, "complaint", "escalation hours 1")
    await log_complaint(carebot, meera, follow_up_at=None)
    await carebot.submit(meera, "complaint.resolve", RESOLVE, {"number": "1"})
    clock.advance(timedelta(hours=2))
    assert await prepare(db, settings, clock, "escalation:1") == ()
    async with db.session() as session:
        workspace = (await session.scalars(select(Workspace))).one()
    assert workspace.escalate_after_hours == 1
