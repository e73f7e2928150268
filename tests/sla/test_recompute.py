"""A workspace's deadlines recomputed after its calendar changed: the stored deadlines and the
jobs' due times move as worked out by hand; met and waiting deadlines have no jobs; running
twice changes nothing.

The calendar: UTC, Monday to Friday 09:00–17:00 (8 business hours a day), warnings at 75%.
A high-priority complaint (first response 4 h, resolution 2 days = 16 h) received on Friday
6 November 2026 at 15:00:
- weekdays: response warning (3 h) Mon 9 Nov 10:00, due (4 h) Mon 11:00; resolution warning
  (12 h) Tue 10 Nov 11:00, due (16 h) Tue 15:00;
- Saturday a working day too: response warning Sat 7 Nov 10:00, due Sat 11:00; resolution
  warning Mon 9 Nov 11:00, due Mon 15:00.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from bot.app import CareBot
from bot.context import Actor
from bot.sla.recompute import recompute_workspace
from storage.db import Database
from storage.models import Complaint, Job, Workspace
from storage.sla import BusinessHours, ComplaintClock
from tests.factories import log_complaint

FRIDAY_3PM = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)
FRIDAY_4PM = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)
SATURDAY_NOON = datetime(2026, 11, 7, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


WEEKDAYS = {
    "response_warning": at("2026-11-09 10:00"),
    "response_breach": at("2026-11-09 11:00"),
    "resolution_warning": at("2026-11-10 11:00"),
    "resolution_breach": at("2026-11-10 15:00"),
}
WITH_SATURDAY = {
    "response_warning": at("2026-11-07 10:00"),
    "response_breach": at("2026-11-07 11:00"),
    "resolution_warning": at("2026-11-09 11:00"),
    "resolution_breach": at("2026-11-09 15:00"),
}


async def _setup(db: Database, carebot: CareBot, asha: Actor, complaints: int = 1) -> None:
    for _ in range(complaints):
        await log_complaint(carebot, asha, follow_up_at="", steps="")
    async with db.transaction() as session:
        await session.execute(update(Workspace).values(timezone="UTC"))
        await session.execute(
            update(Complaint).values(received_at=FRIDAY_3PM, priority="high", status="open")
        )
        workspace = (await session.scalars(select(Workspace))).one()
        session.add(
            BusinessHours(
                workspace_id=workspace.id,
                days="0,1,2,3,4",
                opens="09:00",
                closes="17:00",
                closed=[],
                warn_percent=75,
                updated_at=FRIDAY_3PM,
            )
        )


async def _recompute(db: Database, now: datetime, days: str | None = None) -> int:
    async with db.transaction() as session:
        if days is not None:
            await session.execute(update(BusinessHours).values(days=days))
        workspace = (await session.scalars(select(Workspace))).one()
        return await recompute_workspace(session, workspace, now)


async def _sla_jobs(db: Database) -> dict[str, tuple[str, datetime, int]]:
    async with db.session() as session:
        jobs = await session.scalars(select(Job).where(Job.key.like("sla:%")))
        return {j.key: (j.state, j.due_at, j.claims) for j in jobs}


async def _clocks(db: Database) -> list[tuple[datetime | None, datetime | None]]:
    async with db.session() as session:
        clocks = await session.scalars(select(ComplaintClock).order_by(ComplaintClock.complaint_id))
        return [(c.response_due_at, c.resolution_due_at) for c in clocks]


def _expected(complaint_id: int, times: dict[str, datetime]) -> dict[str, datetime]:
    return {f"sla:{complaint_id}:{name.replace('_', ':')}": when for name, when in times.items()}


def _due(jobs: dict[str, tuple[str, datetime, int]]) -> dict[str, datetime]:
    return {key: due for key, (state, due, _) in jobs.items() if state == "pending"}


async def _first_id(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(Complaint.id).order_by(Complaint.id)) or 0)


async def test_saturday_becomes_a_working_day(db: Database, carebot: CareBot, asha: Actor) -> None:
    await _setup(db, carebot, asha)
    cid = await _first_id(db)

    assert await _recompute(db, FRIDAY_4PM) == 1
    assert await _clocks(db) == [(WEEKDAYS["response_breach"], WEEKDAYS["resolution_breach"])]
    assert _due(await _sla_jobs(db)) == _expected(cid, WEEKDAYS)

    before = {key: claims for key, (_, _, claims) in (await _sla_jobs(db)).items()}
    assert await _recompute(db, FRIDAY_4PM, days="0,1,2,3,4,5") == 1
    assert await _clocks(db) == [
        (WITH_SATURDAY["response_breach"], WITH_SATURDAY["resolution_breach"])
    ]
    jobs = await _sla_jobs(db)
    assert _due(jobs) == _expected(cid, WITH_SATURDAY)
    # Re-planned: each job's claim token moved on, so a delivery under way cannot end it.
    assert {key: claims - 1 for key, (_, _, claims) in jobs.items()} == before


async def test_past_moments_not_yet_told_are_due_now_and_told_ones_stay(
    db: Database, carebot: CareBot, asha: Actor
) -> None:
    await _setup(db, carebot, asha)
    cid = await _first_id(db)
    await _recompute(db, FRIDAY_4PM)
    async with db.transaction() as session:  # the response warning went out already
        await session.execute(
            update(ComplaintClock).values(response_warned_at=at("2026-11-07 10:00"))
        )
        await session.execute(
            update(Job)
            .where(Job.key == f"sla:{cid}:response:warning")
            .values(state="done", done_at=at("2026-11-07 10:00"))
        )

    await _recompute(db, SATURDAY_NOON, days="0,1,2,3,4,5")

    jobs = await _sla_jobs(db)
    assert jobs[f"sla:{cid}:response:warning"][0] == "done"  # told once, never again
    assert _due(jobs) == {
        f"sla:{cid}:response:breach": SATURDAY_NOON,  # Saturday 11:00 is past: due now
        f"sla:{cid}:resolution:warning": WITH_SATURDAY["resolution_warning"],
        f"sla:{cid}:resolution:breach": WITH_SATURDAY["resolution_breach"],
    }


async def test_met_and_waiting_deadlines_have_no_jobs(
    db: Database, carebot: CareBot, asha: Actor
) -> None:
    await _setup(db, carebot, asha, complaints=3)
    await _recompute(db, FRIDAY_4PM)
    async with db.transaction() as session:
        ids = list(await session.scalars(select(Complaint.id).order_by(Complaint.id)))
        responded, waiting = ids[0], ids[1]
        await session.execute(
            update(ComplaintClock)
            .where(ComplaintClock.complaint_id == responded)
            .values(responded_at=at("2026-11-06 15:30"))
        )
        await session.execute(
            update(Complaint).where(Complaint.id == waiting).values(status="waiting")
        )
        await session.execute(
            update(ComplaintClock)
            .where(ComplaintClock.complaint_id == waiting)
            .values(waiting_since=at("2026-11-06 15:45"))
        )

    await _recompute(db, FRIDAY_4PM, days="0,1,2,3,4,5")

    jobs = await _sla_jobs(db)
    states = {key: state for key, (state, _, _) in jobs.items()}
    assert states[f"sla:{responded}:response:warning"] == "cancelled"
    assert states[f"sla:{responded}:response:breach"] == "cancelled"
    assert states[f"sla:{waiting}:resolution:warning"] == "cancelled"
    assert states[f"sla:{waiting}:resolution:breach"] == "cancelled"
    due = _due(jobs)
    resolution = {k: v for k, v in WITH_SATURDAY.items() if k.startswith("resolution")}
    response = {k: v for k, v in WITH_SATURDAY.items() if k.startswith("response")}
    assert due == {
        **_expected(responded, resolution),
        **_expected(waiting, response),
        **_expected(ids[2], WITH_SATURDAY),
    }
    # Their deadlines are stored all the same: the report counts them.
    assert set(await _clocks(db)) == {
        (WITH_SATURDAY["response_breach"], WITH_SATURDAY["resolution_breach"])
    }


async def test_running_twice_changes_nothing(db: Database, carebot: CareBot, asha: Actor) -> None:
    await _setup(db, carebot, asha, complaints=2)
    await _recompute(db, FRIDAY_4PM, days="0,1,2,3,4,5")
    jobs, clocks = await _sla_jobs(db), await _clocks(db)
    await _recompute(db, FRIDAY_4PM, days="0,1,2,3,4,5")
    await _recompute(db, SATURDAY_NOON, days="0,1,2,3,4,5")
    assert await _clocks(db) == clocks
    # One job per key, as it was: at noon, the Saturday moments are due already and stay so.
    assert await _sla_jobs(db) == jobs
    assert len(jobs) == 8


async def test_resolved_complaints_are_left_alone(
    db: Database, carebot: CareBot, asha: Actor
) -> None:
    await _setup(db, carebot, asha)
    async with db.transaction() as session:
        await session.execute(update(Complaint).values(status="resolved", resolved_at=FRIDAY_4PM))
    before = await _sla_jobs(db)
    assert await _recompute(db, FRIDAY_4PM) == 0
    assert await _sla_jobs(db) == before  # nothing planned or moved for them
