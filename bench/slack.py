"""Slack adapter overhead, against a bare Bolt app measured in the same run.

(a) ack latency: 50 concurrent signed `/complaint` requests per round, p50/p99 of the time
    until Slack would have its answer; (b) throughput: signed `view_submission`s of a filled
    complaint form per second, 10 in flight. Both for carebot's app (SQLite file, a local
    fake of Slack's Web API receiving the modals and cards) and for a bare AsyncApp whose
    listeners only ack. Goal: p99 within 1.25x the bare app's, throughput at least half.
    Between phases the script waits until the app's work after its acks has ended (the
    "work after acks" column: how long the last ack's work ran on), so no phase is measured
    while another's backlog still runs.

    python bench/slack.py [--rounds 20] [--submissions 300]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test fakes

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from slack_bolt.async_app import AsyncApp

from adapters.slack import blocks
from adapters.slack.outbound import web_client
from bot.app import CareBot
from bot.clock import SystemClock
from bot.context import Actor
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from tests.slack.flows import ANSWERS
from tests.slack.harness import SECRET, TOKEN, SlackClientSide, listener_tasks, slack_app
from tests.slack_fake import FakeSlack

CONCURRENCY = 50
FAKE_PORT = 38111
IN_FLIGHT = 10


class RemoteSlack:
    """The fake Web API in a process of its own, as Slack is remote: its work is not ours."""

    def __init__(self, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}/api/"
        self._ids = itertools.count(1)

    def new_trigger(self) -> str:
        return f"bench.{next(self._ids)}"

    def response_url(self) -> str:
        return self.base_url.replace("/api/", f"/response/bench{next(self._ids)}")


def serve_fake(port: int) -> None:
    async def forever() -> None:
        slack = FakeSlack(lenient=True)
        slack.add_user("U1", name="asha")
        await slack.start(port)
        await asyncio.Event().wait()

    asyncio.run(forever())


def bare_app(slack: RemoteSlack) -> AsyncApp:
    app = AsyncApp(signing_secret=SECRET, client=web_client(slack.base_url, TOKEN))

    async def only_ack(ack: Callable[[], Awaitable[None]]) -> None:
        await ack()

    app.command("/complaint")(only_ack)
    app.view("complaint.create")(only_ack)
    return app


@asynccontextmanager
async def bare_side(slack: RemoteSlack) -> AsyncIterator[SlackClientSide]:
    server = TestServer(bare_app(slack).server(port=0).web_app, host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as session:
            yield SlackClientSide(str(server.make_url("")).rstrip("/"), session, slack)
    finally:
        await server.close()


async def timed(call: Awaitable[Any]) -> float:
    start = time.perf_counter()
    response = await call
    status = response[0].status if isinstance(response, tuple) else response.status
    if status != 200:
        raise SystemExit(f"request refused with HTTP {status}")
    return time.perf_counter() - start


async def ack_latencies(side: SlackClientSide, rounds: int) -> list[float]:
    latencies: list[float] = []
    for _ in range(rounds):
        latencies += await asyncio.gather(*(timed(side.command()) for _ in range(CONCURRENCY)))
    return latencies


async def drained(limit: float = 120.0) -> float:
    """Waits until the work an app does after its acks (opening forms, posting cards) has
    ended, so that a phase neither inherits the previous one's backlog nor leaves its own to
    the next app measured; returns how long that took. Bolt runs each listener as a task of
    this event loop (carebot's work in lazy functions): done when none is left."""
    start = time.perf_counter()
    while listener_tasks():
        if time.perf_counter() - start > limit:
            raise SystemExit(f"the app's work after its acks did not end within {limit:.0f} s")
        await asyncio.sleep(0.01)
    return time.perf_counter() - start


async def submissions_per_second(side: SlackClientSide, view: dict[str, Any], total: int) -> float:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(n)

    async def worker() -> None:
        while not queue.empty():
            n = queue.get_nowait()
            await timed(side.submit(view, ANSWERS, view_id=f"VB{n}"))

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return total / (time.perf_counter() - start)


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


async def complaint_view(db: Database, settings: Settings) -> dict[str, Any]:
    """The modal `/complaint` opens, as the app renders it, to submit again and again."""
    reply = await CareBot(db, settings).command(Actor("slack", "T1", "U1", "asha"), "complaint")
    assert reply.form is not None
    return blocks.modal(reply.form, "C1")


async def measure(rounds: int, total: int) -> None:
    folder = tempfile.mkdtemp(prefix="carebot_bench_")
    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    db = Database(url)
    await upgrade(db.engine)
    settings = Settings(_env_file=None, database_url=url)
    view = await complaint_view(db, settings)
    fake = multiprocessing.Process(target=serve_fake, args=(FAKE_PORT,), daemon=True)
    fake.start()
    await asyncio.sleep(1.0)  # the fake's process starting up; not part of any figure
    slack: Any = RemoteSlack(FAKE_PORT)
    results: dict[str, tuple[list[float], float]] = {}
    backlog: dict[str, float] = {}
    try:
        async with slack_app(db, settings, SystemClock(), slack) as ours:
            await ack_latencies(ours, 2)  # warm-up
            await drained()
            latencies = await ack_latencies(ours, rounds)
            backlog["carebot"] = await drained()
            rate = await submissions_per_second(ours, view, total)
            await drained()
            results["carebot"] = (latencies, rate)
        async with bare_side(slack) as bare:
            await ack_latencies(bare, 2)
            await drained()
            latencies = await ack_latencies(bare, rounds)
            backlog["bare Bolt app"] = await drained()
            results["bare Bolt app"] = (latencies, await submissions_per_second(bare, view, total))
    finally:
        fake.terminate()
        await db.dispose()

    print(
        f"{rounds} rounds of {CONCURRENCY} concurrent /complaint; {total} submissions, "
        f"{IN_FLIGHT} in flight; Slack's stand-in in its own process"
    )
    print(
        f"  {'app':15} {'ack p50 ms':>11} {'ack p99 ms':>11} {'work after acks s':>18}"
        f" {'submissions/s':>14}"
    )
    for name, (latencies, rate) in results.items():
        print(
            f"  {name:15} {p(latencies, 50):11.2f} {p(latencies, 99):11.2f}"
            f" {backlog[name]:18.2f} {rate:14.1f}"
        )
    ours_p99, bare_p99 = p(results["carebot"][0], 99), p(results["bare Bolt app"][0], 99)
    ratio = results["carebot"][1] / results["bare Bolt app"][1]
    print(f"ack p99: {ours_p99 / bare_p99:.2f}x the bare app (goal: at most 1.25x)")
    print(f"throughput: {ratio:.2f}x the bare app (goal: at least 0.5x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--submissions", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(measure(args.rounds, args.submissions))


if __name__ == "__main__":
    main()
