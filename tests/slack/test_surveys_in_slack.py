"""Customer surveys in Slack, through signed requests, the scheduler and the fake Web API:
the agent gets the survey's link and QR code in a DM a day after resolving, and a customer's
low answer comes back to them with a Reopen button that works."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.clock import ManualClock
from bot.settings import Settings
from bot.surveys.page import PageKind, SurveyDesk
from storage.db import Database
from tests.slack.flows import ANSWERS, buttons, open_form, shown
from tests.slack.harness import slack_app, slack_scheduler
from tests.slack.test_schedules_in_slack import posts, press_and_submit
from tests.slack_fake import FakeSlack
from tests.surveys.flows import token_of

SURVEY_URL = re.compile(r"(http://localhost:3000/s/[\w.-]+)")


async def test_the_link_and_qr_code_reach_the_agent_and_a_low_answer_can_reopen(
    db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    engine = slack_scheduler(db, settings, clock, slack)
    async with slack_app(db, settings, clock, slack, slack_channel_interval=0.0) as side:
        view = await open_form(side)
        assert (await side.submit(view, {**ANSWERS, "follow_up_at": None})).status == 200
        (card,) = await slack.wait_for("chat.postMessage")
        card_args = {**card.args, "ts": card.response["ts"]}
        resolve = {"solution": "Refund sent", "solution_mode": "on_the_spot"}
        await press_and_submit(side, card_args, "Resolve", resolve, "C1")

        clock.advance(timedelta(hours=24))
        start = len(slack.calls_to("chat.postMessage"))
        await engine.tick()
        (dm,) = posts(slack, start, "Survey for complaint #1: send this link to the customer")
        assert dm["channel"].startswith("D")
        text = shown(dm)
        link = SURVEY_URL.search(text)
        assert link is not None and "Ravi" not in text
        (qr,) = [f for f in slack.files if f.channel == dm["channel"]]
        assert qr.content.startswith(b"\x89PNG") and qr.filename == "survey-1-resolution.png"

        token = token_of(link.group(1))
        page = await SurveyDesk(db, settings, clock).answer(
            token, {"score": "1", "better": "<!channel> *nobody called*", "token": token}
        )
        assert page.kind is PageKind.THANKS
        start = len(slack.calls_to("chat.postMessage"))
        await engine.tick()
        (alert,) = posts(slack, start, "the customer is not satisfied")
        assert alert["channel"] == dm["channel"]
        # The customer's words arrive as text: no channel-wide ping, no bold.
        (words,) = [b["text"] for b in alert["blocks"] if "nobody called" in str(b.get("text", ""))]
        assert words["type"] == "plain_text" and "<!channel> *nobody called*" in words["text"]
        before = len(slack.calls_to("chat.update"))
        await side.press(buttons(alert)["Reopen"], channel=alert["channel"])
        await slack.wait_for("chat.postEphemeral", 1)
        await engine.tick()  # the card's new state goes out through the outbox
        updated = await slack.wait_for("chat.update", before + 1)
        assert "Complaint #1 · Delivery · Open" in shown(updated[-1].args)
