"""The weekly digest through the core: its figures, no personal data, the /digest commands,
and the job kind run by hand as the scheduler would (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import CareBot
from bot.charts import with_charts
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.scheduled import Outgoing
from bot.settings import Settings
from bot.ui import Audience, Reply
from storage.db import Database
from storage.models import DigestSend, Job, Workspace
from tests.conftest import person
from tests.factories import log_complaint, texts
from tests.jobs import finish, job, prepare
from tests.test_assessment_flow import take

PNG = b"\x89PNG\r\n\x1a\n"
RESOLVE = {"solution": "Refunded", "solution_mode": "on_the_spot"}
NEXT_MONDAY = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)  # the clock starts a week before
PERSONAL = ("Ravi", "Kumar", "98765", "43210", "MG Road", "Pune", "Anita", "Desai", "Juhu")


def said(outgoing: tuple[Outgoing, ...]) -> str:
    return "\n".join(texts(o.reply) for o in outgoing)


async def sends(db: Database) -> list[DigestSend]:
    async with db.session() as session:
        return list(await session.scalars(select(DigestSend).order_by(DigestSend.id)))


async def a_week_of_complaints(carebot: CareBot, asha: Actor, clock: ManualClock) -> None:
    """Three complaints in the week of Nov 2 with customers' details; one resolved with a
    compensation in another currency, one escalated-looking follow-up left overdue."""
    await log_complaint(carebot, asha)  # delivery, ₹150.50, follow-up in two days
    clock.advance(timedelta(days=1))
    await log_complaint(
        carebot,
        asha,
        customer_name="Anita Desai",
        customer_phone="+91 91234 56789",
        customer_address="4 Juhu Tara Road",
        description="Anita Desai was charged twice",
        category="billing",
        compensation_amount="20",
        compensation_currency="USD",
    )
    clock.advance(timedelta(days=1))
    await log_complaint(carebot, asha, follow_up_at=None)
    await carebot.submit(asha, "complaint.resolve", RESOLVE, {"number": "3"})


async def test_the_digest_of_a_week_with_personal_data_shows_none_of_it(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "digest", "channel here")
    await a_week_of_complaints(carebot, asha, clock)
    clock.set(NEXT_MONDAY)

    preview = await carebot.command(asha, "digest", "preview")
    (post,) = preview.posts
    assert post.to is Audience.ACTOR
    outgoing = await prepare(db, settings, clock, "digest")
    ((channel_post,),) = [o.reply.posts for o in outgoing]
    assert (channel_post.to, channel_post.channel) == (Audience.CHANNEL, "C1")

    for shown in (texts(preview), said(outgoing)):
        assert "Weekly digest · Nov 2, 2026 – Nov 8, 2026" in shown
        for line in (
            "New this week: 3",
            "Resolved this week: 1",
            "Open now: 2",
            "Follow-ups overdue now: 2",
            "Escalated this week: 0",
            "Done: 0",
            "Missed: 0",
            "Delivery: 2",
            "Billing or refund: 1",
            "By compensation paid (INR):\nDelivery: ₹301.00",
            "By compensation paid (USD):\nBilling or refund: $20.00",
            "No goals yet.",
            "No assessment yet.",
        ):
            assert line in shown, shown
        for secret in (*PERSONAL, "charged twice", "Parcel arrived", "Refunded"):
            assert secret not in shown
    # One chart per ranking, the categories named on the bars, drawn in a child process just
    # before delivery (bot.charts).
    files = (await with_charts(outgoing[0].reply)).posts[0].message.files
    assert [f.filename for f in files] == [
        "top-issues-2026-W45.png",
        "top-issues-inr-2026-W45.png",
        "top-issues-usd-2026-W45.png",
    ]
    assert all(f.content.startswith(PNG) for f in files)
    often, inr, usd = (json.loads(f.chart.args) for f in files if f.chart)
    assert often["title"] == "Top issues: how often they came up"
    assert often["bars"] == [["Delivery", 2.0, "2"], ["Billing or refund", 1.0, "1"]]
    assert inr["bars"] == [["Delivery", 301.0, "₹301.00"]]
    assert usd["title"] == "Top issues: compensation paid (USD)"


async def test_goals_and_the_teams_band_appear_in_the_digest(
    carebot: CareBot, asha: Actor, meera: Actor, clock: ManualClock
) -> None:
    await carebot.command(asha, "help")
    values = {"metric": "complaints_count", "comparison": "le", "target": "2", "period": "week"}
    await carebot.submit(asha, "goal.save", values, {})
    await take(carebot, meera, [4] * 25)  # 28: asset
    await a_week_of_complaints(carebot, asha, clock)
    clock.set(NEXT_MONDAY)
    shown = texts(await carebot.command(meera, "digest", "preview"))
    assert (
        "Goal 1 · Complaints received: 3 (target at most 2) · off-track · +3 on the week" in shown
    )
    assert "The team's latest: 28 of 35 · Asset · respondents: 1" in shown

    # The goals' chart: the last six weeks against the target, off track in words too.
    preview = await carebot.command(meera, "digest", "preview")
    goals_chart = preview.posts[0].message.files[0]
    assert goals_chart.filename == "goals-2026-W45.png" and goals_chart.chart
    (panel,) = json.loads(goals_chart.chart.args)["goals"]
    assert panel["name"] == "Goal 1: Complaints received"
    assert (panel["status"], panel["verdict"], panel["latest"]) == ("off", "off-track", "3")
    assert panel["values"] == [0.0, 0.0, 0.0, 0.0, 0.0, 3.0] and panel["target"] == 2.0
    assert panel["weeks"][0] == "9/28/26" and panel["weeks"][-1] == "11/2/26"


async def test_digest_channel_and_schedule_plan_the_job(
    carebot: CareBot, asha: Actor, bob: Actor, db: Database
) -> None:
    in_dm = Actor("console", "T1", "asha", "Asha", channel_id="D1", is_dm=True)
    assert "Type this in the channel" in texts(
        await carebot.command(in_dm, "digest", "channel here")
    )
    assert "Only managers and admins" in texts(await carebot.command(bob, "digest", "channel here"))
    assert "is off" in texts(await carebot.command(bob, "digest", "channel"))

    reply = texts(await carebot.command(asha, "digest", "channel here"))
    assert "will go to <#C1>, Monday at 09:00 (UTC). The next one: Nov 9, 2026, 9:00" in reply
    planned = await job(db, "digest")
    assert (planned.kind, planned.state) == ("digest", "pending")
    assert planned.due_at == NEXT_MONDAY  # strictly after now, Monday 09:00 itself

    reply = texts(await carebot.command(asha, "digest", "schedule wednesday 17:30"))
    assert "Wednesday at 17:30 (UTC). The next one: Nov 4, 2026, 5:30" in reply
    assert (await job(db, "digest")).due_at == datetime(2026, 11, 4, 17, 30, tzinfo=UTC)
    for typed, error in (
        ("funday 09:00", "Give the day as mon"),
        ("mon 25:00", "HH:MM on a 24-hour clock"),
        ("mon", "Use /digest schedule DAY HH:MM"),
    ):
        assert error in texts(await carebot.command(asha, "digest", f"schedule {typed}")), typed
    assert "Only managers and admins" in texts(
        await carebot.command(bob, "digest", "schedule mon 8:00")
    )
    assert "goes Wednesday at 17:30 (UTC)" in texts(
        await carebot.command(bob, "digest", "schedule")
    )

    for typed, stored in (
        ("<#C0ABC|support>", "C0ABC"),
        ("<#1234567>", "1234567"),
        ("#cs-team", "#cs-team"),
    ):
        await carebot.command(asha, "digest", f"channel {typed}")
        async with db.session() as session:
            assert (await session.scalars(select(Workspace.digest_channel))).one() == stored
    assert "Use /digest channel here" in texts(
        await carebot.command(asha, "digest", "channel nowhere at all")
    )

    assert "is off" in texts(await carebot.command(asha, "digest", "channel off"))
    assert (await job(db, "digest")).state == "cancelled"
    reply = texts(await carebot.command(asha, "digest", "schedule mon 9:00"))
    assert "once a channel is set" in reply
    assert (await job(db, "digest")).state == "cancelled"


async def test_sent_once_per_week_then_armed_for_the_next(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "digest", "channel here")
    clock.set(NEXT_MONDAY)
    first = await prepare(db, settings, clock, "digest")
    assert "Weekly digest · Nov 2, 2026 – Nov 8, 2026" in said(first)
    assert "sent late" not in said(first)
    assert await finish(db, settings, clock, "digest") == NEXT_MONDAY + timedelta(days=7)
    (send,) = await sends(db)
    assert (send.period, send.state, send.late) == ("2026-W45", "sent", False)
    assert (send.scheduled_for, send.sent_at, send.channel) == (NEXT_MONDAY, NEXT_MONDAY, "C1")

    again = await prepare(db, settings, clock, "digest")  # the same week once more
    assert [o.reply for o in again] == [Reply()]  # nothing said, and the job stays armed
    assert await finish(db, settings, clock, "digest") == NEXT_MONDAY + timedelta(days=7)
    assert len(await sends(db)) == 1

    # Moved to Wednesday after Monday's digest went out: nothing more for that week.
    await carebot.command(asha, "digest", "schedule wed 09:00")
    clock.set(datetime(2026, 11, 11, 9, 0, tzinfo=UTC))
    assert said(await prepare(db, settings, clock, "digest")) == ""
    assert await finish(db, settings, clock, "digest") == datetime(2026, 11, 18, 9, tzinfo=UTC)
    clock.set(datetime(2026, 11, 18, 9, 0, tzinfo=UTC))
    assert "Nov 9, 2026 – Nov 15, 2026" in said(await prepare(db, settings, clock, "digest"))


async def test_late_within_the_grace_period_is_marked_late(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "digest", "channel here")
    clock.set(NEXT_MONDAY + timedelta(hours=23))  # the bot was down; grace is 24 hours
    outgoing = await prepare(db, settings, clock, "digest")
    assert "Weekly digest · Nov 2, 2026 – Nov 8, 2026 · sent late" in said(outgoing)
    assert await finish(db, settings, clock, "digest") == NEXT_MONDAY + timedelta(days=7)
    (send,) = await sends(db)
    assert (send.state, send.late, send.scheduled_for) == ("sent", True, NEXT_MONDAY)


async def test_beyond_the_grace_period_it_is_skipped(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "digest", "channel here")
    clock.set(NEXT_MONDAY + timedelta(hours=25))
    assert said(await prepare(db, settings, clock, "digest")) == ""
    assert await finish(db, settings, clock, "digest") == NEXT_MONDAY + timedelta(days=7)
    (send,) = await sends(db)
    assert (send.period, send.state, send.sent_at) == ("2026-W45", "skipped", None)

    clock.set(NEXT_MONDAY + timedelta(days=7))  # the next week goes out as usual
    assert "Nov 9, 2026 – Nov 15, 2026" in said(await prepare(db, settings, clock, "digest"))


async def test_in_the_workspace_zone_and_turned_off_it_ends(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(person("Zed", Role.AGENT), "help")  # an agent spoke first
    await carebot.command(asha, "digest", "channel here")
    async with db.transaction() as session:
        (workspace,) = (await session.scalars(select(Workspace))).all()
        workspace.timezone = "America/New_York"
    # Monday Nov 9 09:00 in New York is 14:00 UTC (EST since Nov 1).
    clock.set(datetime(2026, 11, 9, 14, 0, tzinfo=UTC))
    outgoing = await prepare(db, settings, clock, "digest")
    assert outgoing[0].actor.user_id == "asha"  # sent as the workspace's first admin
    assert "Nov 2, 2026 – Nov 8, 2026" in said(outgoing)
    assert await finish(db, settings, clock, "digest") == datetime(2026, 11, 16, 14, tzinfo=UTC)

    await carebot.command(asha, "digest", "channel off")
    async with db.transaction() as session:
        row = (await session.scalars(select(Job).where(Job.key == "digest"))).one()
        row.state = "pending"  # as if the engine had claimed it just before it was turned off
    clock.set(datetime(2026, 11, 16, 14, 0, tzinfo=UTC))
    assert await prepare(db, settings, clock, "digest") == ()
    assert await finish(db, settings, clock, "digest") is None
