"""A month of one team's work in Slack, through signed requests and the scheduler: the
follow-up reminder, the retention check a month after resolution, and the weekly digest in
the team's channel at 09:00 Asia/Kolkata - each once, with the goal's figure right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import ManualClock
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from tests.slack.flows import ANSWERS, buttons, open_form, shown
from tests.slack.harness import SlackClientSide, slack_app, slack_scheduler
from tests.slack_fake import FakeSlack

ZONE = "Asia/Kolkata"


def overrides(slack: FakeSlack) -> dict[str, Any]:
    return {"default_timezone": ZONE, "slack_channel_interval": 0.0}


def scheduler(db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack) -> Engine:
    return slack_scheduler(db, settings, clock, slack, default_timezone=ZONE)


async def command(side: SlackClientSide, text: str, name: str) -> str:
    before = len(side.slack.responses)
    response, _ = await side.command(text, command=name)
    assert response.status == 200
    await side.slack.wait_for("response", before + 1)
    return str(side.slack.responses[-1].get("text", ""))


async def press_and_submit(
    side: SlackClientSide,
    message: dict[str, Any],
    label: str,
    answers: dict[str, Any],
    channel: str,
) -> None:
    opened = len(side.slack.calls_to("views.open"))
    await side.press(buttons(message)[label], channel=channel)
    (*_, call) = await side.slack.wait_for("views.open", opened + 1)
    response = await side.submit(dict(call.args["view"]), answers)
    assert response.status == 200, await response.text()


def posts(slack: FakeSlack, start: int, text: str) -> list[dict[str, Any]]:
    return [
        dict(c.args)
        for c in slack.calls_to("chat.postMessage")[start:]
        if c.response.get("ok") and text in shown(c.args)
    ]


async def test_reminder_retention_check_and_digest_arrive_once_on_time(
    db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    engine = scheduler(db, settings, clock, slack)
    async with slack_app(db, settings, clock, slack, **overrides(slack)) as side:
        # `text` is escaped as the blocks are: Slack parses no markup in it
        assert "The weekly digest will go to &lt;#C1&gt;" in await command(
            side, "channel here", "/digest"
        )
        # This team calls its customers itself (their surveys: tests/surveys/).
        for setting in ("survey delay off", "survey one-month off"):
            assert "Customer surveys" in await command(side, setting, "/complaint")
        goal = await open_form(side, "add", command="/goal")
        goal_answers = {
            "metric": "satisfied_pct",
            "comparison": "ge",
            "target": "80",
            "period": "week",
        }
        assert (await side.submit(goal, goal_answers)).status == 200

        follow_up = int((clock.now() + timedelta(days=2)).timestamp())
        view = await open_form(side)
        assert (await side.submit(view, {**ANSWERS, "follow_up_at": follow_up})).status == 200
        (card,) = await slack.wait_for("chat.postMessage")
        card_args = {**card.args, "ts": card.response["ts"]}
        await slack.wait_for("chat.postEphemeral")  # the note comes after the card is remembered

        clock.advance(timedelta(days=2))
        start = len(slack.calls_to("chat.postMessage"))
        await engine.tick()
        await engine.tick()
        (reminder,) = posts(slack, start, "Follow-up due: complaint #1")
        assert reminder["channel"].startswith("D")
        updated = [c for c in slack.calls_to("chat.update") if c.args["ts"] == card_args["ts"]]
        assert "due now" in shown(updated[-1].args)  # the card shows it too

        resolve = {"solution": "Refund sent", "solution_mode": "on_the_spot"}
        await press_and_submit(side, card_args, "Resolve", resolve, "C1")
        resolved_at = clock.now()
        clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))  # one month after 4 Nov
        start = len(slack.calls_to("chat.postMessage"))
        await engine.tick()
        await engine.tick()
        (check,) = posts(slack, start, "Retention check due: complaint #1")
        assert resolved_at.day == 4 and check["channel"].startswith("D")
        assert "Ravi Kumar" in shown(check)  # the agent must call: in their DM only
        answers = {"satisfied": "yes", "bought_again": "yes", "better": "Faster courier"}
        await press_and_submit(side, check, "Record the answers", answers, check["channel"])
        view = await open_form(side)  # a second complaint, within the digest's four weeks
        assert (await side.submit(view, {**ANSWERS, "category": "billing"})).status == 200

        # Monday 7 Dec, 09:00 in Kolkata is 03:30 UTC: the digest of 30 Nov - 6 Dec.
        clock.set(datetime(2026, 12, 7, 3, 29, tzinfo=UTC))
        start = len(slack.calls_to("chat.postMessage"))
        await engine.tick()
        assert posts(slack, start, "digest") == []  # a minute early
        clock.set(datetime(2026, 12, 7, 3, 30, tzinfo=UTC))
        await engine.tick()
        clock.advance(timedelta(hours=1))
        await engine.tick()
        (digest,) = posts(slack, start, "Weekly digest")
        assert digest["channel"] == "C1"
        text = shown(digest)
        assert "100%" in text and "met" in text.lower()
        for secret in ("Ravi", "98765", "43210", "MG Road"):
            assert secret not in text
        charts = [f for f in slack.files if f.channel == "C1"]  # goals, and the top issues
        assert [f.filename.split("-")[0] for f in charts] == ["goals", "top", "top"]
        assert all(f.content.startswith(b"\x89PNG") for f in charts)
