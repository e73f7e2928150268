"""Fan-out: 1,000 follow-up reminders to 100 Slack DMs in one scheduler tick, with 429s.

100 agents each have 10 complaints whose follow-ups are due. One `Engine.tick()` claims the
1,000 reminder jobs and delivers them through the Slack deliverer to a local fake of Slack's
Web API running in a process of its own (Slack is remote: its work is not ours), which answers
every 20th chat.postMessage with HTTP 429 and Retry-After: 1. The complaints were logged in a
shuffled order (a fixed seed), as reminders of many agents come due mixed together. Slack
allows one message a second per channel, so 10 messages in a DM need 10 one-second slots: the
baseline is that minimum, 10 s, plus the median round trip of one post measured in the same
run. Figures: the time until every reminder was accepted and its ratio to the baseline (goal:
at most 1.1), messages received, duplicates (one reminder twice in a DM) and lost (a reminder
never received, or a job not done after the retries): both goals 0. A job deferred by a 429
that outlasted slack_sdk's retries is run again by a second tick at its retry time, as the
scheduler would; that time is counted.

    python bench/fanout.py [--agents 100] [--per-agent 10] [--every 20]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test fakes

from sqlalchemy import func, select, update

from adapters.slack.deliver import SlackDeliverer
from adapters.slack.outbound import web_client
from adapters.slack.settings import SlackSettings
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Job
from tests.factories import VALID
from tests.slack.harness import TOKEN
from tests.slack_fake import FakeSlack

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PORT = 38112


def user(n: int) -> str:
    return f"U{n:04d}"


def serve_fake(port: int, agents: int, every: int, conn: Connection) -> None:
    async def main() -> None:
        slack = FakeSlack(lenient=True, rate_limit_every=every, tokens={TOKEN})
        for n in range(agents):
            slack.add_user(user(n))
        await slack.start(port)
        conn.send("ready")
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        accepted = [
            (str(c.args.get("channel")), str(c.args.get("text")), c.at)
            for c in slack.calls_to("chat.postMessage")
            if c.status == 200 and c.response.get("ok")
        ]
        conn.send({"accepted": accepted, "rate_limited": len(slack.rate_limits_served)})

    asyncio.run(main())


async def round_trip(api_url: str) -> float:
    """The median time of one chat.postMessage to the fake: the cost of the last message."""
    client = web_client(api_url, TOKEN)
    times = []
    for _ in range(20):
        start = time.perf_counter()
        await client.chat_postMessage(channel=user(0), text="warm-up")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def measure(
    agents: int, per_agent: int, api_url: str, database_url: str | None
) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="carebot_fanout_"))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}",
    )
    slack = SlackSettings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret="s",
        slack_api_url=api_url,
        slack_channel_interval=1.0,
    )
    db = Database(settings.database_url)
    await upgrade(db.engine)
    clock = ManualClock(START)
    bot = CareBot(db, settings, clock)
    order = [n for n in range(agents) for _ in range(per_agent)]
    random.Random(7).shuffle(order)
    for n in order:
        actor = Actor("slack", "T1", user(n), f"agent{n}", channel_id="C1")
        reply = await bot.submit(actor, "complaint.create", {**VALID, "follow_up_at": "+1h"})
        assert reply.errors is None, reply.errors
    async with db.transaction() as session:  # the complaints' cards are not what is measured
        await session.execute(update(Job).where(Job.kind == "card").values(state="cancelled"))
    clock.advance(timedelta(hours=2))
    engine = Engine(db, settings, clock, {"slack": SlackDeliverer(bot, slack, db)})
    base = await round_trip(api_url)

    start = time.perf_counter()
    report = await engine.tick(limit=agents * per_agent)
    elapsed = time.perf_counter() - start
    if report.retried:  # deferred jobs: the next tick at their retry time, its time counted
        clock.advance(timedelta(hours=1))
        again = time.perf_counter()
        report = await engine.tick(limit=agents * per_agent)
        elapsed += time.perf_counter() - again
    async with db.session() as session:
        states = dict(
            (await session.execute(select(Job.state, func.count()).group_by(Job.state))).all()
        )
    await db.dispose()
    return {"elapsed": elapsed, "report": report, "states": states, "round_trip": base}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--per-agent", type=int, default=10)
    parser.add_argument("--every", type=int, default=20, help="every Nth post answers 429")
    parser.add_argument(
        "--database-url", help="an empty database to use (default: a temporary SQLite file)"
    )
    args = parser.parse_args()

    parent, child = multiprocessing.Pipe()
    fake = multiprocessing.Process(
        target=serve_fake, args=(PORT, args.agents, args.every, child), daemon=True
    )
    fake.start()
    assert parent.recv() == "ready"
    api_url = f"http://127.0.0.1:{PORT}/api/"
    try:
        result = asyncio.run(measure(args.agents, args.per_agent, api_url, args.database_url))
        parent.send("stats")
        stats = parent.recv()
    finally:
        fake.kill()

    reminders = [
        (channel, text)
        for channel, text, _ in stats["accepted"]
        if text.startswith("Follow-up due")
    ]
    times: dict[str, list[float]] = {}
    for channel, text, at in stats["accepted"]:
        if text.startswith("Follow-up due"):
            times.setdefault(channel, []).append(at)
    first = min(min(v) for v in times.values())
    starts = sorted(min(v) - first for v in times.values())
    spans = sorted(max(v) - min(v) for v in times.values())
    print(f"  first post per DM: median {statistics.median(starts):.2f} s, last {starts[-1]:.2f} s")
    print(
        f"  first to last in a DM: median {statistics.median(spans):.2f} s, max {spans[-1]:.2f} s"
    )
    counts = Counter(reminders)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    total = args.agents * args.per_agent
    lost = max(total - len(counts), total - result["states"].get("done", 0))
    minimum = args.per_agent * 1.0 + result["round_trip"]
    print(f"{total} reminders to {args.agents} DMs, every {args.every}th post answered 429")
    ratio = result["elapsed"] / minimum
    print(f"  baseline (pacing minimum)   {minimum:8.2f} s   ({args.per_agent} slots + one post)")
    print(f"  all accepted after          {result['elapsed']:8.2f} s   {ratio:.2f}x")
    print(f"  429s served                 {stats['rate_limited']:8d}")
    print(f"  reminders received          {len(reminders):8d}")
    print(f"  duplicates                  {duplicates:8d}")
    print(f"  lost                        {lost:8d}")
    print(f"  tick report                 {result['report']}")
    print("goal: at most 1.1x the minimum, 0 duplicates, 0 lost")


if __name__ == "__main__":
    main()
