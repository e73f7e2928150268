"""Getting a survey to the customer as the scheduler would, for the surveys' tests."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.scheduled import Outgoing
from bot.settings import Settings
from storage.db import Database
from storage.models import Complaint, Survey
from tests.factories import log_complaint, texts
from tests.jobs import finish, prepare

RESOLVE = {"solution": "Refunded", "solution_mode": "on_the_spot", "prevention": "Check stock"}
LINK = re.compile(r"Link: (\S+)")


async def resolved_complaint(
    carebot: CareBot, actor: Actor, number: int = 1, **fields: object
) -> None:
    await log_complaint(carebot, actor, follow_up_at=None, **fields)
    await carebot.submit(actor, "complaint.resolve", RESOLVE, {"number": str(number)})


async def survey_of(db: Database, complaint_number: int = 1, kind: str = "resolution") -> Survey:
    async with db.session() as session:
        rows = list(await session.scalars(select(Survey).where(Survey.kind == kind)))
    (found,) = [s for s in rows if s.complaint_id == await _complaint_id(db, complaint_number)]
    return found


async def _complaint_id(db: Database, number: int) -> int:
    async with db.session() as session:
        found = await session.scalar(select(Complaint.id).where(Complaint.number == number))
    assert found is not None
    return found


async def send_survey(
    db: Database, settings: Settings, clock: ManualClock, survey_id: int
) -> tuple[Outgoing, ...]:
    """Runs the survey's job as the scheduler does once its delay has passed."""
    out = await prepare(db, settings, clock, f"survey:{survey_id}")
    await finish(db, settings, clock, f"survey:{survey_id}")
    return out


def link_in(outgoing: tuple[Outgoing, ...]) -> str:
    (match,) = [LINK.search(texts(o.reply)) for o in outgoing if LINK.search(texts(o.reply))]
    assert match is not None
    return match.group(1)


def token_of(link: str) -> str:
    return link.rsplit("/s/", 1)[1]


async def surveyed(
    carebot: CareBot,
    actor: Actor,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    language: str | None = None,
    email: str | None = None,
    **fields: object,
) -> tuple[Survey, str]:
    """A resolved complaint whose resolution survey went out: the survey and its token."""
    await resolved_complaint(carebot, actor, **fields)
    if language or email:  # the customer's language and email, as the form records them
        async with db.transaction() as session:
            await session.execute(
                update(Complaint).values(customer_language=language, customer_email=email)
            )
    survey = await survey_of(db)
    clock.advance(timedelta(hours=24))
    link = link_in(await send_survey(db, settings, clock, survey.id))
    return await survey_of(db), token_of(link)
