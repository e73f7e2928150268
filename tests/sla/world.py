"""A workspace in Pune (IST) that keeps Maharashtra's public holidays, and a recorder that
stands in for the platform's deliverer."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import CareBot
from bot.context import Actor
from bot.scheduled import Outgoing
from storage.db import Database
from storage.models import Complaint, Job, Workspace
from storage.sla import ComplaintClock

IST = ZoneInfo("Asia/Kolkata")


def ist(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=IST)


async def pune(carebot: CareBot, db: Database, admin: Actor) -> None:
    await carebot.command(admin, "help")
    async with db.transaction() as session:
        (workspace,) = (await session.scalars(select(Workspace))).all()
        workspace.timezone = "Asia/Kolkata"
    await carebot.command(admin, "sla", "holidays IN MH")


async def clock_of(db: Database, number: int = 1) -> ComplaintClock:
    async with db.session() as session:
        complaint = await session.scalar(select(Complaint).where(Complaint.number == number))
        assert complaint is not None and complaint.clock is not None
        return complaint.clock


async def sla_jobs(db: Database) -> dict[str, Job]:
    async with db.session() as session:
        rows = await session.scalars(select(Job).where(Job.key.like("sla:%")))
        return {j.key.split(":", 2)[2]: j for j in rows}


class Recorder:
    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    async def deliver(self, outgoing: Outgoing) -> None:
        self.sent.append(outgoing)

    def told(self, words: str) -> list[tuple[str, str]]:
        """(to whom, the text) of every post saying `words`."""
        found = []
        for out in self.sent:
            for post in out.reply.posts:
                if words in post.message.text:
                    found.append((post.channel or out.actor.user_id, post.message.text))
        return found
