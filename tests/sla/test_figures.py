"""Targets met, as people read them: the goal measures, the weekly digest, App Home and
`/complaint list overdue`.

The calendar: UTC, Monday to Friday 09:00–17:00. Three complaints received on Monday
2 November 2026 at 10:00 (deadlines computed by bot.sla.recompute):
- #1 high (4 h / 2 days): first response at 11:00 (due 14:00: met), resolved on Thursday
  (due Wednesday 10:00: missed, breach told then);
- #2 urgent (1 h / 8 h): first response at 12:00 (due 11:00: missed, breach told then),
  resolved at 15:00 (due Tuesday 10:00: met);
- #3 normal (1 day / 5 days): no response yet; on Monday 9 November at 10:00 its first
  response (due Tuesday 3 November 10:00) is late by 7 + 8 + 8 + 8 + 1 = 32 business hours:
  4 business days.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.goals.metrics import measure
from bot.goals.periods import Window
from bot.sla.recompute import recompute_workspace
from storage.db import Database
from storage.models import Complaint, Workspace
from storage.sla import BusinessHours, ComplaintClock
from tests.factories import log_complaint, texts
from tests.test_goals import goal_values

MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
NEXT_MONDAY = datetime(2026, 11, 9, 10, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def _week(db: Database, carebot: CareBot, asha: Actor) -> int:
    for _ in range(3):
        await log_complaint(carebot, asha, follow_up_at="", steps="")
    async with db.transaction() as session:
        await session.execute(update(Workspace).values(timezone="UTC"))
        workspace = (await session.scalars(select(Workspace))).one()
        session.add(
            BusinessHours(
                workspace_id=workspace.id,
                days="0,1,2,3,4",
                opens="09:00",
                closes="17:00",
                closed=[],
                warn_percent=75,
                updated_at=MONDAY,
            )
        )
        for number, priority in ((1, "high"), (2, "urgent"), (3, "normal")):
            await session.execute(
                update(Complaint)
                .where(Complaint.number == number)
                .values(received_at=MONDAY, priority=priority, status="open")
            )
        await session.flush()
        await recompute_workspace(session, workspace, MONDAY)
        ids = dict((await session.execute(select(Complaint.number, Complaint.id))).all())
        done = {
            1: (at("2026-11-02 11:00"), at("2026-11-05 12:00")),
            2: (at("2026-11-02 12:00"), at("2026-11-02 15:00")),
        }
        for number, (responded, resolved) in done.items():
            await session.execute(
                update(Complaint)
                .where(Complaint.id == ids[number])
                .values(status="resolved", resolved_at=resolved)
            )
            await session.execute(
                update(ComplaintClock)
                .where(ComplaintClock.complaint_id == ids[number])
                .values(responded_at=responded)
            )
        # The breaches as the breach jobs record them when they tell.
        breaches = (
            (1, "resolution_breached_at", at("2026-11-04 10:00")),
            (2, "response_breached_at", at("2026-11-02 11:00")),
        )
        for number, column, when in breaches:
            await session.execute(
                update(ComplaintClock)
                .where(ComplaintClock.complaint_id == ids[number])
                .values({column: when})
            )
        return workspace.id


async def test_goal_measures_per_priority(db: Database, carebot: CareBot, asha: Actor) -> None:
    workspace_id = await _week(db, carebot, asha)
    week = Window(at("2026-11-02 00:00").date(), at("2026-11-09 00:00").date(), ZoneInfo("UTC"))
    async with db.session() as session:

        async def figure(metric: str, priority: str | None) -> object:
            return await measure(session, workspace_id, metric, priority, week)

        assert await figure("response_on_target_pct", None) == 50
        assert await figure("response_on_target_pct", "high") == 100
        assert await figure("response_on_target_pct", "urgent") == 0
        assert await figure("response_on_target_pct", "low") is None
        assert await figure("resolved_on_target_pct", None) == 50
        assert await figure("resolved_on_target_pct", "urgent") == 100


async def test_a_goal_takes_a_priority_or_none(carebot: CareBot, asha: Actor) -> None:
    values = goal_values("resolved_on_target_pct", "Urgent", "ge", "90", "week")
    assert "Goal 1" in texts(await carebot.submit(asha, "goal.save", values, {}))
    listed = texts(await carebot.command(asha, "goal", "list"))
    assert "Complaints resolved within target · Urgent priority" in listed
    values = goal_values("response_on_target_pct", "soon", "ge", "90", "week")
    reply = await carebot.submit(asha, "goal.save", values, {})
    assert reply.errors is not None
    assert "Give a priority (low, normal, high, urgent)" in reply.errors.errors["param"]


async def test_the_digest_shows_the_week_against_the_targets(
    db: Database, carebot: CareBot, asha: Actor, clock: ManualClock
) -> None:
    await _week(db, carebot, asha)
    clock.set(NEXT_MONDAY)
    shown = texts(await carebot.command(asha, "digest", "preview"))
    assert "Targets this week" in shown
    assert "First responses within target: 50% · 1 of 2" in shown
    assert "Resolved within target: 50% · 1 of 2" in shown
    assert "Deadlines breached: 2\nDelivery: 2" in shown


async def test_home_and_the_overdue_list_say_how_late_in_business_time(
    db: Database, carebot: CareBot, asha: Actor, clock: ManualClock
) -> None:
    await _week(db, carebot, asha)
    clock.set(NEXT_MONDAY)
    home = texts(await carebot.command(asha, "home"))
    assert "#3 · " in home and "first response: late by 4 business days" in home
    overdue = texts(await carebot.command(asha, "complaint", "list overdue"))
    assert "No follow-up is overdue." in overdue  # the follow-ups' part, as before
    assert "Past their response or resolution target" in overdue
    assert "first response: late by 4 business days" in overdue
    assert "#1 · " not in overdue and "#2 · " not in overdue  # resolved: no longer late
