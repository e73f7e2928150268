"""The customer's email and language on a complaint, through the core (SQLite and PostgreSQL):
the form offers them with the customer's details, a wrong email is refused at its field with
nothing saved, and the email is personal data exactly like the phone."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.app import CareBot
from bot.context import Actor
from bot.i18n import Translator
from bot.ui import Audience, Reply
from storage.db import Database
from storage.models import AuditEvent, Complaint
from tests.conftest import person
from tests.factories import log_complaint, texts

EMAIL = "Ravi.Kumar@example.com"
WRONG_EMAIL = "This does not look like an email address. Example: name@example.com"


async def saved(db: Database) -> list[Complaint]:
    async with db.session() as session:
        return list(await session.scalars(select(Complaint).order_by(Complaint.number)))


def channel_text(reply: Reply) -> str:
    channel = [p for p in reply.posts if p.to is Audience.CHANNEL]
    assert channel, reply
    return texts(Reply(posts=tuple(channel)))


async def test_the_form_asks_for_them_with_the_customers_details(
    carebot: CareBot, asha: Actor
) -> None:
    await carebot.command(asha, "language", "workspace mr")
    form = (await carebot.command(asha, "complaint", "")).form
    assert form is not None
    names = [f.name for f in form.fields]
    assert names[:5] == [
        "customer_name",
        "customer_phone",
        "customer_email",
        "customer_address",
        "customer_language",
    ]
    email, language = form.fields[2], form.fields[4]
    assert not email.required and not language.required
    assert [(c.value, c.label) for c in language.choices] == [
        ("en", "English"),
        ("hi", "हिन्दी"),
        ("mr", "मराठी"),
        ("bn", "বাংলা"),
        ("tl", "Tagalog"),
    ]
    assert language.initial == "mr"  # the workspace's language


async def test_a_complaint_keeps_the_email_trimmed_with_its_domain_lower_cased(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    reply = await log_complaint(
        carebot, asha, customer_email="  Ravi.Kumar@EXAMPLE.Com ", customer_language="hi"
    )
    assert reply.errors is None
    card = channel_text(reply)
    assert "Complaint #1" in card and "example" not in card.lower()  # never in the card
    await log_complaint(carebot, asha, customer_phone="", customer_language="")

    first, second = await saved(db)
    assert (first.customer_email, first.customer_language) == (EMAIL, "hi")
    assert (second.customer_email, second.customer_language) == (None, None)
    shown = texts(await carebot.command(asha, "complaint", "show 1"))
    assert f"Email: {EMAIL}" in shown and "Language: हिन्दी" in shown
    other = texts(await carebot.command(asha, "complaint", "show 2"))
    assert "Email: —" in other and "Language: English" in other  # none chosen: the workspace's


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ravi.kumar@", WRONG_EMAIL),
        ("ravi kumar@example.com", WRONG_EMAIL),
        ("ravi@@example.com", WRONG_EMAIL),
        ("ravi@localhost", WRONG_EMAIL),
        ("98765 43210", WRONG_EMAIL),
        ("r" * 250 + "@example.com", "Keep this to 254 characters or fewer (now 262)."),
    ],
)
async def test_a_wrong_email_is_refused_at_its_field_and_nothing_is_saved(
    carebot: CareBot, db: Database, asha: Actor, typed: str, message: str
) -> None:
    reply = await log_complaint(carebot, asha, customer_email=typed)

    assert reply.errors is not None and reply.posts == ()
    assert dict(reply.errors.errors) == {"customer_email": message}
    kept = {f.name: f.initial for f in reply.errors.form.fields}
    assert kept["customer_email"] == typed and kept["customer_name"] == "Ravi Kumar"
    assert await saved(db) == []
    fixed = await log_complaint(carebot, asha, customer_email="ravi@example.com")
    assert "Complaint #1 is logged" in texts(fixed)  # no number was taken either


async def test_the_messages_are_in_the_agents_language(carebot: CareBot, db: Database) -> None:
    hindi = Actor("console", "T1", "asha", "Asha", "C1", locale="hi")
    reply = await log_complaint(
        carebot, hindi, customer_email="ravi@", customer_language="fr", customer_name=""
    )
    assert reply.errors is not None
    t = Translator("hi")
    assert dict(reply.errors.errors) == {
        "customer_name": t("This field is required."),
        "customer_email": t("This does not look like an email address. Example: {example}").format(
            example="name@example.com"
        ),
        "customer_language": t("Choose one of the options."),
    }
    assert await saved(db) == []


async def test_the_email_is_shown_only_to_those_who_see_the_phone(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor, meera: Actor
) -> None:
    carla = person("Carla")  # an agent who neither logged nor holds it
    await carebot.command(asha, "help")
    await log_complaint(carebot, bob, customer_email=EMAIL)
    await carebot.command(carla, "complaint", "list")

    assert f"Email: {EMAIL}" in texts(await carebot.command(bob, "complaint", "show 1"))
    assert f"Email: {EMAIL}" in texts(await carebot.action(meera, "complaint.details", "1"))
    hidden = texts(await carebot.command(carla, "complaint", "show 1"))
    assert "Email: •••@•••" in hidden and "example.com" not in hidden.lower()
    assert "•••• 3210" in hidden  # masked as the phone is

    not_theirs = texts(await carebot.command(carla, "complaint", f"search {EMAIL.upper()}"))
    assert not_theirs == "No complaint matches."  # a search never tells them it exists
    found = texts(await carebot.command(meera, "complaint", "search ravi.kumar@EXAMPLE.com"))
    assert "#1 · Delivery" in found and "Ravi Kumar" in found

    await carebot.submit(asha, "complaint.assign", {"assignee": "carla"}, {"number": "1"})
    assert f"Email: {EMAIL}" in texts(await carebot.command(carla, "complaint", "show 1"))

    async with db.session() as session:
        searches = list(
            await session.scalars(select(AuditEvent.changes).where(AuditEvent.action == "searched"))
        )
        everything = json.dumps(list(await session.scalars(select(AuditEvent.changes))))
    assert [s["kind"] for s in searches] == ["email", "email"]
    assert [s["results"] for s in searches] == [0, 1]
    assert "example.com" not in everything.lower()  # never what was typed, nor the address


async def test_a_repeat_customer_is_recognised_by_email_too(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await log_complaint(carebot, asha, customer_phone="", customer_email=EMAIL)
    await log_complaint(carebot, asha, customer_phone="", customer_email="someone@example.org")
    await log_complaint(carebot, asha, customer_phone="", customer_email=EMAIL.lower())

    shown = texts(await carebot.command(asha, "complaint", "show 3"))
    earlier = shown.split("Earlier complaints from this customer")[1]
    assert "#1 · Delivery" in earlier and "#2" not in earlier
    assert "Earlier complaints" not in texts(await carebot.command(asha, "complaint", "show 2"))
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Complaint)) == 3
