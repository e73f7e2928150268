"""Due work, platform-neutral: what a job says, to whom, and what happens once it was said.

The scheduler (scheduler/) claims due rows of the `jobs` table and, for each, asks the job's
kind (declared in its domain's router, see bot.routes) to `prepare` the messages (in one
transaction), hands them to the platform's `Deliverer`, then calls `finish` (in another) once
every message was accepted. The core never knows which platform delivers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.context import Actor, Context, Role
from bot.i18n import Translator
from bot.mail import Email
from bot.settings import Settings
from bot.ui import Reply
from storage.models import Job, Member, PostedMessage, Workspace

T = TypeVar("T")


@dataclass(frozen=True)
class Outgoing:
    """A reply to deliver: DM posts go to `actor`'s DM, channel posts to `post.channel`.
    A kind whose `via` names another deliverer (email) sends `email` through it instead."""

    actor: Actor
    reply: Reply
    email: Email | None = None


@dataclass
class JobContext:
    session: AsyncSession
    job: Job
    workspace: Workspace
    settings: Settings
    clock: Clock
    # The jobs of the same kind in this transaction (this one among them): a kind may read or
    # write for all of them at once, since a query per job is most of a tick's cost.
    batch: tuple[Job, ...] = ()

    def now(self) -> datetime:
        return self.clock.now()

    async def for_batch(self, name: str, work: Callable[[Sequence[Job]], Awaitable[T]]) -> T:
        """`work` over the whole batch, run once per transaction (the session) and `name`."""
        done: dict[str, Any] = self.session.info.setdefault("carebot.batch", {})
        if name not in done:
            done[name] = await work(self.batch or (self.job,))
        return cast(T, done[name])

    def context_for(self, member: Member) -> Context:
        """A core Context as if `member` acted: their language, the workspace's time zone."""
        return Context.of(
            self.session,
            self.clock,
            self.workspace,
            member,
            actor_for(self.workspace, member),
            self.settings.retention_delay_months,
        )

    def workspace_translator(self) -> Translator:
        """Channel posts (digests, managers' channel) speak the workspace's language."""
        return Translator(self.workspace.locale, self.workspace.timezone)


def actor_for(workspace: Workspace, member: Member) -> Actor:
    return Actor(
        platform=workspace.platform,
        workspace_id=workspace.external_id,
        user_id=member.external_id,
        display_name=member.display_name,
        channel_id=None,
        is_dm=True,  # scheduled messages go to people's DMs
        platform_role=None,
        locale=member.app_locale,
    )


class JobKind(Protocol):
    # The deliverer a kind's messages go through; None: the workspace's platform. A kind sets
    # a class attribute `via = "email"` to reach customers rather than the team.
    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        """The messages to deliver now; none means there is nothing left to do (job done)."""
        ...

    async def finish(self, job: JobContext) -> datetime | None:
        """After every message was accepted: record it; a time re-arms the job (a nudge, the
        next digest), None ends it."""
        ...


def deliverer_of(kind: JobKind | None, platform: str) -> str:
    """The name of the deliverer a job of `kind` needs in a workspace on `platform`."""
    via = getattr(kind, "via", None)
    return via if isinstance(via, str) else platform


async def plan(
    session: AsyncSession,
    *,
    workspace_id: int,
    kind: str,
    key: str,
    due_at: datetime,
    now: datetime,
    subject_id: int | None = None,
) -> Job:
    """Creates the job for `key`, or moves the existing one to `due_at` and makes it pending.

    One upsert on the unique (workspace, key): planning twice, even concurrently, never
    creates two jobs. Re-planning bumps the claim token, so a delivery in flight for the old
    plan cannot end the new one."""
    job = await _upsert(session, workspace_id, kind, key, due_at, now, subject_id, False)
    assert job is not None
    return job


async def plan_unless_refused(
    session: AsyncSession,
    *,
    workspace_id: int,
    kind: str,
    key: str,
    due_at: datetime,
    now: datetime,
    subject_id: int | None = None,
) -> None:
    """plan, except that a job the platform refused for good stays failed: a message to
    someone it cannot reach is not tried again each time the job is re-planned."""
    await _upsert(session, workspace_id, kind, key, due_at, now, subject_id, True)


async def _upsert(
    session: AsyncSession,
    workspace_id: int,
    kind: str,
    key: str,
    due_at: datetime,
    now: datetime,
    subject_id: int | None,
    keep_refused: bool,
) -> Job | None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Job).values(
        workspace_id=workspace_id,
        kind=kind,
        key=key,
        subject_id=subject_id,
        due_at=due_at,
        state="pending",
        attempts=0,
        claims=0,
        created_at=now,
    )
    upsert = statement.on_conflict_do_update(
        index_elements=["workspace_id", "key"],
        set_={
            "kind": statement.excluded.kind,
            "subject_id": statement.excluded.subject_id,
            "due_at": statement.excluded.due_at,
            "state": "pending",
            "attempts": 0,
            "last_error": None,
            "done_at": None,
            "claims": Job.claims + 1,
        },
        where=(Job.state != "failed") | ~Job.last_error.startswith(REFUSED)
        if keep_refused
        else None,
    ).returning(Job)
    return await session.scalar(upsert, execution_options={"populate_existing": True})


async def cancel(session: AsyncSession, *, workspace_id: int, key: str) -> None:
    job = await session.scalar(select(Job).where(Job.workspace_id == workspace_id, Job.key == key))
    if job is not None and job.state == "pending":
        job.state = "cancelled"


REFUSED = "refused: "  # how a job refused for good begins its last_error


class DeliveryRefused(Exception):
    """The platform refused for good (channel gone, bot removed): not retried."""

    def __init__(self, error: str, channel: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.channel = channel


class DeliveryDeferred(Exception):
    """A transient failure (rate limit, 5xx, timeout): try again later."""

    def __init__(self, reason: str, retry_after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class Deliverer(Protocol):
    """A platform's way to send an Outgoing. Returns when the platform accepted every post;
    raises DeliveryRefused or DeliveryDeferred otherwise."""

    async def deliver(self, outgoing: Outgoing) -> None: ...


DeliverFn = Callable[[Outgoing], Awaitable[None]]


async def managers(session: AsyncSession, workspace: Workspace) -> list[Member]:
    rows = await session.scalars(
        select(Member)
        .where(
            Member.workspace_id == workspace.id,
            Member.role.in_((Role.MANAGER.value, Role.ADMIN.value)),
        )
        .order_by(Member.id)
    )
    return list(rows)


async def posted_at(session: AsyncSession, workspace_id: int, ref: str) -> tuple[str, str] | None:
    """Where a message with this ref stands (channel, message id), to edit it; None if never
    posted (then scheduled work does not post it anew: it only keeps posted cards true)."""
    row = await session.scalar(
        select(PostedMessage).where(
            PostedMessage.workspace_id == workspace_id, PostedMessage.ref == ref
        )
    )
    return (row.channel, row.message_id) if row is not None else None
