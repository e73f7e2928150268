"""The one-month survey: the customer is asked first, the agent calls only if they don't
answer, and the customer's answer is the retention check's answer."""

from __future__ import annotations

from datetime import timedelta

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from bot.surveys.page import PageKind, SurveyDesk
from storage.db import Database
from storage.models import RetentionCheck
from tests.factories import texts
from tests.jobs import finish, job, prepare
from tests.surveys.flows import link_in, resolved_complaint, survey_of, token_of
from tests.test_reminders import one


async def _due_check(
    carebot: CareBot, actor: Actor, db: Database, clock: ManualClock
) -> RetentionCheck:
    await carebot.command(actor, "complaint", "survey delay off")  # only the one-month survey
    await resolved_complaint(carebot, actor)
    check = await one(db, RetentionCheck)
    clock.set(check.due_at)
    return check


async def test_the_customer_is_asked_first_and_their_answer_closes_the_agents_check(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await _due_check(carebot, asha, db, clock)
    out = await prepare(db, settings, clock, "retention:1")
    said = texts(out[0].reply)
    assert "One-month survey for complaint #1" in said and "within 3 days" in said
    assert "Ravi" not in said  # no call yet: the customer's contact is not needed
    rearm = await finish(db, settings, clock, "retention:1")
    assert rearm == clock.now() + timedelta(days=3)
    assert (await one(db, RetentionCheck)).state == "surveying"

    token = token_of(link_in(out))
    desk = SurveyDesk(db, settings, clock)
    form = await desk.show(token)
    assert form.form is not None
    assert [f.name for f in form.form.fields] == ["satisfied", "bought_again", "better"]
    values = {"satisfied": "yes", "bought_again": "not_yet", "better": "Faster replies"}
    page = await desk.answer(token, {**values, "token": token})
    assert page.kind is PageKind.THANKS

    check = await one(db, RetentionCheck)
    assert (check.state, check.source, check.satisfied, check.bought_again, check.better) == (
        "done",
        "customer",
        "yes",
        "not_yet",
        "Faster replies",
    )
    assert (await job(db, "retention:1")).state == "cancelled"  # no call to make
    assert (await survey_of(db, kind="retention")).state == "answered"


async def test_no_answer_in_three_days_and_the_agent_is_asked_to_call(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await _due_check(carebot, asha, db, clock)
    await prepare(db, settings, clock, "retention:1")
    await finish(db, settings, clock, "retention:1")
    clock.advance(timedelta(days=3))
    (call,) = await prepare(db, settings, clock, "retention:1")
    said = texts(call.reply)
    assert "Retention check due: complaint #1" in said and "Ravi Kumar" in said
    await finish(db, settings, clock, "retention:1")
    assert (await one(db, RetentionCheck)).state == "prompted"


async def test_with_the_one_month_survey_off_the_agent_calls_at_once(
    carebot: CareBot, asha: Actor, db: Database, settings: Settings, clock: ManualClock
) -> None:
    await carebot.command(asha, "complaint", "survey one-month off")
    await _due_check(carebot, asha, db, clock)
    (call,) = await prepare(db, settings, clock, "retention:1")
    assert "Retention check due: complaint #1" in texts(call.reply)
