"""DM posts and shared files in Slack, through signed requests and the fake Web API.

A probe stands in for a core command (registered as /assessment, which the app listens to):
each test sets the Reply it answers, so the adapter's rendering is driven exactly as a real
command would drive it. Every reply ends with an ephemeral "done" sent to the response URL;
posts render in order, so once it arrives everything before it has been sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from bot.context import Context
from bot.routes import root
from bot.tree import Command
from bot.ui import Attachment, Audience, Message, Post, Reply
from storage.db import Database
from storage.models import DeliveryFailure
from tests.slack.harness import SlackClientSide
from tests.slack_fake import CallRecord, FakeSlack, SharedFile

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
CHART = Attachment("scores.png", "Your scores", PNG)
TREND = Attachment("trend.png", "Your trend", PNG[::-1])
UPLOAD_STEPS = ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]


@dataclass
class Probe:
    """What the probe command answers next: `posts`, then the "done" marker."""

    posts: tuple[Post, ...] = ()
    texts: list[str] = field(default_factory=list)

    async def handle(self, ctx: Context, text: str) -> Reply:
        self.texts.append(text)
        return Reply(posts=(*self.posts, Post(Message(text="done"))))


@pytest.fixture
def probe() -> Iterator[Probe]:
    probe = Probe()
    previous = root().commands.get("assessment")
    root().commands["assessment"] = Command("assessment", "probe", probe.handle)
    try:
        yield probe
    finally:
        if previous is None:
            root().commands.pop("assessment", None)
        else:
            root().commands["assessment"] = previous


async def run(side: SlackClientSide, probe: Probe, *posts: Post, channel: str = "C1") -> None:
    """Sends /assessment; returns once the app rendered the whole reply."""
    probe.posts = posts
    ephemeral = sum(post.to is Audience.ACTOR for post in posts)
    done = len(side.slack.responses) + ephemeral + 1
    response, _ = await side.command(command="/assessment", channel=channel)
    assert response.status == 200
    await side.slack.wait_for("response", done)
    assert side.slack.responses[-1]["text"] == "done"


def dm(text: str, *, fresh: bool = False, files: tuple[Attachment, ...] = ()) -> Post:
    return Post(Message(text=text, ref="probe:1", files=files), Audience.DM, fresh=fresh)


def methods(slack: FakeSlack) -> list[str]:
    """The calls that render a reply (not Bolt's auth.test, nor the person's language lookup)."""
    return [c.method for c in slack.calls if c.method not in ("auth.test", "users.info")]


def posted(slack: FakeSlack) -> list[CallRecord]:
    return slack.calls_to("chat.postMessage")


async def failures(db: Database) -> list[tuple[str | None, str]]:
    async with db.session() as session:
        rows = await session.scalars(select(DeliveryFailure).order_by(DeliveryFailure.id))
        return [(row.channel, row.error) for row in rows]


async def test_a_dm_post_opens_the_dm_and_later_replies_edit_it(
    user_side: SlackClientSide, slack: FakeSlack, probe: Probe
) -> None:
    await run(user_side, probe, dm("Question 1 of 10"))
    (opened,) = slack.calls_to("conversations.open")
    (first,) = posted(slack)
    dm_id = slack.dm_for("U1")
    assert opened.args["users"] == "U1" and opened.response["channel"]["id"] == dm_id
    assert first.args["channel"] == dm_id and first.args["text"] == "Question 1 of 10"
    assert slack.calls_to("chat.postEphemeral") == []  # nothing shown in the channel

    await run(user_side, probe, dm("Question 2 of 10"))
    (update,) = slack.calls_to("chat.update")
    ts = first.response["ts"]
    assert (update.args["channel"], update.args["ts"]) == (dm_id, ts)
    assert slack.messages[(dm_id, ts)]["text"] == "Question 2 of 10"
    assert len(posted(slack)) == 1 and len(slack.calls_to("conversations.open")) == 1

    await run(user_side, probe, dm("Your result", fresh=True))  # a new message, not an edit
    assert len(posted(slack)) == 2 and len(slack.calls_to("chat.update")) == 1
    fresh_ts = posted(slack)[-1].response["ts"]
    assert fresh_ts != ts

    await run(user_side, probe, dm("Your result, with notes"))  # the fresh one is edited now
    latest = slack.calls_to("chat.update")[-1]
    assert (latest.args["channel"], latest.args["ts"]) == (dm_id, fresh_ts)
    assert slack.messages[(dm_id, ts)]["text"] == "Question 2 of 10"  # the old one stays


async def test_a_dm_post_reaches_the_bots_dm_from_any_conversation(
    user_side: SlackClientSide, slack: FakeSlack, probe: Probe
) -> None:
    """A command typed in a DM between people carries that DM's id, where the bot cannot
    post: the DM is always asked for, never guessed from where the command came from."""
    dm_id = slack.dm_for("U1")
    await run(user_side, probe, Post(Message(text="Here"), Audience.DM), channel="D0PEOPLE")
    await run(user_side, probe, Post(Message(text="In mine"), Audience.DM), channel=dm_id)
    assert [c.args["channel"] for c in posted(slack)] == [dm_id, dm_id]
    assert all(c.response["ok"] for c in slack.calls)


async def test_a_deleted_dm_message_is_posted_anew_and_edited_from_then_on(
    user_side: SlackClientSide, slack: FakeSlack, probe: Probe, db: Database
) -> None:
    await run(user_side, probe, dm("Question 1"))
    dm_id, ts = slack.dm_for("U1"), posted(slack)[0].response["ts"]
    del slack.messages[(dm_id, ts)]  # the person deleted it

    await run(user_side, probe, dm("Question 2"))
    (refused,) = slack.calls_to("chat.update")
    assert refused.response["error"] == "message_not_found"
    new_ts = posted(slack)[-1].response["ts"]
    assert posted(slack)[-1].args["channel"] == dm_id and new_ts != ts

    await run(user_side, probe, dm("Question 3"))
    assert slack.calls_to("chat.update")[-1].args["ts"] == new_ts
    assert slack.messages[(dm_id, new_ts)]["text"] == "Question 3"
    assert await failures(db) == [(dm_id, "message_not_found")]


async def test_files_follow_their_message_to_the_dm_and_to_the_channel(
    user_side: SlackClientSide, slack: FakeSlack, probe: Probe
) -> None:
    channel_post = Post(Message(text="Team scores", files=(TREND,)), Audience.CHANNEL)
    await run(user_side, probe, dm("Your scores", files=(CHART, TREND)), channel_post)

    dm_id = slack.dm_for("U1")
    assert methods(slack) == [
        "conversations.open",
        "chat.postMessage",
        *UPLOAD_STEPS,
        *UPLOAD_STEPS,
        "chat.postMessage",
        *UPLOAD_STEPS,
    ]
    assert [c.args["channel"] for c in posted(slack)] == [dm_id, "C1"]
    assert [c.args["length"] for c in slack.calls_to("upload")] == [len(PNG)] * 3
    assert slack.files == [
        SharedFile(slack.files[0].id, "scores.png", "Your scores", PNG, dm_id),
        SharedFile(slack.files[1].id, "trend.png", "Your trend", PNG[::-1], dm_id),
        SharedFile(slack.files[2].id, "trend.png", "Your trend", PNG[::-1], "C1"),
    ]


async def test_files_of_an_ephemeral_reply_are_shared_in_the_dm(
    user_side: SlackClientSide, slack: FakeSlack, probe: Probe
) -> None:
    await run(user_side, probe, Post(Message(text="Only you", files=(CHART,))))
    only_you = slack.responses[0]
    assert only_you["text"] == "Only you" and only_you["response_type"] == "ephemeral"
    assert posted(slack) == []  # no message in the DM, just the file
    assert [(f.channel, f.content) for f in slack.files] == [(slack.dm_for("U1"), PNG)]


async def test_a_refused_upload_is_recorded_and_the_rest_still_goes_out(
    user_side: SlackClientSide, slack: FakeSlack, probe: Probe, db: Database
) -> None:
    slack.fail_next("files.getUploadURLExternal", "file_uploads_disabled")  # the first file
    slack.fail_next("files.completeUploadExternal", "channel_not_found")  # the second: gone
    files = (CHART, TREND, CHART)
    await run(
        user_side,
        probe,
        Post(Message(text="Team scores", files=files), Audience.CHANNEL),
        Post(Message(text="After the charts"), Audience.CHANNEL),
    )

    assert [c.args["text"] for c in posted(slack)] == ["Team scores", "After the charts"]
    assert [(f.title, f.channel) for f in slack.files] == [("Your scores", "C1")]  # the third
    assert await failures(db) == [("C1", "file_uploads_disabled"), ("C1", "channel_not_found")]


async def test_no_file_is_shared_when_its_message_was_refused(
    user_side: SlackClientSide, slack: FakeSlack, probe: Probe, db: Database
) -> None:
    slack.missing_channels.add("C1")
    await run(user_side, probe, Post(Message(text="Scores", files=(CHART,)), Audience.CHANNEL))
    assert slack.calls_to("files.getUploadURLExternal") == [] and slack.files == []
    assert await failures(db) == [("C1", "channel_not_found")]


async def test_a_command_the_app_does_not_listen_to_is_not_found(
    user_side: SlackClientSide, probe: Probe
) -> None:
    """Why the probe borrows /assessment: Bolt answers 404 to a command with no listener."""
    response, _ = await user_side.command(command="/probe")
    assert response.status == 404 and probe.texts == []
