"""Peak memory of `carebot export complaints` over 100,000 complaints, as CSV.

The export reads the log in batches (`bot.export.rows_in`: `yield_per` on a streamed result, a
server-side cursor on PostgreSQL) and writes each row as it is read, so its memory should not
grow with the log. Each figure is the peak RSS (`resource.getrusage(RUSAGE_SELF).ru_maxrss`)
of a fresh child process that loads the same modules and opens the same database:

- baseline: loads the app (bot.cli, bot.export), connects, counts the complaints, exports
  nothing;
- streamed: exports every complaint to CSV on /dev/null, as the CLI does to standard output;
- held: the same rows gathered in a list first (what streaming avoids), for scale.

Every complaint has two steps and a follow-up, so the batch queries of steps and follow-ups
run too. SQLite on a temporary file; PostgreSQL too when TEST_DATABASE_URL is set (a scratch
database, dropped after). Nothing is asserted; the script prints figures.

    python bench/export.py [--complaints 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy import insert, select

from storage.db import Database
from storage.migrate import upgrade
from storage.models import Complaint, ComplaintStep, FollowUp, Member, Workspace

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CHUNK = 5_000


async def load(db: Database, count: int) -> None:
    async with db.engine.begin() as connection:
        workspace = (
            await connection.execute(
                insert(Workspace).returning(Workspace.id),
                [
                    {
                        "platform": "bench",
                        "external_id": "W1",
                        "name": "",
                        "locale": "en",
                        "timezone": "UTC",
                        "phone_region": "IN",
                        "currency": "INR",
                        "categories": ["delivery"],
                        "last_complaint_number": count,
                        "created_at": NOW,
                    }
                ],
            )
        ).scalar_one()
        member = (
            await connection.execute(
                insert(Member).returning(Member.id),
                [
                    {
                        "workspace_id": workspace,
                        "external_id": "a",
                        "display_name": "Asha",
                        "role": "admin",
                        "created_at": NOW,
                    }
                ],
            )
        ).scalar_one()
    for start in range(1, count + 1, CHUNK):
        numbers = range(start, min(start + CHUNK, count + 1))
        async with db.engine.begin() as connection:
            ids = (
                (
                    await connection.execute(
                        insert(Complaint).returning(Complaint.id),
                        [
                            {
                                "workspace_id": workspace,
                                "number": n,
                                "status": "open",
                                "customer_name": f"Customer {n}",
                                "customer_phone": f"+9198765{n:05d}",
                                "customer_address": f"{n} MG Road, Pune",
                                "received_by_id": member,
                                "received_at": NOW - timedelta(minutes=n),
                                "category": "delivery",
                                "description": f"Parcel {n} arrived two weeks late, box damaged",
                                "solution": "Refund the shipping fee",
                                "solution_mode": "promised",
                                "follow_up_at": NOW + timedelta(days=2),
                                "compensation_minor": 15050,
                                "compensation_currency": "INR",
                                "checklist": {},
                                "created_at": NOW,
                                "updated_at": NOW,
                            }
                            for n in numbers
                        ],
                    )
                )
                .scalars()
                .all()
            )
            await connection.execute(
                insert(ComplaintStep),
                [
                    {"complaint_id": i, "text": text, "by_id": member, "at": NOW}
                    for i in ids
                    for text in ("Called the courier", "Asked the warehouse for the log")
                ],
            )
            await connection.execute(
                insert(FollowUp),
                [
                    {
                        "complaint_id": i,
                        "due_at": NOW + timedelta(days=2),
                        "state": "scheduled",
                        "created_at": NOW,
                    }
                    for i in ids
                ],
            )


async def child(mode: str, url: str, out: TextIO) -> None:
    from sqlalchemy import func

    from bot import cli  # noqa: F401  (the app as `carebot export` loads it)
    from bot.export import export_complaints, rows

    db = Database(url)
    started = time.perf_counter()
    async with db.session() as session:
        count = int(await session.scalar(select(func.count()).select_from(Complaint)) or 0)
    if mode == "streamed":
        count = await export_complaints(db, out, "csv", None)
    elif mode == "held":
        count = len([row async for row in rows(db)])
    seconds = time.perf_counter() - started
    await db.dispose()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"mode": mode, "count": count, "peak_mb": peak_kb / 1024, "s": seconds}))


def measure(mode: str, url: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--url", url],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{mode} child failed: {done.stderr.strip().splitlines()[-1:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


async def run(title: str, url: str, count: int) -> None:
    db = Database(url)
    await upgrade(db.engine)
    started = time.perf_counter()
    await load(db, count)
    await db.dispose()
    print(f"{title}: {count:,} complaints loaded in {time.perf_counter() - started:.1f} s")
    base = measure("baseline", url)
    print(f"  baseline (app loaded, nothing exported): peak RSS {base['peak_mb']:.1f} MB")
    for mode in ("streamed", "held"):
        got = measure(mode, url)
        print(
            f"  {mode:8} {got['count']:,.0f} rows in {got['s']:.1f} s: peak RSS "
            f"{got['peak_mb']:.1f} MB (+{got['peak_mb'] - base['peak_mb']:.1f} MB over baseline)"
        )


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        await run("SQLite", f"sqlite+aiosqlite:///{Path(folder) / 'export.db'}", count)
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        from storage.scratch import scratch_database

        async with scratch_database(url) as scratch:
            await run("PostgreSQL", scratch, count)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--child", choices=["baseline", "streamed", "held"])
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.child:
        # This folder's scheduler.py would hide carebot's scheduler package from the app.
        here = str(Path(__file__).resolve().parent)
        sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
        with open(os.devnull, "w", encoding="utf-8") as devnull:
            asyncio.run(child(args.child, args.url, devnull))
    else:
        asyncio.run(main(args.complaints))
