"""/assessment in Slack: signed block_actions against the local Web API, in the manager's DM.

One message in the DM is edited as the statements are answered; the result ends with a radar
chart uploaded through Slack's external upload API.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.settings import Settings
from storage.db import Database
from storage.models import AssessmentAnswer
from tests.slack.flows import buttons, shown
from tests.slack.harness import SlackClientSide, slack_app
from tests.slack_fake import FakeSlack

PNG = b"\x89PNG\r\n\x1a\n"


async def answers(db: Database) -> dict[str, int]:
    async with db.session() as session:
        rows = await session.execute(select(AssessmentAnswer.item, AssessmentAnswer.score))
        return {item: score for item, score in rows}


async def start(side: SlackClientSide, channel: str = "C1") -> dict[str, Any]:
    """/assessment typed in a channel: returns the question message posted in the DM."""
    slack = side.slack
    posts = len(slack.calls_to("chat.postMessage"))
    response, _ = await side.command(command="/assessment", channel=channel)
    assert response.status == 200
    (*_, call) = await slack.wait_for("chat.postMessage", posts + 1)
    return {**call.args, "ts": call.response["ts"], "channel": call.response["channel"]}


class Manager:
    """A manager answering in the DM: presses a button on the message and reads its edit."""

    def __init__(self, side: SlackClientSide, message: dict[str, Any]) -> None:
        self.side = side
        self.message = message

    async def press(self, label: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        slack = self.side.slack
        on = message or self.message
        updates = len(slack.calls_to("chat.update"))
        chosen = next(b for text, b in buttons(on).items() if text.startswith(label))
        response = await self.side.press(chosen, channel=on["channel"], message_ts=on["ts"])
        assert response.status == 200
        (*_, call) = await slack.wait_for("chat.update", updates + 1)
        assert call.response["ok"] is True, call.response
        self.message = {**call.args, "ts": call.args["ts"], "channel": call.args["channel"]}
        return self.message


async def test_the_whole_assessment_in_the_dm_ends_with_a_chart(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    question = await start(user_side)
    await slack.wait_for("response")
    (note,) = slack.responses  # ephemeral, to the command's response URL
    assert note["response_type"] == "ephemeral"
    assert "continues in your direct messages" in note["text"]
    (opened,) = slack.calls_to("conversations.open")
    assert opened.args["users"] == "U1"
    assert question["channel"].startswith("D")
    assert "1 of 25 · section 1 of 7" in shown(question)
    assert list(buttons(question)) == [
        "1 · None of the time",
        "2 · Rarely",
        "3 · Some of the time",
        "4 · Most of the time",
        "5 · All of the time",
        "Pause",
    ]

    manager = Manager(user_side, question)
    for _ in range(24):
        message = await manager.press("4 ·")
        assert message["ts"] == question["ts"]  # the same message, edited in place
    completed = len(slack.calls_to("files.completeUploadExternal"))
    result = await manager.press("3 ·")
    assert "Your result: 27.67 of 35 · Adequate" in shown(result)  # section 7: (4+4+3)/3
    (*_, shared) = await slack.wait_for("files.completeUploadExternal", completed + 1)
    assert shared.response["ok"] is True
    (chart,) = slack.files
    assert chart.channel == question["channel"] and chart.content.startswith(PNG)
    assert len(await answers(db)) == 25
    assert len(slack.calls_to("chat.postMessage")) == 1  # nothing else was posted


async def test_back_pause_and_resume_after_a_restart(
    db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    async with slack_app(db, settings, clock, slack) as side:
        manager = Manager(side, await start(side))
        await manager.press("5 ·")
        await manager.press("2 ·")
        again = await manager.press("Back")
        assert "2 of 25" in shown(again) and "Your answer before: 2 — Rarely" in shown(again)
        paused = await manager.press("Pause")
        assert "Assessment paused at statement 2 of 25." in shown(paused)
        assert buttons(paused) == {}

    async with slack_app(db, settings, clock, slack) as side:  # the bot restarted
        resumed = await start(side)
        assert "2 of 25" in shown(resumed)
        assert resumed["ts"] != again["ts"]  # a new message in the DM, the one to answer now
        await Manager(side, resumed).press("3 ·")
    assert await answers(db) == {"1a": 5, "1b": 3}


async def test_a_double_click_and_a_stale_click_record_one_answer(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    question = await start(user_side)
    five = buttons(question)["5 · All of the time"]
    target = {"channel": question["channel"], "message_ts": question["ts"]}
    replies = await asyncio.gather(*(user_side.press(five, **target) for _ in range(2)))
    assert [r.status for r in replies] == [200, 200]
    await slack.wait_for("chat.update", 2)  # both clicks show the statement now on screen
    assert await answers(db) == {"1a": 5}

    before = len(slack.responses)
    await user_side.press(buttons(question)["1 · None of the time"], **target)  # stale
    await slack.wait_for("response", before + 1)
    assert "answered already" in slack.responses[-1]["text"]
    assert await answers(db) == {"1a": 5}


async def test_history_and_team_go_to_the_dm(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    manager = Manager(user_side, await start(user_side))
    for _ in range(25):
        await manager.press("4 ·")
    await slack.wait_for("files.completeUploadExternal")
    history = await start_command(user_side, "history")
    assert "Your assessments" in shown(history) and "28 of 35 · Asset" in shown(history)
    team = await start_command(user_side, "team")  # U1 is the workspace's admin
    assert "*Respondents*\n1" in shown(team) and "asha: 28 · Asset" in shown(team)
    await slack.wait_for("files.completeUploadExternal", 4)
    assert [f.filename for f in slack.files] == [
        "assessment-2026-11-02.png",
        "assessment-history.png",
        "assessment-team-bands.png",  # the team's bands, then its months
        "assessment-team.png",
    ]
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(AssessmentAnswer)) == 25


async def start_command(side: SlackClientSide, text: str) -> dict[str, Any]:
    slack = side.slack
    posts = len(slack.calls_to("chat.postMessage"))
    response, _ = await side.command(text, command="/assessment", channel="C1")
    assert response.status == 200
    (*_, call) = await slack.wait_for("chat.postMessage", posts + 1)
    return dict(call.args)
