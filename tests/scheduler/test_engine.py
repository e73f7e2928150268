"""One engine against the database: what is claimed, delivered, retried, re-armed, given up."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.scheduled import DeliveryDeferred, DeliveryRefused, JobContext, Outgoing, plan
from bot.settings import Settings
from scheduler.claims import claim_due, settle
from scheduler.engine import Engine
from scheduler.outcomes import backoff
from storage.db import Database
from storage.models import DeliveryFailure, Job
from tests.scheduler.conftest import EchoKind, Recorder, add_jobs, add_workspace, load

HOUR = timedelta(hours=1)


async def test_only_due_pending_jobs_are_claimed_and_a_claim_is_a_lease(
    db: Database, clock: ManualClock, settings: Settings
) -> None:
    now = clock.now()
    ws = await add_workspace(db, now)
    past, due, future, cancelled = await add_jobs(
        db, ws, [now - HOUR, now, now + timedelta(seconds=1), now - HOUR], now
    )
    async with db.transaction() as session:
        (await session.get_one(Job, cancelled)).state = "cancelled"
    lease = timedelta(seconds=settings.job_lease_seconds)

    async with db.transaction() as session:
        claims = await claim_due(session, now=now, lease=lease, limit=10)

    assert sorted(c.job_id for c in claims) == [past, due]
    assert {c.token for c in claims} == {1}
    claimed = await load(db, past)
    assert (claimed.state, claimed.due_at, claimed.claims) == ("pending", now + lease, 1)
    assert (await load(db, future)).claims == 0
    async with db.transaction() as session:  # leased: not due again until the lease ends
        assert await claim_due(session, now=now, lease=lease, limit=10) == []


async def test_the_limit_takes_the_earliest_due_first(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    ws = await add_workspace(db, now)
    ids = await add_jobs(db, ws, [now - timedelta(minutes=m) for m in (1, 3, 2)], now)
    async with db.transaction() as session:
        claims = await claim_due(session, now=now, lease=HOUR, limit=2)
    assert sorted(c.job_id for c in claims) == sorted([ids[1], ids[2]])


async def test_a_due_job_is_delivered_once_and_done(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    kind.messages = 2
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())

    report = await engine.tick()

    assert (report.claimed, report.sent) == (1, 1)
    assert recorder.per_job() == {job_id: 2}
    assert kind.finished == {job_id: 1}
    job = await load(db, job_id)
    assert (job.state, job.done_at, job.attempts) == ("done", clock.now(), 0)
    clock.advance(timedelta(days=1))
    assert (await engine.tick()).claimed == 0
    assert len(recorder.sent) == 2


async def test_finish_re_arms_the_job(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    def next_day(job: JobContext) -> datetime | None:
        return job.now() + timedelta(days=1) if kind.finished[job.job.id] < 2 else None

    kind.rearm = next_day
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())

    await engine.tick()
    job = await load(db, job_id)
    assert (job.state, job.due_at, job.attempts) == ("pending", clock.now() + timedelta(days=1), 0)
    assert (await engine.tick()).claimed == 0
    clock.advance(timedelta(days=1))
    await engine.tick()

    assert recorder.per_job() == {job_id: 2}
    assert (await load(db, job_id)).state == "done"


async def test_a_crash_between_claim_and_finish_delivers_once_after_the_lease(
    engine: Engine,
    db: Database,
    clock: ManualClock,
    settings: Settings,
    recorder: Recorder,
    kind: EchoKind,
) -> None:
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())
    lease = timedelta(seconds=settings.job_lease_seconds)
    async with db.transaction() as session:  # a process claims it, then dies
        assert len(await claim_due(session, now=clock.now(), lease=lease, limit=10)) == 1

    assert (await engine.tick()).claimed == 0
    clock.advance(lease - timedelta(seconds=1))
    assert (await engine.tick()).claimed == 0
    clock.advance(timedelta(seconds=1))
    report = await engine.tick()

    assert (report.claimed, report.sent) == (1, 1)
    assert recorder.per_job() == {job_id: 1}
    job = await load(db, job_id)
    assert (job.state, job.claims) == ("done", 2)


async def test_an_expired_leases_token_cannot_finish_the_job(
    db: Database, clock: ManualClock
) -> None:
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())
    async with db.transaction() as session:
        (old,) = await claim_due(session, now=clock.now(), lease=HOUR, limit=1)
    async with db.transaction() as session:
        (new,) = await claim_due(session, now=clock.now() + HOUR, lease=HOUR, limit=1)

    async with db.transaction() as session:
        assert await settle(session, [old], state="done") == 0
    async with db.transaction() as session:
        assert await settle(session, [new], state="done") == 1
    assert (old.job_id, old.token, new.token) == (job_id, 1, 2)
    assert (await load(db, job_id)).state == "done"


async def test_a_process_whose_lease_ran_out_mid_delivery_does_not_finish_the_job(
    db: Database, settings: Settings, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    """The slow process delivered after all (the one duplicate a lease allows), but the job is
    finished once, by the process that holds it now."""
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())
    slow = Engine(db, settings, clock, {"test": recorder})
    other = Engine(db, settings, clock, {"test": recorder})

    async def lease_runs_out() -> None:
        clock.advance(timedelta(seconds=settings.job_lease_seconds))
        assert (await other.tick()).sent == 1

    recorder.on_deliver = lease_runs_out
    report = await slow.tick()

    assert (report.claimed, report.sent, report.skipped) == (1, 0, 1)
    assert kind.finished == {job_id: 1}
    assert recorder.per_job() == {job_id: 2}
    job = await load(db, job_id)
    assert (job.state, job.claims) == ("done", 2)


async def test_a_deferred_delivery_backs_off_then_succeeds(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())
    recorder.raises = [DeliveryDeferred("rate_limited"), DeliveryDeferred("http_503")]

    assert (await engine.tick()).retried == 1
    job = await load(db, job_id)
    assert (job.state, job.attempts, job.last_error) == ("pending", 1, "rate_limited")
    assert job.due_at == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=29))
    assert (await engine.tick()).claimed == 0
    clock.advance(timedelta(seconds=1))
    assert (await engine.tick()).retried == 1
    assert (await load(db, job_id)).due_at == clock.now() + timedelta(seconds=60)
    clock.advance(timedelta(seconds=60))
    assert (await engine.tick()).sent == 1

    job = await load(db, job_id)
    assert (job.state, job.attempts, job.last_error) == ("done", 0, None)
    assert recorder.per_job() == {job_id: 1}


async def test_a_platforms_retry_after_wins_when_longer(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())
    recorder.raises = [DeliveryDeferred("rate_limited", retry_after=timedelta(minutes=10))]
    await engine.tick()
    assert (await load(db, job_id)).due_at == clock.now() + timedelta(minutes=10)


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 50)] == [
        30,
        60,
        120,
        1920,
        3600,
        3600,
    ]
    assert backoff(1, timedelta(seconds=5)) == timedelta(seconds=30)


async def test_out_of_attempts_the_job_fails(
    db: Database, settings: Settings, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    engine = Engine(
        db, settings.model_copy(update={"job_max_attempts": 3}), clock, {"test": recorder}
    )
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())
    recorder.raises = [DeliveryDeferred("timeout") for _ in range(10)]

    outcomes = []
    for _ in range(5):
        report = await engine.tick()
        outcomes.append((report.retried, report.failed))
        clock.advance(HOUR)

    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    job = await load(db, job_id)
    assert (job.state, job.attempts, job.last_error) == ("failed", 3, "timeout")
    assert recorder.sent == []


async def test_a_refused_delivery_fails_the_job_and_tells_admins_once_per_channel(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    ws = await add_workspace(db, clock.now())
    first, second = await add_jobs(db, ws, [clock.now(), clock.now()], clock.now())
    recorder.raises = [DeliveryRefused("channel_not_found", channel="C9") for _ in range(2)]

    report = await engine.tick()

    assert report.failed == 2
    for job_id in (first, second):
        job = await load(db, job_id)
        assert (job.state, job.last_error) == ("failed", "refused: channel_not_found")
    async with db.session() as session:
        failures = list(await session.scalars(select(DeliveryFailure)))
    assert [(f.workspace_id, f.channel, f.error, f.at) for f in failures] == [
        (ws, "C9", "channel_not_found", clock.now())
    ]
    assert kind.finished == {}


async def test_errors_in_prepare_or_finish_are_retried_and_never_stop_the_tick(
    engine: Engine,
    db: Database,
    clock: ManualClock,
    kind: EchoKind,
    recorder: Recorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ws = await add_workspace(db, clock.now())
    ids = await add_jobs(db, ws, [clock.now()] * 4, clock.now())
    kind.fail_prepare, kind.fail_finish = {ids[0]}, {ids[1]}

    with caplog.at_level(logging.ERROR, logger="carebot.scheduler"):
        report = await engine.tick()

    assert (report.sent, report.retried) == (2, 2)
    errors = [(await load(db, i)).last_error for i in ids]
    assert errors == ["prepare: RuntimeError", "finish: RuntimeError", None, None]
    assert "Ravi" not in caplog.text  # the exception's message is not logged, its stack is
    assert "prepare_error job=" in caplog.text
    kind.fail_prepare, kind.fail_finish = set(), set()
    clock.advance(timedelta(seconds=30))
    assert (await engine.tick()).sent == 2
    assert sum(recorder.per_job().values()) == 5  # the job whose finish failed was said twice


async def test_a_batch_whose_kind_failed_once_is_redone_one_job_at_a_time(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    """The failure rolled back the whole batch's transaction; redone alone, every job went."""
    ids = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()] * 3, clock.now())
    kind.fail_prepare, kind.fail_finish, kind.fail_once = {ids[1]}, {ids[2]}, True

    report = await engine.tick()

    assert (report.sent, report.retried) == (3, 0)
    assert recorder.per_job() == dict.fromkeys(ids, 1)
    # Finishes rolled back with the batch ran again; kinds keep their effects in the session.
    assert kind.finished == {ids[0]: 2, ids[1]: 2, ids[2]: 1}
    assert [(await load(db, i)).state for i in ids] == ["done"] * 3


async def test_a_naive_re_arm_time_is_the_kinds_error_not_a_lost_batch(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind
) -> None:
    ids = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()] * 2, clock.now())
    kind.rearm = lambda job: job.now().replace(tzinfo=None) if job.job.id == ids[0] else None

    report = await engine.tick()

    assert (report.sent, report.retried) == (1, 1)
    assert (await load(db, ids[0])).last_error == "finish: ValueError"
    assert (await load(db, ids[1])).state == "done"


async def test_a_hung_or_broken_deliverer_defers_the_job_and_ends_the_tick(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    hung, broken = await add_jobs(
        db, await add_workspace(db, clock.now()), [clock.now()] * 2, clock.now()
    )
    never = asyncio.Event()

    async def deliver(outgoing: Outgoing) -> None:
        if outgoing.reply.posts[0].message.text == f"job {hung}":
            await never.wait()
        raise ConnectionResetError("peer went away")

    recorder.deliver = deliver  # type: ignore[method-assign]
    engine.delivery_budget = 0.05  # real seconds: the lease's stand-in

    report = await engine.tick()

    assert report.retried == 2
    assert (await load(db, hung)).last_error == "deliver: TimeoutError"
    assert (await load(db, broken)).last_error == "deliver: ConnectionResetError"


async def test_an_unknown_kind_fails_and_a_platform_without_deliverer_waits(
    engine: Engine, db: Database, clock: ManualClock, settings: Settings, kind: EchoKind
) -> None:
    now = clock.now()
    (unknown,) = await add_jobs(db, await add_workspace(db, now), [now], now, kind="gone_kind")
    (waiting,) = await add_jobs(db, await add_workspace(db, now, "discord", "G1"), [now], now)

    report = await engine.tick()

    assert (report.failed, report.skipped, dict(report.undeliverable)) == (1, 1, {"discord": 1})
    assert "no deliverer for discord: 1 jobs left pending" in str(report)
    assert (await load(db, unknown)).last_error == "unknown job kind 'gone_kind'"
    job = await load(db, waiting)
    assert (job.state, job.attempts, job.due_at) == (
        "pending",
        0,
        now + timedelta(seconds=settings.job_lease_seconds),
    )
    assert kind.prepared == []


async def test_nothing_to_say_ends_the_job_without_a_delivery(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    kind.messages = 0
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())
    report = await engine.tick()
    assert (report.empty, report.sent) == (1, 0)
    assert (await load(db, job_id)).state == "done"
    assert recorder.sent == [] and kind.finished == {}


async def test_a_cancelled_job_is_not_delivered_even_once_claimed(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    (job_id,) = await add_jobs(db, await add_workspace(db, clock.now()), [clock.now()], clock.now())

    async def cancel() -> None:
        async with db.transaction() as session:
            (await session.get_one(Job, job_id)).state = "cancelled"

    recorder.on_deliver = cancel  # cancelled by a person while the message was on its way
    report = await engine.tick()
    assert report.skipped == 1
    assert (await load(db, job_id)).state == "cancelled"
    assert kind.finished == {}


async def test_a_job_re_planned_while_its_message_is_on_the_way_keeps_its_new_time(
    engine: Engine, db: Database, clock: ManualClock, kind: EchoKind, recorder: Recorder
) -> None:
    now = clock.now()
    ws = await add_workspace(db, now)
    (job_id,) = await add_jobs(db, ws, [now], now)

    async def move_it() -> None:  # a person moves the follow-up meanwhile
        async with db.transaction() as session:
            await plan(
                session, workspace_id=ws, kind="test_echo", key="test:0", due_at=now + HOUR, now=now
            )

    recorder.on_deliver = move_it
    await engine.tick()

    job = await load(db, job_id)
    assert (job.state, job.due_at) == ("pending", now + HOUR)


async def test_planning_the_same_key_twice_makes_one_job(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    ws = await add_workspace(db, now)
    for due in (now + HOUR, now + 2 * HOUR):
        async with db.transaction() as session:
            await plan(session, workspace_id=ws, kind="test_echo", key="k", due_at=due, now=now)
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Job)) == 1
        assert (await session.scalars(select(Job))).one().due_at == now + 2 * HOUR
