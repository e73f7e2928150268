"""Forms filled in steps: the steps a form declares, and its drafts kept by the core in the
database until they expire, when the scheduler deletes them (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.drafts import KEY, form_from_json, form_to_json
from bot.ui import Field, Form, FormStep
from scheduler.engine import Engine
from storage.db import Database
from storage.drafts import FormDraft
from tests.factories import log_complaint, texts
from tests.jobs import job


class Nowhere:
    """A deliverer for the sweep's empty message: it says nothing, so nothing is sent."""

    async def deliver(self, outgoing: object) -> None:
        return None


async def create_form(carebot: CareBot, actor: Actor) -> Form:
    form = (await carebot.command(actor, "complaint", "")).form
    assert form is not None
    return form


async def rows(db: Database) -> list[FormDraft]:
    async with db.session() as session:
        return list(await session.scalars(select(FormDraft).order_by(FormDraft.id)))


def test_a_forms_steps_name_each_field_once() -> None:
    fields = (Field("a", "A"), Field("b", "B"), Field("c", "C"))
    form = Form(
        "x", "X", fields, "Save", steps=(FormStep("One", ("a",)), FormStep("Two", ("b", "c")))
    )
    assert [(p.title, [f.name for f in p.fields]) for p in form.pages()] == [
        ("One", ["a"]),
        ("Two", ["b", "c"]),
    ]
    assert [len(p.fields) for p in form.pages(1)] == [1, 1, 1]  # a step too long is split
    assert [p.title for p in Form("x", "X", fields, "Save").pages()] == ["X"]  # one step
    with pytest.raises(ValueError):
        Form("x", "X", fields, "Save", steps=(FormStep("One", ("a", "b")),))


async def test_the_complaint_form_declares_four_steps_of_at_most_five(
    carebot: CareBot, asha: Actor
) -> None:
    form = await create_form(carebot, asha)
    assert [step.title for step in form.steps] == [
        "The customer",
        "The complaint",
        "The solution",
        "Compensation and prevention",
    ]
    assert all(len(step.fields) <= 5 for step in form.steps)
    assert form_from_json(form_to_json(form)) == form  # what a draft keeps gives it back


async def test_a_draft_keeps_each_step_and_belongs_to_one_person(
    carebot: CareBot, asha: Actor, bob: Actor
) -> None:
    form = await create_form(carebot, asha)
    opened = await carebot.open_draft(asha, form, "7")
    assert opened.delivery_id == "console-form:7"
    await carebot.save_step("console", "asha", "7", 0, {"customer_name": "Ravi Kumar"})
    again = await carebot.save_step("console", "asha", "7", 1, {"description": "Late"})
    assert again is not None and again.done == {0, 1} and again.form == form
    assert again.values == {"customer_name": "Ravi Kumar", "description": "Late"}
    assert again.actor == asha  # the form is submitted as, and where, it was opened
    assert await carebot.draft("console", "bob", "7") is None
    assert await carebot.save_step("console", "bob", "7", 2, {"steps": "x"}) is None

    await carebot.close_draft("console", "asha", "7")
    closed = await carebot.draft("console", "asha", "7")
    assert closed is not None and closed.submitted and closed.values == {}  # typed data gone
    late = await carebot.save_step("console", "asha", "7", 0, {"customer_name": "Ravi Kumar"})
    assert late is not None and late.values == {}  # a late copy of a step keeps nothing


async def test_expired_drafts_are_swept_by_the_scheduler(
    carebot: CareBot, db: Database, clock: ManualClock, asha: Actor
) -> None:
    form = await create_form(carebot, asha)
    start = clock.now()
    await carebot.open_draft(asha, form, "1")
    await carebot.save_step("console", "asha", "1", 0, {"customer_name": "Ravi Kumar"})
    clock.advance(timedelta(minutes=30))
    await carebot.open_draft(asha, form, "2")
    hour = timedelta(minutes=carebot.settings.form_draft_minutes)
    assert (await job(db, KEY)).due_at == start + hour  # when the first one expires

    clock.set(start + hour)
    assert await carebot.draft("console", "asha", "1") is None  # expired, even before a sweep
    engine = Engine(db, carebot.settings, clock, {"console": Nowhere()})
    await engine.tick()
    assert [r.token for r in await rows(db)] == ["2"]  # the first is gone, with what was typed
    assert (await job(db, KEY)).due_at == start + timedelta(minutes=30) + hour

    clock.advance(timedelta(minutes=30))
    await engine.tick()
    assert await rows(db) == [] and (await job(db, KEY)).state == "done"
    await carebot.open_draft(asha, form, "3")  # a new draft plans the sweep again
    assert (await job(db, KEY)).state == "pending"


async def test_a_person_keeps_at_most_five_drafts(
    carebot: CareBot, db: Database, clock: ManualClock, asha: Actor
) -> None:
    form = await create_form(carebot, asha)
    for token in range(7):
        await carebot.open_draft(asha, form, str(token))
        clock.advance(timedelta(seconds=1))
    assert [r.token for r in await rows(db)] == ["2", "3", "4", "5", "6"]


async def test_erasing_a_customer_deletes_the_drafts_that_name_them(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await log_complaint(carebot, asha)
    form = await create_form(carebot, asha)
    await carebot.open_draft(asha, form, "1")
    await carebot.save_step("console", "asha", "1", 0, {"customer_phone": "+91 98765 43210"})
    await carebot.open_draft(asha, form, "2")
    await carebot.save_step("console", "asha", "2", 0, {"customer_name": "Sunita Rao"})

    asked = await carebot.command(asha, "carebot", "customer erase +91 98765 43210")
    (button,) = asked.posts[0].message.buttons
    done = await carebot.action(asha, button.action, button.value)
    assert "erased from 1 complaint" in texts(done)
    assert [r.token for r in await rows(db)] == ["2"]
