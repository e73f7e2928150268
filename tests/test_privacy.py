"""Customers' privacy through the core: who sees personal data (every view audited), a
customer's export, and their erasure, which keeps every figure (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.digest.content import compute
from bot.goals.periods import week_before
from bot.ui import Reply
from storage.db import Database
from storage.models import AuditEvent, Complaint, ComplaintStep, FollowUp, Workspace
from tests.conftest import person
from tests.factories import log_complaint, texts

OTHER = {
    "customer_name": "Sunita Rao",
    "customer_phone": "+91 91234 56789",
    "customer_address": "4 Park Street, Kolkata",
}


async def audited(db: Database, action: str) -> list[AuditEvent]:
    async with db.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(await session.scalars(query))


async def complaints(db: Database) -> list[Complaint]:
    async with db.session() as session:
        return list(await session.scalars(select(Complaint).order_by(Complaint.number)))


def the_file(reply: Reply) -> dict:
    (post,) = reply.posts
    (attachment,) = post.message.files
    assert attachment.mime == "application/json" and "Ravi" not in attachment.filename
    return json.loads(attachment.content)


async def test_personal_data_only_for_the_logger_the_assignee_and_managers(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor, meera: Actor
) -> None:
    carla = person("Carla")  # an agent who neither logged nor holds it
    await carebot.command(asha, "help")
    await log_complaint(carebot, bob)
    for actor in (carla, asha):
        await carebot.command(actor, "complaint", "list")

    hidden = texts(await carebot.command(carla, "complaint", "show 1"))
    searched = texts(await carebot.command(carla, "complaint", "search 98765 43210"))
    for seen in (hidden, searched):
        assert "Ravi" not in seen and "43210 " not in seen and "MG Road" not in seen
    assert "R•••" in hidden and "•••• 3210" in hidden

    assert "Ravi Kumar" in texts(await carebot.command(bob, "complaint", "show 1"))  # logged it
    await carebot.submit(asha, "complaint.assign", {"assignee": "carla"}, {"number": "1"})
    assert "Ravi Kumar" in texts(await carebot.command(carla, "complaint", "show 1"))
    assert "Ravi Kumar" in texts(await carebot.command(carla, "complaint", "search ravi"))
    assert "Ravi Kumar" in texts(await carebot.action(meera, "complaint.details", "1"))

    views = await audited(db, "viewed_personal_data")
    assert [(e.actor.display_name if e.actor else None, e.changes) for e in views] == [
        ("Bob", {}),
        ("Carla", {}),
        ("Carla", {"via": "search"}),
        ("Meera", {}),
    ]


async def test_an_export_holds_one_customers_complaints_whole(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor, clock: ManualClock
) -> None:
    await log_complaint(carebot, asha)
    await log_complaint(carebot, asha, **OTHER)
    await log_complaint(carebot, bob, customer_name="RAVI KUMAR", customer_phone="098765-43210")
    await carebot.submit(asha, "complaint.step", {"text": "Refund sent"}, {"number": "3"})

    by_phone = the_file(await carebot.command(asha, "carebot", "customer export 9876543210"))
    assert by_phone["customer"] == {"phone": "+919876543210"}
    assert [c["number"] for c in by_phone["complaints"]] == [1, 3]
    first, third = by_phone["complaints"]
    assert (
        first["customer_name"] == "Ravi Kumar" and first["customer_address"] == "12 MG Road, Pune"
    )
    assert first["compensation_amount"] == "150.50" and first["received_by"] == "Asha"
    assert [s["text"] for s in first["steps"]] == [
        "Called the courier",
        "Asked the warehouse for the dispatch log",
    ]
    assert first["follow_ups"][0]["state"] == "scheduled" and first["retention_check"] is None
    assert third["steps"][-1] == {
        "text": "Refund sent",
        "by": "Asha",
        "at": clock.now().isoformat(),
    }
    assert "Sunita" not in json.dumps(by_phone) and "91234" not in json.dumps(by_phone)

    by_name = the_file(await carebot.command(asha, "carebot", "customer export sunita rao"))
    assert [c["number"] for c in by_name["complaints"]] == [2]
    nobody = texts(await carebot.command(asha, "carebot", "customer export Ravi"))
    assert nobody == "No complaint of this customer was found."  # a whole name, not a part
    refused = texts(await carebot.command(bob, "carebot", "customer export 9876543210"))
    assert refused == "Only admins can do this."

    (event, _) = await audited(db, "customer_exported")
    assert event.changes == {"complaints": 2, "numbers": [1, 3], "matched_by": "phone"}
    assert event.actor is not None and event.actor.display_name == "Asha"
    assert "9876" not in json.dumps(event.changes)


async def test_erasing_keeps_every_figure_and_no_trace_of_the_customer(
    carebot: CareBot, db: Database, asha: Actor, clock: ManualClock
) -> None:
    await log_complaint(carebot, asha, description="Ravi Kumar (98765-43210) got a late parcel")
    await log_complaint(carebot, asha, **OTHER, category="billing")
    await log_complaint(carebot, asha, solution_mode="on_the_spot", follow_up_at="")
    await carebot.submit(
        asha,
        "complaint.step",
        {"text": "Called +91 98765 43210 at 12 MG Road, Pune"},
        {"number": "1"},
    )
    happy = {"outcome": "satisfied", "note": "ravi kumar happy"}
    await carebot.submit(asha, "complaint.follow_up_done", happy, {"number": "1"})
    clock.advance(timedelta(days=7))
    async with db.session() as session:
        workspace = (await session.scalars(select(Workspace))).one()
        week = week_before(clock.now(), ZoneInfo("UTC"))
        before = await compute(session, workspace, week, clock.now())

    asked = await carebot.command(asha, "carebot", "customer erase +91 98765 43210")
    assert "Complaints #1, #3" in texts(asked) and "cannot be undone" in texts(asked)
    (button,) = asked.posts[0].message.buttons
    assert (await complaints(db))[0].customer_name == "Ravi Kumar"  # nothing before the press
    done = await carebot.action(asha, button.action, button.value)
    assert texts(done) == "The customer's personal data is erased from 2 complaints."
    again = await carebot.action(asha, button.action, button.value)
    assert texts(again) == "This customer's personal data is erased already."

    rows = await complaints(db)
    assert [(c.customer_name, c.customer_phone, c.customer_address) for c in rows] == [
        ("erased", None, None),
        ("Sunita Rao", "+919123456789", "4 Park Street, Kolkata"),
        ("erased", None, None),
    ]
    assert rows[0].description == "[erased] ([erased]) got a late parcel"
    async with db.session() as session:
        traces = await session.scalar(
            select(func.count())
            .select_from(Complaint)
            .where(
                or_(
                    *(
                        column.ilike(f"%{needle}%")
                        for column in (
                            Complaint.customer_name,
                            Complaint.customer_address,
                            Complaint.customer_phone,
                            Complaint.description,
                            Complaint.solution,
                            Complaint.prevention,
                            Complaint.compensation_text,
                        )
                        for needle in ("Ravi", "98765", "43210", "MG Road")
                    )
                )
            )
        )
        assert traces == 0
        steps = list(await session.scalars(select(ComplaintStep.text)))
        notes = list(await session.scalars(select(FollowUp.note)))
        assert "Called +91 [erased] at [erased]" in steps and "[erased] happy" in notes
        after = await compute(session, workspace, week, clock.now())
    assert after == before
    assert [(c.category, c.status, c.compensation_minor) for c in rows] == [
        ("delivery", "open", 15050),
        ("billing", "open", 15050),
        ("delivery", "resolved", 15050),
    ]
    shown = texts(await carebot.command(asha, "complaint", "show 1"))
    assert "Erased" in shown and "Ravi" not in shown
    (event,) = await audited(db, "customer_erased")
    assert event.changes == {"complaints": 2, "numbers": [1, 3], "matched_by": "phone"}


async def test_erasing_by_name_and_only_for_admins(
    carebot: CareBot, db: Database, asha: Actor, meera: Actor
) -> None:
    await log_complaint(carebot, asha, customer_phone="")
    await log_complaint(carebot, asha, **OTHER)
    assert texts(await carebot.command(meera, "carebot", "customer erase ravi kumar")) == (
        "Only admins can do this."
    )
    asked = await carebot.command(asha, "carebot", "customer erase ravi kumar")
    (button,) = asked.posts[0].message.buttons
    assert texts(await carebot.action(meera, button.action, button.value)) == (
        "Only admins can do this."
    )
    await carebot.action(asha, button.action, button.value)
    assert [c.customer_name for c in await complaints(db)] == ["erased", "Sunita Rao"]
    assert "/carebot customer erase" in texts(await carebot.command(asha, "carebot", "customer"))
