"""Slack's Web API failing under the real adapter: 429 with Retry-After, 5xx, calls that time
out, and permanent refusals, on the reply path (signed commands and submissions) and on the
scheduler's. What tests/slack covers already (one 429 or 5xx retried, a gone channel recorded)
is not repeated here.

A reply's posts are made after the ack, so no fault ever turns into an error answered to Slack;
a complaint is saved once whatever happens to its card; what Slack refuses for good is recorded
for admins and not retried; what may pass is tried again by the scheduler, later than Slack
asked, and a post that timed out is said at most once more.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, select

import adapters.slack.app
import adapters.slack.deliver
from adapters.slack.outbound import web_client
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from storage.models import Complaint, DeliveryFailure, Job
from tests.factories import log_complaint
from tests.slack.flows import ANSWERS, open_form, shown
from tests.slack.harness import SlackClientSide, slack_app, slack_scheduler
from tests.slack_fake import FakeSlack

TIMEOUT = 0.3  # seconds: the client's timeout in these tests (slack_sdk's default is 30)
LATE = 4 * TIMEOUT  # how late a slow Slack answers
AGENT = Actor("slack", "T1", "U1", "asha", channel_id="C1")
# The reply path's faults are the client's retries and timeouts (seconds of backoff): nothing in
# them depends on the database, so they run on SQLite only; the scheduler's run on both.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter's own clients (web_client: retry handlers and all), with a short timeout."""

    def quick(api_url: str, token: str | None = None) -> AsyncWebClient:
        client = web_client(api_url, token)
        client.timeout = TIMEOUT  # type: ignore[assignment]  # aiohttp takes a float
        return client

    monkeypatch.setattr(adapters.slack.app, "web_client", quick)
    monkeypatch.setattr(adapters.slack.deliver, "web_client", quick)


@pytest.fixture
async def side(
    short_timeout: None, db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> AsyncIterator[SlackClientSide]:
    async with slack_app(db, settings, clock, slack) as user_side:
        yield user_side


@pytest.fixture
def engine(
    short_timeout: None, db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> Engine:
    return slack_scheduler(db, settings, clock, slack)


async def count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def job(db: Database, key: str = "follow_up:1") -> Job:
    async with db.session() as session:
        return (await session.scalars(select(Job).where(Job.key == key))).one()


def said(slack: FakeSlack, text: str) -> list[str]:
    """Messages Slack accepted that show `text`."""
    return [
        shown(c.args)
        for c in slack.calls_to("chat.postMessage")
        if c.response.get("ok") and text in shown(c.args)
    ]


async def submit_and_wait(side: SlackClientSide, method: str, calls: int, **kw: str) -> None:
    """Opens /complaint, submits it (acked 200 at once) and waits for `calls` answered calls."""
    view = await open_form(side)
    response = await side.submit(view, ANSWERS, **kw)
    assert response.status == 200, await response.text()
    await side.slack.wait_for(method, calls)


async def still_serving(side: SlackClientSide) -> None:
    """The next command after a fault is answered as usual."""
    before = len(side.slack.responses)
    response, _ = await side.command("list")
    assert response.status == 200
    await side.slack.wait_for("response", before + 1)


# --- the reply path: signed commands and submissions -------------------------------------------


@SQLITE_ONLY
async def test_5xx_and_429_on_the_modal_and_the_card_are_retried_by_the_client(
    side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    slack.server_error_next("views.open", 500)
    slack.rate_limit_next("views.open", retry_after=0)
    assert (await side.command())[0].status == 200
    *_, opened = await slack.wait_for("views.open", 3)  # the third try opens it
    view = dict(opened.args["view"])
    # A card's 429 is waited out by the client; its 5xx is the scheduler's (test_outbox_in_slack).
    slack.rate_limit_next("chat.postMessage", retry_after=0)
    slack.rate_limit_next("chat.postMessage", retry_after=0)
    assert (await side.submit(view, ANSWERS)).status == 200
    statuses = [c.status for c in await slack.wait_for("chat.postMessage", 3)]
    await slack.wait_for("chat.postEphemeral")

    assert statuses == [429, 429, 200]
    assert [c.status for c in slack.calls_to("views.open")] == [500, 429, 200]
    assert await count(db, Complaint) == 1
    assert len(said(slack, "Complaint #1")) == 1


@SQLITE_ONLY
async def test_a_5xx_on_the_card_puts_it_off_never_loses_it_nor_the_complaint(
    side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    for _ in range(3):
        slack.server_error_next("chat.postMessage", 500)
    view = await open_form(side)
    assert (await side.submit(view, ANSWERS, view_id="V1")).status == 200
    await slack.wait_for("chat.postEphemeral")
    await side.delivered()
    assert (await side.submit(view, ANSWERS, view_id="V1")).status == 200  # Slack's retry
    await still_serving(side)
    assert await count(db, Complaint) == 1  # saved once, before the ack of each
    # One attempt: a post answered 5xx may have landed, so the client does not repeat it; the
    # card waits in the outbox for the scheduler's next try (which looks for it first).
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [500]
    card = await job(db, "card:complaint:1")
    assert (card.state, card.attempts) == ("pending", 1)
    assert await count(db, DeliveryFailure) == 0  # transient: nothing for admins to fix


@SQLITE_ONLY
async def test_a_call_that_times_out_is_given_up_and_the_app_carries_on(
    side: SlackClientSide, slack: FakeSlack, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    slack.delay_next("views.open", LATE)
    response, _ = await side.command()
    assert response.status == 200  # acked before the modal was asked for
    (slow,) = await slack.wait_for("views.open", limit=LATE + 5)
    assert slow.response["ok"]  # Slack opened it in the end; the app had stopped waiting

    slack.delay_next("chat.postMessage", LATE)  # the card: posted, but answered too late
    await submit_and_wait(side, "chat.postMessage", 1, view_id="V7")
    await still_serving(side)
    assert await count(db, Complaint) == 1
    await submit_and_wait(side, "chat.postMessage", 1, view_id="V7")  # the retried submission
    assert await count(db, Complaint) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1  # and no second card
    assert caplog.text.count("views.open failed: TimeoutError") == 1  # the modal's timeout
    assert "scheduler.job_deferred" in caplog.text  # the card's: the outbox tries it again


@SQLITE_ONLY
async def test_an_archived_channel_is_recorded_and_the_person_still_told(
    side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    slack.fail_next("chat.postMessage", "is_archived")
    await submit_and_wait(side, "chat.postEphemeral", 1)
    await side.delivered()
    note = slack.calls_to("chat.postEphemeral")[0]
    assert "Complaint #1" in shown(note.args)
    assert len(slack.calls_to("chat.postMessage")) == 1  # not retried
    async with db.session() as session:
        (failure,) = (await session.scalars(select(DeliveryFailure))).all()
    assert (failure.channel, failure.error) == ("C1", "is_archived")


# --- the scheduler path --------------------------------------------------------------------------


async def due_reminder(carebot: CareBot, clock: ManualClock, engine: Engine) -> None:
    await log_complaint(carebot, AGENT)
    assert (await engine.tick()).sent == 1  # the complaint's card, from the outbox
    clock.advance(timedelta(days=2))


async def retried_until_sent(engine: Engine, db: Database, clock: ManualClock) -> int:
    """Ticks at each retry's due time until the reminder went; returns the ticks it took."""
    for ticks in range(1, 6):
        report = await engine.tick()
        if report.sent:
            return ticks
        assert report.retried == 1, report
        clock.set((await job(db)).due_at)
    raise AssertionError("never sent")


async def test_a_timeout_and_a_502_are_tried_again_later_and_said_at_most_once_more(
    carebot: CareBot, engine: Engine, db: Database, clock: ManualClock, slack: FakeSlack
) -> None:
    await due_reminder(carebot, clock, engine)
    slack.server_error_next("chat.postMessage", 502)
    slack.delay_next("chat.postMessage", LATE)

    assert await retried_until_sent(engine, db, clock) == 3
    assert (await job(db)).state == "done"
    # The timed-out post reached Slack all the same: said twice, never three times.
    await slack.wait_for("chat.postMessage", 4, limit=LATE + 5)  # the card's post, then three
    assert len(said(slack, "Follow-up due: complaint #1")) == 2
    assert await count(db, DeliveryFailure) == 0


async def test_a_rate_limit_past_the_retries_waits_as_long_as_slack_asked(
    carebot: CareBot, engine: Engine, db: Database, clock: ManualClock, slack: FakeSlack
) -> None:
    await due_reminder(carebot, clock, engine)
    slack.rate_limit_next("chat.postMessage", retry_after=0)
    slack.rate_limit_next("chat.postMessage", retry_after=0)
    slack.rate_limit_next("chat.postMessage", retry_after=600)  # slack_sdk stops retrying here

    report = await engine.tick()
    assert (report.retried, report.sent) == (1, 0)
    deferred = await job(db)
    assert (deferred.state, deferred.attempts) == ("pending", 1)
    assert deferred.due_at >= clock.now() + timedelta(seconds=600)
    clock.set(deferred.due_at)
    assert (await engine.tick()).sent == 1
    assert len(said(slack, "Follow-up due: complaint #1")) == 1


@pytest.mark.parametrize(
    ("method", "error"),
    [("conversations.open", "user_not_found"), ("chat.postMessage", "channel_not_found")],
)
async def test_a_permanent_refusal_fails_the_job_for_good_and_is_recorded(
    carebot: CareBot,
    engine: Engine,
    db: Database,
    clock: ManualClock,
    slack: FakeSlack,
    method: str,
    error: str,
) -> None:
    await due_reminder(carebot, clock, engine)
    slack.fail_next(method, error)
    assert (await engine.tick()).failed == 1
    failed = await job(db)
    assert (failed.state, failed.last_error) == ("failed", f"refused: {error}")
    async with db.session() as session:
        (failure,) = (await session.scalars(select(DeliveryFailure))).all()
    assert failure.error == error
    before = len(slack.calls)
    clock.advance(timedelta(days=30))
    assert (await engine.tick(kinds=["follow_up"])).claimed == 0  # never tried again
    assert len(slack.calls) == before
