"""Planning the daily retention job (bot/privacy/retention.py). Kept apart and light, since
creating a workspace (bot/members.py) plans it and the complaint log imports that."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import literal, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduled import plan
from bot.settings import Settings
from storage.db import Database
from storage.models import Job, Workspace

KIND = KEY = "anonymise"
DAILY = timedelta(days=1)


async def plan_for(session: AsyncSession, workspace_id: int, now: datetime) -> None:
    """A new workspace's job: first due a day from now (nothing there can be old yet)."""
    await plan(session, workspace_id=workspace_id, kind=KIND, key=KEY, due_at=now + DAILY, now=now)


async def plan_all(db: Database, settings: Settings, now: datetime) -> None:
    """At start: every workspace's job, due now unless one is pending already. One statement."""
    if settings.personal_data_retention_days is None:
        return
    async with db.transaction() as session:
        insert = pg_insert if db.backend == "postgresql" else sqlite_insert
        rows = select(
            Workspace.id,
            literal(KIND),
            literal(KEY),
            literal(now, Job.due_at.type),
            literal("pending"),
            literal(0),
            literal(0),
            literal(now, Job.created_at.type),
        ).where(true())  # SQLite needs a WHERE to tell INSERT ... SELECT from its ON CONFLICT
        columns = ["workspace_id", "kind", "key", "due_at", "state", "attempts", "claims"]
        statement = insert(Job).from_select([*columns, "created_at"], rows)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["workspace_id", "key"],
                set_={
                    "due_at": now,
                    "state": "pending",
                    "attempts": 0,
                    "done_at": None,
                    "claims": Job.claims + 1,
                },
                where=Job.state != "pending",
            )
        )
