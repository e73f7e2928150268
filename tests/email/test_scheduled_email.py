"""Survey mail through the scheduler: a job kind with `via = "email"` planned in the jobs
table, its message handed by the engine to the email deliverer and a real SMTP server."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

import pytest
from sqlalchemy import select

from adapters.email.deliver import EmailDeliverer
from bot.clock import ManualClock
from bot.context import Actor
from bot.i18n import Translator
from bot.routes import root
from bot.scheduled import JobContext, Outgoing
from bot.settings import Settings
from bot.surveys.email import survey_email
from bot.ui import Reply
from scheduler.engine import Engine
from scheduler.outcomes import backoff
from storage.db import Database
from storage.models import DeliveryFailure, Job
from tests.email.smtp_server import CUSTOMER, Mailbox, smtp_server
from tests.scheduler.conftest import PLATFORM, Recorder, add_jobs, add_workspace, load

KIND = "test_survey_mail"


@dataclass
class SurveyMail:
    """Invites the customer of complaint #(job id) to a survey, in Hindi."""

    via: ClassVar[str] = "email"
    finished: list[int] = field(default_factory=list)

    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        email = survey_email(
            Translator("hi"),
            to=CUSTOMER,
            business=job.workspace.name,
            number=job.job.id,
            kind="resolution",
            link=f"https://care.example.com/s/{job.job.id}",
            unsubscribe_link=f"https://care.example.com/u/{job.job.id}",
            message_id=f"survey-{job.job.id}@care.example.com",
        )
        actor = Actor(PLATFORM, job.workspace.external_id, "customer", "customer", is_dm=True)
        return (Outgoing(actor, Reply.text(email.subject), email=email),)

    async def finish(self, job: JobContext) -> datetime | None:
        self.finished.append(job.job.id)
        return None


@pytest.fixture
def kind() -> Iterator[SurveyMail]:
    root().jobs[KIND] = mail = SurveyMail()
    try:
        yield mail
    finally:
        del root().jobs[KIND]


@pytest.fixture
async def mailbox() -> AsyncIterator[tuple[Mailbox, int]]:
    box = Mailbox()
    async with smtp_server(box) as port:
        yield box, port


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def engine(
    db: Database,
    settings: Settings,
    clock: ManualClock,
    mailbox: tuple[Mailbox, int],
    recorder: Recorder,
) -> Engine:
    smtp = {
        "smtp_host": "127.0.0.1",
        "smtp_port": mailbox[1],
        "smtp_from": "Care <care@sharma.test>",
        "smtp_starttls": False,
    }
    mail = EmailDeliverer(settings.model_copy(update=smtp), clock)
    return Engine(db, settings, clock, {"email": mail, PLATFORM: recorder})


async def planned(db: Database, clock: ManualClock) -> int:
    workspace = await add_workspace(db, clock.now(), name="शर्मा किराना")
    (job_id,) = await add_jobs(db, workspace, [clock.now()], clock.now(), kind=KIND)
    return job_id


async def test_the_survey_mail_is_received_once_and_the_job_ends(
    engine: Engine,
    db: Database,
    clock: ManualClock,
    kind: SurveyMail,
    mailbox: tuple[Mailbox, int],
    recorder: Recorder,
) -> None:
    job_id = await planned(db, clock)

    report = await engine.tick()
    clock.advance(timedelta(days=1))
    again = await engine.tick()

    assert (report.claimed, report.sent, again.claimed) == (1, 1, 0)
    (received,) = mailbox[0].received
    message = received.message()
    assert received.rcpt_tos == [CUSTOMER]
    assert message["Message-ID"] == f"<survey-{job_id}@care.example.com>"
    assert message["Content-Language"] == "hi" and "शर्मा किराना" in message["Subject"]
    assert recorder.sent == []  # nothing went to the team's platform
    assert kind.finished == [job_id]
    assert (await load(db, job_id)).state == "done"


async def test_a_451_backs_off_and_the_next_tick_delivers(
    engine: Engine, db: Database, clock: ManualClock, kind: SurveyMail, mailbox: tuple[Mailbox, int]
) -> None:
    mailbox[0].data_replies.append("451 4.7.1 Greylisted, try again later")
    job_id = await planned(db, clock)

    first = await engine.tick()
    job = await load(db, job_id)
    assert (first.retried, job.state, job.attempts) == (1, "pending", 1)
    assert (job.due_at, job.last_error) == (clock.now() + backoff(1), "smtp_451")
    assert (await engine.tick()).claimed == 0  # not before its time
    clock.advance(backoff(1))
    second = await engine.tick()

    assert second.sent == 1 and len(mailbox[0].received) == 1
    assert (await load(db, job_id)).state == "done"


async def test_a_550_gives_up_and_tells_admins_without_the_address(
    engine: Engine,
    db: Database,
    clock: ManualClock,
    kind: SurveyMail,
    mailbox: tuple[Mailbox, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    mailbox[0].rcpt_replies.append(f"550 5.1.1 <{CUSTOMER}>: Recipient address rejected")
    job_id = await planned(db, clock)

    report = await engine.tick()
    clock.advance(timedelta(days=1))
    later = await engine.tick()

    assert (report.failed, later.claimed, mailbox[0].received) == (1, 0, [])
    job = await load(db, job_id)
    assert (job.state, job.last_error) == ("failed", "refused: smtp_550")
    async with db.session() as session:
        (failure,) = await session.scalars(select(DeliveryFailure))
        assert (failure.channel, failure.error, failure.at) == (
            "email",
            "smtp_550",
            clock.now() - timedelta(days=1),
        )
        jobs = list(await session.scalars(select(Job)))
    stored = [failure.channel, failure.error] + [j.last_error for j in jobs] + [j.key for j in jobs]
    assert not any(CUSTOMER in (value or "") for value in stored)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert "smtp_550" in logged and CUSTOMER not in logged
    assert kind.finished == []


async def test_without_an_email_deliverer_the_job_waits(
    db: Database, settings: Settings, clock: ManualClock, kind: SurveyMail, recorder: Recorder
) -> None:
    job_id = await planned(db, clock)
    report = await Engine(db, settings, clock, {PLATFORM: recorder}).tick()
    assert report.undeliverable == {"email": 1}
    assert (await load(db, job_id)).state == "pending"
    assert recorder.sent == []
