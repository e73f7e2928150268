"""How long one workspace's weekly digest takes to compute, with 10,000 and with 1,000,000
complaints in the database, on SQLite and PostgreSQL.

The measured workspace is the same in both: 1,000 complaints over a year (one every 524
minutes), four in five resolved after 1 to 96 hours, a third with compensation, a tenth
escalated, a follow-up for each (a quarter never done), a retention check for every fourth,
eight goals (one per metric) and a figure recorded daily. One database holds 10 such
workspaces (10,000 complaints), another 1,000 (1,000,000): the digest's queries are scoped
by workspace and week, so the second figure should stay within 1.5 × the first.

- digest: `bot.digest.content.compute` in its own transaction — every aggregate query of the
  digest and each goal's current and previous value (what the job does before rendering);
- chart: drawing the top-issues PNG (the "hbars" kind, `bot.bar_chart.hbars`), timed
  apart: it needs no database and its cost does not depend on the data's size;
- baseline: one indexed COUNT of the workspace's complaints received in the week, in its own
  transaction through SQLAlchemy Core, on the same engine and in the same run; the digest is
  reported as a ratio to it, so figures from different machines can be compared.

The data is generated in the database (INSERT ... SELECT from generate_series on PostgreSQL,
from a recursive CTE on SQLite), then analysed and its writes flushed, as a live database's
would be (see `settle`). After a warm-up, each round runs the baseline and the digest on
both databases in turn, so a busy moment of the machine hits both sizes alike; time is
`time.perf_counter_ns`. SQLite runs on temporary files; PostgreSQL when TEST_DATABASE_URL is
set (fresh databases, dropped after). Nothing is asserted; the script prints figures.

    python bench/digest.py [--n 50] [--warmup 5] [--per-workspace 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from bot.bar_chart import hbars
from bot.categories import DEFAULT_CATEGORIES
from bot.digest.content import compute
from bot.goals.metrics import METRICS
from bot.goals.periods import week_before
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Complaint, Goal, Member, MetricValue, Workspace
from storage.scratch import autocommit, scratch_database

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday: the digest of Oct 26 – Nov 1
SMALL, LARGE = 10, 1000  # workspaces
SIZES = (SMALL, LARGE)
BATCH = 25  # workspaces per INSERT ... SELECT
CATEGORIES = list(DEFAULT_CATEGORIES)
BASELINE = "baseline"
Operation = Callable[[], Awaitable[None]]


class Sql:
    """The two dialects' spellings of a number sequence and of adding time to a timestamp."""

    def __init__(self, backend: str) -> None:
        self.pg = backend == "postgresql"

    def numbers(self, count: int) -> tuple[str, str]:
        """(a WITH clause or "", a FROM item) naming integers 1..count as `n`."""
        if self.pg:
            return "", f"generate_series(1, {count}) AS seq(n)"
        return (
            "WITH RECURSIVE seq(n) AS "
            f"(SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count})",
            "seq",
        )

    def plus(self, moment: str, amount: str, unit: str) -> str:
        """moment + amount units; SQLite keeps SQLAlchemy's text format with microseconds."""
        if self.pg:
            return f"({moment} + ({amount}) * interval '1 {unit}')"
        return f"strftime('%Y-%m-%d %H:%M:%f000', {moment}, ({amount}) || ' {unit}s')"

    def now(self) -> str:
        return "TIMESTAMPTZ '2026-11-02 09:00:00+00'" if self.pg else "'2026-11-02 09:00:00'"


async def load(db: Database, first: int, last: int, per_workspace: int) -> None:
    """Workspaces first..last, each with one admin and `per_workspace` complaints."""
    sql = Sql(db.backend)
    async with db.engine.begin() as connection:
        ids = (
            (
                await connection.execute(
                    insert(Workspace).returning(Workspace.id),
                    [
                        {
                            "platform": "bench",
                            "external_id": f"W{k}",
                            "name": "",
                            "locale": "en",
                            "timezone": "UTC",
                            "phone_region": "IN",
                            "currency": "INR",
                            "categories": CATEGORIES,
                            "last_complaint_number": per_workspace,
                            "created_at": NOW,
                        }
                        for k in range(first, last + 1)
                    ],
                )
            )
            .scalars()
            .all()
        )
        await connection.execute(
            insert(Member),
            [
                {
                    "workspace_id": w,
                    "external_id": "a",
                    "display_name": "A",
                    "role": "admin",
                    "created_at": NOW,
                }
                for w in ids
            ],
        )
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        async with db.engine.begin() as connection:
            for statement in complaint_statements(sql, chunk[0], chunk[-1], per_workspace):
                await connection.execute(text(statement))


def complaint_statements(sql: Sql, low: int, high: int, count: int) -> list[str]:
    with_, numbers = sql.numbers(count)
    received = sql.plus(sql.now(), "-524 * n", "minute")
    categories = (
        "CASE n % 6 " + " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(CATEGORIES)) + " END"
    )
    resolved = f"CASE WHEN n % 5 <> 0 THEN {sql.plus(received, '(n * 7) % 96 + 1', 'hour')} END"
    scope = f"workspace_id BETWEEN {low} AND {high}"
    done = sql.plus("received_at", "1 + number % 2 * 2", "day")  # a day early or late
    return [
        f"""{with_} INSERT INTO complaints (workspace_id, number, status, customer_name,
            received_by_id, received_at, resolved_at, category, description, follow_up_at,
            compensation_minor, compensation_currency, checklist, created_at, updated_at,
            escalated_at)
        SELECT m.workspace_id, n, CASE WHEN n % 5 <> 0 THEN 'resolved' ELSE 'open' END,
            'Customer ' || n, m.id, {received}, {resolved}, {categories}, 'Bench complaint',
            CASE WHEN n % 5 = 0 THEN {sql.plus(received, "2", "day")} END,
            CASE WHEN n % 3 = 0 THEN (n * 37) % 50000 END,
            CASE WHEN n % 3 = 0 THEN 'INR' END, '{{}}', {received}, {received},
            CASE WHEN n % 10 = 0 THEN {sql.plus(received, "1", "day")} END
        FROM members AS m CROSS JOIN {numbers}
        WHERE m.workspace_id BETWEEN {low} AND {high}""",
        f"""INSERT INTO follow_ups (complaint_id, due_at, state, done_at, created_at)
        SELECT id, {sql.plus("received_at", "2", "day")},
            CASE WHEN number % 4 = 0 THEN 'scheduled' ELSE 'done' END,
            CASE WHEN number % 4 <> 0 THEN {done} END,
            received_at
        FROM complaints WHERE {scope}""",
        f"""INSERT INTO retention_checks (workspace_id, complaint_id, agent_id, due_at, state,
            nudges, satisfied, bought_again, answered_at, created_at)
        SELECT workspace_id, id, received_by_id, {sql.plus("resolved_at", "30", "day")},
            CASE WHEN number % 8 = 1 THEN 'missed' ELSE 'done' END, 0,
            CASE WHEN number % 8 = 1 THEN NULL WHEN number % 3 = 0 THEN 'no'
                 WHEN number % 3 = 1 THEN 'yes' ELSE 'unreachable' END,
            CASE WHEN number % 8 = 1 THEN NULL WHEN number % 2 = 0 THEN 'yes' ELSE 'no' END,
            CASE WHEN number % 8 <> 1 THEN {sql.plus("resolved_at", "31", "day")} END,
            resolved_at
        FROM complaints WHERE {scope} AND number % 4 = 1 AND resolved_at IS NOT NULL""",
    ]


async def add_goals(db: Database) -> None:
    """One goal per metric in workspace 1, and a figure recorded each day for five weeks."""
    async with db.transaction() as session:
        member = (await session.scalars(select(Member).where(Member.workspace_id == 1))).one()
        params = {"resolved_within_pct": "48", "complaints_count": "delivery", "manual": "returns"}
        for number, code in enumerate(METRICS, start=1):
            session.add(
                Goal(
                    workspace_id=1,
                    number=number,
                    metric=code,
                    param=params.get(code),
                    comparison="ge",
                    target=Decimal(50),
                    period="month" if number % 2 else "week",
                    created_by_id=member.id,
                    created_at=NOW,
                )
            )
        session.add_all(
            MetricValue(
                workspace_id=1,
                name="returns",
                value=Decimal(day % 7),
                on=NOW.date() - timedelta(days=day),
                recorded_by_id=member.id,
                at=NOW,
            )
            for day in range(35)
        )


async def settle(db: Database) -> None:
    """Fresh statistics, as a live database has them, and the load's writes flushed: on
    PostgreSQL a VACUUM (or the autovacuum a million new rows set off would run during the
    timing) and a CHECKPOINT (or the one the load's WAL started would spread its writes over
    the next minutes); on SQLite the WAL folded back into the database file."""
    if db.backend == "postgresql":
        await autocommit(db.url, "VACUUM ANALYZE")
        await autocommit(db.url, "CHECKPOINT")  # needs pg_checkpoint or superuser
        return
    async with db.engine.begin() as connection:
        await connection.execute(text("ANALYZE"))
    async with db.engine.connect() as connection:
        await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def operations(db: Database) -> list[tuple[str, Operation]]:
    """The baseline and the digest on one database, named by its size."""
    week = week_before(NOW, ZoneInfo("UTC"))
    counting = (
        select(func.count())
        .select_from(Complaint)
        .where(
            Complaint.workspace_id == 1,
            Complaint.received_at >= week.start,
            Complaint.received_at < week.end,
        )
    )

    async def baseline() -> None:
        async with db.engine.begin() as connection:
            await connection.scalar(counting)

    async def digest() -> None:
        async with db.transaction() as session:
            workspace = await session.get_one(Workspace, 1)
            found = await compute(session, workspace, week, NOW)
            if found.complaints.new == 0 or len(found.goals) != len(METRICS):
                raise SystemExit(f"the digest found nothing: {found!r}")

    return [(BASELINE, baseline), ("digest", digest)]


async def measure(
    sized: dict[int, Database], n: int, warmup: int
) -> dict[tuple[int, str], list[int]]:
    """Nanoseconds per run, keyed by (workspaces, operation). Each round runs every operation
    on every database in turn, so a busy moment of the machine hits both sizes alike."""
    plan = [(size, name, op) for size, db in sized.items() for name, op in operations(db)]
    samples: dict[tuple[int, str], list[int]] = {(size, name): [] for size, name, _ in plan}
    for round_ in range(warmup + n):
        for size, name, operation in plan:
            start = time.perf_counter_ns()
            await operation()
            elapsed = time.perf_counter_ns() - start
            if round_ >= warmup:
                samples[size, name].append(elapsed)
    return samples


TOP_ISSUES = [["Delivery", 40.0, "40"], ["Billing or refund", 31.0, "31"], ["Staff", 12.0, "12"]]


def chart_ms(n: int) -> float:
    hbars("Top issues: how often they came up", TOP_ISSUES, "Oct 5 – Nov 1, 2026")
    runs = []
    for _ in range(n):
        start = time.perf_counter_ns()
        hbars("Top issues: how often they came up", TOP_ISSUES, "Oct 5 – Nov 1, 2026")
        runs.append(time.perf_counter_ns() - start)
    return statistics.median(runs) / 1e6


def row(label: str, runs: list[int], base: float) -> float:
    median = statistics.median(runs)
    p90 = statistics.quantiles(runs, n=10, method="inclusive")[-1]
    print(f"  {label:<34} {median / 1e6:>10.2f} {p90 / 1e6:>8.2f} {median / base:>10.1f}x")
    return median / 1e6


async def prepared(url: str, workspaces: int, per_workspace: int) -> Database:
    db = Database(url)
    await upgrade(db.engine)
    started = time.perf_counter()
    await load(db, 1, workspaces, per_workspace)
    await add_goals(db)
    await settle(db)
    print(
        f"  {workspaces * per_workspace:,} complaints in {workspaces:,} workspaces "
        f"(loaded in {time.perf_counter() - started:.0f} s)"
    )
    return db


async def run_backend(title: str, urls: dict[int, str], n: int, warmup: int, per: int) -> None:
    """`urls`: an empty database for each size (in workspaces)."""
    print(f"\n{title}")
    sized: dict[int, Database] = {}
    try:
        for size, url in urls.items():
            sized[size] = await prepared(url, size, per)
        samples = await measure(sized, n, warmup)
    finally:
        for db in sized.values():
            await db.dispose()
    print(f"  {'':<34} {'median ms':>10} {'p90 ms':>8} {'vs base':>11}")
    medians = {}
    for size in urls:
        base = statistics.median(samples[size, BASELINE])
        row(f"{size * per:,} complaints: {BASELINE}", samples[size, BASELINE], base)
        medians[size] = row(f"{size * per:,} complaints: digest", samples[size, "digest"], base)
    ratio = medians[LARGE] / medians[SMALL]
    print(f"  digest with {LARGE:,} workspaces / with {SMALL}: {ratio:.2f}x (goal: ≤ 1.5x)")
    print(f"  digest with {LARGE * per:,} complaints: {medians[LARGE]:.2f} ms (goal: ≤ 100 ms)")


async def main(n: int, warmup: int, per_workspace: int) -> None:
    print(f"{n} timed runs after {warmup} warm-up rounds; {per_workspace} complaints a workspace")
    print(f"chart rendering (Pillow, no database): {chart_ms(max(n // 5, 3)):.1f} ms median")
    with tempfile.TemporaryDirectory(prefix="carebot_bench_") as folder:
        urls = {size: f"sqlite+aiosqlite:///{Path(folder) / f'digest{size}.db'}" for size in SIZES}
        await run_backend(
            f"SQLite (temporary files, WAL) in {folder}", urls, n, warmup, per_workspace
        )

    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        print("\nPostgreSQL skipped: TEST_DATABASE_URL is not set")
        return
    async with contextlib.AsyncExitStack() as stack:
        urls = {
            size: await stack.enter_async_context(scratch_database(server, "carebot_bench"))
            for size in SIZES
        }
        names = ", ".join(str(make_url(url).database) for url in urls.values())
        title = f"PostgreSQL (fresh databases, dropped after): {names}"
        await run_backend(title, urls, n, warmup, per_workspace)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="timed runs of each operation")
    parser.add_argument("--warmup", type=int, default=5, help="untimed rounds first")
    parser.add_argument("--per-workspace", type=int, default=1000, help="complaints a workspace")
    args = parser.parse_args()
    if args.n < 2 or args.warmup < 0 or args.per_workspace < 10:
        parser.error("--n must be at least 2, --warmup at least 0, --per-workspace at least 10")
    asyncio.run(main(args.n, args.warmup, args.per_workspace))
