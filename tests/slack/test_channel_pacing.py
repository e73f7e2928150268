"""One slow post does not hold a channel: posts are paced by when they start, a hung one costs
its channel nothing, and the person's "is logged" notes never wait behind the cards. The pacer
runs on a clock of the test's (its waits pass at once); only Slack's hang takes real time."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager

from adapters.slack.outbound import ChannelPacer, Sender, web_client
from bot.clock import ManualClock
from bot.settings import Settings
from storage.db import Database
from tests.slack.flows import ANSWERS, open_form
from tests.slack.harness import SlackClientSide, slack_app
from tests.slack_fake import FakeSlack

HANG = 3.0  # seconds Slack takes to answer the first card


class VirtualTime:
    """The pacer's clock: a wait moves it on at once, and lets the other tasks run."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now = max(self.now, self.now + seconds)
        await asyncio.sleep(0)


async def _no_failures(channel: str | None, error: str) -> None:
    raise AssertionError(f"refused: {channel} {error}")


async def test_a_hanging_post_does_not_hold_the_posts_after_it() -> None:
    async with FakeSlack() as slack:
        time = VirtualTime()
        pacer = ChannelPacer(1.0, clock=time.clock, sleep=time.sleep)
        sender = Sender(web_client(slack.base_url, "xoxb-test"), pacer, _no_failures)
        slack.delay_next("chat.postMessage", HANG)
        posts = [
            asyncio.create_task(sender.call("chat.postMessage", "C1", channel="C1", text=f"m{n}"))
            for n in range(5)
        ]
        await slack.wait_for("chat.postMessage", 4)  # answered: all but the hung one
        assert not posts[0].done()
        assert [c.args["text"] for c in slack.calls_to("chat.postMessage")] == [
            f"m{n}" for n in range(5)
        ]  # they started in order, a paced slot each
        assert len(time.waits) == 4 and all(w > 0 for w in time.waits)
        await asyncio.gather(*posts)


def paced_app(
    db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack, pacer: ChannelPacer
) -> AbstractAsyncContextManager[SlackClientSide]:
    """The real app as tests/slack/harness.py serves it (the outbox included), paced by `pacer`."""
    return slack_app(db, settings, clock, slack, pacer=pacer, slack_channel_interval=1.0)


async def test_thirty_submissions_at_once_with_a_hung_card(
    db: Database, settings: Settings, clock: ManualClock, slack: FakeSlack
) -> None:
    """The 29 other cards and the notes arrive while the first card still hangs."""
    time = VirtualTime()
    pacer = ChannelPacer(1.0, clock=time.clock, sleep=time.sleep)
    async with paced_app(db, settings, clock, slack, pacer) as side:
        view = await open_form(side)
        slack.delay_next("chat.postMessage", HANG)
        answers = await asyncio.gather(
            *(side.submit(view, ANSWERS, view_id=f"V{n}") for n in range(30))
        )
        assert [a.status for a in answers] == [200] * 30
        await slack.wait_for("chat.postEphemeral", 29)
        await slack.wait_for("chat.postMessage", 29)
        first = slack.calls_to("chat.postMessage")[0]
        assert first.response == {}, "the other cards waited for the hung one"
        notes = [c.args["text"] for c in slack.calls_to("chat.postEphemeral")]
        assert all(" is logged." in note for note in notes)
        # paced: one start a second in the channel, on the pacer's clock
        assert time.now >= 29.0
        await slack.wait_for("chat.postMessage", 30)
        await slack.wait_for("chat.postEphemeral", 30)
