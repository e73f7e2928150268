"""Bursts to one channel are paced, a 429's retry included; other channels are not held up."""

from __future__ import annotations

import asyncio

from adapters.slack.dms import DmChannels
from adapters.slack.outbound import JITTER, ChannelPacer, Sender, web_client
from tests.slack_fake import FakeSlack


async def test_a_burst_to_one_channel_is_spaced_by_the_interval() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:  # time passes only when the pacer waits
        slept.append(round(seconds, 3))
        now[0] += seconds

    pacer = ChannelPacer(1.0, clock=lambda: now[0], sleep=sleep)
    await asyncio.gather(*(pacer.wait("C1") for _ in range(4)))
    await pacer.wait("C2")
    assert slept == [1.0, 1.0, 1.0]  # the first goes at once; C2 did not wait behind C1

    now[0] += 5  # a quiet moment later, the next post goes at once
    await pacer.wait("C1")
    assert slept == [1.0, 1.0, 1.0]


async def test_no_interval_means_no_waiting() -> None:
    async def never(_seconds: float) -> None:
        raise AssertionError("should not wait")

    pacer = ChannelPacer(0.0, sleep=never)
    await asyncio.gather(*(pacer.wait("C1") for _ in range(3)))


async def test_a_rate_limited_post_holds_its_channel_until_its_retry_is_accepted() -> None:
    """Nothing that starts after a 429 overtakes its retry: the channel's posts arrive in order,
    each once, and the retry waits Retry-After without slack_sdk's up-to-a-second jitter.
    (Posts are paced by their start: the interval must outlast the 429's round trip.)"""
    async with FakeSlack() as slack:
        slack.rate_limit_next("chat.postMessage", retry_after=1)
        client = web_client(slack.base_url, "xoxb-test")
        sender = Sender(client, ChannelPacer(0.3), _no_failures)
        await asyncio.gather(
            *(sender.call("chat.postMessage", "C1", channel="C1", text=f"m{n}") for n in range(3))
        )
        posts = slack.calls_to("chat.postMessage")
        assert [(c.args["text"], c.status) for c in posts] == [
            ("m0", 429),
            ("m0", 200),
            ("m1", 200),
            ("m2", 200),
        ]
        waited = posts[1].at - posts[0].at
        assert 1.0 <= waited < 1.0 + JITTER + 0.2


async def test_the_dm_channel_is_opened_once_per_person() -> None:
    """Ten reminders to one agent at once: conversations.open is asked once, not ten times."""
    async with FakeSlack() as slack:
        slack.add_user("U1")
        client = web_client(slack.base_url, "xoxb-test")
        dms = DmChannels()

        async def open_dm() -> str | None:
            answer = await client.conversations_open(users="U1")
            return str(answer["channel"]["id"])

        channels = await asyncio.gather(*(dms.get("T1", "U1", open_dm) for _ in range(10)))
        assert len(set(channels)) == 1 and channels[0].startswith("D")
        assert len(slack.calls_to("conversations.open")) == 1
        dms.forget("T1", "U1")  # Slack refused a post there: asked again next time
        await dms.get("T1", "U1", open_dm)
        assert len(slack.calls_to("conversations.open")) == 2


async def _no_failures(channel: str | None, error: str) -> None:
    raise AssertionError(f"refused: {channel} {error}")
