"""Several engines on one database: every due job is delivered exactly once.

Both engines run their ticks at the same time (asyncio.gather) in small batches, so their
claims really meet: on PostgreSQL, FOR UPDATE SKIP LOCKED hands each row to one of them; on
SQLite the in-process queue of transactions does. Two Database objects are two processes'
connection pools, which only PostgreSQL serves concurrently here.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from storage.models import Job
from tests.scheduler.conftest import PLATFORM, EchoKind, Recorder, add_jobs, add_workspace

JOBS = 200
BATCH = 20


@pytest.fixture
def postgres_only(db: Database) -> None:
    if db.backend != "postgresql":
        pytest.skip("two connection pools claiming concurrently: PostgreSQL only")


async def drain(engine: Engine) -> int:
    """Ticks until a tick finds nothing due; returns how many jobs this engine claimed."""
    claimed = 0
    while report := await engine.tick(limit=BATCH):
        if not report.claimed:
            return claimed
        claimed += report.claimed
        assert report.sent == report.claimed
    return claimed


async def due_jobs(db: Database, clock: ManualClock) -> list[int]:
    now = clock.now()
    ids: list[int] = []
    for w in range(4):  # several workspaces, due times spread over the last minute
        ws = await add_workspace(db, now, PLATFORM, f"T{w}")
        due = [now - timedelta(seconds=i % 60) for i in range(JOBS // 4)]
        ids += await add_jobs(db, ws, due, now)
    return ids


async def assert_each_delivered_once(db: Database, ids: list[int], recorder: Recorder) -> None:
    assert recorder.per_job() == dict.fromkeys(ids, 1)
    async with db.session() as session:
        states = dict(
            (await session.execute(select(Job.state, func.count()).group_by(Job.state))).all()
        )
    assert states == {"done": JOBS}


async def test_two_engines_sharing_a_pool_deliver_each_job_once(
    db: Database, settings: Settings, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    ids = await due_jobs(db, clock)
    first = Engine(db, settings, clock, {PLATFORM: recorder})
    second = Engine(db, settings, clock, {PLATFORM: recorder})

    claimed = await asyncio.gather(drain(first), drain(second))

    assert sum(claimed) == JOBS
    assert min(claimed) > 0, claimed  # both really worked
    await assert_each_delivered_once(db, ids, recorder)


async def test_two_processes_pools_deliver_each_job_once(
    postgres_only: None,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    kind: EchoKind,
    recorder: Recorder,
) -> None:
    ids = await due_jobs(db, clock)
    other_process = Database(db.url)
    try:
        first = Engine(db, settings, clock, {PLATFORM: recorder})
        second = Engine(other_process, settings, clock, {PLATFORM: recorder})
        claimed = await asyncio.gather(drain(first), drain(second))
    finally:
        await other_process.dispose()

    assert sum(claimed) == JOBS
    assert min(claimed) > 0, claimed
    await assert_each_delivered_once(db, ids, recorder)


async def test_ticks_at_the_same_moment_claim_disjoint_jobs(
    postgres_only: None,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    kind: EchoKind,
    recorder: Recorder,
) -> None:
    """Eight pools, one tick each, all at once: the claims' SKIP LOCKED never hands a row
    to two of them, and whoever comes second finds the rest."""
    ids = await due_jobs(db, clock)
    pools = [Database(db.url) for _ in range(8)]
    try:
        engines = [Engine(pool, settings, clock, {PLATFORM: recorder}) for pool in pools]
        reports = await asyncio.gather(*(e.tick(limit=JOBS // 4) for e in engines))
    finally:
        await asyncio.gather(*(pool.dispose() for pool in pools))

    assert sum(r.claimed for r in reports) == JOBS
    assert all(r.sent == r.claimed for r in reports)
    await assert_each_delivered_once(db, ids, recorder)
