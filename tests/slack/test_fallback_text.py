"""A message's top-level `text` is what Slack notifies with, read as mrkdwn like the blocks:
a category named `<!channel> alert` must not ping a channel from the card, the managers'
escalation notice or the reminder DM."""

from __future__ import annotations

from datetime import timedelta

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.settings import Settings
from storage.db import Database
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
