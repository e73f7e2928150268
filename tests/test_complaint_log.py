"""The complaint log through the core, as agents and managers use it (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.ui import Audience
from storage.db import Database
from storage.models import AuditEvent, Complaint, ComplaintStep, FollowUp
from tests.conftest import person
from tests.factories import VALID, log_complaint, texts


async def count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def stored(db: Database, number: int = 1) -> Complaint:
    async with db.session() as session:
        return (await session.scalars(select(Complaint).where(Complaint.number == number))).one()


async def test_logging_a_complaint_records_all_nine_fields(
    carebot: CareBot, db: Database, asha: Actor, clock: ManualClock
) -> None:
    reply = await log_complaint(carebot, asha)

    assert reply.errors is None
    card, note = reply.posts
    assert card.to is Audience.CHANNEL and note.to is Audience.ACTOR
    assert "#1" in note.message.text
    complaint = await stored(db)
    assert complaint.customer_name == "Ravi Kumar"
    assert complaint.customer_address == "12 MG Road, Pune"
    assert complaint.customer_phone == "+919876543210"
    assert complaint.received_at == clock.now()
    assert complaint.category == "delivery"
    assert complaint.solution_mode == "promised" and complaint.status == "open"
    assert complaint.follow_up_at == clock.now() + timedelta(days=2)
    assert complaint.compensation_minor == 15050 and complaint.compensation_currency == "INR"
    assert complaint.prevention == "Use the faster courier for this route"
    assert await count(db, ComplaintStep) == 2
    assert await count(db, FollowUp) == 1

    details = texts(await carebot.command(asha, "complaint", "show 1"))
    for expected in (
        "Ravi Kumar",
        "+91 98765 43210",
        "12 MG Road",
        "Asha",
        "Delivery",
        "Parcel arrived two weeks late",
        "Refund the shipping fee",
        "promised for later",
        "₹150.50",
        "Shipping refund",
        "Called the courier",
        "faster courier",
    ):
        assert expected in details


async def test_the_channel_card_never_shows_personal_data(carebot: CareBot, asha: Actor) -> None:
    reply = await log_complaint(carebot, asha)
    card = [p for p in reply.posts if p.to is Audience.CHANNEL]
    shown = texts(reply.__class__(posts=tuple(card)))
    assert "#1" in shown and "Delivery" in shown
    for secret in ("Ravi", "98765", "43210", "MG Road"):
        assert secret not in shown


async def test_a_wrong_form_is_refused_field_by_field_and_nothing_is_saved(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    reply = await log_complaint(
        carebot,
        asha,
        customer_name="  ",
        customer_phone="12ab",
        category="weather",
        follow_up_at="2020-01-01 10:00",
        compensation_amount="-5",
        description="x" * 1001,
    )

    assert reply.errors is not None and not reply.posts
    errors = reply.errors.errors
    assert errors["customer_name"] == "This field is required."
    assert "phone number" in errors["customer_phone"]
    assert errors["category"] == "Choose one of the categories."
    assert "past" in errors["follow_up_at"]
    assert errors["compensation_amount"] == "The amount cannot be negative."
    assert "1000 characters" in errors["description"]
    assert set(errors) == {
        "customer_name",
        "customer_phone",
        "category",
        "follow_up_at",
        "compensation_amount",
        "description",
    }
    # What was typed comes back, so nobody types it twice.
    initial = {f.name: f.initial for f in reply.errors.form.fields}
    assert initial["customer_phone"] == "12ab"
    assert initial["solution"] == VALID["solution"]
    assert await count(db, Complaint) == 0
    assert await count(db, ComplaintStep) == 0

    # A refused form does not use up a number.
    await log_complaint(carebot, asha)
    assert (await stored(db)).number == 1


async def test_numbers_are_per_workspace_and_never_repeat_under_concurrency(
    carebot: CareBot, db: Database
) -> None:
    first_team, other_team = person("Asha", workspace="T1"), person("Ola", workspace="T2")
    await log_complaint(carebot, first_team)
    replies = await asyncio.gather(*(log_complaint(carebot, first_team) for _ in range(8)))
    assert all(r.errors is None for r in replies)
    await log_complaint(carebot, other_team)

    async with db.session() as session:
        numbers = (await session.scalars(select(Complaint.number).order_by(Complaint.id))).all()
    assert sorted(numbers[:-1]) == list(range(1, 10))
    assert numbers[-1] == 1


async def test_a_repeated_delivery_saves_and_posts_once(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    first = await log_complaint(carebot, asha, delivery_id="view-123")
    again = await log_complaint(carebot, asha, delivery_id="view-123")
    both = await asyncio.gather(
        *(log_complaint(carebot, asha, delivery_id="view-9") for _ in range(5))
    )
    steps = await asyncio.gather(
        *(
            carebot.submit(asha, "complaint.step", {"text": "Called"}, {"number": "1"}, "v-7")
            for _ in range(3)
        )
    )

    assert "#1" in first.posts[1].message.text
    assert again.posts == () and again.errors is None  # nothing to post twice
    assert sum(1 for r in both if r.posts) == 1
    assert sum(1 for r in steps if r.posts) == 1
    assert await count(db, Complaint) == 2
    assert await count(db, ComplaintStep) == 5  # 2 + 2 from the forms, 1 added once


async def test_solved_on_the_spot_is_resolved_at_once(
    carebot: CareBot, db: Database, asha: Actor, clock: ManualClock
) -> None:
    await log_complaint(carebot, asha, solution_mode="on_the_spot", follow_up_at="")
    complaint = await stored(db)
    assert complaint.status == "resolved" and complaint.resolved_at == clock.now()


async def test_solution_and_its_mode_go_together(carebot: CareBot, asha: Actor) -> None:
    reply = await log_complaint(carebot, asha, solution_mode="")
    assert reply.errors is not None
    assert "on the spot or promised" in reply.errors.errors["solution_mode"]
    reply = await log_complaint(carebot, asha, solution="", solution_mode="promised")
    assert reply.errors is not None
    assert reply.errors.errors == {"solution_mode": "Describe the agreed solution first."}


async def test_steps_assignment_follow_up_resolution_and_reopening(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor, clock: ManualClock
) -> None:
    await log_complaint(carebot, asha)
    await carebot.command(bob, "complaint", "list")  # Bob joins the workspace

    # Only the agent who holds a complaint (logged it, or is assigned it) works on it.
    assigned = await carebot.submit(asha, "complaint.assign", {"assignee": "bob"}, {"number": "1"})
    assert "assigned to Bob" in texts(assigned)
    step = await carebot.submit(
        bob, "complaint.step", {"text": "Courier confirmed the delay"}, {"number": "1"}
    )
    assert "Step added" in texts(step)

    clock.advance(timedelta(days=3))  # the follow-up is now overdue
    overdue = texts(await carebot.command(asha, "complaint", "list overdue"))
    assert "#1" in overdue

    done = await carebot.submit(
        bob,
        "complaint.follow_up_done",
        {"outcome": "not_satisfied", "note": "Wants a call"},
        {"number": "1"},
    )
    assert done.errors is None
    assert "No follow-up is overdue" in texts(
        await carebot.command(asha, "complaint", "list overdue")
    )

    refused = await carebot.submit(bob, "complaint.follow_up", {"due_at": "+1h"}, {"number": "1"})
    assert refused.errors is None
    resolved = await carebot.submit(
        bob,
        "complaint.resolve",
        {
            "solution": "Refunded shipping and apologised",
            "solution_mode": "on_the_spot",
            "compensation_amount": "200",
            "compensation_text": "Refund",
            "prevention": "Faster courier",
        },
        {"number": "1"},
    )
    card = resolved.posts[0].message
    assert "Resolved" in card.text and card.ref == "complaint:1"
    assert [b.label for b in card.buttons][:2] == ["Add step", "Reopen"]
    complaint = await stored(db)
    assert complaint.status == "resolved" and complaint.resolved_at == clock.now()
    assert complaint.compensation_minor == 20000

    twice = await carebot.action(bob, "complaint.resolve", "1")
    assert "already resolved" in texts(twice)
    reopened = await carebot.action(bob, "complaint.reopen", "1")
    assert "open again" in texts(reopened)
    assert (await stored(db)).resolved_at is None

    async with db.session() as session:
        actions = (await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
    assert actions == [
        "created",
        "assigned",
        "step_added",
        "follow_up_done",
        "follow_up_scheduled",
        "resolved",
        "reopened",
    ]


async def test_lists_open_mine_and_by_category(carebot: CareBot, asha: Actor, bob: Actor) -> None:
    await log_complaint(carebot, asha, category="billing")
    await log_complaint(carebot, bob)
    await log_complaint(carebot, bob, solution_mode="on_the_spot")

    open_list = texts(await carebot.command(asha, "complaint", "list open"))
    assert "#1" in open_list and "#2" in open_list and "#3" not in open_list
    mine = texts(await carebot.command(bob, "complaint", "list mine"))
    assert "#2" in mine and "#1" not in mine
    billing = texts(await carebot.command(bob, "complaint", "list category billing or refund"))
    assert "#1" in billing and "#2" not in billing
    unknown = texts(await carebot.command(bob, "complaint", "list category weather"))
    assert "There is no category “weather”" in unknown


async def test_personal_data_only_for_those_allowed(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor, meera: Actor
) -> None:
    await log_complaint(carebot, asha)
    other_agent = texts(await carebot.command(bob, "complaint", "show 1"))
    assert (
        "Ravi Kumar" not in other_agent
        and "98765" not in other_agent
        and "MG Road" not in other_agent
    )
    assert "R•••" in other_agent and "•••• 3210" in other_agent

    manager = texts(await carebot.command(meera, "complaint", "show 1"))
    assert "Ravi Kumar" in manager

    await carebot.submit(asha, "complaint.assign", {"assignee": "bob"}, {"number": "1"})
    assert "Ravi Kumar" in texts(await carebot.command(bob, "complaint", "show 1"))

    async with db.session() as session:
        views = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "viewed_personal_data")
        )
    assert (
        views == 2
    )  # Meera, then Bob once assigned; the masked view is not a view of personal data


async def test_a_repeat_customer_is_recognised_by_phone(carebot: CareBot, asha: Actor) -> None:
    await log_complaint(carebot, asha, customer_phone="+91 98765 43210", category="billing")
    await log_complaint(carebot, asha, customer_name="Mr Ravi K.", customer_phone="098765-43210")
    await log_complaint(
        carebot, asha, customer_name="Someone else", customer_phone="+91 91234 56789"
    )

    shown = texts(await carebot.command(asha, "complaint", "show 2"))
    assert "Earlier complaints from this customer" in shown
    assert "#1 · Billing or refund" in shown and "#3" not in shown

    by_phone = texts(await carebot.command(asha, "complaint", "search 9876543210"))
    assert "#1" in by_phone and "#2" in by_phone and "#3" not in by_phone
    by_name = texts(await carebot.command(asha, "complaint", "search ravi"))
    assert "#1" in by_name and "#2" in by_name and "#3" not in by_name


async def test_the_four_step_checklist_can_be_ticked(carebot: CareBot, asha: Actor) -> None:
    await log_complaint(carebot, asha)
    shown = texts(await carebot.action(asha, "complaint.checklist:understand", "1"))
    assert "☑ Understand the problem" in shown and "☐ Identify the cause" in shown
    untick = texts(await carebot.action(asha, "complaint.checklist:understand", "1"))
    assert "☐ Understand the problem" in untick


async def test_text_in_any_script_and_sql_looking_text_is_kept_as_typed(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    description = "पार्सल देर से आया 😞 — পার্সেল দেরিতে; '); DROP TABLE complaints; --"
    name = "Robert'); DELETE FROM members; -- অমিত"
    reply = await log_complaint(carebot, asha, description=description, customer_name=name)
    assert reply.errors is None
    complaint = await stored(db)
    assert complaint.description == description and complaint.customer_name == name
    assert name in texts(await carebot.command(asha, "complaint", "search DELETE FROM"))


async def test_unknown_numbers_and_commands_get_a_clear_answer(
    carebot: CareBot, asha: Actor
) -> None:
    assert (
        texts(await carebot.command(asha, "complaint", "show 42"))
        == "There is no complaint #42 in this workspace."
    )
    assert "Give a complaint number" in texts(
        await carebot.command(asha, "complaint", "show forty")
    )
    assert "Unknown subcommand" in texts(await carebot.command(asha, "complaint", "frobnicate"))
    assert "/help" in texts(await carebot.command(asha, "weather"))
    step = await carebot.submit(asha, "complaint.step", {"text": "x"}, {"number": "7"})
    assert texts(step) == "There is no complaint #7 in this workspace."


async def test_categories_are_per_workspace_and_managed_by_managers(
    carebot: CareBot, asha: Actor, bob: Actor
) -> None:
    added = texts(await carebot.command(asha, "complaint", "categories add Warranty"))
    assert "Warranty" in added
    assert "Only managers and admins" in texts(
        await carebot.command(bob, "complaint", "categories add Spam")
    )
    form = (await carebot.command(bob, "complaint", "")).form
    assert form is not None
    category = next(f for f in form.fields if f.name == "category")
    assert "Warranty" in [c.label for c in category.choices]
    assert (await log_complaint(carebot, bob, category="Warranty")).errors is None
    other = person("Ola", workspace="T2")
    other_form = (await carebot.command(other, "complaint", "")).form
    assert other_form is not None
    assert "Warranty" not in [
        c.value for c in next(f for f in other_form.fields if f.name == "category").choices
    ]


async def test_an_unexpected_failure_saves_nothing_and_shows_an_error_id(
    carebot: CareBot, db: Database, asha: Actor, monkeypatch
) -> None:
    from bot.complaints import service

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service, "add_step", broken)
    await log_complaint(carebot, asha)
    reply = await carebot.submit(asha, "complaint.step", {"text": "x"}, {"number": "1"})
    message = texts(reply)
    assert "nothing was saved" in message and "Error id:" in message
    assert "disk on fire" not in message and "Traceback" not in message
    assert await count(db, ComplaintStep) == 2
