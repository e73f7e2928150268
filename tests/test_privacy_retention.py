"""PERSONAL_DATA_RETENTION_DAYS: resolved complaints' personal data is anonymised by a daily job
once the period is over (the email and the customer's survey words too); never before, never an
open complaint, never while the retention check still needs the phone number (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import delete, select, update

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.privacy import retention
from bot.privacy.planning import KEY, plan_all
from bot.settings import Settings
from storage.db import Database
from storage.models import AuditEvent, Complaint, Job, RetentionCheck
from storage.surveys import Survey
from tests.conftest import person
from tests.factories import log_complaint
from tests.jobs import finish, job, prepare

DAYS = 40
SPOT = {"solution_mode": "on_the_spot", "follow_up_at": ""}


@pytest.fixture
def keeping(settings: Settings) -> Settings:
    return settings.model_copy(update={"personal_data_retention_days": DAYS})


@pytest.fixture
def bot(db: Database, keeping: Settings, clock: ManualClock) -> CareBot:
    return CareBot(db, keeping, clock)


async def names(db: Database) -> list[str]:
    async with db.session() as session:
        query = select(Complaint.customer_name).order_by(Complaint.number)
        return list(await session.scalars(query))


async def check_state(db: Database, number: int, state: str) -> None:
    """As if the agent had called (done) or the nudges had run out (missed)."""
    async with db.transaction() as session:
        complaint = select(Complaint.id).where(Complaint.number == number).scalar_subquery()
        await session.execute(
            update(RetentionCheck)
            .where(RetentionCheck.complaint_id == complaint)
            .values(state=state)
        )


async def run(db: Database, settings: Settings, clock: ManualClock):
    """One run of the job, as the scheduler would: the anonymising, then when it is due again."""
    outgoing = await prepare(db, settings, clock, KEY)
    assert all(not o.reply.posts and o.reply.form is None for o in outgoing)  # it says nothing
    return await finish(db, settings, clock, KEY) if outgoing else None


async def test_anonymised_after_the_period_never_before_and_never_open(
    bot: CareBot, db: Database, keeping: Settings, clock: ManualClock, asha: Actor
) -> None:
    start = clock.now()
    await log_complaint(bot, asha, **SPOT)  # 1: resolved, its check answered
    await log_complaint(bot, asha)  # 2: still open
    await log_complaint(bot, asha, **SPOT, customer_name="Sunita Rao")  # 3: check not made yet
    await check_state(db, 1, "done")
    assert (await job(db, KEY)).due_at == start + timedelta(days=1)

    clock.set(start + timedelta(days=DAYS - 1))
    assert await run(db, keeping, clock) == clock.now() + timedelta(days=1)
    assert await names(db) == ["Ravi Kumar", "Ravi Kumar", "Sunita Rao"]  # not yet

    clock.set(start + timedelta(days=DAYS, minutes=1))
    assert await run(db, keeping, clock) == clock.now() + timedelta(days=1)
    assert await names(db) == ["erased", "Ravi Kumar", "Sunita Rao"]

    await check_state(db, 3, "missed")
    clock.advance(timedelta(days=300))
    await run(db, keeping, clock)
    assert await names(db) == ["erased", "Ravi Kumar", "erased"]  # the open one, never

    async with db.session() as session:
        events = list(
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "retention_erased")
                .order_by(AuditEvent.id)
            )
        )
    assert [(e.actor_id, e.changes) for e in events] == [
        (None, {"complaints": 1, "numbers": [1], "days": DAYS}),
        (None, {"complaints": 1, "numbers": [3], "days": DAYS}),
    ]


async def test_a_long_history_goes_in_batches(
    bot: CareBot,
    db: Database,
    keeping: Settings,
    clock: ManualClock,
    asha: Actor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(retention, "BATCH", 2)
    for _ in range(3):
        await log_complaint(bot, asha, **SPOT)
    for number in (1, 2, 3):
        await check_state(db, number, "done")
    clock.advance(timedelta(days=DAYS + 1))

    assert await run(db, keeping, clock) == clock.now()  # some are left: due again at once
    assert await names(db) == ["erased", "erased", "Ravi Kumar"]
    assert await run(db, keeping, clock) == clock.now() + timedelta(days=1)
    assert await names(db) == ["erased"] * 3


async def test_the_email_and_the_customers_words_go_the_scores_stay(
    bot: CareBot, db: Database, keeping: Settings, clock: ManualClock, asha: Actor
) -> None:
    email = "ravi.kumar@example.com"
    await log_complaint(bot, asha, **SPOT, customer_email=email, description=f"From {email}")
    await check_state(db, 1, "done")
    async with db.transaction() as session:
        complaint = (await session.scalars(select(Complaint))).one()
        await session.execute(delete(Survey))  # the planned one, answered:
        session.add(
            Survey(
                workspace_id=complaint.workspace_id,
                complaint_id=complaint.id,
                kind="resolution",
                state="answered",
                locale="en",
                due_at=clock.now(),
                score=3,
                better="Answer my emails",
                answered_at=clock.now(),
                created_at=clock.now(),
            )
        )
    clock.advance(timedelta(days=DAYS + 1))
    await run(db, keeping, clock)

    async with db.session() as session:
        complaint = (await session.scalars(select(Complaint))).one()
        survey = (await session.scalars(select(Survey))).one()
    assert (complaint.customer_name, complaint.customer_email) == ("erased", None)
    assert complaint.description == "From [erased]"
    assert (survey.score, survey.better) == (3, None)


async def test_with_the_setting_off_the_job_ends_and_nothing_is_erased(
    bot: CareBot, db: Database, settings: Settings, clock: ManualClock, asha: Actor
) -> None:
    await log_complaint(bot, asha, **SPOT)
    await check_state(db, 1, "done")
    clock.advance(timedelta(days=DAYS + 1))
    assert await prepare(db, settings, clock, KEY) == ()
    assert await finish(db, settings, clock, KEY) is None
    assert await names(db) == ["Ravi Kumar"]


async def test_every_workspace_gets_its_job_when_carebot_starts(
    carebot: CareBot, db: Database, keeping: Settings, clock: ManualClock, asha: Actor
) -> None:
    await carebot.command(asha, "help")  # created with the setting off: no job
    await carebot.command(person("Ola", workspace="T2"), "help")
    async with db.session() as session:
        assert list(await session.scalars(select(Job))) == []

    await plan_all(db, keeping, clock.now())
    await plan_all(db, keeping, clock.now())  # a second start plans nothing twice
    async with db.transaction() as session:
        jobs = list(await session.scalars(select(Job)))
        assert [(j.kind, j.state, j.due_at) for j in jobs] == [
            ("anonymise", "pending", clock.now())
        ] * 2
        jobs[0].state = "done"  # the setting was off for a while: the job ended
    clock.advance(timedelta(hours=1))
    await plan_all(db, keeping, clock.now())
    async with db.session() as session:
        due = sorted(j.due_at for j in await session.scalars(select(Job)))
    assert due == [clock.now() - timedelta(hours=1), clock.now()]


def test_the_setting_is_off_unless_set_to_some_days(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).personal_data_retention_days is None  # type: ignore[call-arg]
    monkeypatch.setenv("PERSONAL_DATA_RETENTION_DAYS", "365")
    assert Settings(_env_file=None).personal_data_retention_days == 365  # type: ignore[call-arg]
    monkeypatch.setenv("PERSONAL_DATA_RETENTION_DAYS", "0")
    with pytest.raises(ValidationError, match="personal_data_retention_days"):
        Settings(_env_file=None)  # type: ignore[call-arg]
