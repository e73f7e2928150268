"""A thousand duplicated deliveries save nothing twice: 200 submissions, each delivered five
times at once (160 through CareBot.submit with one delivery id, 40 as Slack's view_submission
retries with one view id over signed HTTP), make exactly 200 complaints; double clicks on
buttons record one answer.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import func, select

from bot.app import CareBot
from bot.context import Actor
from bot.ui import Button, Reply
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentAnswer,
    AuditEvent,
    Complaint,
    Delivery,
    FollowUp,
    PostedMessage,
)
from tests.factories import VALID, log_complaint, texts
from tests.slack.flows import ANSWERS, open_form
from tests.slack.harness import SlackClientSide
from tests.slack_fake import FakeSlack

STALE = "This assessment is complete"  # a late click on the last statement
COPIES = 5  # deliveries of each submission, all at once
CORE = 160  # submissions through CareBot.submit
SLACK = 40  # submissions through Slack's HTTP path
WAVE = 20  # submissions (of COPIES each) in flight together through the core


async def count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def descriptions(db: Database) -> Counter[str]:
    async with db.session() as session:
        return Counter((await session.scalars(select(Complaint.description))).all())


async def through_the_core(carebot: CareBot, actor: Actor) -> None:
    async def deliver(i: int) -> list[Reply]:
        values = {**VALID, "description": f"Delivery core-{i}"}
        return await asyncio.gather(
            *(
                carebot.submit(actor, "complaint.create", values, {}, f"core-{i}")
                for _ in range(COPIES)
            )
        )

    for start in range(0, CORE, WAVE):
        waves = await asyncio.gather(*(deliver(i) for i in range(start, start + WAVE)))
        for replies in waves:
            saved = [r for r in replies if r.posts]
            assert len(saved) == 1, [texts(r) for r in replies]  # the others: nothing at all
            assert all(r == Reply() for r in replies if not r.posts)


async def through_slack(side: SlackClientSide, slack: FakeSlack) -> None:
    view = await open_form(side)
    for i in range(SLACK):
        answers = {**ANSWERS, "description": f"Delivery slack-{i}"}
        responses = await asyncio.gather(
            *(side.submit(view, answers, view_id=f"V{i}") for _ in range(COPIES))
        )
        assert [r.status for r in responses] == [200] * COPIES
        assert {await r.text() for r in responses} == {""}  # acked, no errors
    await slack.wait_for("chat.postEphemeral", SLACK)


async def test_a_thousand_duplicated_deliveries_make_two_hundred_complaints(
    carebot: CareBot,
    asha: Actor,
    user_side: SlackClientSide,
    slack: FakeSlack,
    db: Database,
) -> None:
    await carebot.command(asha, "help")  # the workspace and its admin exist before the race
    await through_the_core(carebot, asha)
    await through_slack(user_side, slack)

    logged = await descriptions(db)
    assert sum(logged.values()) == CORE + SLACK == 200
    assert set(logged.values()) == {1}
    assert set(logged) == {f"Delivery core-{i}" for i in range(CORE)} | {
        f"Delivery slack-{i}" for i in range(SLACK)
    }
    assert await count(db, Delivery) == 200
    async with db.session() as session:
        rows = (await session.execute(select(Complaint.workspace_id, Complaint.number))).all()
    numbers = Counter(workspace for workspace, _ in rows)  # the shell's, and Slack's T1
    assert sorted(numbers.values()) == [SLACK, CORE]
    for workspace, many in numbers.items():  # no number skipped or given twice
        assert sorted(n for w, n in rows if w == workspace) == list(range(1, many + 1))
    await user_side.delivered()  # the cards: posted by the outbox after the acks
    cards = [c for c in slack.calls_to("chat.postMessage") if c.response.get("ok")]
    assert len(cards) == SLACK  # one card per submission, however often Slack sent it


def buttons(reply: Reply) -> dict[str, Button]:
    return {b.label: b for post in reply.posts for b in post.message.buttons}


async def test_double_clicks_on_every_statement_record_one_answer_each(
    carebot: CareBot, meera: Actor, db: Database
) -> None:
    reply = await carebot.command(meera, "assessment")
    for question in range(25):
        five = next(b for label, b in buttons(reply).items() if label.startswith("4 ·"))
        clicks = await asyncio.gather(
            *(carebot.action(meera, five.action, five.value) for _ in range(COPIES))
        )
        moved = [r for r in clicks if not ("answered already" in texts(r) or STALE in texts(r))]
        assert len(moved) == 1, (question, [texts(r) for r in clicks])
        reply = moved[0]

    assert "Your result" in texts(reply)
    assert await count(db, AssessmentAnswer) == 25
    async with db.session() as session:
        run = (await session.scalars(select(Assessment))).one()
    assert run.completed_at is not None


async def test_double_clicks_on_a_follow_up_button_record_it_once(
    carebot: CareBot, asha: Actor, db: Database
) -> None:
    await log_complaint(carebot, asha)
    clicks = await asyncio.gather(
        *(carebot.action(asha, "follow_up.done:satisfied", "1") for _ in range(COPIES))
    )
    recorded = [r for r in clicks if "recorded" in texts(r)]
    assert len(recorded) == 1, [texts(r) for r in clicks]
    assert all("no follow-up scheduled" in texts(r) for r in clicks if r not in recorded)
    async with db.session() as session:
        done = (await session.scalars(select(FollowUp))).one()
        events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "follow_up_done")
        )
    assert (done.state, done.outcome) == ("done", "satisfied")
    assert events == 1


async def test_a_card_posted_twice_at_once_is_remembered_once(
    carebot: CareBot, asha: Actor, db: Database
) -> None:
    """Two events post the same card at once (two people on one complaint): both remember
    where it stands, and neither fails for the other; the last one is where it is edited."""
    await carebot.command(asha, "help")
    await asyncio.gather(
        *(
            carebot.remember_post(asha, "complaint:1", "C1", f"1700000000.{i}")
            for i in range(COPIES)
        )
    )
    async with db.session() as session:
        (row,) = (await session.scalars(select(PostedMessage))).all()
    assert (row.ref, row.channel) == ("complaint:1", "C1")
