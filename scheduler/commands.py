"""`carebot jobs list` and `carebot jobs run-due`: the scheduler from a terminal."""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.settings import Settings
from scheduler.claims import PENDING
from scheduler.deliverers import close_deliverers, load_deliverers
from scheduler.engine import Engine
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Job, Workspace

LIST_LIMIT = 50


async def list_jobs(settings: Settings, out: TextIO, limit: int = LIST_LIMIT) -> int:
    """The pending jobs due soonest (overdue first): kind, workspace, due time, attempts."""
    db = Database(settings.database_url)
    try:
        await upgrade(db.engine)
        async with db.session() as session:
            rows = (
                await session.execute(
                    select(Job, Workspace.platform, Workspace.external_id)
                    .join(Workspace, Workspace.id == Job.workspace_id)
                    .where(Job.state == PENDING)
                    .order_by(Job.due_at, Job.id)
                    .limit(limit)
                )
            ).all()
            lines = [
                f"{job.id:>7}  {job.kind:<16}  {platform + ':' + external:<24}  "
                f"{job.due_at:%Y-%m-%d %H:%M:%S}  {job.state:<9}  {job.attempts:>8}"
                for job, platform, external in rows
            ]
            total = await session.scalar(
                select(func.count()).select_from(Job).where(Job.state == PENDING)
            )
    finally:
        await db.dispose()
    if not lines:
        print("no pending jobs", file=out)
        return 0
    print(
        f"{'id':>7}  {'kind':<16}  {'workspace':<24}  {'due (UTC)':<19}  {'state':<9}  attempts",
        file=out,
    )
    print("\n".join(lines), file=out)
    print(f"{len(lines)} of {total} pending jobs shown", file=out)
    return 0


async def run_due(settings: Settings, out: TextIO, at: datetime | None = None) -> int:
    """One tick, now or as if the clock said `at`, with the deliverers installed here."""
    db = Database(settings.database_url)
    deliverers = load_deliverers(settings, db)
    try:
        await upgrade(db.engine)
        report = await Engine(db, settings, SystemClock(), deliverers).tick(now=at)
    finally:
        await close_deliverers(deliverers)
        await db.dispose()
    print(report, file=out)
    return 0
