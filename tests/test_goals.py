"""Goals and recorded figures: each metric's arithmetic on a known week of the log, met and
off-track, "no data", the goal form's field errors, and /metric (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.goals import service
from bot.goals.periods import Window, goal_windows, week_before
from storage.db import Database
from storage.models import Complaint, FollowUp, Goal, Member, MetricValue, RetentionCheck, Workspace
from tests.factories import texts

# The clock starts on Monday 2026-11-02 09:00 UTC; the week before is Oct 26 to Nov 1.
MONDAY = datetime(2026, 10, 26, tzinfo=UTC)


def at(days: float, hours: float = 0) -> datetime:
    return MONDAY + timedelta(days=days, hours=hours)


async def ids(db: Database) -> tuple[int, int]:
    async with db.session() as session:
        member = (await session.scalars(select(Member).order_by(Member.id))).first()
        assert member is not None
        return member.workspace_id, member.id


def complaint(
    workspace: int, member: int, number: int, received: datetime, **fields: Any
) -> Complaint:
    values: dict[str, Any] = {
        "status": "resolved" if fields.get("resolved_at") else "open",
        "customer_name": "Ravi Kumar",
        "customer_phone": "+919876543210",
        "customer_address": "12 MG Road, Pune",
        "category": "delivery",
        "description": "Ravi Kumar says the parcel never came",
        "checklist": {},
        **fields,
    }
    return Complaint(
        workspace_id=workspace,
        number=number,
        received_by_id=member,
        received_at=received,
        created_at=received,
        updated_at=received,
        **values,
    )


async def seed_week(db: Database) -> int:
    """Four complaints resolved in the week after 2, 4, 10 and 30 hours, one still open, one
    from the week before; follow-ups on time, late, missed and replaced; retention answers;
    a recorded figure twice in the week and once after it."""
    workspace, member = await ids(db)
    async with db.transaction() as session:
        rows = [
            complaint(workspace, member, 1, at(1, 8), resolved_at=at(1, 10)),
            complaint(workspace, member, 2, at(2, 8), resolved_at=at(2, 12), category="billing"),
            complaint(workspace, member, 3, at(3, 8), resolved_at=at(3, 18)),
            complaint(workspace, member, 4, at(4, 8), resolved_at=at(5, 14)),
            complaint(workspace, member, 5, at(5, 9), category="product_defect"),
            complaint(workspace, member, 6, at(-3), resolved_at=at(-2)),  # 24 h, week before
        ]
        session.add_all(rows)
        await session.flush()
        c = [row.id for row in rows]
        session.add_all(
            [
                FollowUp(complaint_id=c[0], due_at=at(1, 12), state="done", done_at=at(1, 11)),
                FollowUp(complaint_id=c[1], due_at=at(2, 12), state="done", done_at=at(2, 13)),
                FollowUp(complaint_id=c[2], due_at=at(3, 12), state="scheduled"),
                FollowUp(complaint_id=c[3], due_at=at(4, 12), state="cancelled"),
                FollowUp(complaint_id=c[4], due_at=at(7, 1), state="done", done_at=at(7)),
            ]
        )
        for row in session.new:
            if isinstance(row, FollowUp):
                row.created_at = at(0)
        answers = [
            (c[0], at(1), "yes", "yes"),
            (c[1], at(2), "yes", "no"),
            (c[2], at(3), "no", "unknown"),
            (c[3], at(4), "unreachable", "no"),
            (c[5], at(-1), "no", "no"),  # the week before
        ]
        session.add_all(
            RetentionCheck(
                workspace_id=workspace,
                complaint_id=complaint_id,
                agent_id=member,
                due_at=answered,
                state="done",
                satisfied=satisfied,
                bought_again=bought,
                answered_at=answered,
                created_at=at(-30),
            )
            for complaint_id, answered, satisfied, bought in answers
        )
        session.add_all(
            MetricValue(
                workspace_id=workspace,
                name="returns",
                value=Decimal(value),
                on=day,
                recorded_by_id=member,
                at=at(8),
            )
            for day, value in (
                (date(2026, 10, 27), 10),
                (date(2026, 10, 30), 14),
                (date(2026, 11, 2), 99),
            )
        )
    return workspace


GOALS = [
    # metric, param, comparison, target, period
    ("satisfied_pct", None, "ge", "60", "week"),
    ("bought_again_pct", None, "ge", "50", "week"),
    ("resolution_median_hours", None, "le", "8", "week"),
    ("resolution_p90_hours", None, "le", "12", "week"),
    ("resolved_within_pct", "24", "ge", "80", "week"),
    ("follow_ups_on_time_pct", None, "ge", "90", "week"),
    ("complaints_count", "Delivery", "le", "2", "week"),
    ("manual", "Returns", "le", "12", "week"),
    ("manual", "wait_time", "le", "30", "week"),
]


def goal_values(metric: str, param: str | None, comparison: str, target: str, period: str) -> dict:
    return {
        "metric": metric,
        "param": param,
        "comparison": comparison,
        "target": target,
        "period": period,
    }


async def add_goals(carebot: CareBot, actor: Actor) -> None:
    for goal in GOALS:
        reply = await carebot.submit(actor, "goal.save", goal_values(*goal), {})
        assert reply.errors is None, reply.errors


async def test_each_metric_on_a_known_week(
    carebot: CareBot, asha: Actor, db: Database, clock: ManualClock
) -> None:
    await carebot.command(asha, "help")
    workspace = await seed_week(db)
    await add_goals(carebot, asha)
    week = week_before(clock.now(), ZoneInfo("UTC"))
    assert (week.start, week.end) == (MONDAY, MONDAY + timedelta(days=7))
    async with db.session() as session:
        found = {s.goal.number: s for s in await service.statuses(session, workspace, week)}
    expected = {
        1: (Decimal(200) / 3, True, Decimal(0)),  # yes, yes, no; unreachable left out
        2: (Decimal(100) / 3, False, Decimal(0)),  # yes, no, no; unknown left out
        3: (Decimal(7), True, Decimal(24)),  # median of 2, 4, 10, 30 h; 24 h the week before
        4: (Decimal(24), False, Decimal(24)),  # 10 + 0.7 × (30 − 10)
        5: (Decimal(75), False, Decimal(100)),  # 3 of 4 within 24 h
        6: (Decimal(100) / 3, False, None),  # on time 1 of 3: late and missed count, replaced not
        7: (Decimal(3), False, Decimal(1)),  # delivery complaints received in the week
        8: (Decimal(12), True, None),  # the mean of 10 and 14; the 99 is a day too late
        9: (None, None, None),  # nothing recorded: no data, not 0
    }
    for number, (actual, met, before) in expected.items():
        status = found[number]
        assert (status.actual, status.met, status.before) == (actual, met, before), number
    assert found[7].goal.param == "delivery"  # the label typed, stored as the code
    assert found[8].goal.param == "returns"

    shown = texts(await carebot.command(asha, "goal", "list"))
    for line in (
        "Goal 1 · Customers satisfied at the retention check: 66.7% (target at least 60%) · met"
        " · +66.7 points on the week before",
        "Goal 3 · Median time to resolve: 7 h (target at most 8 h) · met"
        " · −17 h on the week before",
        "Goal 5 · Complaints resolved within 24 hours: 75% (target at least 80%) · off-track"
        " · −25 points on the week before",
        "Goal 7 · Complaints received: Delivery: 3 (target at most 2) · off-track · +2 on the week",
        "Goal 8 · Recorded figure: returns: 12 (target at most 12) · met",
        "Goal 9 · Recorded figure: wait_time: no data (target at most 30)",
    ):
        assert line in shown, shown
    assert "wait_time: 0" not in shown


async def test_no_answers_but_unreachable_is_no_data_never_zero(
    carebot: CareBot, asha: Actor, db: Database
) -> None:
    await carebot.command(asha, "help")
    workspace, member = await ids(db)
    async with db.transaction() as session:
        row = complaint(workspace, member, 1, at(1), resolved_at=at(1, 1))
        session.add(row)
        await session.flush()
        session.add(
            RetentionCheck(
                workspace_id=workspace,
                complaint_id=row.id,
                agent_id=member,
                due_at=at(2),
                state="done",
                satisfied="unreachable",
                bought_again="unknown",
                answered_at=at(2),
                created_at=at(0),
            )
        )
    await carebot.submit(
        asha, "goal.save", goal_values("satisfied_pct", None, "ge", "80", "week"), {}
    )
    shown = texts(await carebot.command(asha, "goal", "list"))
    assert "Customers satisfied at the retention check: no data (target at least 80%)" in shown


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"target": "120"}, "target", "A percentage target is between 0 and 100."),
        ({"target": "-1"}, "target", "A percentage target is between 0 and 100."),
        ({"target": "lots"}, "target", "Enter a number, such as 80 or 12.5."),
        ({"target": ""}, "target", "This field is required."),
        ({"metric": "resolved_within_pct", "param": "0"}, "param", "above 0"),
        ({"metric": "resolved_within_pct", "param": None}, "param", "This field is required."),
        ({"metric": "manual", "param": None, "target": "5"}, "param", "This field is required."),
        ({"metric": "manual", "param": "two words"}, "param", "in one word"),
        ({"metric": "complaints_count", "param": "Weather"}, "param", "no such category"),
        ({"metric": "complaints_count", "target": "2.5"}, "target", "whole number"),
        ({"param": "48"}, "param", "takes no parameter"),
        ({"metric": "happiness"}, "metric", "Choose one of the options."),
        ({"comparison": "gt"}, "comparison", "Choose one of the options."),
        ({"period": "day"}, "period", "Choose one of the options."),
    ],
)
async def test_the_goal_form_refuses_field_by_field(
    carebot: CareBot, asha: Actor, db: Database, values: dict, field: str, message: str
) -> None:
    typed = {**goal_values("satisfied_pct", None, "ge", "80", "week"), **values}
    reply = await carebot.submit(asha, "goal.save", typed, {})
    assert reply.errors is not None
    assert message in reply.errors.errors[field], reply.errors.errors
    assert set(reply.errors.errors) == {field}
    kept = {f.name: f.initial for f in reply.errors.form.fields}
    assert kept["target"] == typed["target"]  # what was typed stays in the form
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Goal)) == 0


async def test_numbered_per_workspace_edited_removed_and_only_managers_change(
    carebot: CareBot, asha: Actor, meera: Actor, bob: Actor, db: Database
) -> None:
    await carebot.command(asha, "help")
    satisfied = goal_values("satisfied_pct", None, "ge", "80", "week")
    assert "Goal 1 is added" in texts(await carebot.submit(asha, "goal.save", satisfied, {}))
    assert "Goal 2 is added" in texts(await carebot.submit(meera, "goal.save", satisfied, {}))
    other = Actor("console", "T2", "zara", "Zara")
    assert "Goal 1 is added" in texts(await carebot.submit(other, "goal.save", satisfied, {}))

    form = (await carebot.command(meera, "goal", "edit 2")).form
    assert form is not None and form.state == {"number": "2"}
    assert {f.name: f.initial for f in form.fields}["target"] == "80"
    changed = {**satisfied, "target": "85", "period": "month"}
    reply = await carebot.submit(meera, "goal.save", changed, form.state)
    assert "Goal 2 is changed" in texts(reply) and "at least 85% per month" in texts(reply)

    assert "removed" in texts(await carebot.command(asha, "goal", "remove 1"))
    assert "There is no goal 1" in texts(await carebot.command(asha, "goal", "edit 1"))
    assert "Goal 3 is added" in texts(await carebot.submit(asha, "goal.save", satisfied, {}))

    for refused in (
        await carebot.command(bob, "goal", "add"),
        await carebot.command(bob, "goal", "remove 2"),
        await carebot.submit(bob, "goal.save", satisfied, {}),
    ):
        assert "Only managers and admins" in texts(refused)
    listed = texts(await carebot.command(bob, "goal", "list"))
    assert "Goal 2 · " in listed and "Goal 3 · " in listed and "Goal 1 · " not in listed


def test_month_goals_run_to_date_and_report_each_month_complete() -> None:
    utc = ZoneInfo("UTC")
    # Nov 23–29: November to date (1–29), against October 1–29.
    now, before = goal_windows("month", week_before(datetime(2026, 11, 30, 9, tzinfo=UTC), utc))
    assert (now.first_day, now.end_day) == (date(2026, 11, 1), date(2026, 11, 30))
    assert (before.first_day, before.end_day) == (date(2026, 10, 1), date(2026, 10, 30))
    # Nov 30–Dec 6 holds November's last day: November complete, against October complete.
    now, before = goal_windows("month", week_before(datetime(2026, 12, 7, 9, tzinfo=UTC), utc))
    assert (now.first_day, now.end_day) == (date(2026, 11, 1), date(2026, 12, 1))
    assert (before.first_day, before.end_day) == (date(2026, 10, 1), date(2026, 11, 1))
    # Dec 7–13: December 1–13, against November 1–13.
    now, before = goal_windows("month", week_before(datetime(2026, 12, 14, 9, tzinfo=UTC), utc))
    assert (now.first_day, now.end_day) == (date(2026, 12, 1), date(2026, 12, 14))
    assert (before.first_day, before.end_day) == (date(2026, 11, 1), date(2026, 11, 14))
    # March to date against February, which is shorter: clipped at its end.
    week = Window(date(2027, 3, 29), date(2027, 4, 5), utc)
    now, before = goal_windows("month", week)
    assert (now.first_day, now.end_day) == (date(2027, 3, 1), date(2027, 4, 1))
    assert (before.first_day, before.end_day) == (date(2027, 2, 1), date(2027, 3, 1))
    now, before = goal_windows("month", Window(date(2027, 3, 22), date(2027, 3, 29), utc))
    assert (before.first_day, before.end_day) == (date(2027, 2, 1), date(2027, 3, 1))


async def test_metric_record_and_list(
    carebot: CareBot, asha: Actor, bob: Actor, db: Database, clock: ManualClock
) -> None:
    await carebot.command(asha, "help")
    async with db.transaction() as session:
        (workspace,) = (await session.scalars(select(Workspace))).all()
        workspace.timezone = "Asia/Kolkata"
    clock.set(datetime(2026, 11, 2, 20, 0, tzinfo=UTC))  # already Nov 3 in Kolkata
    assert "Recorded returns for Nov 3, 2026: 12." in texts(
        await carebot.command(asha, "metric", "record Returns 12")
    )
    assert "Corrected returns for Nov 3, 2026: 12.5." in texts(
        await carebot.command(asha, "metric", "record returns 12.5")
    )
    assert "Recorded wait_time for Oct 30, 2026: 4.25." in texts(
        await carebot.command(asha, "metric", "record wait_time 4.25 2026-10-30")
    )
    for typed, error in (
        ("record returns many", "Enter a number"),
        ("record returns", "Use /metric record NAME VALUE"),
        ("record returns 3 30/10/2026", "YYYY-MM-DD, for example 2026-11-03"),
        ("record returns 3 2026-11-04", "still to come"),
        ("record returns 1e12", "too large"),
    ):
        assert error in texts(await carebot.command(asha, "metric", typed)), typed
    assert "Only managers and admins" in texts(await carebot.command(bob, "metric", "record x 1"))

    everything = texts(await carebot.command(bob, "metric", "list"))
    assert everything.index("Nov 3, 2026 · returns: 12.5") < everything.index(
        "Oct 30, 2026 · wait_time: 4.25"
    )
    one = texts(await carebot.command(bob, "metric", "list RETURNS"))
    assert "returns: 12.5" in one and "wait_time" not in one
    async with db.session() as session:
        values = (await session.scalars(select(MetricValue))).all()
    assert sorted((v.name, v.on, v.value) for v in values) == [
        ("returns", date(2026, 11, 3), Decimal("12.5")),
        ("wait_time", date(2026, 10, 30), Decimal("4.25")),
    ]
