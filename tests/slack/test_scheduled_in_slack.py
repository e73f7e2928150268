"""Scheduled work delivered to Slack by the scheduler: a follow-up reminder in the agent's DM,
rate limits and server errors retried, a permanent refusal recorded for admins, not retried."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from storage.models import DeliveryFailure, Job
from tests.factories import log_complaint
from tests.slack.flows import buttons, shown
from tests.slack.harness import slack_scheduler
from tests.slack_fake import FakeSlack

AGENT = Actor("slack", "T1", "U1", "asha", channel_id="C1")


def engine(db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack) -> Engine:
    return slack_scheduler(db, settings, clock, slack)


async def state(db: Database) -> tuple[str, int]:
    async with db.session() as session:
        job = (await session.scalars(select(Job).where(Job.key == "follow_up:1"))).one()
        return job.state, job.attempts


async def logged(
    carebot: CareBot,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    slack: FakeSlack,
    **answers: str,
) -> None:
    """A complaint logged, and its card posted from the outbox before the test's own work."""
    await log_complaint(carebot, AGENT, **answers)
    cards = await engine(db, settings, clock, slack).tick(kinds=("card",))
    assert cards.sent == 1


async def test_a_due_follow_up_reaches_the_agents_dm_once(
    carebot: CareBot, db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    await logged(carebot, db, settings, clock, slack)
    slack.calls.clear()  # the card's post: what follows is the reminder's
    scheduler = engine(db, settings, clock, slack)
    assert (await scheduler.tick()).claimed == 0  # not due yet
    clock.advance(timedelta(days=2))

    report = await scheduler.tick()
    assert (report.claimed, report.sent) == (1, 1)
    (opened,) = slack.calls_to("conversations.open")
    assert opened.args["users"] == "U1"
    (posted,) = slack.calls_to("chat.postMessage")
    assert posted.args["channel"] == opened.response["channel"]["id"]
    assert "Follow-up due: complaint #1" in shown(posted.args)
    assert list(buttons(posted.args))[:2] == ["Done – satisfied", "Done – not satisfied"]
    assert await state(db) == ("done", 0)
    assert (await scheduler.tick()).claimed == 0  # sent once


async def test_rate_limits_and_server_errors_are_retried_until_delivered(
    carebot: CareBot, db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    await logged(carebot, db, settings, clock, slack)
    slack.calls.clear()  # the card's post: what follows is the reminder's
    clock.advance(timedelta(days=2))
    scheduler = engine(db, settings, clock, slack)
    slack.rate_limit_next("chat.postMessage", retry_after=0)  # slack_sdk's handler retries it
    assert (await scheduler.tick()).sent == 1
    assert len(slack.calls_to("chat.postMessage")) == 2  # the 429, then the post

    await logged(carebot, db, settings, clock, slack, follow_up_at="+1m")
    clock.advance(timedelta(minutes=1))
    for _ in range(3):  # more 5xx than slack_sdk retries: the scheduler tries again later
        slack.server_error_next("chat.postMessage")
    report = await scheduler.tick()
    assert (report.retried, report.sent) == (1, 0)
    async with db.session() as session:
        job = (await session.scalars(select(Job).where(Job.key == "follow_up:2"))).one()
    assert (job.state, job.attempts) == ("pending", 1)
    assert job.due_at > clock.now()
    clock.set(job.due_at)
    assert (await scheduler.tick()).sent == 1
    assert (
        len(
            [
                c
                for c in slack.calls_to("chat.postMessage")
                if c.status == 200 and c.response.get("ok")
            ]
        )
        == 3  # the two reminders, and the second complaint's card
    )


async def test_a_gone_dm_is_recorded_for_admins_and_not_retried(
    carebot: CareBot, db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    await logged(carebot, db, settings, clock, slack)
    slack.calls.clear()  # the card's post: what follows is the reminder's
    clock.advance(timedelta(days=2))
    slack.fail_next("chat.postMessage", "is_archived")
    report = await engine(db, settings, clock, slack).tick()
    assert report.failed == 1
    assert await state(db) == ("failed", 0)
    async with db.session() as session:
        (failure,) = (await session.scalars(select(DeliveryFailure))).all()
    assert failure.error == "is_archived"
    assert len(slack.calls_to("chat.postMessage")) == 1
