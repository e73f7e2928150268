"""How long a scheduler tick takes over a jobs table of a million pending rows, on SQLite and
PostgreSQL.

The table is filled with 1,000,000 pending jobs due in the future, spread over 1,000
workspaces, by one INSERT ... SELECT (generate_series on PostgreSQL, a recursive CTE on
SQLite), then analysed. Two figures, each timed with `time.perf_counter_ns` around
`Engine.tick()`:

- idle tick: nothing is due, the common case every 30 seconds (goal: at most 10 ms);
- due tick: 1,000 jobs made due (the earliest ones, moved into the past before each round,
  outside the timing) are claimed, prepared by a trivial kind (one message, nothing read),
  handed to a deliverer that does nothing, and finished (goal: at most 1 s).

The baseline is a bare `SELECT 1` round trip on a connection checked out of the same engine,
in the same run; each figure is also given as a ratio to it, so machines can be compared.
SQLite runs on a temporary file; PostgreSQL when TEST_DATABASE_URL is set (for example
postgresql+asyncpg://postgres@127.0.0.1:5432/test), in a fresh database dropped at the end.
Nothing is asserted about time; the script only prints figures.

    python bench/scheduler.py [--jobs 1000000] [--idle 200] [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script, this file's folder is first on sys.path and its name would hide the
# scheduler package: the project's root goes before it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.context import Actor
from bot.routes import root
from bot.scheduled import JobContext, Outgoing
from bot.settings import Settings
from bot.ui import Reply
from scheduler.engine import Engine
from storage.db import Database
from storage.migrate import upgrade
from storage.scratch import scratch_database

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
WORKSPACES = 1000
DUE = 1000
KIND = "bench"
ACTOR = Actor(KIND, "W1", "u1", "Asha", is_dm=True)
MESSAGE = (Outgoing(ACTOR, Reply.text("Follow-up due")),)


class TrivialKind:
    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        return MESSAGE

    async def finish(self, job: JobContext) -> datetime | None:
        return None


class NoOpDeliverer:
    async def deliver(self, outgoing: Outgoing) -> None:
        return None


WORKSPACES_SQL = """
INSERT INTO workspaces (platform, external_id, name, locale, timezone, phone_region, currency,
                        categories, last_complaint_number, created_at, digest_day, digest_time)
SELECT 'bench', 'W' || n, 'Workspace ' || n, 'en', 'UTC', 'IN', 'INR', '[]', 0, :at,
       'mon', '09:00'
FROM {numbers}
"""
# Due from a day after START on, one a second; created at START.
JOBS_SQL = """
INSERT INTO jobs (workspace_id, kind, key, subject_id, due_at, state, attempts, claims,
                  created_at)
SELECT 1 + n % {workspaces}, 'bench', 'bench:' || n, n, {due}, 'pending', 0, 0, :at
FROM {numbers}
"""
PG_NUMBERS = "generate_series(1, {count}) AS g(n)"
PG_DUE = "CAST(:at AS timestamptz) + interval '1 day' + n * interval '1 second'"
SQLITE_NUMBERS = (
    "(WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {count}) "
    "SELECT n FROM g)"
)
# The format SQLAlchemy stores SQLite datetimes in (UTC, microseconds), so comparisons hold.
SQLITE_DUE = "strftime('%Y-%m-%d %H:%M:%S', :at, '+1 day', '+' || n || ' seconds') || '.000000'"
MAKE_DUE = """
UPDATE jobs SET due_at = :past
WHERE id IN (SELECT id FROM jobs WHERE state = 'pending' ORDER BY due_at LIMIT :n)
"""


async def fill(db: Database, jobs: int) -> float:
    """Seconds to insert the workspaces and the jobs, and analyse."""
    pg = db.backend == "postgresql"
    numbers, due = (PG_NUMBERS, PG_DUE) if pg else (SQLITE_NUMBERS, SQLITE_DUE)
    at = START if pg else START.replace(tzinfo=None).isoformat(sep=" ")
    begin = time.perf_counter()
    async with db.engine.begin() as connection:
        await connection.execute(
            text(WORKSPACES_SQL.format(numbers=numbers.format(count=WORKSPACES))), {"at": at}
        )
        sql = JOBS_SQL.format(workspaces=WORKSPACES, due=due, numbers=numbers.format(count=jobs))
        await connection.execute(text(sql), {"at": at})
    async with db.engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    return time.perf_counter() - begin


async def timed(operation: Callable[[], Awaitable[object]], runs: int) -> list[int]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        await operation()
        samples.append(time.perf_counter_ns() - start)
    return samples


async def measure(db: Database, jobs: int, idle_runs: int, rounds: int) -> dict[str, list[int]]:
    clock = ManualClock(START)
    settings = Settings(_env_file=None, database_url=db.url)
    engine = Engine(db, settings, clock, {KIND: NoOpDeliverer()})

    async def select_1() -> None:
        async with db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def idle_tick() -> None:
        ticked = await engine.tick()
        if ticked.claimed:
            raise SystemExit(f"idle tick claimed {ticked.claimed} jobs")

    await timed(select_1, 20)  # warm the pool and the statement caches
    await timed(idle_tick, 20)
    samples = {
        "SELECT 1 (baseline)": await timed(select_1, idle_runs),
        "idle tick (nothing due)": await timed(idle_tick, idle_runs),
    }
    due: list[int] = []
    past = clock.now() - timedelta(seconds=1)
    for round_ in range(rounds + 1):  # the first round warms up
        async with db.engine.begin() as connection:
            await connection.execute(text(MAKE_DUE), {"past": _bind(db, past), "n": DUE})
        start = time.perf_counter_ns()
        ticked = await engine.tick()
        elapsed = time.perf_counter_ns() - start
        if (ticked.claimed, ticked.sent) != (DUE, DUE):
            raise SystemExit(f"due tick did not send {DUE} jobs: {ticked}")
        if round_:
            due.append(elapsed)
    samples[f"due tick ({DUE} jobs)"] = due
    return samples


def _bind(db: Database, when: datetime) -> object:
    return when if db.backend == "postgresql" else when.replace(tzinfo=None).isoformat(sep=" ")


def report(title: str, filled: float, jobs: int, samples: dict[str, list[int]]) -> None:
    base = statistics.median(samples["SELECT 1 (baseline)"])
    print(f"\n{title}")
    print(f"  filled {jobs:,} jobs over {WORKSPACES:,} workspaces in {filled:.1f} s")
    print(f"  {'operation':<26} {'runs':>5} {'median ms':>10} {'p90 ms':>8} {'vs SELECT 1':>12}")
    for name, runs in samples.items():
        median = statistics.median(runs)
        p90 = statistics.quantiles(runs, n=10, method="inclusive")[-1]
        print(
            f"  {name:<26} {len(runs):>5} {median / 1e6:>10.2f} {p90 / 1e6:>8.2f}"
            f" {median / base:>11.1f}x"
        )
    due = statistics.median(samples[f"due tick ({DUE} jobs)"]) / 1e6
    idle = statistics.median(samples["idle tick (nothing due)"]) / 1e6
    print(f"  goals: idle tick {idle:.2f} ms (<= 10 ms), due tick {due:.0f} ms (<= 1000 ms)")


async def run_backend(
    url: str, jobs: int, idle_runs: int, rounds: int
) -> tuple[float, dict[str, list[int]]]:
    db = Database(url)
    try:
        await upgrade(db.engine)
        filled = await fill(db, jobs)
        return filled, await measure(db, jobs, idle_runs, rounds)
    finally:
        await db.dispose()


async def main(jobs: int, idle_runs: int, rounds: int) -> None:
    root().jobs[KIND] = TrivialKind()
    print(f"{idle_runs} idle ticks and {rounds} due ticks timed, after warm-up")
    with tempfile.TemporaryDirectory(prefix="carebot_bench_") as folder:
        path = Path(folder) / "bench.db"
        filled, samples = await run_backend(f"sqlite+aiosqlite:///{path}", jobs, idle_runs, rounds)
    report(f"SQLite (temporary file, WAL): {path}", filled, jobs, samples)

    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        print("\nPostgreSQL skipped: TEST_DATABASE_URL is not set")
        return
    async with scratch_database(server, "carebot_bench") as url:
        filled, samples = await run_backend(url, jobs, idle_runs, rounds)
    report(f"PostgreSQL (fresh database, dropped after): {make_url(url)}", filled, jobs, samples)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1_000_000, help="pending jobs in the table")
    parser.add_argument("--idle", type=int, default=200, help="idle ticks timed")
    parser.add_argument("--rounds", type=int, default=10, help="due ticks timed")
    args = parser.parse_args()
    if args.jobs < DUE * (args.rounds + 1) or args.idle < 2 or args.rounds < 2:
        parser.error(f"--jobs must cover {DUE} per round, --idle and --rounds at least 2")
    asyncio.run(main(args.jobs, args.idle, args.rounds))
