"""Bursts to one channel are paced; other channels are not held up by them."""

from __future__ import annotations

import asyncio

from adapters.slack.outbound import ChannelPacer


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
