"""The complaint numbers offered while someone types one (Discord's autocomplete): the newest
of their own workspace, matched by how the number starts, labelled without personal data, and
nothing registered by looking."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import CareBot
from bot.context import Actor
from storage.db import Database
from storage.models import Member
from tests.conftest import person
from tests.factories import log_complaint


async def test_the_newest_numbers_first_with_labels_free_of_personal_data(
    carebot: CareBot, asha: Actor, bob: Actor
) -> None:
    for _ in range(12):
        await log_complaint(carebot, asha)
    await carebot.command(bob, "home")  # Bob, an agent, holds none of them

    offered = await carebot.recent_complaints(bob, "")
    assert [n for n, _ in offered] == list(range(12, 0, -1))
    _, label = offered[0]
    assert label.startswith("#12 · Delivery · Open · ")
    for secret in ("Ravi", "98765", "43210", "MG Road", "Parcel", "ravi.kumar"):
        assert all(secret not in text for _, text in offered)

    assert [n for n, _ in await carebot.recent_complaints(bob, "1")] == [12, 11, 10, 1]
    assert [n for n, _ in await carebot.recent_complaints(bob, "#1", limit=2)] == [12, 11]
    assert await carebot.recent_complaints(bob, "7") == [(7, offered[5][1])]
    assert await carebot.recent_complaints(bob, "parcel") == []


async def test_only_ones_own_workspace_and_nothing_for_a_stranger(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await log_complaint(carebot, asha)
    elsewhere = person("Kiran", workspace="T2")
    await carebot.command(elsewhere, "home")
    assert await carebot.recent_complaints(elsewhere, "") == []

    stranger = person("Dev")  # of the workspace, not met yet: offered what an agent sees
    assert [n for n, _ in await carebot.recent_complaints(stranger, "")] == [1]
    assert await carebot.recent_complaints(person("Dev", workspace="T3"), "") == []
    async with db.session() as session:
        names = await session.scalars(select(Member.display_name))
        assert sorted(names) == ["Asha", "Kiran"]  # looking registered no one
