"""The engine's bookkeeping for one tick: what it keeps about each claimed job on its way
through (`Task`), the errors that send a batch back to one job per transaction, the jobs a
batch's claims still hold, a batch's settling updates, and the job log lines (written only
once their transaction committed, with the structured fields LOG_FORMAT=json shows)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import error_id
from bot.logs import stack
from bot.scheduled import JobKind, Outgoing
from scheduler.claims import Claim, settle
from scheduler.outcomes import Outcome
from storage.models import Job, Workspace

log = logging.getLogger("carebot.scheduler")


@dataclass(eq=False)
class Task:
    """One claimed job on its way through the tick."""

    claim: Claim
    outcome: Outcome | None = None  # decided; else it goes on to delivery and transaction B
    undeliverable: str | None = None  # the platform, when it has no deliverer
    kind: JobKind | None = None
    job_kind: str = "unknown"  # the job's kind by name, for the metrics: known once loaded
    platform: str = ""
    outgoing: tuple[Outgoing, ...] = ()
    problem: Exception | None = None  # why the messages did not go out


class KindError(Exception):
    """A kind's prepare or finish raised: its batch is redone one job per transaction."""

    def __init__(self, stage: str, claim: Claim, kind: str = "unknown") -> None:
        super().__init__(stage)
        self.stage = stage
        self.claim = claim
        self.kind = kind


class LostClaim(Exception):
    """A job changed hands between the check and the update: roll back what we wrote."""


# Log lines (level, format, arguments, extras), written once committed.
Notes = list[tuple[int, str, tuple[object, ...], dict[str, object]]]


class Settles:
    """Settling updates of a batch, one statement per distinct set of values."""

    def __init__(self) -> None:
        self.groups: dict[tuple[tuple[str, Any], ...], list[Claim]] = {}

    def add(self, claim: Claim, **values: Any) -> None:
        self.groups.setdefault(tuple(sorted(values.items())), []).append(claim)

    async def apply(self, session: AsyncSession) -> None:
        for values, claims in self.groups.items():
            if await settle(session, claims, **dict(values)) != len(claims):
                raise LostClaim  # checked under lock, so only another process's SQLite write


async def owned_jobs(
    session: AsyncSession, claims: Sequence[Claim], *, lock: bool
) -> dict[int, tuple[Job, Workspace]]:
    """The jobs the claims still hold, with their workspaces. Locked (PostgreSQL) when about
    to be settled, so a claimer's SKIP LOCKED passes them by; workspaces are never locked."""
    tokens = {claim.job_id: claim.token for claim in claims}
    query = (
        select(Job, Workspace)
        .join(Workspace, Workspace.id == Job.workspace_id)
        .where(Job.id.in_(tokens))
        .order_by(Job.id)  # one lock order for every process: no deadlock between batches
    )
    if lock:
        query = query.with_for_update(of=Job)
    rows = await session.execute(query)
    return {
        job.id: (job, workspace)
        for job, workspace in rows
        if job.state == "pending" and job.claims == tokens[job.id]
    }


def jobs_by_kind(jobs: Iterable[Job]) -> dict[str, tuple[Job, ...]]:
    grouped: dict[str, list[Job]] = defaultdict(list)
    for job in jobs:
        grouped[job.kind].append(job)
    return {kind: tuple(group) for kind, group in grouped.items()}


def emit(notes: Notes) -> None:
    for level, line, args, extra in notes:
        log.log(level, line, *args, extra=extra)


def extra_of(event: str, job_id: int, kind: str, **more: object) -> dict[str, object]:
    """A job's line's structured fields (for LOG_FORMAT=json)."""
    return {"event": event, "job_id": job_id, "kind": kind, **more}


def log_error(
    event: str, claim: Claim, stage: str, exc: BaseException | None, kind: str = "unknown"
) -> None:
    # The exception's message can quote personal data (a name in a failed lookup): its type,
    # an error id and a stack naming types say what happened and where, without it.
    found = error_id()
    error = type(exc).__name__
    extra = extra_of(event, claim.job_id, kind, stage=stage, error=error, error_id=found)
    if exc is not None:
        extra["stack"] = stack(exc)
    log.error(
        "%s job=%d stage=%s error=%s error_id=%s",
        event,
        claim.job_id,
        stage,
        error,
        found,
        extra=extra,
    )
