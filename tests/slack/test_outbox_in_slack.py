"""Complaint cards through the outbox, over Slack's real protocol with the Web API failing.

A card is recorded with its complaint, in the event's transaction, and posted by the scheduler
(woken right after the ack): a card Slack could not take is posted on a later tick; one that
landed although Slack answered 500, or whose answer timed out, is found again by its metadata
instead of posted twice, and the next change edits it where it stands; work given up is shown
to admins in App Home. Scheduler ticks run on the injectable clock, never on a sleep.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

import adapters.slack.app
import adapters.slack.deliver
from adapters.slack.outbound import web_client
from bot.clock import ManualClock
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from storage.models import Job
from tests.slack.flows import ANSWERS, buttons, open_form, shown
from tests.slack.harness import SlackClientSide, slack_app, slack_scheduler
from tests.slack_fake import FakeSlack

TIMEOUT = 0.3  # seconds: the client's timeout here (slack_sdk's default is 30)
LATE = 4 * TIMEOUT
MAX_ATTEMPTS = 5


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    def quick(api_url: str, token: str | None = None) -> AsyncWebClient:
        client = web_client(api_url, token)
        client.timeout = TIMEOUT  # type: ignore[assignment]
        return client

    monkeypatch.setattr(adapters.slack.app, "web_client", quick)
    monkeypatch.setattr(adapters.slack.deliver, "web_client", quick)


@pytest.fixture
async def side(
    short_timeout: None, db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> AsyncIterator[SlackClientSide]:
    async with slack_app(db, settings, clock, slack, job_max_attempts=MAX_ATTEMPTS) as user_side:
        yield user_side


@pytest.fixture
def engine(
    short_timeout: None, db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> Engine:
    return slack_scheduler(db, settings, clock, slack, job_max_attempts=MAX_ATTEMPTS)


async def card_job(db: Database, number: int = 1) -> Job:
    async with db.session() as session:
        key = f"card:complaint:{number}"
        return (await session.scalars(select(Job).where(Job.key == key))).one()


def cards_in(slack: FakeSlack, channel: str, number: int = 1) -> list[dict[str, Any]]:
    """The cards of complaint `number` standing in `channel` (what people see there)."""
    title = f"Complaint #{number} ·"
    return [m for (c, _), m in slack.messages.items() if c == channel and title in m["text"]]


async def submit_complaint(side: SlackClientSide) -> None:
    view = await open_form(side)
    notes = len(side.slack.calls_to("chat.postEphemeral"))
    assert (await side.submit(view, ANSWERS)).status == 200
    await side.slack.wait_for("chat.postEphemeral", notes + 1)  # "Complaint #1 is logged"
    await side.delivered()


async def tick_until_sent(engine: Engine, db: Database, clock: ManualClock) -> int:
    """Ticks at each retry's due time until the card went; returns the ticks it took."""
    for ticks in range(1, MAX_ATTEMPTS + 1):
        clock.set((await card_job(db)).due_at)
        report = await engine.tick()
        if report.sent:
            return ticks
        assert report.retried == 1, report
    raise AssertionError("never sent")


@pytest.mark.parametrize("fault", ["server_error", "rate_limit"])
async def test_a_card_slack_would_not_take_is_posted_on_a_later_tick(
    side: SlackClientSide,
    slack: FakeSlack,
    db: Database,
    clock: ManualClock,
    engine: Engine,
    fault: str,
) -> None:
    for _ in range(3):  # 503 x3 or 429 x3: more than the client's own retries
        if fault == "server_error":
            slack.server_error_next("chat.postMessage", 503)
        else:
            slack.rate_limit_next("chat.postMessage", retry_after=0)
    await submit_complaint(side)
    assert cards_in(slack, "C1") == []
    job = await card_job(db)
    assert (job.state, job.attempts) == ("pending", 1)  # put off with the engine's backoff
    assert job.due_at >= clock.now() + timedelta(seconds=30)

    await tick_until_sent(engine, db, clock)
    (card,) = cards_in(slack, "C1")
    assert "Delivery" in card["text"] and (await card_job(db)).state == "done"


async def test_a_card_that_landed_although_slack_answered_500_is_not_posted_twice(
    side: SlackClientSide, slack: FakeSlack, db: Database, clock: ManualClock, engine: Engine
) -> None:
    slack.land_then_fail_next("chat.postMessage", 500)
    await submit_complaint(side)
    assert len(cards_in(slack, "C1")) == 1  # it landed; the app was told 500
    assert (await card_job(db)).state == "pending"

    await tick_until_sent(engine, db, clock)
    (card,) = cards_in(slack, "C1")  # found by its metadata and edited, not posted again
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [500]
    (search,) = slack.calls_to("conversations.history")
    assert search.args["channel"] == "C1"
    assert card["metadata"] == {
        "event_type": "carebot_card",
        "event_payload": {"ref": "complaint:1"},
    }

    # Where it stands is remembered: the next change edits that card.
    await side.press(buttons(card)["Add step"])
    view = (await slack.wait_for("views.open", 2))[-1].args["view"]
    await side.submit(view, {"text": "Courier confirmed the delay"})
    await side.delivered()
    assert len(cards_in(slack, "C1")) == 1
    assert slack.calls_to("chat.update")[-1].args["ts"] == card["ts"]


async def test_a_card_whose_answer_timed_out_is_edited_by_the_next_change_not_posted_to_a_dm(
    side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    slack.delay_next("chat.postMessage", LATE)  # posted, but answered too late
    await submit_complaint(side)
    await slack.wait_for("chat.postMessage", limit=LATE + 5)
    (card,) = cards_in(slack, "C1")  # landed after the app stopped waiting

    # The next change comes from the agent's DM with the bot (a reminder's buttons are there).
    await side.press(buttons(card)["Resolve"], channel=slack.dm_for("U1"))
    view = (await slack.wait_for("views.open", 2))[-1].args["view"]
    await side.submit(view, {"solution": "Refunded", "solution_mode": "on_the_spot"})
    await slack.wait_for("chat.update")
    await side.delivered()

    (healed,) = cards_in(slack, "C1")
    assert healed["ts"] == card["ts"] and "Resolved" in shown(healed)
    posts = [c for c in slack.calls_to("chat.postMessage") if "Complaint #1 ·" in c.args["text"]]
    assert len(posts) == 1  # no second card, in no DM
    assert cards_in(slack, slack.dm_for("U1")) == []


async def test_a_card_given_up_is_shown_to_admins_and_the_next_change_posts_it(
    side: SlackClientSide, slack: FakeSlack, db: Database, clock: ManualClock, engine: Engine
) -> None:
    for _ in range(MAX_ATTEMPTS):
        slack.server_error_next("chat.postMessage", 500)
    await submit_complaint(side)
    for _ in range(MAX_ATTEMPTS - 1):
        clock.set((await card_job(db)).due_at)
        await engine.tick()
    job = await card_job(db)
    assert (job.state, job.attempts) == ("failed", MAX_ATTEMPTS)

    opened = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}
    await side.event(opened)  # U1 is a workspace admin
    (publish,) = await slack.wait_for("views.publish")
    home = shown({"blocks": publish.args["view"]["blocks"]})
    assert "Work given up" in home
    assert f"card:complaint:1 · given up after {MAX_ATTEMPTS} attempts" in home

    await side.event({**opened, "user": "U2"})  # not shown to an agent
    *_, agent = await slack.wait_for("views.publish", 2)
    assert "Work given up" not in shown({"blocks": agent.args["view"]["blocks"]})


async def test_a_card_whose_post_hangs_does_not_hold_the_next_complaints_card(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    slack.delay_next("chat.postMessage", 3.0)  # slow, though within the client's timeout
    for _ in range(2):
        view = await open_form(user_side)
        notes = len(slack.calls_to("chat.postEphemeral"))
        assert (await user_side.submit(view, ANSWERS)).status == 200
        await slack.wait_for("chat.postEphemeral", notes + 1)
    await slack.wait_for("chat.postMessage", 1)  # one answered: the second complaint's card
    assert len(cards_in(slack, "C1", 2)) == 1 and cards_in(slack, "C1", 1) == []
    await user_side.delivered()
    assert len(cards_in(slack, "C1", 1)) == 1  # and the first, once Slack answered it
