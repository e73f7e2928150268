"""Every core form filled with arbitrary text, in a random supported language: a submission is
saved, or refused with a message at each wrong field, or answered with a sentence (a complaint
no longer open...), and never with "something went wrong".

The forms are found the way people find them: through the commands and buttons that open them
(explicit openers for the complaint log, then every button of every command's reply), so a
form added later is fuzzed too, or this test says it could not open it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import CareBot
from bot.context import Actor, Role
from bot.routes import root
from bot.ui import Field, FieldKind, Form, Reply
from storage.db import Database
from storage.models import RetentionCheck
from tests.factories import VALID, log_complaint, texts
from tests.faults.fuzzing import (
    DATES,
    LOCALES,
    NUMBERS,
    TEXT,
    actor,
    core_on,
    fuzz,
    never_crashed,
    no_unexpected_errors,
    share,
)

ASHA = actor("Asha", "en", role=Role.ADMIN)
OPENING_TEXTS = ("", "new", "add", "help", "list")
DEPTH = 3  # buttons pressed from a command's reply, at most this many replies away
OWN_SCRIPT = ("hi", "mr", "bn")  # Devanagari and Bengali: an untranslated message is ASCII


def _forms_of(found: dict[str, Form], reply: Reply) -> list[tuple[str, str]]:
    """Keeps the reply's form; returns its buttons (action, value) to press next."""
    if reply.form is not None:
        found.setdefault(reply.form.form_id, reply.form)
    return [(b.action, b.value) for post in reply.posts for b in post.message.buttons]


async def open_every_form(bot: CareBot, db: Database) -> dict[str, Form]:
    """Complaint #1 open with a follow-up, #2 resolved (a retention check); then every form
    the handlers open, from commands and from the buttons of their replies."""
    await log_complaint(bot, ASHA, follow_up_at="+2d")
    await log_complaint(bot, ASHA)
    resolved = await bot.submit(
        ASHA,
        "complaint.resolve",
        {"solution": "Refund", "solution_mode": "on_the_spot"},
        {"number": "2"},
    )
    assert resolved.errors is None
    async with db.session() as session:
        check = (await session.scalars(select(RetentionCheck.id))).one()
    found: dict[str, Form] = {}
    openers = [("complaint.step", "1"), ("complaint.resolve", "1"), ("complaint.follow_up", "1")]
    openers += [("complaint.follow_up_done", "1"), ("complaint.assign", "1")]
    openers += [("retention.record", str(check))]
    for action, value in openers:
        _forms_of(found, await bot.action(ASHA, action, value))
    buttons: list[tuple[str, str]] = []
    for name in sorted(root().commands):
        for text in OPENING_TEXTS:
            buttons += _forms_of(found, await bot.command(ASHA, name, text))
    pressed: set[tuple[str, str]] = set()
    for _depth in range(DEPTH):  # the buttons of the replies, then theirs
        shown, buttons = [b for b in dict.fromkeys(buttons) if b not in pressed], []
        for action, value in shown:
            if set(root().forms) <= set(found):
                return found
            pressed.add((action, value))
            buttons += _forms_of(found, await bot.action(ASHA, action, value))
    return found


@pytest.fixture
def core(database_url: str) -> Iterator[tuple[asyncio.Runner, CareBot, dict[str, Form]]]:
    with core_on(database_url) as (runner, bot):
        found = runner.run(open_every_form(bot, bot.db))
        assert set(root().forms) <= set(found), f"nothing opened {set(root().forms) - set(found)}"
        yield runner, bot, found


def typed(field: Field) -> st.SearchStrategy[str | None]:
    """What may arrive in one field: nothing, any text, one of its choices, or what its kind
    suggests (a date, a number, a person)."""
    options: list[st.SearchStrategy[str | None]] = [st.none(), TEXT]
    if field.choices:
        options.append(st.sampled_from([c.value for c in field.choices]))
    if field.initial:
        options.append(st.just(field.initial))
    if field.kind is FieldKind.DATETIME:
        options.append(st.sampled_from(DATES))
    elif field.kind is FieldKind.NUMBER:
        options.append(st.sampled_from(NUMBERS))
    elif field.kind is FieldKind.USER:
        options.append(st.sampled_from(["asha", "bob", "U2", "x" * 65]))
    return st.one_of(options)


def values_for(form: Form) -> st.SearchStrategy[dict[str, str | None]]:
    fields = {field.name: typed(field) for field in form.fields}
    return st.fixed_dictionaries({}, optional={**fields, "unexpected": TEXT})


def state_for(form: Form) -> st.SearchStrategy[Mapping[str, str]]:
    """The state the form travels with, mostly as sent; sometimes forged."""
    forged = st.dictionaries(st.sampled_from([*form.state, "number", "check"]), TEXT, max_size=2)
    return st.one_of(st.just(dict(form.state)), st.just(dict(form.state)), forged)


def check(reply: Reply, form: Form, locale: str) -> None:
    never_crashed(reply)
    if reply.errors is not None:
        names = {field.name for field in form.fields}
        assert reply.errors.errors, "a refusal names at least one field"
        for name, message in reply.errors.errors.items():
            assert name in names, (name, message)
            assert isinstance(message, str) and message.strip(), name
            if locale in OWN_SCRIPT:  # localised: not the English sentence it comes from
                assert not message.isascii(), (locale, name, message)
        assert reply.errors.form.form_id == form.form_id


def who(locale: str, agent: bool, dm: bool) -> Actor:
    return actor("Bob", locale, dm=dm) if agent else actor("Asha", locale, dm=dm, role=Role.ADMIN)


def test_every_form_filled_with_anything_never_goes_wrong(
    core: tuple[asyncio.Runner, CareBot, dict[str, Form]],
) -> None:
    runner, bot, forms = core
    filled = st.one_of(
        [st.tuples(st.just(f), values_for(f), state_for(f)) for _, f in sorted(forms.items())]
    )

    @fuzz(share(1600))
    @given(case=filled, locale=LOCALES, agent=st.booleans(), dm=st.booleans())
    def submit(
        case: tuple[Form, dict[str, str | None], dict[str, str]], locale: str, agent: bool, dm: bool
    ) -> None:
        form, values, state = case
        with no_unexpected_errors():
            reply = runner.run(bot.submit(who(locale, agent, dm), form.form_id, values, state))
        check(reply, form, locale)

    submit()


ONE_FIELD = sorted({*VALID, "received_at", "received_by", "compensation_currency"})


def test_a_complaint_with_one_field_typed_anyhow_is_saved_or_that_field_is_named(
    core: tuple[asyncio.Runner, CareBot, dict[str, Form]],
) -> None:
    runner, bot, forms = core
    form = forms["complaint.create"]
    fields = {f.name: f for f in form.fields}
    typed_one = st.one_of([st.tuples(st.just(name), typed(fields[name])) for name in ONE_FIELD])

    @fuzz(share(600))
    @given(case=typed_one, locale=LOCALES)
    def submit(case: tuple[str, str | None], locale: str) -> None:
        field, value = case
        asha = actor("Asha", locale, role=Role.ADMIN)
        with no_unexpected_errors():
            reply = runner.run(bot.submit(asha, form.form_id, {**VALID, field: value}, {}))
        check(reply, form, locale)
        if reply.errors is not None:
            # The field typed anyhow is the one named (or the one it governs, or depends on).
            wrong = set(reply.errors.errors)
            assert wrong <= {field, "solution_mode", "compensation_amount"}, (field, wrong)
        else:
            assert any(post.message.ref for post in reply.posts), texts(reply)  # the new card

    submit()
