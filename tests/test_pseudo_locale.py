"""The pseudo-locale through the core: every reply of the main flows, read by a person whose
workspace speaks `qps`, holds no word that skipped translation."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app import CareBot
from bot.clock import ManualClock
from bot.settings import Settings
from bot.surveys.page import SurveyDesk, SurveyPage
from storage.db import Database
from storage.models import RetentionCheck
from tests.conftest import person
from tests.factories import VALID, log_complaint
from tests.jobs import finish, prepare
from tests.pseudo import pseudo, pseudo_locale  # noqa: F401
from tests.pseudo_flows import Seen, buttons, visible
from tests.surveys.flows import RESOLVE, send_survey, survey_of
from tests.test_reminders import one

NAMES = ("Asha", "Bob", "Meera")
# Leaks known and left to the work that removes them (each names it); none may be added here.
EXPECTED: tuple[str, ...] = ()


@pytest.fixture
async def qps_bot(
    pseudo_locale: str,  # noqa: F811
    db: Database,
    clock: ManualClock,
    database_url: str,
) -> AsyncIterator[CareBot]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        default_phone_region="IN",
        default_locale=pseudo_locale,
        public_url="https://care.example.com",
    )
    yield CareBot(db, settings, clock)


def typed_by_people() -> list[str]:
    return [*(v for v in VALID.values() if v), *RESOLVE.values(), "Called the courier"]


def page_texts(page: SurveyPage) -> str:
    parts = [page.title, page.heading, *page.paragraphs, page.subtitle, page.error_summary]
    parts += [page.required_mark, page.language_label, page.unsubscribe_label, page.footer]
    parts += list(page.errors.values())
    if page.form is not None:
        parts += [page.form.title, page.form.submit_label]
        for field in page.form.fields:
            parts += [field.label, field.hint or "", *(c.label for c in field.choices)]
    return "\n".join(p for p in parts if p)


def test_the_pseudo_text_keeps_placeholders_and_wraps_the_rest() -> None:
    assert pseudo("Complaint #{number} saved") == "⟦Çöɱƥļàîñţ #{number} şàṽéđ⟧"


async def test_the_core_speaks_only_pseudo_text(
    qps_bot: CareBot, db: Database, clock: ManualClock
) -> None:
    bot = qps_bot
    asha, bob = person("Asha"), person("Bob")
    seen = Seen(typed_by_people(), NAMES)

    await bot.command(asha, "help")  # the first person: the workspace's admin
    seen.reply("help", await bot.command(asha, "help"))
    seen.reply("home", await bot.command(asha, "home"))
    seen.reply("complaint form", await bot.command(asha, "complaint", ""))
    card = seen.reply("complaint saved", await log_complaint(bot, asha))
    for action in (
        "complaint.step",
        "complaint.follow_up",
        "complaint.assign",
        "complaint.resolve",
    ):
        seen.reply(f"{action} form", await bot.action(asha, action, "1"))
    seen.reply("card buttons", card)
    seen.reply(
        "step saved",
        await bot.submit(asha, "complaint.step", {"text": "Called the courier"}, {"number": "1"}),
    )
    seen.reply(
        "follow-up set",
        await bot.submit(asha, "complaint.follow_up", {"due_at": "+1d"}, {"number": "1"}),
    )
    await bot.command(bob, "help")
    seen.reply(
        "assigned", await bot.submit(asha, "complaint.assign", {"assignee": "bob"}, {"number": "1"})
    )
    seen.reply("details", await bot.action(asha, "complaint.details", "1"))
    seen.reply("resolved", await bot.submit(asha, "complaint.resolve", RESOLVE, {"number": "1"}))
    seen.reply("reopened", await bot.action(asha, "complaint.reopen", "1"))
    seen.reply(
        "resolved again", await bot.submit(asha, "complaint.resolve", RESOLVE, {"number": "1"})
    )
    seen.reply("show", await bot.command(asha, "complaint", "show 1"))
    seen.reply("list", await bot.command(asha, "complaint", "list all"))
    seen.reply("search", await bot.command(asha, "complaint", "search ravi"))
    seen.reply("survey settings", await bot.command(asha, "complaint", "survey"))

    # The survey: the agent's message with the link, then the customer's page.
    survey = await survey_of(db)
    clock.advance(timedelta(days=1))
    sent = [o.reply for o in await send_survey(db, bot.settings, clock, survey.id)]
    for reply in sent:
        seen.reply("survey sent to the agent", reply)
    desk = SurveyDesk(db, bot.settings, clock)
    (token,) = re.findall(r"https?://\S+/s/([\w.-]+)", "\n".join(map(visible, sent)))
    seen.text("survey page", page_texts(await desk.show(token)))
    seen.text(
        "survey refused", page_texts(await desk.answer(token, {"score": "9", "token": token}))
    )
    seen.text(
        "survey answered", page_texts(await desk.answer(token, {"score": "5", "token": token}))
    )
    seen.text("survey closed", page_texts(await desk.show(token)))
    seen.text("unknown link", page_texts(await desk.show("nothing-here")))
    seen.text("unsubscribe", page_texts(await desk.unsubscribe_page(token)))
    seen.text("unsubscribed", page_texts(await desk.unsubscribe(token)))

    # The assessment: a few answers, back, pause, then the results.
    reply = seen.reply("assessment", await bot.command(asha, "assessment"))
    for _ in range(3):
        chosen = buttons(reply, "assessment.answer")[3]
        reply = seen.reply("assessment answer", await bot.action(asha, chosen.action, chosen.value))
    back = buttons(reply, "assessment.back")[0]
    reply = seen.reply("assessment back", await bot.action(asha, back.action, back.value))
    pause = buttons(reply, "assessment.pause")[0]
    seen.reply("assessment paused", await bot.action(asha, pause.action, pause.value))
    reply = seen.reply("assessment resumed", await bot.command(asha, "assessment"))
    for _ in range(25):
        answers = buttons(reply, "assessment.answer")
        if not answers:
            break
        reply = await bot.action(asha, answers[2].action, answers[2].value)
    seen.reply("assessment result", reply)
    seen.reply("assessment history", await bot.command(asha, "assessment", "history"))

    # Goals, digest, policy.
    seen.reply("goal form", await bot.command(asha, "goal", "add"))
    goal = {"metric": "satisfied_pct", "comparison": "ge", "target": "90", "period": "week"}
    seen.reply("goal saved", await bot.submit(asha, "goal.save", goal, {}))
    seen.reply("goal list", await bot.command(asha, "goal", "list"))
    seen.reply("digest preview", await bot.command(asha, "digest", "preview"))
    seen.reply("policy overview", await bot.action(asha, "policy.overview", ""))
    seen.reply("policy section", await bot.action(asha, "policy.section:vision", ""))
    seen.reply("language", await bot.command(asha, "language"))

    # Errors: an unknown command, a refused permission, a wrong form field.
    seen.reply("unknown command", await bot.command(asha, "weather"))
    seen.reply("refused", await bot.command(bob, "complaint", "categories add Billing"))
    seen.reply(
        "wrong field", await log_complaint(bot, asha, customer_phone="12", follow_up_at="soonish")
    )
    seen.reply("no such complaint", await bot.command(asha, "complaint", "show 42"))
    found = seen.report(EXPECTED)
    assert not found, "\n".join(found)
    assert "⟦" in visible(card)


async def test_a_retention_check_and_its_history_speak_only_pseudo_text(
    qps_bot: CareBot, db: Database, clock: ManualClock
) -> None:
    bot, asha = qps_bot, person("Asha")
    seen = Seen([*typed_by_people(), "Call back sooner"], NAMES)
    await bot.command(asha, "complaint", "survey one-month off")  # the agent calls instead
    await log_complaint(bot, asha, solution_mode="on_the_spot", follow_up_at=None)
    check = await one(db, RetentionCheck)
    clock.set(check.due_at)
    for outgoing in await prepare(db, bot.settings, clock, "retention:1"):
        seen.reply("retention check asked", outgoing.reply)
    assert any(s.startswith("== retention check asked\n⟦") for s in seen.shown)
    await finish(db, bot.settings, clock, "retention:1")
    opened = seen.reply("retention form", await bot.action(asha, "retention.record", str(check.id)))
    assert opened.form is not None
    state = opened.form.state
    seen.reply("retention refused", await bot.submit(asha, "retention.record", {}, state))
    values = {"satisfied": "yes", "bought_again": "no", "better": "Call back sooner"}
    seen.reply("retention saved", await bot.submit(asha, "retention.record", values, state))
    seen.reply("details after the check", await bot.action(asha, "complaint.details", "1"))
    seen.reply("home", await bot.command(asha, "home"))
    found = seen.report(EXPECTED)
    assert not found, "\n".join(found)
