"""The customer's email and language on Discord: in the first of the complaint form's four
modals with the customer's other details, a wrong email named at its field with nothing saved,
and the email only ever in ephemeral replies to those who may see it."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import Database
from storage.models import Complaint
from tests.discord.flows import (
    STEP_1,
    World,
    card,
    ephemeral,
    labels,
    log_complaint,
    public,
    shown,
)


async def complaints(db: Database) -> list[Complaint]:
    async with db.session() as session:
        return list(await session.scalars(select(Complaint)))


def components(modal: dict) -> dict[str, dict]:
    return {c["component"]["custom_id"]: c for c in modal["components"]}


async def test_the_first_modal_holds_the_customer_and_the_language_is_a_select(
    world: World, db: Database
) -> None:
    opened = await world.asha.slash(world.channel, "complaint new")
    assert opened.modal is not None
    shown_fields = components(opened.modal)
    assert list(shown_fields) == [
        "customer_name",
        "customer_phone",
        "customer_email",
        "customer_address",
        "customer_language",
    ]
    assert shown_fields["customer_email"]["label"] == "Customer's email"
    language = shown_fields["customer_language"]["component"]
    assert language["type"] == 3  # a string select inside the modal
    assert [(o["label"], o.get("default")) for o in language["options"]] == [
        ("English", True),  # the workspace's language
        ("हिन्दी", False),
        ("मराठी", False),
        ("বাংলা", False),
        ("Tagalog", False),
    ]

    await log_complaint(world, customer_email=" Ravi.Kumar@EXAMPLE.com ", customer_language=["tl"])
    (saved,) = await complaints(db)
    assert (saved.customer_email, saved.customer_language) == ("Ravi.Kumar@example.com", "tl")
    everyone = "\n".join(shown(m) for m in public(world.channel))
    assert "Complaint #1" in everyone and "example.com" not in everyone.lower()


async def test_a_wrong_email_is_named_at_its_field_and_nothing_is_saved(
    world: World, db: Database
) -> None:
    last = await log_complaint(world, customer_email="ravi.kumar@@example.com")

    (errors,) = ephemeral(last)
    text = shown(errors)
    assert "Nothing was saved yet" in text
    assert "**Customer's email**: This does not look like an email address." in text
    assert labels(errors) == ["Correct “Customer's email”"]
    assert await complaints(db) == [] and public(world.channel) == []

    reopened = await world.asha.click(errors, label="Correct “Customer's email”")
    assert reopened.modal is not None and reopened.modal["title"] == "The customer (1/4)"
    typed = components(reopened.modal)["customer_email"]["component"].get("value")
    assert typed == "ravi.kumar@@example.com"  # what was typed is kept
    fixed = await world.asha.submit_modal(
        reopened, {**STEP_1, "customer_email": "ravi.kumar@example.com"}
    )
    assert "Complaint #1 is logged" in shown(ephemeral(fixed)[0])
    (saved,) = await complaints(db)
    assert saved.customer_email == "ravi.kumar@example.com"


async def test_the_email_is_shown_only_to_those_who_see_the_phone(world: World) -> None:
    await log_complaint(world)  # by Asha, an admin
    mine = shown(ephemeral(await world.asha.click(card(world), label="Details"))[0])
    assert "ravi.kumar@example.com" in mine and "English" in mine
    manager = shown(ephemeral(await world.meera.click(card(world), label="Details"))[0])
    assert "ravi.kumar@example.com" in manager

    theirs = shown(ephemeral(await world.bob.click(card(world), label="Details"))[0])
    assert "•••@•••" in theirs and "example.com" not in theirs  # another agent
    everyone = "\n".join(shown(m) for m in public(world.channel))
    assert "example.com" not in everyone
