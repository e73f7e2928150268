"""How long the core takes to create, update and list complaints, on SQLite and PostgreSQL.

Each operation goes through the core's one door (`CareBot.submit` / `CareBot.command`), so a
figure includes finding the workspace and member, validating the form, the writes, the audit
event, the commit and building the reply:

- create: a filled complaint form (`complaint.create`);
- update: a step added to complaint #1 (`complaint.step`);
- list:   `/complaint list open` (a full page of 50 rows, the core's limit, once warmed up).

The baseline is a raw single-row INSERT of a complaint-like row, committed in its own
transaction through SQLAlchemy Core, on the same engine and in the same run; each operation is
reported as a ratio to it, so figures from different machines can be compared. The four are
interleaved (one of each per round) after a warm-up, and timed with `time.perf_counter_ns`; the
bot's manual clock moves a second between rounds, outside the timing.

SQLite runs on a temporary file. PostgreSQL runs when TEST_DATABASE_URL is set (for example
postgresql+asyncpg://postgres@127.0.0.1:5432/test): a fresh database is created there and
dropped at the end. Nothing is asserted about time; the script only prints figures.

    python bench/complaints.py [--n 300] [--warmup 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, insert
from sqlalchemy.engine import make_url

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from bot.ui import Reply
from storage.db import Database
from storage.migrate import upgrade
from storage.scratch import scratch_database

ACTOR = Actor("console", "bench", "asha", "Asha")
COMPLAINT = {
    "customer_name": "Ravi Kumar",
    "customer_phone": "+91 98765 43210",
    "category": "delivery",
    "description": "Parcel late",
    "solution": "Refund shipping",
    "solution_mode": "promised",
    "follow_up_at": "+2d",
    "compensation_amount": "150",
    "steps": "Called courier",
}

# The baseline's throwaway table: kept out of the models' metadata.
RAW = Table(
    "bench_raw_complaints",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("customer_name", String(200)),
    Column("customer_phone", String(40)),
    Column("category", String(40)),
    Column("description", Text),
    Column("solution", Text),
    Column("created_at", DateTime(timezone=True)),
)

NUMBER_1 = {"number": "1"}  # every update adds a step to complaint #1
BASELINE = "raw insert (baseline)"
ONE_SECOND = timedelta(seconds=1)
Operation = Callable[[], Awaitable[Reply | None]]


def expect(reply: Reply | None, operation: str, needle: str) -> None:
    """Fails loudly when the core refused or failed: a fast error is not a fast operation."""
    if reply is None:
        return
    said = " ".join(post.message.text for post in reply.posts)
    if reply.errors is not None or needle not in said:
        raise SystemExit(f"{operation} did not succeed: errors={reply.errors!r}, said={said!r}")


async def measure(db: Database, n: int, warmup: int) -> dict[str, list[int]]:
    """Nanoseconds per run of each operation, warm-up rounds left out."""
    clock = ManualClock()
    settings = Settings(_env_file=None, database_url=db.url)
    carebot = CareBot(db, settings, clock)
    async with db.engine.begin() as connection:
        await connection.run_sync(RAW.create)
    row = {
        "customer_name": "Ravi Kumar",
        "customer_phone": "+919876543210",
        "category": "delivery",
        "description": "Parcel late",
        "solution": "Refund shipping",
        "created_at": clock.now(),
    }

    async def raw_insert() -> None:
        async with db.engine.begin() as connection:
            await connection.execute(insert(RAW), row)

    async def create() -> Reply:
        return await carebot.submit(ACTOR, "complaint.create", COMPLAINT, {})

    async def update() -> Reply:
        return await carebot.submit(ACTOR, "complaint.step", {"text": "Called again"}, NUMBER_1)

    async def list_open() -> Reply:
        return await carebot.command(ACTOR, "complaint", "list open")

    operations: list[tuple[str, Operation, str]] = [
        (BASELINE, raw_insert, ""),
        ("create", create, "is logged"),
        ("update (add step)", update, "Step added"),
        ("list open", list_open, "Open complaints"),
    ]
    first = await create()  # complaint #1, before any timing
    expect(first, "create", "Complaint #1 is logged")

    samples: dict[str, list[int]] = {name: [] for name, _, _ in operations}
    for round_ in range(warmup + n):
        clock.advance(ONE_SECOND)  # so an update really changes `updated_at`, as it would live
        for name, operation, needle in operations:
            start = time.perf_counter_ns()
            reply = await operation()
            elapsed = time.perf_counter_ns() - start
            expect(reply, name, needle)
            if round_ >= warmup:
                samples[name].append(elapsed)
    return samples


def report(title: str, samples: dict[str, list[int]]) -> float:
    """Prints the table; returns create's median in milliseconds."""
    base = statistics.median(samples[BASELINE])
    print(f"\n{title}")
    print(f"  {'operation':<22} {'median ms':>10} {'p90 ms':>8} {'vs raw insert':>14}")
    for name, runs in samples.items():
        median = statistics.median(runs)
        p90 = statistics.quantiles(runs, n=10, method="inclusive")[-1]
        print(f"  {name:<22} {median / 1e6:>10.2f} {p90 / 1e6:>8.2f} {median / base:>13.1f}x")
    return statistics.median(samples["create"]) / 1e6


async def run_backend(url: str, n: int, warmup: int) -> dict[str, list[int]]:
    db = Database(url)
    try:
        await upgrade(db.engine)
        return await measure(db, n, warmup)
    finally:
        await db.dispose()


async def main(n: int, warmup: int) -> None:
    print(f"{n} timed runs of each operation after {warmup} warm-up rounds, interleaved")
    with tempfile.TemporaryDirectory(prefix="carebot_bench_") as folder:
        path = Path(folder) / "bench.db"
        samples = await run_backend(f"sqlite+aiosqlite:///{path}", n, warmup)
    create_ms = report(f"SQLite (temporary file, WAL): {path}", samples)
    print(f"\ncreate on SQLite: {create_ms:.2f} ms median (target: well under 5 ms)")

    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        print("\nPostgreSQL skipped: TEST_DATABASE_URL is not set")
        return
    async with scratch_database(server, "carebot_bench") as url:
        samples = await run_backend(url, n, warmup)
    report(f"PostgreSQL (fresh database, dropped after): {make_url(url)}", samples)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="timed runs of each operation")
    parser.add_argument("--warmup", type=int, default=50, help="untimed rounds first")
    args = parser.parse_args()
    if args.n < 2 or args.warmup < 0:
        parser.error("--n must be at least 2 and --warmup at least 0")
    asyncio.run(main(args.n, args.warmup))
