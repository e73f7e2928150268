"""Claiming due jobs, and settling them only while the claim still holds.

A claim is one UPDATE: it moves the job's `due_at` to the end of a lease and bumps `claims`.
The state stays `pending`, so a process that dies mid-delivery leaves the job due again when
the lease ends, and the one partial index on pending rows serves every claim. The new `claims`
value is the claim's token: a settling UPDATE matches it, so after a lease expired and another
process re-claimed the job, the first process can no longer finish it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnClause,
    CursorResult,
    String,
    func,
    literal_column,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Job

# A literal, not a bound parameter: the planners of both SQLite and PostgreSQL (with a generic
# prepared plan) only use the partial index ix_jobs_pending_due when the query's predicate
# visibly matches the index's own `state = 'pending'`.
PENDING: ColumnClause[str] = literal_column("'pending'", String)


@dataclass(frozen=True, order=True)
class Claim:
    job_id: int
    token: int


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    kinds: Sequence[str] | None = None,
) -> list[Claim]:
    """Claims up to `limit` pending jobs due at `now`, earliest first, in the session's
    transaction. Rows another transaction is claiming are skipped on PostgreSQL; SQLite has no
    SKIP LOCKED, but its writers are serialised (in-process by Database, across processes by
    SQLite's own write lock), so a second claimer sees the first one's leases. `kinds` limits
    the claim to those job kinds (the outbox, delivered as soon as an event records it)."""
    due = select(Job.id).where(Job.state == PENDING, Job.due_at <= now)
    if kinds is not None:
        due = due.where(Job.kind.in_(kinds))
    due = due.order_by(Job.due_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(Job)
        .where(Job.id.in_(due.scalar_subquery()))
        .values(due_at=now + lease, claims=Job.claims + 1)
        .returning(Job.id, Job.claims)
        # Core semantics: no ORM objects to synchronise, and the IN (subquery) is not evaluable.
        .execution_options(synchronize_session=False)
    )
    rows = await session.execute(statement)
    # RETURNING has no order of its own: by id, the work of a tick comes out in planning order.
    return sorted(Claim(job_id, token) for job_id, token in rows)


async def settle(session: AsyncSession, claims: Sequence[Claim], **values: Any) -> int:
    """Applies `values` to the jobs these claims still hold (pending, same token), in one
    statement; returns how many. A job cancelled, re-planned or re-claimed meanwhile is left
    alone. On PostgreSQL the UPDATE waits for a concurrent claimer's commit and then re-checks
    the token, so of two racing processes exactly one wins."""
    if not claims:
        return 0
    result = await session.execute(
        update(Job)
        .where(
            # The plain IN finds the rows by primary key; SQLite scans the table for a row-value
            # IN alone (a second per batch at a million jobs).
            Job.id.in_([c.job_id for c in claims]),
            tuple_(Job.id, Job.claims).in_([(c.job_id, c.token) for c in claims]),
            Job.state == PENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount


async def due_count(session: AsyncSession, now: datetime) -> int:
    """Pending jobs due at `now` (the queue of due work), counted on ix_jobs_pending_due."""
    count = await session.scalar(
        select(func.count()).select_from(Job).where(Job.state == PENDING, Job.due_at <= now)
    )
    return int(count or 0)
