"""/complaint on Discord: four modal steps, a card in the channel, buttons that survive a
restart, personal data only ever in ephemeral replies."""

from __future__ import annotations

import pytest
import simcord
from sqlalchemy import func, select

from adapters.discord.client import DiscordBot
from adapters.discord.settings import DiscordSettings
from bot.app import CareBot
from storage.db import Database
from storage.models import Complaint, ComplaintStep
from tests.discord.flows import (
    STEP_1,
    STEP_2,
    STEP_3,
    STEP_4,
    TITLES,
    World,
    card,
    client_language,
    delivered,
    ephemeral,
    fill,
    fill_steps,
    labels,
    log_complaint,
    next_step,
    public,
    shown,
)

SECRETS = ("Ravi", "98765", "43210", "MG Road", "ravi.kumar@", "example.com")


async def complaints(db: Database) -> list[Complaint]:
    async with db.session() as session:
        return list(await session.scalars(select(Complaint)))


async def test_four_modals_log_a_complaint_and_post_a_card_without_personal_data(
    world: World, db: Database
) -> None:
    opened = await world.asha.slash(world.channel, "complaint new")
    assert opened.modal is not None and opened.modal["title"] == "The customer (1/4)"
    first = await fill(world.asha, opened, STEP_1)
    assert ephemeral(first) and "Part 1 of 4 is kept" in shown(first.response)
    assert public(world.channel) == []  # nothing is posted, nothing saved, until the end
    second = await fill(world.asha, await next_step(world.asha, first, "Continue (2/4)"), STEP_2)
    assert second.response is not None and second.response.id == first.response.id  # replaced
    third = await fill(world.asha, await next_step(world.asha, second, "Continue (3/4)"), STEP_3)
    last = await fill(world.asha, await next_step(world.asha, third, "Continue (4/4)"), STEP_4)

    (note,) = ephemeral(last)  # the prompt became the core's note, for Asha only
    assert "Complaint #1 is logged" in shown(note) and labels(note) == []
    (the_card,) = public(world.channel)
    assert the_card.id == card(world).id
    text = shown(the_card)
    assert "Complaint #1 · Delivery · Open" in text and "asha" in text
    assert "Parcel arrived two weeks late" in text
    assert not any(secret in text for secret in SECRETS)
    assert labels(the_card) == [
        "Add step",
        "Resolve",
        "Follow-up",
        "Assign",
        "Priority",
        "Waiting for customer",
        "Details",
    ]
    (saved,) = await complaints(db)
    assert (saved.customer_name, saved.solution, saved.compensation_currency) == (
        "Ravi Kumar",
        "Refund the shipping fee",
        "INR",
    )


async def test_each_modal_is_a_step_the_form_declares_titled_by_it(world: World) -> None:
    opened = await world.asha.slash(world.channel, "complaint new")
    titles = [opened.modal["title"] if opened.modal else None]
    result = await fill(world.asha, opened, STEP_1)
    for step, values in enumerate((STEP_2, STEP_3, STEP_4), start=2):
        shown_modal = await next_step(world.asha, result, f"Continue ({step}/4)")
        assert shown_modal.modal is not None
        titles.append(shown_modal.modal["title"])
        names = [c["component"]["custom_id"] for c in shown_modal.modal["components"]]
        if step == 2:
            assert names == ["category", "priority", "description", "received_by", "received_at"]
        result = await fill(world.asha, shown_modal, values)
    assert titles == list(TITLES)
    assert "Complaint #1 is logged" in shown(ephemeral(result)[0])


async def test_a_half_filled_form_survives_a_restart_and_is_saved_once(
    simcord_env: simcord.Env,
    world: World,
    core: CareBot,
    db: Database,
    discord_settings: DiscordSettings,
) -> None:
    opened = await world.asha.slash(world.channel, "complaint new")
    first = await fill(world.asha, opened, STEP_1)
    assert first.response is not None
    # A new process on the same database: nothing of the form is left in memory.
    await simcord_env.restart_bot(
        DiscordBot(CareBot(db, core.settings, core.clock), discord_settings)
    )

    second = await next_step(world.asha, first, "Continue (2/4)")
    assert second.modal is not None and second.modal["title"] == "The complaint (2/4)"
    third = await fill_steps(world.asha, second, [STEP_2, STEP_3], number=2)
    one = await next_step(world.asha, third, "Continue (4/4)")
    two = await next_step(world.asha, third, "Continue (4/4)")  # a double click
    last = await fill(world.asha, one, STEP_4)
    again = await fill(world.asha, two, STEP_4)
    await delivered(world.env)

    assert "Complaint #1 is logged" in shown(ephemeral(last)[0]) and again.acknowledged
    (saved,) = await complaints(db)  # the customer typed before the restart, saved once
    assert (saved.customer_name, saved.description, saved.compensation_currency) == (
        "Ravi Kumar",
        "Parcel arrived two weeks late",
        "INR",
    )
    assert len(public(world.channel)) == 1


async def test_a_wrong_field_is_named_nothing_is_saved_and_what_was_typed_is_kept(
    world: World, db: Database
) -> None:
    last = await log_complaint(world, customer_phone="12ab")

    (errors,) = ephemeral(last)
    text = shown(errors)
    assert "Nothing was saved yet" in text and "Customer phone" in text and "phone" in text
    assert labels(errors) == ["Correct “Customer phone”"]
    assert await complaints(db) == [] and public(world.channel) == []

    reopened = await world.asha.click(errors, label="Correct “Customer phone”")
    assert reopened.modal is not None and reopened.modal["title"] == "The customer (1/4)"
    typed = {
        c["component"]["custom_id"]: c["component"].get("value")
        for c in reopened.modal["components"]
    }
    assert typed["customer_name"] == "Ravi Kumar" and typed["customer_phone"] == "12ab"
    fixed = await fill(world.asha, reopened, {**STEP_1, "customer_phone": "98765 43210"})

    assert "Complaint #1 is logged" in shown(ephemeral(fixed)[0])  # no steps asked again
    (saved,) = await complaints(db)
    assert saved.solution == "Refund the shipping fee"  # step 3, typed before the error
    assert shown(card(world))


async def test_a_double_submission_saves_one_complaint(world: World, db: Database) -> None:
    opened = await world.asha.slash(world.channel, "complaint new")
    third = await fill_steps(world.asha, opened, [STEP_1, STEP_2, STEP_3])
    one = await next_step(world.asha, third, "Continue (4/4)")
    two = await next_step(world.asha, third, "Continue (4/4)")  # a double click

    await fill(world.asha, one, STEP_4)
    again = await fill(world.asha, two, STEP_4)

    assert again.acknowledged
    assert len(await complaints(db)) == 1
    assert len(public(world.channel)) == 1


async def test_card_buttons_work_after_a_restart_and_edit_the_card_in_place(
    simcord_env: simcord.Env,
    world: World,
    core: CareBot,
    db: Database,
    discord_settings: DiscordSettings,
) -> None:
    await log_complaint(world)
    the_card = card(world)
    await simcord_env.restart_bot(
        DiscordBot(CareBot(db, core.settings, core.clock), discord_settings)
    )

    step = await world.meera.click(the_card, label="Add step")  # a manager: any complaint
    assert step.modal is not None and step.modal["title"] == "Add a step"
    await fill(world.meera, step, {"text": "Courier confirmed the delay"})
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(ComplaintStep)) == 2

    resolve = await world.asha.click(card(world), label="Resolve")  # six fields: two steps
    first = await fill(
        world.asha, resolve, {"solution": "Refunded", "solution_mode": ["on_the_spot"]}
    )
    await fill(world.asha, await next_step(world.asha, first, "Continue (2/2)"), {})
    (edited,) = public(world.channel)  # the same message, edited: no second card
    assert edited.id == the_card.id
    assert "Complaint #1 · Delivery · Resolved" in shown(edited) and "Reopen" in labels(edited)


async def test_details_are_shown_only_to_the_person_who_asked(world: World) -> None:
    await log_complaint(world)
    mine = await world.asha.click(card(world), label="Details")
    (details,) = ephemeral(mine)
    assert "Ravi Kumar" in shown(details) and "12 MG Road, Pune" in shown(details)

    theirs = await world.bob.click(card(world), label="Details")  # another agent
    (masked,) = ephemeral(theirs)
    assert "Ravi Kumar" not in shown(masked) and "•••• 3210" in shown(masked)
    everyone = "\n".join(shown(m) for m in public(world.channel))
    assert not any(secret in everyone for secret in SECRETS)


async def test_the_text_option_is_the_commands_text_and_answers_are_ephemeral(
    world: World,
) -> None:
    await log_complaint(world)
    listed = await world.bob.slash(world.channel, "complaint list", status="open")
    assert "#1 · Delivery · Normal · Open" in shown(ephemeral(listed)[0])
    show = await world.bob.slash(world.channel, "complaint show", number=1)
    assert "Parcel arrived two weeks late" in shown(ephemeral(show)[0])
    missing = await world.bob.slash(world.channel, "complaint show", number=99)
    assert "There is no complaint #99" in shown(ephemeral(missing)[0])
    helped = await world.bob.slash(world.channel, "help")
    assert "/complaint list" in shown(ephemeral(helped)[0])
    assert len(public(world.channel)) == 1


async def test_the_client_language_reaches_the_core(
    simcord_env: simcord.Env, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await log_complaint(world)
    async with world.env.bot.core.db.transaction() as session:  # 150000 INR, to read grouping
        saved = (await session.scalars(select(Complaint))).one()
        saved.compensation_minor = 15_000_000
    english = await world.asha.click(card(world), label="Details")
    assert "₹150,000.00" in shown(ephemeral(english)[0])

    client_language(simcord_env, monkeypatch, "hi")
    hindi = await world.asha.click(card(world), label="Details")
    assert "₹1,50,000.00" in shown(ephemeral(hindi)[0])  # Indian digit grouping


async def test_a_message_becomes_a_complaint_from_its_context_menu(
    world: World, db: Database
) -> None:
    said = await world.bob.send(world.channel, "My parcel came two weeks late")
    opened = await world.asha.context_menu(world.channel, "Log as complaint", said)
    assert opened.modal is not None and opened.modal["title"] == "The customer (1/4)"
    first = await fill(world.asha, opened, STEP_1)  # the customer first, then what happened
    second = await next_step(world.asha, first, "Continue (2/4)")
    assert "My parcel came two weeks late" in values(second.modal)


def values(tree: object) -> list[str]:
    """Every pre-filled value in a modal's components, however they are nested."""
    if isinstance(tree, dict):
        found = [str(tree["value"])] if isinstance(tree.get("value"), str) else []
        return found + [v for child in tree.values() for v in values(child)]
    if isinstance(tree, list):
        return [v for child in tree for v in values(child)]
    return []
