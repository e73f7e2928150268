"""The rules customers and teams expect: opt-out is for good, one survey per customer in the
cooldown, and an email is never sent twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from bot.surveys.page import PageKind, SurveyDesk
from storage.db import Database
from storage.models import AuditEvent, SurveyOptOut
from tests.factories import log_complaint, texts
from tests.jobs import prepare
from tests.surveys.flows import RESOLVE, send_survey, survey_of, surveyed


async def _second_complaint(
    carebot: CareBot, actor: Actor, clock: ManualClock, **fields: object
) -> None:
    clock.advance(timedelta(days=1))
    await log_complaint(carebot, actor, follow_up_at=None, **fields)
    await carebot.submit(actor, "complaint.resolve", RESOLVE, {"number": "2"})
    clock.advance(timedelta(hours=24))


async def test_unsubscribing_records_the_contact_and_no_survey_goes_to_it_again(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    _, token = await surveyed(carebot, asha, db, settings, clock)
    desk = SurveyDesk(db, settings, clock)
    confirm = await desk.unsubscribe_page(token)
    assert confirm.kind is PageKind.UNSUBSCRIBE
    async with db.session() as session:
        assert list(await session.scalars(select(SurveyOptOut))) == []  # a GET records nothing
    assert (await desk.unsubscribe(token)).kind is PageKind.UNSUBSCRIBED
    assert (await desk.unsubscribe(token)).kind is PageKind.UNSUBSCRIBED  # twice: the same
    async with db.session() as session:
        audited = list(
            await session.scalars(
                select(AuditEvent.id).where(AuditEvent.action == "survey_opt_out")
            )
        )
    assert len(audited) == 1
    async with db.session() as session:
        stored = list(await session.scalars(select(SurveyOptOut.contact_hash)))
    assert len(stored) == 1 and "98765" not in stored[0]  # a keyed hash, not the number

    clock.advance(timedelta(days=60))  # past the cooldown: only the opt-out stops it
    await _second_complaint(carebot, asha, clock)
    second = await survey_of(db, 2)
    (out,) = await send_survey(db, settings, clock, second.id)
    assert "asked not to receive surveys" in texts(out.reply)
    assert (await survey_of(db, 2)).state == "skipped"


async def test_a_customer_is_asked_once_in_the_cooldown(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await surveyed(carebot, asha, db, settings, clock)
    await _second_complaint(carebot, asha, clock)  # same phone, two days later
    second = await survey_of(db, 2)
    (out,) = await send_survey(db, settings, clock, second.id)
    assert "in the last 30 days" in texts(out.reply)
    assert ((await survey_of(db, 2)).state, (await survey_of(db, 2)).skip_reason) == (
        "skipped",
        "cooldown",
    )


async def test_another_customer_is_asked_as_usual(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await surveyed(carebot, asha, db, settings, clock)
    await _second_complaint(carebot, asha, clock, customer_phone="91234 56789")
    (out,) = await send_survey(db, settings, clock, (await survey_of(db, 2)).id)
    assert "send this link to the customer" in texts(out.reply)


async def test_an_email_handed_to_the_server_is_never_sent_twice(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    mail = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_from": "care@example.com"})
    await surveyed(carebot, asha, db, mail, clock, email="ravi@example.com")
    survey = await survey_of(db)
    key = f"survey_email:{survey.id}"
    (first,) = await prepare(db, mail, clock, key)
    assert first.email is not None and first.email.to == "ravi@example.com"
    # The process ends while the mail server has it: the lease runs out, the job comes again.
    assert await prepare(db, mail, clock, key) == ()


async def test_after_the_customer_is_erased_their_open_survey_takes_nothing(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    _, token = await surveyed(carebot, asha, db, settings, clock)
    asked = await carebot.command(asha, "carebot", "customer erase 98765 43210")
    (button,) = asked.posts[0].message.buttons
    await carebot.action(asha, button.action, button.value)
    desk = SurveyDesk(db, settings, clock)
    assert (await desk.show(token)).kind is PageKind.CLOSED
    page = await desk.answer(token, {"score": "2", "better": "I am Ravi", "token": token})
    assert page.kind is PageKind.CLOSED
    survey = await survey_of(db)
    assert (survey.state, survey.better) == ("open", None)
