"""A message's top-level `text` is what Slack notifies with, read as mrkdwn like the blocks:
a category named `<!channel> alert` must not ping a channel from the card, the managers'
escalation notice or the reminder DM; a customer's words in the digest show as typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.settings import Settings
from storage.db import Database
from tests.factories import MARKUP, add_survey
from tests.factories import log_complaint as log_in_core
from tests.slack.flows import log_complaint
from tests.slack.harness import SlackClientSide, slack_scheduler
from tests.slack_fake import FakeSlack

CATEGORY = "<!channel> alert & <@U2>"
ESCAPED = "&lt;!channel&gt; alert &amp; &lt;@U2&gt;"
ADMIN = Actor("slack", "T1", "U1", "asha", channel_id="C1", platform_role=Role.ADMIN)
MANAGER = Actor("slack", "T1", "U3", "meera", channel_id="C1", platform_role=Role.MANAGER)


def raw(text: str) -> bool:
    return any(mark in text for mark in ("<!", "<@", "&amp;amp;"))


async def test_the_cards_fallback_text_is_escaped(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    await user_side.command(f"categories add {CATEGORY}")
    await slack.wait_for("response")
    card = await log_complaint(user_side, category=CATEGORY)
    assert ESCAPED in card["text"] and not raw(card["text"])


async def test_the_escalation_notice_and_the_reminder_dm_are_escaped(
    carebot: CareBot, db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    await carebot.command(ADMIN, "complaint", f"categories add {CATEGORY}")
    await carebot.command(MANAGER, "complaint", "escalation amount 1000")
    await carebot.command(MANAGER, "complaint", "managers here")
    await log_in_core(carebot, ADMIN, category=CATEGORY, compensation_amount="2500")
    clock.advance(timedelta(days=2))  # the follow-up is due too
    report = await slack_scheduler(db, settings, clock, slack).tick()
    assert report.sent == 3  # the complaint's card (the outbox), the notice, the reminder
    texts = [c.args["text"] for c in slack.calls_to("chat.postMessage")]
    notice = [t for t in texts if t.startswith("Needs a manager")]
    reminder = [t for t in texts if t.startswith("Follow-up due")]
    assert len(notice) == 1 and len(reminder) == 1, texts
    for text in notice + reminder:
        assert ESCAPED in text and not raw(text)


async def test_a_customers_markup_in_the_digest_reaches_slack_as_typed(
    carebot: CareBot, db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    await carebot.command(ADMIN, "digest", "channel here")
    await log_in_core(carebot, ADMIN, solution_mode="on_the_spot", follow_up_at=None)
    answered = datetime(2026, 11, 4, 12, tzinfo=UTC)
    await add_survey(db, 1, "resolution", answered, answered, score=4, better=MARKUP)
    clock.set(datetime(2026, 11, 9, 9, tzinfo=UTC))
    await slack_scheduler(db, settings, clock, slack).tick()
    (digest,) = [
        c.args
        for c in slack.calls_to("chat.postMessage")
        if c.args["text"].startswith("Weekly digest")
    ]
    # plain_text: Slack parses no markup, mention or link in it; shown exactly as typed.
    quote = {"type": "plain_text", "text": f"“{MARKUP}” (score 4 of 5)", "emoji": False}
    assert {"type": "section", "text": quote} in digest["blocks"]
    marked_up = [b["text"]["text"] for b in digest["blocks"] if b.get("text", {}).get("type")]
    marked_up += [f["text"] for b in digest["blocks"] for f in b.get("fields", [])]
    assert not any(raw(text) or "<script" in text for text in marked_up if text != quote["text"])
