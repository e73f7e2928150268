"""A carebot process for the crash tests: logs complaints and delivers reminders until killed.

    python -m tests.faults.worker DATABASE_URL DELIVERED_LOG RUN FIRST LAST [DIE_AT]

Submits the complaints FIRST..LAST-1 through CareBot, one by one, each with the delivery id
"crash-<i>" (a retry after a restart sends the same id), and prints "ACK crash-<i>" once
submit returned: that is the acknowledgement a platform would get. At the same time it runs
scheduler ticks with a console deliverer that appends each reminder it is handed to
DELIVERED_LOG and fsyncs before returning: the platform accepted it. Run number RUN sets the
scheduler's clock: every run is a lease later than the one before, so the jobs a killed run
had claimed are due again. With FIRST == LAST it only ticks until nothing is due (a drain).
With DIE_AT, the process kills itself (SIGKILL) right after the DIE_AT-th reminder was accepted:
a crash between a delivery and its record, at a known point. Prints "READY" before the first
event and "DONE" at the end; nothing else.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from datetime import UTC, datetime, timedelta

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.scheduled import Outgoing
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # as tests.conftest.START
LEASE = 10  # seconds: the smallest job_lease_seconds allowed
DUE = START + timedelta(days=3)  # the reminders (follow-up "+1d") are due by then
ASHA = Actor("console", "T1", "asha", "Asha", channel_id="C1", platform_role=Role.ADMIN)
VALUES = {
    "customer_name": "Ravi Kumar",
    "customer_phone": "98765 43210",
    "category": "delivery",
    "solution": "Refund the shipping fee",
    "solution_mode": "promised",
    "follow_up_at": "+1d",
}
NUMBER = re.compile(r"#(\d+)")


def description(delivery_id: str) -> str:
    """What happened, as logged by the worker: names the delivery, so the test finds it."""
    return f"Parcel lost ({delivery_id})"


def scheduler_time(run: int) -> datetime:
    """Run `run`'s scheduler clock: past the lease of every job claimed by an earlier run."""
    return DUE + run * timedelta(seconds=LEASE + 1)


class FileDeliverer:
    """The "platform": a reminder is accepted once its line is on disk."""

    def __init__(self, path: str, die_at: int = 0) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.die_at = die_at
        self.count = 0

    async def deliver(self, outgoing: Outgoing) -> None:
        text = outgoing.reply.posts[0].message.text
        found = NUMBER.search(text)
        kind = text.split(":", 1)[0]
        os.write(self.fd, f"{kind}|{found[1] if found else '-'}\n".encode())
        os.fsync(self.fd)
        self.count += 1
        if self.count == self.die_at:
            os.kill(os.getpid(), signal.SIGKILL)
        await asyncio.sleep(0.02)  # the platform's round trip: a kill may land here


async def submit_all(bot: CareBot, first: int, last: int, done: asyncio.Event) -> None:
    try:
        for i in range(first, last):
            delivery_id = f"crash-{i}"
            values = {**VALUES, "description": description(delivery_id)}
            reply = await bot.submit(ASHA, "complaint.create", values, {}, delivery_id)
            assert reply.errors is None, reply.errors
            print(f"ACK {delivery_id}", flush=True)
    finally:
        done.set()


async def tick_until_drained(engine: Engine, now: datetime, submitted: asyncio.Event) -> None:
    while True:
        finished = submitted.is_set()  # read before the tick: work logged meanwhile is seen
        report = await engine.tick(now=now)
        if finished and report.claimed == 0:
            return
        await asyncio.sleep(0.01)


async def main(url: str, log_path: str, run: int, first: int, last: int, die_at: int) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=url, default_phone_region="IN", job_lease_seconds=LEASE
    )
    db = Database(url)
    deliverer = FileDeliverer(log_path, die_at)
    bot = CareBot(db, settings, ManualClock(START))
    engine = Engine(db, settings, ManualClock(scheduler_time(run)), {"console": deliverer})
    submitted = asyncio.Event()
    print("READY", flush=True)
    try:
        await asyncio.gather(
            submit_all(bot, first, last, submitted),
            tick_until_drained(engine, scheduler_time(run), submitted),
        )
    finally:
        await db.dispose()
    print("DONE", flush=True)


if __name__ == "__main__":
    url, log_path, run, first, last = sys.argv[1:6]
    die_at = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    asyncio.run(main(url, log_path, int(run), int(first), int(last), die_at))
