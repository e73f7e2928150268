"""Slack's and Discord's limits hold for the translated text in every language: a phrase that
would not fit needs a shorter wording, because the adapters would otherwise cut it.

Every form and every button a person meets is collected by walking the core's conversations
in each language: the complaint log, the assessment, goals, retention checks, reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.i18n import SUPPORTED_LOCALES
from bot.policy.content import SECTIONS
from bot.ui import Button, Form, Reply
from storage.db import Database
from tests.factories import log_complaint
from tests.jobs import prepare

# The stricter of Slack's and Discord's limit for each piece.
FORM_TITLE = 24  # Slack's modal title; Discord's 45 holds even with its " (1/3)" steps
SUBMIT = 24  # Slack's submit button
FIELD_LABEL = 45  # Discord's modal label
HINT = 100  # Discord's placeholder
CHOICE = 75  # Slack's option text
BUTTON = 75  # Slack's button text


def forms_and_buttons(replies: list[Reply]) -> tuple[list[Form], list[Button]]:
    forms = [r.form for r in replies if r.form is not None]
    buttons = [b for r in replies for p in r.posts for b in p.message.buttons]
    return forms, buttons


def too_long(forms: list[Form], buttons: list[Button]) -> list[str]:
    found = []
    for form in forms:
        if len(form.title) > FORM_TITLE:
            found.append(f"form title ({FORM_TITLE}): {form.title}")
        if len(form.submit_label) > SUBMIT:
            found.append(f"submit ({SUBMIT}): {form.submit_label}")
        for field in form.fields:
            if len(field.label) > FIELD_LABEL:
                found.append(f"label ({FIELD_LABEL}): {field.label}")
            if field.hint and len(field.hint) > HINT:
                found.append(f"hint ({HINT}): {field.hint}")
            found += [
                f"choice ({CHOICE}): {c.label}" for c in field.choices if len(c.label) > CHOICE
            ]
    found += [f"button ({BUTTON}): {b.label}" for b in buttons if len(b.label) > BUTTON]
    return sorted(set(found))


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_every_form_and_button_fits_in_every_language(
    locale: str, carebot: CareBot, db: Database, clock: ManualClock, settings
) -> None:
    asha = Actor("console", "T1", "asha", "Asha", "C1", platform_role=Role.ADMIN, locale=locale)
    replies = [await carebot.command(asha, "complaint", "")]
    await log_complaint(carebot, asha)
    for action in (
        "complaint.step",
        "complaint.resolve",
        "complaint.follow_up",
        "complaint.follow_up_done",
        "complaint.assign",
        "complaint.details",
    ):
        replies.append(await carebot.action(asha, action, "1"))
    replies.append(await carebot.command(asha, "complaint", "show 1"))
    replies.append(await carebot.command(asha, "home", ""))
    replies.append(await carebot.command(asha, "goal", "add"))
    replies.append(await carebot.command(asha, "policy", ""))
    for section in SECTIONS:  # each workbook section's form and its buttons
        replies.append(await carebot.action(asha, f"policy.write:{section.code}", ""))
        replies.append(await carebot.action(asha, f"policy.section:{section.code}", ""))
    question = await carebot.command(asha, "assessment", "")
    replies.append(question)
    answer = next(b for p in question.posts for b in p.message.buttons)
    replies.append(await carebot.action(asha, answer.action, answer.value))  # with Back
    clock.advance(timedelta(days=2))
    replies += [o.reply for o in await prepare(db, settings, clock, "follow_up:1")]
    await carebot.submit(
        asha,
        "complaint.resolve",
        {"solution": "x", "solution_mode": "on_the_spot"},
        {"number": "1"},
    )
    clock.advance(timedelta(days=40))
    replies += [o.reply for o in await prepare(db, settings, clock, "retention:1")]
    check = next(b for r in replies[-1:] for p in r.posts for b in p.message.buttons)
    replies.append(await carebot.action(asha, check.action, check.value))
    replies.append(await carebot.command(asha, "carebot", "customer erase 98765 43210"))

    forms, buttons = forms_and_buttons(replies)
    assert len(forms) >= 8 and len(buttons) >= 20  # the walk reached what it should
    assert too_long(forms, buttons) == []
