"""`/report agents` and `/report categories` on a small world whose figures are known: two
agents, known resolution times, one late follow-up, one survey answer, one retention check
(both databases). The charts are asserted as the spec the reply carries, not as pixels."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.reports import handlers
from bot.ui import Reply
from storage.db import Database
from storage.models import Complaint, RetentionCheck
from tests.conftest import person
from tests.factories import add_survey, log_complaint, texts

RESOLVE = {"solution": "Refunded", "solution_mode": "on_the_spot", "prevention": "Check stock"}


def fields(reply: Reply) -> dict[str, dict[str, str]]:
    return {
        s.title: dict(s.fields) for s in reply.posts[0].message.sections if s.title and s.fields
    }


def chart(reply: Reply, index: int = 0) -> dict[str, object]:
    spec = reply.posts[0].message.files[index].chart
    assert spec is not None and spec.kind == "hbars"
    return dict(json.loads(spec.args))


async def as_of(carebot: CareBot, db: Database, actor: Actor, command: str, rest: str) -> Reply:
    """The handler's reply before its charts are drawn."""
    run = handlers.agents_command if command == "agents" else handlers.categories_command
    async with db.transaction() as session:
        return await run(await carebot.context(session, actor), rest)


async def test_per_agent_figures_on_a_known_week(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor, meera: Actor, clock: ManualClock
) -> None:
    carla = person("Carla")
    await carebot.command(asha, "help")
    # Monday 2 November 2026, 09:00 UTC. Bob: #1 resolved in 2 h, #2 in 4 h; Carla: #3 open,
    # its follow-up (due in 2 days) done a day late; #4 resolved on the spot by Carla, with a
    # retention check she records.
    await log_complaint(carebot, bob)
    await log_complaint(carebot, bob, compensation_amount="20", compensation_currency="USD")
    logged = await log_complaint(carebot, carla, category="product_defect", compensation_amount="")
    assert logged.errors is None
    clock.advance(timedelta(hours=2))
    await carebot.submit(bob, "complaint.resolve", RESOLVE, {"number": "1"})
    clock.advance(timedelta(hours=2))
    await carebot.submit(bob, "complaint.resolve", RESOLVE, {"number": "2"})
    await add_survey(db, 1, "resolution", clock.now(), clock.now(), score=5)
    clock.advance(timedelta(days=2, hours=20))  # Thursday 05:00, a day after #3's follow-up
    done = await carebot.submit(
        carla, "complaint.follow_up_done", {"outcome": "satisfied"}, {"number": "3"}
    )
    assert done.errors is None
    await log_complaint(carebot, carla, solution_mode="on_the_spot", follow_up_at="")
    async with db.session() as session:
        check = await session.scalar(
            select(RetentionCheck.id)
            .join(Complaint, Complaint.id == RetentionCheck.complaint_id)
            .where(Complaint.number == 4)
        )
    opened = await carebot.action(carla, "retention.record", str(check))
    assert opened.form is not None
    await carebot.submit(
        carla, "retention.record", {"satisfied": "yes", "bought_again": "yes"}, opened.form.state
    )

    refused = await carebot.command(bob, "report", "agents")
    assert texts(refused) == "Only managers and admins can see reports."

    reply = await as_of(carebot, db, meera, "agents", "week")
    assert reply.posts[0].message.text.startswith("Agents, ")
    assert fields(reply) == {
        "Bob": {
            "Taken": "2",
            "Resolved": "2",
            "Median time to resolve": "3 h",
            "Follow-ups on time": "0 of 2 (0%)",  # due Wednesday, not done
            "Retention checks done": "0",
            "CSAT": "100% of 1 survey",
        },
        "Carla": {
            "Taken": "2",
            "Resolved": "1",
            "Median time to resolve": "0 h",
            "Follow-ups on time": "0 of 1 (0%)",
            "Retention checks done": "1",
            "CSAT": "no surveys",
        },
    }
    spec = chart(reply)
    assert spec["bars"] == [["Bob", 2.0, "2"], ["Carla", 1.0, "1"]]
    assert spec["title"] == "Complaints resolved per agent" and spec["note"]

    # Through the core as a person asks: the same words (the chart is drawn or left out).
    assert "Median time to resolve: 3 h" in texts(await carebot.command(meera, "report", "agents"))

    categories = await as_of(carebot, db, asha, "categories", "month")
    shown = texts(categories)
    assert "Delivery: 3 complaints" in shown and "Product defect: 1 complaint" in shown
    assert "By compensation paid (INR):" in shown and "Delivery: ₹301.00" in shown  # #1 and #4
    assert "By compensation paid (USD):" in shown and "Delivery: $20.00" in shown
    assert chart(categories)["bars"][0] == ["Delivery", 3.0, "3"]
    assert chart(categories, 1)["bars"] == [["Delivery", 301.0, "₹301.00"]]

    nothing = await as_of(carebot, db, meera, "agents", "week")
    clock.advance(timedelta(days=7))
    later = await as_of(carebot, db, meera, "agents", "week")
    assert nothing.posts[0].message.files and not later.posts[0].message.files
    assert "No complaints in this period." in texts(later)


async def test_many_agents_are_paged(
    carebot: CareBot, db: Database, asha: Actor, meera: Actor
) -> None:
    await carebot.command(asha, "help")
    for n in range(10):
        await log_complaint(carebot, person(f"Agent {n:02d}"))
    first = await as_of(carebot, db, meera, "agents", "")
    assert list(fields(first)) == [f"Agent {n:02d}" for n in range(8)]
    assert "Showing 1–8 of 10." in texts(first)
    assert "/report agents week page 2" in texts(first)
    second = await as_of(carebot, db, meera, "agents", "week page 2")
    assert list(fields(second)) == ["Agent 08", "Agent 09"]
