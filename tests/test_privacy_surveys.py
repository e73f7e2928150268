"""A customer found by email: their export holds the email, the language and their survey and
retention answers; their erasure removes the email (and its mentions) and what they said could
be done better, and keeps every score and choice for the figures (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.ui import Reply
from storage.db import Database
from storage.models import AuditEvent, Complaint, RetentionCheck
from storage.surveys import Survey
from tests.factories import log_complaint, texts

EMAIL = "Ravi.Kumar@example.com"
SUNITA = {
    "customer_name": "Sunita Rao",
    "customer_phone": "+91 91234 56789",
    "customer_email": "sunita@example.org",
    "customer_address": "4 Park Street, Kolkata",
}
SPOT = {"solution_mode": "on_the_spot", "follow_up_at": ""}


async def answered_surveys(db: Database, clock: ManualClock) -> datetime:
    """Surveys as the customers answered them on carebot's page, and #1's retention check."""
    at = clock.now()
    async with db.transaction() as session:
        ids = dict((await session.execute(select(Complaint.number, Complaint.id))).all())
        workspace_id = await session.scalar(select(Complaint.workspace_id).limit(1))

        def survey(number: int, kind: str, **answers: object) -> Survey:
            return Survey(
                workspace_id=workspace_id,
                complaint_id=ids[number],
                kind=kind,
                state="answered",
                locale="hi",
                due_at=at,
                sent_at=at,
                answered_at=at,
                created_at=at,
                **answers,
            )

        # Resolving planned resolution surveys: these are them, answered.
        await session.execute(delete(Survey))
        session.add_all(
            [
                survey(1, "resolution", score=2, better=f"Reply to {EMAIL.upper()} sooner"),
                survey(1, "retention", satisfied="yes", bought_again="not_yet", better="Cheaper"),
                survey(2, "resolution", score=5, better="All good, Sunita"),
            ]
        )
        check = await session.scalar(
            select(RetentionCheck).where(RetentionCheck.complaint_id == ids[1])
        )
        assert check is not None  # resolved on the spot: a check one month on
        check.state, check.source, check.answered_at = "done", "customer", at
        check.satisfied, check.bought_again, check.better = "yes", "no", "Call me at home"
    return at


def the_file(reply: Reply) -> dict:
    (post,) = reply.posts
    (attachment,) = post.message.files
    assert "ravi" not in attachment.filename.lower()
    return json.loads(attachment.content)


async def logged(carebot: CareBot, asha: Actor) -> None:
    description = f"Wrote from {EMAIL.lower()} about a late parcel"
    await log_complaint(
        carebot, asha, **SPOT, customer_email=EMAIL, customer_language="hi", description=description
    )
    await log_complaint(carebot, asha, **SUNITA, **SPOT)
    # The same customer, from another phone and spelled otherwise: the email finds them.
    await log_complaint(
        carebot, asha, customer_name="R. Kumar", customer_phone="", customer_email=EMAIL.upper()
    )


async def test_an_export_by_email_holds_the_surveys_and_retention_answers(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor, clock: ManualClock
) -> None:
    await logged(carebot, asha)
    at = (await answered_surveys(db, clock)).isoformat()

    # As Slack sends an address in /carebot's escaped text.
    typed = "<mailto:ravi.kumar@EXAMPLE.com|ravi.kumar@EXAMPLE.com>"
    doc = the_file(await carebot.command(asha, "carebot", f"customer export {typed}"))
    assert doc["customer"] == {"email": "ravi.kumar@example.com"}
    first, third = doc["complaints"]
    assert (first["number"], third["number"]) == (1, 3)
    assert (first["customer_email"], first["customer_language"]) == (EMAIL, "hi")
    assert (third["customer_email"], third["customer_language"]) == ("RAVI.KUMAR@example.com", None)
    assert first["surveys"] == [
        {
            "kind": "resolution",
            "state": "answered",
            "sent_at": at,
            "score": 2,
            "satisfied": None,
            "bought_again": None,
            "better": "Reply to RAVI.KUMAR@EXAMPLE.COM sooner",
            "answered_at": at,
        },
        {
            "kind": "retention",
            "state": "answered",
            "sent_at": at,
            "score": None,
            "satisfied": "yes",
            "bought_again": "not_yet",
            "better": "Cheaper",
            "answered_at": at,
        },
    ]
    check = first["retention_check"]
    assert (check["satisfied"], check["bought_again"], check["better"]) == (
        "yes",
        "no",
        "Call me at home",
    )
    assert check["answered_through"] == "customer" and check["answered_at"] == at
    assert third["surveys"] == [] and third["retention_check"] is None
    assert "Sunita" not in json.dumps(doc) and "sunita@" not in json.dumps(doc)

    refused = texts(await carebot.command(bob, "carebot", f"customer export {EMAIL}"))
    assert refused == "Only admins can do this."
    wrong = texts(await carebot.command(asha, "carebot", "customer export ravi@kumar"))
    assert wrong == "This does not look like an email address. Example: name@example.com"
    nobody = texts(await carebot.command(asha, "carebot", "customer export ravi@example.net"))
    assert nobody == "No complaint of this customer was found."
    async with db.session() as session:
        events = list(await session.scalars(select(AuditEvent.changes)))
        exported = [e for e in events if e.get("matched_by")]
    assert exported == [{"complaints": 2, "numbers": [1, 3], "matched_by": "email"}]
    assert "example.com" not in json.dumps(events).lower()


async def test_erasing_by_email_removes_their_words_and_keeps_the_scores(
    carebot: CareBot, db: Database, asha: Actor, clock: ManualClock
) -> None:
    await logged(carebot, asha)
    await answered_surveys(db, clock)
    clock.advance(timedelta(hours=1))

    asked = await carebot.command(asha, "carebot", f"customer erase {EMAIL.lower()}")
    assert "Complaints #1, #3" in texts(asked) and "email" in texts(asked)
    (button,) = asked.posts[0].message.buttons
    assert button.value == "e:1"  # the complaint's number, never the address
    assert (await saved(db))[0].customer_email == EMAIL  # nothing before the press
    done = await carebot.action(asha, button.action, button.value)
    assert texts(done) == "The customer's personal data is erased from 2 complaints."

    first, second, third = await saved(db)
    for erased in (first, third):
        assert (erased.customer_name, erased.customer_email, erased.customer_phone) == (
            "erased",
            None,
            None,
        )
    assert first.description == "Wrote from [erased] about a late parcel"
    assert first.customer_language == "hi"  # names nobody: kept with the figures
    assert (second.customer_email, second.customer_name) == ("sunita@example.org", "Sunita Rao")

    async with db.session() as session:
        surveys = {(s.complaint_id, s.kind): s for s in await session.scalars(select(Survey))}
        check = await session.scalar(
            select(RetentionCheck).where(RetentionCheck.complaint_id == first.id)
        )
        events = list(await session.scalars(select(AuditEvent.changes)))
    resolution, retention = surveys[first.id, "resolution"], surveys[first.id, "retention"]
    assert (resolution.score, resolution.better, resolution.answered_at) == (
        2,
        None,
        clock.now() - timedelta(hours=1),
    )
    assert (retention.satisfied, retention.bought_again, retention.better) == (
        "yes",
        "not_yet",
        None,
    )
    assert surveys[second.id, "resolution"].better == "All good, Sunita"  # another customer
    assert check is not None and (check.satisfied, check.bought_again, check.better) == (
        "yes",
        "no",
        None,
    )
    erased_event = [e for e in events if e.get("matched_by") == "email"]
    assert erased_event == [{"complaints": 2, "numbers": [1, 3], "matched_by": "email"}]
    assert "example.com" not in json.dumps(events).lower()
    shown = texts(await carebot.command(asha, "complaint", "show 1"))
    assert "Erased" in shown and "example.com" not in shown.lower()


async def saved(db: Database) -> list[Complaint]:
    async with db.session() as session:
        return list(await session.scalars(select(Complaint).order_by(Complaint.number)))
