"""A survey's life through the core: planned on resolution, sent to the agent with its link,
answered once by the customer on the page, and what the team hears of it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from bot.surveys.page import PageKind, SurveyDesk
from storage.db import Database
from storage.models import AuditEvent, Job, Survey
from tests.factories import texts
from tests.jobs import job, prepare
from tests.surveys.flows import resolved_complaint, send_survey, survey_of, surveyed

GOOD = {"score": "5", "better": "Call me back sooner"}


async def test_resolving_plans_the_survey_a_day_later_and_reopening_cancels_it(
    carebot: CareBot, asha: Actor, db: Database, clock: ManualClock
) -> None:
    await resolved_complaint(carebot, asha)
    survey = await survey_of(db)
    assert (survey.state, survey.due_at) == ("planned", clock.now() + timedelta(hours=24))
    assert (await job(db, f"survey:{survey.id}")).due_at == survey.due_at

    await carebot.action(asha, "complaint.reopen", "1")
    assert (await survey_of(db)).state == "cancelled"
    assert (await job(db, f"survey:{survey.id}")).state == "cancelled"

    clock.advance(timedelta(hours=2))
    await carebot.submit(
        asha,
        "complaint.resolve",
        {"solution": "x", "solution_mode": "on_the_spot"},
        {"number": "1"},
    )
    again = await survey_of(db)
    assert (again.id, again.state, again.due_at) == (
        survey.id,
        "planned",
        clock.now() + timedelta(hours=24),
    )


async def test_no_resolution_survey_when_the_workspace_turned_it_off(
    carebot: CareBot, asha: Actor, bob: Actor, db: Database
) -> None:
    shown = texts(await carebot.command(asha, "complaint", "survey"))  # asha: the first, admin
    assert "a survey 24 hours later" in shown
    refused = await carebot.command(bob, "complaint", "survey delay off")
    assert "Only managers and admins" in texts(refused)
    said = texts(await carebot.command(asha, "complaint", "survey delay off"))
    assert "no survey" in said
    await resolved_complaint(carebot, asha)
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Survey)) == 0


async def test_the_agent_gets_the_link_and_a_qr_code_without_the_customers_data(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await resolved_complaint(carebot, asha)
    survey = await survey_of(db)
    clock.advance(timedelta(hours=24))
    (out,) = await send_survey(db, settings, clock, survey.id)
    said = texts(out.reply)
    assert "Survey for complaint #1: send this link to the customer" in said
    link = said.split("Link: ", 1)[1].split()[0]
    assert link.startswith("http://localhost:3000/s/")
    for personal in ("Ravi", "98765", "43210", "MG Road"):
        assert personal not in link
    (qr,) = out.reply.posts[0].message.files
    assert qr.content.startswith(b"\x89PNG") and qr.mime == "image/png"
    opened = await survey_of(db)
    assert opened.state == "open" and opened.expires_at == (
        clock.now() + timedelta(days=14)
    ).replace(microsecond=0)


async def test_opening_the_link_records_nothing_and_one_submit_records_the_answer(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    _, token = await surveyed(carebot, asha, db, settings, clock, language="hi")
    desk = SurveyDesk(db, settings, clock)
    before = await _audit_count(db)
    page = await desk.show(token)
    assert page.kind is PageKind.FORM and page.lang == "hi" and page.status == 200
    assert "Ravi" not in repr(page) and "Parcel arrived" not in repr(page)
    assert (await survey_of(db)).state == "open" and await _audit_count(db) == before

    thanks = await desk.answer(token, {**GOOD, "token": token}, "en")
    assert thanks.kind is PageKind.THANKS
    answered = await survey_of(db)
    assert (answered.state, answered.score, answered.better) == ("answered", 5, GOOD["better"])
    again = await desk.answer(token, {**GOOD, "score": "1", "token": token})
    assert again.kind is PageKind.ANSWERED and (await survey_of(db)).score == 5


async def test_bad_links_and_bad_answers_write_nothing(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    _, token = await surveyed(carebot, asha, db, settings, clock)
    desk = SurveyDesk(db, settings, clock)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "WzEsMV0.bogus", "", "x" * 5000):
        page = await desk.answer(bad, {**GOOD, "token": bad})
        assert (page.kind, page.status) == (PageKind.NOT_FOUND, 404)
    no_token = await desk.answer(token, dict(GOOD))
    assert no_token.kind is PageKind.INCOMPLETE and no_token.status == 400
    for values in (
        {"score": "6"},
        {"score": "0"},
        {"score": ""},
        {"score": "5", "better": "x" * 100_000},
    ):
        page = await desk.answer(token, {**values, "token": token})
        assert page.kind is PageKind.FORM and page.status == 200 and page.errors
    assert (await survey_of(db)).state == "open"

    clock.advance(timedelta(days=15))
    expired = await desk.answer(token, {**GOOD, "token": token})
    assert (expired.kind, expired.status) == (PageKind.EXPIRED, 410)
    assert (await survey_of(db)).state == "open"


async def test_two_submits_at_once_record_one_answer(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    _, token = await surveyed(carebot, asha, db, settings, clock)
    desk = SurveyDesk(db, settings, clock)
    pages = await asyncio.gather(
        *(desk.answer(token, {"score": str(n), "token": token}) for n in (1, 5))
    )
    assert sorted(p.kind for p in pages) == sorted([PageKind.THANKS, PageKind.ANSWERED])
    async with db.session() as session:
        answered = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "survey_answered")
        )
    assert answered == 1


async def test_a_low_score_tells_the_agent_at_once_with_a_reopen_button(
    carebot: CareBot, asha: Actor, bob: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "help")  # asha is the admin; bob logs and holds the complaint
    survey, token = await surveyed(carebot, bob, db, settings, clock)
    woken: list[bool] = []
    desk = SurveyDesk(db, settings, clock, wake=lambda: woken.append(True))
    await desk.answer(token, {"score": "2", "better": "<script>alert(1)</script>", "token": token})
    assert woken == [True]
    out = await prepare(db, settings, clock, f"survey_alert:{survey.id}")
    assert [o.actor.user_id for o in out] == ["bob"]  # managers only when escalation would
    said = texts(out[0].reply)
    assert "the customer is not satisfied" in said and "2 · Dissatisfied" in said
    assert "<script>alert(1)</script>" in said  # as typed; every adapter shows it as text
    assert out[0].reply.posts[0].message.buttons[0].action == "complaint.reopen"


async def test_a_low_answer_reaches_managers_when_escalation_would(
    carebot: CareBot, asha: Actor, bob: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "complaint", "escalation amount 100")
    survey, token = await surveyed(carebot, bob, db, settings, clock)  # compensation 150.50
    await SurveyDesk(db, settings, clock).answer(token, {"score": "1", "token": token})
    out = await prepare(db, settings, clock, f"survey_alert:{survey.id}")
    assert sorted(o.actor.user_id for o in out) == ["asha", "bob"]


async def test_a_good_score_tells_nobody(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    survey, token = await surveyed(carebot, asha, db, settings, clock)
    await SurveyDesk(db, settings, clock).answer(token, {"score": "4", "token": token})
    async with db.session() as session:
        keys = list(await session.scalars(select(Job.key)))
    assert f"survey_alert:{survey.id}" not in keys


async def _audit_count(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
