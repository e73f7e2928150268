"""A complaint form's fields say what their submission checks: the longest text a field takes
and whether it must be filled are declared once, on the schema, and the form reads them from
there (a form that allowed more than the schema would have people type text it refuses)."""

from __future__ import annotations

from bot.app import CareBot
from bot.context import Actor
from bot.ui import FieldKind, Form
from tests.factories import log_complaint

OPENERS = (
    ("complaint.new", ""),
    ("complaint.step", "1"),
    ("complaint.resolve", "1"),
    ("complaint.follow_up", "1"),
    ("complaint.follow_up_done", "1"),
    ("complaint.assign", "1"),
)
TYPED = (FieldKind.TEXT, FieldKind.LONG_TEXT)


async def forms_of(carebot: CareBot, asha: Actor) -> list[Form]:
    await log_complaint(carebot, asha)  # #1, open, with a follow-up
    found = []
    for action, value in OPENERS:
        form = (await carebot.action(asha, action, value)).form
        assert form is not None, action
        found.append(form)
    return found


async def test_a_field_takes_exactly_what_its_form_says(carebot: CareBot, asha: Actor) -> None:
    for form in await forms_of(carebot, asha):
        for field in form.fields:
            if field.kind not in TYPED or field.max_length is None:
                continue
            for length in (field.max_length, field.max_length + 1):
                typed = "x" * length
                reply = await carebot.submit(asha, form.form_id, {field.name: typed}, form.state)
                # Saved, or refused for the other (empty) fields, or for this one's length.
                error = reply.errors.errors.get(field.name) if reply.errors else None
                if length == field.max_length or field.name == "compensation_currency":
                    assert error is None or "characters or fewer" not in error, field.name
                else:
                    assert error == (
                        f"Keep this to {field.max_length} characters or fewer (now {length})."
                    ), (form.form_id, field.name)


async def test_the_fields_a_form_requires_are_the_ones_left_empty_refuses(
    carebot: CareBot, asha: Actor
) -> None:
    for form in await forms_of(carebot, asha):
        reply = await carebot.submit(asha, form.form_id, {}, form.state)
        assert reply.errors is not None, form.form_id
        required = {f.name for f in form.fields if f.required}
        assert set(reply.errors.errors) == required, form.form_id
