"""Response and resolution targets at scale, on SQLite and PostgreSQL: 100,000 open complaints
carrying deadlines (a clock each and their pending warning and breach jobs) over 1,000
workspaces with different calendars (countries, subdivisions, zones, working days and hours).

Workspace 1 has 10,000 of the complaints, the others 90 each. The clocks and jobs are written
by `recompute_workspace` itself, once per workspace (the fill). Two figures, each timed with
`time.perf_counter_ns`:

- idle tick: `Engine.tick()` with nothing due, among the sla jobs (goal: at most 10 ms);
- recompute: workspace 1's calendar changes (Saturday becomes a working day, then not again,
  in turns) and `recompute_workspace` moves every deadline and job of its 10,000 complaints,
  in one transaction, commit included (goal: at most 1 s).

The baseline is a bare `SELECT 1` round trip on a connection checked out of the same engine,
in the same run; each figure is also given as a ratio to it. SQLite runs on a temporary file;
PostgreSQL when TEST_DATABASE_URL is set, in a fresh database dropped at the end. Nothing is
asserted about time; the script only prints figures.

    python bench/sla.py [--complaints 100000] [--idle 200] [--rounds 6]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script, this file's folder is first on sys.path and its name would hide packages.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.settings import Settings
from bot.sla.recompute import recompute_workspace
from scheduler.engine import Engine
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Complaint, Job, Member, Workspace
from storage.scratch import scratch_database
from storage.sla import BusinessHours

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
WORKSPACES = 1000
LARGE = 10_000  # workspace 1's complaints
PRIORITIES = ("low", "normal", "high", "urgent")
CATEGORIES = ("delivery", "billing", "quality", "staff", "other")
# (zone, country, subdivision): holidays of different countries and states.
PLACES = (
    ("Asia/Kolkata", "IN", "MH"),
    ("Asia/Kolkata", "IN", "KA"),
    ("Asia/Kolkata", "IN", None),
    ("Asia/Manila", "PH", None),
    ("Asia/Dhaka", "BD", None),
    ("America/New_York", "US", "NY"),
    ("Europe/London", "GB", None),
    ("UTC", None, None),
)
HOURS = (("09:00", "18:00"), ("09:30", "18:30"), ("08:00", "16:00"), ("10:00", "19:00"))
DAYS = ("0,1,2,3,4", "0,1,2,3,4,5", "0,1,2,3,5")
WEEKDAYS, WITH_SATURDAY = "0,1,2,3,4", "0,1,2,3,4,5"


async def fill(db: Database, complaints: int) -> float:
    """Seconds to insert the workspaces, calendars and complaints and compute every deadline."""
    begin = time.perf_counter()
    async with db.engine.begin() as connection:
        ids = list(
            (
                await connection.execute(
                    insert(Workspace).returning(Workspace.id),
                    [
                        {
                            "platform": "bench",
                            "external_id": f"W{k}",
                            "locale": "en",
                            "timezone": PLACES[k % len(PLACES)][0],
                            "phone_region": "IN",
                            "currency": "INR",
                            "categories": list(CATEGORIES),
                            "created_at": START,
                        }
                        for k in range(WORKSPACES)
                    ],
                )
            ).scalars()
        )
        await connection.execute(
            insert(BusinessHours),
            [
                {
                    "workspace_id": w,
                    "days": WEEKDAYS if k == 0 else DAYS[k % len(DAYS)],
                    "opens": HOURS[k % len(HOURS)][0],
                    "closes": HOURS[k % len(HOURS)][1],
                    "country": PLACES[k % len(PLACES)][1],
                    "subdivision": PLACES[k % len(PLACES)][2],
                    "closed": [],
                    "warn_percent": 75,
                    "updated_at": START,
                }
                for k, w in enumerate(ids)
            ],
        )
        members: dict[int, int] = {
            workspace: member
            for workspace, member in await connection.execute(
                insert(Member).returning(Member.workspace_id, Member.id),
                [
                    {"workspace_id": w, "external_id": "a", "display_name": "A"}
                    | {"role": "admin", "created_at": START}
                    for w in ids
                ],
            )
        }
        rows: list[dict[str, object]] = []
        per_other = (complaints - LARGE) // (WORKSPACES - 1)
        for k, w in enumerate(ids):
            for n in range(1, (LARGE if k == 0 else per_other) + 1):
                # Received over the week before START, every few minutes.
                received = START - timedelta(minutes=(n * 7) % (7 * 24 * 60))
                rows.append(
                    {
                        "workspace_id": w,
                        "number": n,
                        "status": "waiting" if n % 10 == 0 else "open",
                        "priority": PRIORITIES[n % 4],
                        "customer_name": "Customer",
                        "received_by_id": members[w],
                        "received_at": received,
                        "category": CATEGORIES[n % len(CATEGORIES)],
                        "description": "Bench complaint",
                        "checklist": {},
                        "created_at": received,
                        "updated_at": received,
                    }
                )
        await connection.execute(insert(Complaint), rows)
    for w in ids:
        async with db.transaction() as session:
            workspace = await session.get(Workspace, w)
            assert workspace is not None
            await recompute_workspace(session, workspace, START)
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


async def measure(
    db: Database, idle_runs: int, rounds: int, profile: bool
) -> tuple[dict[str, list[int]], int]:
    # The tick's clock: just before the earliest pending job, so nothing is due.
    async with db.session() as session:
        first = await session.scalar(select(func.min(Job.due_at)).where(Job.state == "pending"))
        pending = int(
            await session.scalar(
                select(func.count()).select_from(Job).where(Job.state == "pending")
            )
            or 0
        )
    assert first is not None
    clock = ManualClock(first - timedelta(seconds=1))
    engine = Engine(db, Settings(_env_file=None, database_url=db.url), clock, {})

    async def select_1() -> None:
        async with db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def idle_tick() -> None:
        ticked = await engine.tick()
        if ticked.claimed:
            raise SystemExit(f"idle tick claimed {ticked.claimed} jobs")

    turn = iter(range(1_000_000))

    async def recompute() -> None:
        days = WITH_SATURDAY if next(turn) % 2 == 0 else WEEKDAYS
        async with db.transaction() as session:
            await session.execute(
                update(BusinessHours).where(BusinessHours.workspace_id == 1).values(days=days)
            )
            workspace = await session.get(Workspace, 1)
            assert workspace is not None
            count = await recompute_workspace(session, workspace, START)
        if count != LARGE:
            raise SystemExit(f"recompute saw {count} complaints, not {LARGE}")

    await timed(select_1, 20)  # warm the pool and the statement caches
    await timed(idle_tick, 20)
    await timed(recompute, 2)
    samples = {
        "SELECT 1 (baseline)": await timed(select_1, idle_runs),
        "idle tick (nothing due)": await timed(idle_tick, idle_runs),
        f"recompute ({LARGE:,} complaints)": await timed(recompute, rounds),
    }
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        await recompute()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return samples, pending


def report(title: str, filled: float, pending: int, samples: dict[str, list[int]]) -> None:
    base = statistics.median(samples["SELECT 1 (baseline)"])
    print(f"\n{title}")
    print(f"  filled and computed in {filled:.1f} s; {pending:,} pending sla jobs")
    print(f"  {'operation':<30} {'runs':>5} {'median ms':>10} {'p90 ms':>8} {'vs SELECT 1':>12}")
    for name, runs in samples.items():
        median = statistics.median(runs)
        p90 = statistics.quantiles(runs, n=10, method="inclusive")[-1]
        print(
            f"  {name:<30} {len(runs):>5} {median / 1e6:>10.2f} {p90 / 1e6:>8.2f}"
            f" {median / base:>11.1f}x"
        )
    idle = statistics.median(samples["idle tick (nothing due)"]) / 1e6
    again = statistics.median(samples[f"recompute ({LARGE:,} complaints)"]) / 1e6
    print(f"  goals: idle tick {idle:.2f} ms (<= 10 ms), recompute {again:.0f} ms (<= 1000 ms)")


async def run_backend(
    url: str, complaints: int, idle_runs: int, rounds: int, profile: bool
) -> tuple[float, int, dict[str, list[int]]]:
    db = Database(url)
    try:
        await upgrade(db.engine)
        filled = await fill(db, complaints)
        samples, pending = await measure(db, idle_runs, rounds, profile)
        return filled, pending, samples
    finally:
        await db.dispose()


async def main(complaints: int, idle_runs: int, rounds: int, profile: bool) -> None:
    print(f"{complaints:,} open complaints over {WORKSPACES:,} workspaces")
    print(f"{idle_runs} idle ticks and {rounds} recomputes timed, after warm-up")
    with tempfile.TemporaryDirectory(prefix="carebot_bench_") as folder:
        path = Path(folder) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        filled, pending, samples = await run_backend(url, complaints, idle_runs, rounds, profile)
    report(f"SQLite (temporary file, WAL): {path}", filled, pending, samples)

    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        print("\nPostgreSQL skipped: TEST_DATABASE_URL is not set")
        return
    async with scratch_database(server, "carebot_bench") as url:
        filled, pending, samples = await run_backend(url, complaints, idle_runs, rounds, profile)
    title = f"PostgreSQL (fresh database, dropped after): {make_url(url)}"
    report(title, filled, pending, samples)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000, help="open complaints")
    parser.add_argument("--idle", type=int, default=200, help="idle ticks timed")
    parser.add_argument("--rounds", type=int, default=6, help="recomputes timed")
    parser.add_argument("--profile", action="store_true", help="profile one more recompute")
    args = parser.parse_args()
    if args.complaints < LARGE + WORKSPACES or args.idle < 2 or args.rounds < 2:
        parser.error(f"--complaints at least {LARGE + WORKSPACES}, --idle and --rounds 2 or more")
    asyncio.run(main(args.complaints, args.idle, args.rounds, args.profile))
