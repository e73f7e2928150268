"""A job kind and a deliverer that record what the scheduler asks of them."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.context import Actor
from bot.routes import root
from bot.scheduled import JobContext, Outgoing, plan
from bot.settings import Settings
from bot.ui import Reply
from scheduler.engine import Engine
from storage.db import Database
from storage.models import Job, Workspace

KIND = "test_echo"
CUSTOMER = "Ravi Kumar"
PLATFORM = "test"


@dataclass
class EchoKind:
    """Says "job <id>" `messages` times; fails for the jobs named, re-arms through `rearm`."""

    messages: int = 1
    rearm: Callable[[JobContext], datetime | None] = lambda _: None
    fail_prepare: set[int] = field(default_factory=set)
    fail_finish: set[int] = field(default_factory=set)
    fail_once: bool = False  # a transient error: the job's next call succeeds
    prepared: list[int] = field(default_factory=list)
    finished: Counter[int] = field(default_factory=Counter)

    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        self.prepared.append(job.job.id)
        if job.job.id in self.fail_prepare:
            if self.fail_once:
                self.fail_prepare.discard(job.job.id)
            raise RuntimeError(f"{CUSTOMER}'s phone is unreadable")  # personal data
        actor = Actor(PLATFORM, job.workspace.external_id, "u1", "Asha", is_dm=True)
        return tuple(Outgoing(actor, Reply.text(f"job {job.job.id}")) for _ in range(self.messages))

    async def finish(self, job: JobContext) -> datetime | None:
        if job.job.id in self.fail_finish:
            if self.fail_once:
                self.fail_finish.discard(job.job.id)
            raise RuntimeError("finish failed")
        self.finished[job.job.id] += 1
        return self.rearm(job)


class Recorder:
    """A deliverer: raises the queued exceptions first, then records every accepted post."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.raises: list[Exception] = []
        self.on_deliver: Callable[[], object] | None = None

    async def deliver(self, outgoing: Outgoing) -> None:
        await asyncio.sleep(0)  # let other jobs (and engines) interleave, as real I/O would
        if self.on_deliver is not None:
            hook, self.on_deliver = self.on_deliver, None
            result = hook()
            if asyncio.iscoroutine(result):
                await result
        if self.raises:
            raise self.raises.pop(0)
        self.sent.append(outgoing)

    def per_job(self) -> Counter[int]:
        return Counter(int(o.reply.posts[0].message.text.split()[1]) for o in self.sent)


@pytest.fixture
def kind() -> Iterator[EchoKind]:
    echo = EchoKind()
    root().jobs[KIND] = echo
    try:
        yield echo
    finally:
        del root().jobs[KIND]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def engine(db: Database, settings: Settings, clock: ManualClock, recorder: Recorder) -> Engine:
    return Engine(db, settings, clock, {PLATFORM: recorder})


async def add_workspace(
    db: Database, at: datetime, platform: str = PLATFORM, name: str = "T1"
) -> int:
    async with db.transaction() as session:
        workspace = Workspace(
            platform=platform,
            external_id=name,
            name=name,
            locale="en",
            timezone="UTC",
            phone_region="IN",
            currency="INR",
            categories=[],
            created_at=at,
        )
        session.add(workspace)
        await session.flush()
        return workspace.id


async def add_jobs(
    db: Database, workspace_id: int, due: list[datetime], now: datetime, kind: str = KIND
) -> list[int]:
    async with db.transaction() as session:
        jobs = [
            await plan(
                session,
                workspace_id=workspace_id,
                kind=kind,
                key=f"test:{i}",
                due_at=due_at,
                now=now,
            )
            for i, due_at in enumerate(due)
        ]
        await session.flush()
        return [job.id for job in jobs]


async def load(db: Database, job_id: int) -> Job:
    async with db.session() as session:
        job = await session.scalar(select(Job).where(Job.id == job_id))
        assert job is not None
        return job
