"""Surveys made the way they are in use: a complaint logged and resolved through the core, the
clock moved past the survey delay, the "survey" job run, and the link read from the agent's DM."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from storage.db import Database
from storage.models import AuditEvent, Complaint, Job, Survey, SurveyOptOut
from tests.factories import log_complaint, texts
from tests.jobs import finish, prepare

RESOLVE = {"solution": "Refunded", "solution_mode": "on_the_spot", "prevention": "Check stock"}
BUSINESS = "Sharma Electronics"
LINK = re.compile(r"^Link: (\S+)$", re.M)


async def number_of_last(db: Database) -> int:
    async with db.session() as session:
        found = await session.scalar(select(Complaint.number).order_by(Complaint.id.desc()))
    assert found is not None
    return found


async def resolved(
    carebot: CareBot, db: Database, actor: Actor, language: str | None = None, **values: Any
) -> int:
    """A complaint logged and resolved; its number. `language`: the customer's."""
    await log_complaint(carebot, actor, **values)
    number = await number_of_last(db)
    if language is not None:
        async with db.transaction() as session:
            await session.execute(
                update(Complaint)
                .where(Complaint.number == number)
                .values(customer_language=language)
            )
    await carebot.submit(actor, "complaint.resolve", RESOLVE, {"number": str(number)})
    return number


async def send_due_surveys(db: Database, settings: Settings, clock: ManualClock) -> list[str]:
    """Runs every due "survey" job as the scheduler would; what the agents were told."""
    async with db.session() as session:
        keys = list(
            await session.scalars(
                select(Job.key).where(
                    Job.kind == "survey", Job.state == "pending", Job.due_at <= clock.now()
                )
            )
        )
    told = []
    for key in keys:
        outgoing = await prepare(db, settings, clock, key)
        await finish(db, settings, clock, key)
        told.extend(texts(o.reply) for o in outgoing)
    return told


async def survey_link(
    carebot: CareBot,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    actor: Actor,
    language: str | None = None,
    **values: Any,
) -> str:
    """The link the agent is given to send to the customer of a new, resolved complaint."""
    await carebot.command(actor, "complaint", f"survey name {BUSINESS}")
    await resolved(carebot, db, actor, language, **values)
    clock.advance(timedelta(hours=25))  # the default delay is 24 hours
    told = await send_due_surveys(db, settings, clock)
    links = [m.group(1) for text in told for m in LINK.finditer(text)]
    assert len(links) == 1, told
    return links[0]


def path_of(link: str) -> str:
    return link[link.index("/s/") :]


async def surveys(db: Database) -> list[Survey]:
    async with db.session() as session:
        return list(await session.scalars(select(Survey).order_by(Survey.id)))


async def audit_actions(db: Database) -> list[str]:
    async with db.session() as session:
        return list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


async def opt_outs(db: Database) -> int:
    async with db.session() as session:
        return len(list(await session.scalars(select(SurveyOptOut.id))))
