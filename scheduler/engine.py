"""The engine: one tick claims the due jobs and works them off.

Per job: the kind `prepare`s the messages (transaction A), the platform's Deliverer sends them
outside any transaction (no lock or connection is held while a platform is slow), then the kind
`finish`es and the job ends, is re-armed or backs off (transaction B). Both transactions check
the claim's token, so a job whose lease ran out and was claimed elsewhere is left to its new
owner. Nothing a job does can stop the tick: every error becomes an outcome.

Transactions are shared by batches of jobs: per statement, SQLAlchemy costs more than the
database, and a transaction per job tripled a tick. A kind that raises rolls its whole batch
back, and that batch is redone one job per transaction, so only the failing job is affected.
Deliveries run one task per job, so jobs to different channels never wait for each other
(pacing per channel is the deliverer's business); transaction B takes whatever deliveries
have ended since the previous batch.

What a tick keeps about each job, and the log lines it writes, are in bookkeeping.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.charts import with_charts
from bot.clock import Clock, ManualClock
from bot.metrics import METRICS, Metrics
from bot.routes import root
from bot.scheduled import (
    REFUSED,
    Deliverer,
    DeliveryDeferred,
    DeliveryRefused,
    JobContext,
    JobKind,
    deliverer_of,
)
from bot.settings import Settings
from scheduler.bookkeeping import (
    KindError,
    LostClaim,
    Notes,
    Settles,
    Task,
    emit,
    extra_of,
    jobs_by_kind,
    log_error,
    owned_jobs,
)
from scheduler.claims import Claim, claim_due
from scheduler.outcomes import Outcome, TickReport, backoff, record_failure
from storage.db import Database
from storage.models import Job

log = logging.getLogger("carebot.scheduler")

BATCH = 50  # jobs per transaction: short enough not to hold SQLite's writer long
PREPARING = 4  # batches of transaction A at once: what a connection pool serves well
ERROR_LEN = 200  # Job.last_error


class Engine:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        deliverers: Mapping[str, Deliverer],
        metrics: Metrics | None = None,
        job_kinds: Mapping[str, JobKind] | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.deliverers = deliverers
        self.job_kinds = root().jobs if job_kinds is None else job_kinds
        self.metrics = metrics or METRICS
        # Real seconds a tick's deliveries may take: a hung platform call must not outlive the
        # lease (the job would be claimed again) nor hold the tick, and with it every next one.
        self.delivery_budget = float(settings.job_lease_seconds)

    async def tick(
        self, now: datetime | None = None, limit: int = 1000, kinds: Sequence[str] | None = None
    ) -> TickReport:
        """Claims up to `limit` due jobs (of `kinds` only, if given) and works them off; `now`
        runs the tick as if the clock said that time (jobs then see that time too)."""
        clock: Clock = self.clock if now is None else ManualClock(now)
        at = clock.now()
        started = time.perf_counter()
        lease = timedelta(seconds=self.settings.job_lease_seconds)
        async with self.db.transaction() as session:
            claims = await claim_due(session, now=at, lease=lease, limit=limit, kinds=kinds)
        report = TickReport(claimed=len(claims))
        if not claims:
            return report

        ended: asyncio.Queue[Task | None] = asyncio.Queue()
        # Settling waits until every batch is prepared: on SQLite the two share one writer,
        # and a channel's first message must not wait behind the records of sent ones.
        prepared = asyncio.Event()
        finisher = asyncio.create_task(self._finisher(ended, clock, report, prepared))
        deliveries: list[asyncio.Task[None]] = []
        gate = asyncio.Semaphore(PREPARING)
        deadline = asyncio.get_running_loop().time() + self.delivery_budget
        seen: list[Task] = []  # every claim's task, each with its outcome once the tick ends

        async def prepare(batch: Sequence[Claim]) -> None:
            async with gate:
                tasks = await self._prepare(batch, clock)
            seen.extend(tasks)
            for task in tasks:
                if task.outcome is not None:
                    report.add(task.outcome)
                    if task.undeliverable is not None:
                        report.undeliverable[task.undeliverable] += 1
                elif task.problem is not None:
                    ended.put_nowait(task)
                else:
                    deliver = self._deliver(task, at + lease, deadline, clock, ended)
                    deliveries.append(asyncio.create_task(deliver))

        try:
            await asyncio.gather(*(prepare(batch) for batch in _batches(claims)))
        finally:
            prepared.set()
        await asyncio.gather(*deliveries)
        ended.put_nowait(None)
        await finisher
        self._observe(seen, report, time.perf_counter() - started)
        return report

    def _observe(self, tasks: Sequence[Task], report: TickReport, seconds: float) -> None:
        """The tick's metrics, by job kind and outcome, and its one log line."""
        for task in tasks:
            self.metrics.job(task.job_kind, (task.outcome or Outcome.SKIPPED).value)
        self.metrics.tick_seconds.observe(seconds)
        counts = {"claimed": report.claimed} | {o.value: getattr(report, o.value) for o in Outcome}
        extra = {"event": "scheduler.tick", **counts, "duration": round(seconds, 6)}
        log.info("scheduler.tick %s", " ".join(f"{k}={v}" for k, v in counts.items()), extra=extra)

    # --- transaction A ---------------------------------------------------------------------

    async def _prepare(
        self, claims: Sequence[Claim], clock: Clock, alone: bool = False
    ) -> list[Task]:
        notes: Notes = []
        try:
            async with self.db.transaction() as session:
                tasks = await self._prepare_in(session, claims, clock, notes)
        except (KindError, LostClaim):
            if alone:
                raise
            return [task for claim in claims for task in await self._prepare_alone(claim, clock)]
        except Exception as exc:  # the database failed: the lease brings the jobs back
            log_error("scheduler.batch_error", claims[0], "prepare", exc)
            return [Task(claim, Outcome.SKIPPED) for claim in claims]
        emit(notes)
        return tasks

    async def _prepare_alone(self, claim: Claim, clock: Clock) -> list[Task]:
        try:
            return await self._prepare([claim], clock, alone=True)
        except LostClaim:
            return [Task(claim, Outcome.SKIPPED)]
        except KindError as error:
            log_error("scheduler.prepare_error", claim, "prepare", error.__cause__, error.kind)
            reason = f"prepare: {type(error.__cause__).__name__}"
            return [Task(claim, problem=DeliveryDeferred(reason), job_kind=error.kind)]

    async def _prepare_in(
        self, session: AsyncSession, claims: Sequence[Claim], clock: Clock, notes: Notes
    ) -> list[Task]:
        owned = await owned_jobs(session, claims, lock=False)
        by_kind = jobs_by_kind(job for job, _ in owned.values())
        tasks: list[Task] = []
        settles = Settles()
        for claim in claims:
            task = Task(claim)
            tasks.append(task)
            if claim.job_id not in owned:
                task.outcome = Outcome.SKIPPED
                continue
            job, workspace = owned[claim.job_id]
            kind = self.job_kinds.get(job.kind)
            task.job_kind = job.kind
            platform = deliverer_of(kind, workspace.platform)
            if platform not in self.deliverers:
                # Left pending: due again when the lease ends, and reported by the tick.
                task.outcome, task.undeliverable = Outcome.SKIPPED, platform
            elif kind is None:
                task.outcome = Outcome.FAILED
                error = f"unknown job kind {job.kind!r}"[:ERROR_LEN]
                settles.add(claim, state="failed", last_error=error)
                line = "scheduler.job_failed job=%d error=unknown_kind"
                extra = extra_of("scheduler.job_failed", job.id, job.kind, error="unknown_kind")
                notes.append((logging.ERROR, line, (job.id,), extra))
            else:
                try:
                    context = JobContext(
                        session, job, workspace, self.settings, clock, by_kind[job.kind]
                    )
                    outgoing = tuple(await kind.prepare(context))
                    await session.flush()  # the kind's own writes fail here, as its error
                except Exception as exc:
                    raise KindError("prepare", claim, job.kind) from exc
                if outgoing:
                    task.kind, task.platform, task.outgoing = kind, platform, outgoing
                else:
                    task.outcome = Outcome.EMPTY
                    settles.add(claim, state="done", done_at=clock.now(), last_error=None)
        await settles.apply(session)
        return tasks

    # --- delivery --------------------------------------------------------------------------

    async def _deliver(
        self,
        task: Task,
        lease_end: datetime,
        deadline: float,
        clock: Clock,
        ended: asyncio.Queue[Task | None],
    ) -> None:
        if clock.now() >= lease_end:  # a slow tick: the job may be someone else's already
            extra = extra_of("scheduler.lease_expired", task.claim.job_id, task.job_kind)
            log.warning("scheduler.lease_expired job=%d", task.claim.job_id, extra=extra)
            task.outcome = Outcome.SKIPPED
        else:
            try:
                async with asyncio.timeout_at(deadline):
                    for outgoing in task.outgoing:
                        drawn = replace(outgoing, reply=await with_charts(outgoing.reply))
                        await self.deliverers[task.platform].deliver(drawn)
            except Exception as exc:  # refused, deferred, or an error: all settled in B
                if not isinstance(exc, DeliveryRefused | DeliveryDeferred):
                    log_error("scheduler.deliver_error", task.claim, "deliver", exc)
                task.problem = exc
        ended.put_nowait(task)

    # --- transaction B ---------------------------------------------------------------------

    async def _finisher(
        self,
        ended: asyncio.Queue[Task | None],
        clock: Clock,
        report: TickReport,
        prepared: asyncio.Event,
    ) -> None:
        last = False
        while not last:
            batch = [await ended.get()]
            await prepared.wait()
            while not ended.empty() and len(batch) < BATCH:
                batch.append(ended.get_nowait())
            last = batch[-1] is None  # the tick puts None once every delivery has ended
            tasks = [task for task in batch if task is not None]
            for task in tasks:
                if task.outcome is not None:
                    report.add(task.outcome)
            unsettled = [task for task in tasks if task.outcome is None]
            for task, outcome in zip(unsettled, await self._settle(unsettled, clock), strict=True):
                task.outcome = outcome
                report.add(outcome)

    async def _settle(
        self, tasks: Sequence[Task], clock: Clock, alone: bool = False
    ) -> list[Outcome]:
        if not tasks:
            return []
        notes: Notes = []
        try:
            async with self.db.transaction() as session:
                outcomes = await self._settle_in(session, tasks, clock, notes)
        except (KindError, LostClaim):
            if alone:
                raise
            return [outcome for task in tasks for outcome in await self._settle_alone(task, clock)]
        except Exception as exc:  # the database failed: the lease brings the jobs back
            log_error("scheduler.batch_error", tasks[0].claim, "finish", exc)
            return [Outcome.SKIPPED] * len(tasks)
        emit(notes)
        return outcomes

    async def _settle_alone(self, task: Task, clock: Clock) -> list[Outcome]:
        try:
            return await self._settle([task], clock, alone=True)
        except LostClaim:
            extra = extra_of("scheduler.lost_claim", task.claim.job_id, task.job_kind)
            log.warning("scheduler.lost_claim job=%d", task.claim.job_id, extra=extra)
            return [Outcome.SKIPPED]
        except KindError as error:  # delivered but not recorded: retried, maybe said twice
            claim, cause = task.claim, error.__cause__
            log_error("scheduler.finish_error", claim, "finish", cause, task.job_kind)
            task.problem = DeliveryDeferred(f"finish: {type(error.__cause__).__name__}")
            return await self._settle_alone(task, clock)

    async def _settle_in(
        self, session: AsyncSession, tasks: Sequence[Task], clock: Clock, notes: Notes
    ) -> list[Outcome]:
        owned = await owned_jobs(session, [task.claim for task in tasks], lock=True)
        # The jobs `finish` runs for in this transaction: those delivered, not the deferred.
        delivered = {task.claim.job_id for task in tasks if task.problem is None}
        by_kind = jobs_by_kind(job for job_id, (job, _) in owned.items() if job_id in delivered)
        outcomes: list[Outcome] = []
        settles, now = Settles(), clock.now()
        for task in tasks:
            claim, problem = task.claim, task.problem
            if claim.job_id not in owned:
                extra = extra_of("scheduler.lost_claim", claim.job_id, task.job_kind)
                notes.append(
                    (logging.WARNING, "scheduler.lost_claim job=%d", (claim.job_id,), extra)
                )
                outcomes.append(Outcome.SKIPPED)
                continue
            job, workspace = owned[claim.job_id]
            if problem is None:
                assert task.kind is not None
                try:
                    context = JobContext(
                        session, job, workspace, self.settings, clock, by_kind[job.kind]
                    )
                    rearm = await task.kind.finish(context)
                    if rearm is not None and rearm.tzinfo is None:
                        raise ValueError("a naive re-arm time")
                    await session.flush()  # the kind's own writes fail here, as its error
                except Exception as exc:
                    raise KindError("finish", claim, job.kind) from exc
                if rearm is None:
                    settles.add(claim, state="done", done_at=now, attempts=0, last_error=None)
                else:
                    settles.add(claim, due_at=rearm, attempts=0, last_error=None)
                outcomes.append(Outcome.SENT)
            elif isinstance(problem, DeliveryRefused):
                settles.add(
                    claim, state="failed", last_error=f"{REFUSED}{problem.error}"[:ERROR_LEN]
                )
                await record_failure(session, job.workspace_id, problem.channel, problem.error, now)
                line = "scheduler.job_failed job=%d kind=%s error=refused:%s"
                extra = extra_of("scheduler.job_failed", job.id, job.kind, error="refused")
                notes.append((logging.ERROR, line, (job.id, job.kind, problem.error), extra))
                outcomes.append(Outcome.FAILED)
            else:
                outcomes.append(self._defer(job, claim, problem, now, settles, notes))
        await settles.apply(session)
        return outcomes

    def _defer(
        self,
        job: Job,
        claim: Claim,
        problem: Exception,
        now: datetime,
        settles: Settles,
        notes: Notes,
    ) -> Outcome:
        if isinstance(problem, DeliveryDeferred):
            reason, retry_after = problem.reason, problem.retry_after
        else:  # a deliverer's bug or an unmapped network error: transient until proven else
            reason, retry_after = f"deliver: {type(problem).__name__}", None
        attempts, error = job.attempts + 1, reason[:ERROR_LEN]
        if attempts >= self.settings.job_max_attempts:
            settles.add(claim, state="failed", attempts=attempts, last_error=error)
            line = "scheduler.job_failed job=%d kind=%s attempts=%d error=out_of_attempts"
            extra = extra_of("scheduler.job_failed", job.id, job.kind, error="out_of_attempts")
            notes.append((logging.ERROR, line, (job.id, job.kind, attempts), extra))
            return Outcome.FAILED
        due = now + backoff(attempts, retry_after)
        settles.add(claim, attempts=attempts, due_at=due, last_error=error)
        line = "scheduler.job_deferred job=%d kind=%s attempts=%d due=%s"
        extra = extra_of("scheduler.job_deferred", job.id, job.kind, attempts=attempts)
        notes.append((logging.WARNING, line, (job.id, job.kind, attempts, due.isoformat()), extra))
        return Outcome.RETRIED


def _batches(claims: Sequence[Claim]) -> Iterator[Sequence[Claim]]:
    for start in range(0, len(claims), BATCH):
        yield claims[start : start + BATCH]
