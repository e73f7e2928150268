"""The survey page beside Slack's events in HTTP mode, as `carebot run` serves it: the agent's
DM gives the link, the customer answers low on the page, and the agent hears at once (the
page wakes the scheduler's outbox; no tick is waited for)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.settings import Settings
from storage.db import Database
from tests.slack.flows import ANSWERS, open_form, shown
from tests.slack.harness import slack_app, slack_scheduler
from tests.slack_fake import FakeSlack
from tests.web.surveys import RESOLVE, surveys

TOKEN = re.compile(r"/s/([A-Za-z0-9_.-]+)")
ALERT = "the customer is not satisfied"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("U1", name="asha", is_admin=True)
        yield fake


def dms(slack: FakeSlack, text: str) -> list[str]:
    return [
        shown(dict(call.args))
        for call in slack.calls_to("chat.postMessage")
        if call.response.get("ok") and text in shown(dict(call.args))
    ]


async def test_a_low_answer_on_the_page_reaches_the_agent_on_slack_at_once(
    db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    engine = slack_scheduler(db, settings, clock, slack)
    async with slack_app(db, settings, clock, slack) as side:
        view = await open_form(side)
        assert (await side.submit(view, ANSWERS)).status == 200
        asha = Actor("slack", "T1", "U1", "asha", platform_role=Role.ADMIN)
        await CareBot(db, settings, clock).submit(
            asha, "complaint.resolve", RESOLVE, {"number": "1"}
        )
        clock.advance(timedelta(hours=25))
        await engine.tick()
        (told,) = dms(slack, "send this link to the customer")
        token = TOKEN.findall(told)[0]

        page = await side.session.get(f"{side.base}/s/{token}?lang=en")  # unsigned
        assert page.status == 200 and "How did we do?" in await page.text()
        answer = await side.session.post(
            f"{side.base}/s/{token}", data={"token": token, "score": "1", "better": "Too slow"}
        )
        assert answer.status == 200
        await side.delivered()
        (alert,) = dms(slack, ALERT)
        assert "Too slow" in alert
    (survey,) = await surveys(db)
    assert survey.score == 1
