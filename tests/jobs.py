"""Running one job kind by hand, as the scheduler would: prepare, (deliver), finish."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.clock import Clock
from bot.routes import root
from bot.scheduled import JobContext, Outgoing
from bot.settings import Settings
from storage.db import Database
from storage.models import Job, Workspace


async def jobs(db: Database) -> list[Job]:
    async with db.session() as session:
        return list(await session.scalars(select(Job).order_by(Job.id)))


async def job(db: Database, key: str) -> Job:
    (found,) = [j for j in await jobs(db) if j.key == key]
    return found


async def prepare(db: Database, settings: Settings, clock: Clock, key: str) -> tuple[Outgoing, ...]:
    async with db.transaction() as session:
        row = (await session.scalars(select(Job).where(Job.key == key))).one()
        workspace = await session.get(Workspace, row.workspace_id)
        assert workspace is not None
        return (
            await root()
            .jobs[row.kind]
            .prepare(JobContext(session, row, workspace, settings, clock))
        )


async def finish(db: Database, settings: Settings, clock: Clock, key: str) -> datetime | None:
    async with db.transaction() as session:
        row = (await session.scalars(select(Job).where(Job.key == key))).one()
        workspace = await session.get(Workspace, row.workspace_id)
        assert workspace is not None
        rearm = (
            await root().jobs[row.kind].finish(JobContext(session, row, workspace, settings, clock))
        )
        if rearm is None:
            row.state = "done"
        else:
            row.due_at = rearm
        return rearm
