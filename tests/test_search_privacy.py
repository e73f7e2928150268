"""Searches cannot rebuild a customer's name or confirm a customer exists (issue 14, defect 4).

An agent who saw only `Z•••` rebuilt the full name with ~780 `/complaint search PREFIX`
commands, none audited; a search by phone told whether someone was a customer. Now a
customer's name and phone are searched only where the person may see them (managers and
admins: every complaint; an agent: the complaints they logged or hold), every search is in
the audit trail (its kind and count, never what was typed), and each person may search
SEARCH_LIMIT.searches times in SEARCH_LIMIT.window.
"""

from __future__ import annotations

import string
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.complaints.search import SEARCH_LIMIT
from bot.context import Actor
from storage.db import Database
from storage.models import AuditEvent
from tests.conftest import person
from tests.factories import log_complaint, texts

Search = Callable[[str], Awaitable[str]]
ZARA = "Zara Qureshi"
ZARA_PHONE = "91234 56789"
SECRETS = ("Zara", "Qureshi", "56789")


async def rebuild_name(search: Search, first_letter: str, number: int) -> str:
    """The attack as it was made: grow a prefix one letter at a time, keeping the letter
    whose search still finds complaint #number."""
    known = first_letter
    while len(known) < 20:
        for letter in string.ascii_lowercase + " ":
            if f"#{number} ·" in await search(known + letter):
                known += letter
                break
        else:
            return known
    return known


def searcher(carebot: CareBot, actor: Actor, clock: ManualClock) -> Search:
    async def search(query: str) -> str:
        clock.advance(timedelta(minutes=1))  # slower than the limit: only the scope is tested
        return texts(await carebot.command(actor, "complaint", f"search {query}"))

    return search


async def searches(db: Database) -> list[AuditEvent]:
    async with db.session() as session:
        found = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "searched").order_by(AuditEvent.id)
        )
        return list(found)


async def test_an_agent_cannot_rebuild_a_name_by_prefix_search(
    carebot: CareBot, clock: ManualClock, bob: Actor
) -> None:
    carla = person("Carla")  # an agent who neither logged nor holds the complaint
    await log_complaint(carebot, bob, customer_name=ZARA, customer_phone=ZARA_PHONE)
    shown = texts(await carebot.command(carla, "complaint", "show 1"))
    assert "Z•••" in shown and ZARA not in shown

    rebuilt = await rebuild_name(searcher(carebot, carla, clock), "z", 1)
    assert rebuilt == "z"  # not one letter more
    # The one who logged it finds it by name, as before.
    mine = await searcher(carebot, bob, clock)("zara q")
    assert "#1 ·" in mine and ZARA in mine


async def test_a_phone_search_tells_an_agent_nothing_about_other_customers(
    carebot: CareBot, clock: ManualClock, bob: Actor, meera: Actor, asha: Actor
) -> None:
    carla = person("Carla")
    await log_complaint(carebot, bob, customer_name=ZARA, customer_phone=ZARA_PHONE)
    search = searcher(carebot, carla, clock)
    a_customer = await search(ZARA_PHONE)
    nobody = await search("91234 00000")
    assert a_customer == nobody == "No complaint matches."
    for manager in (meera, asha):  # who see every complaint's customer
        found = await searcher(carebot, manager, clock)("+91 91234 56789")
        assert "#1 ·" in found and ZARA in found


async def test_agents_search_by_number_category_and_what_happened(
    carebot: CareBot, clock: ManualClock, bob: Actor
) -> None:
    carla = person("Carla")
    await log_complaint(carebot, bob, customer_name=ZARA, customer_phone=ZARA_PHONE)
    await log_complaint(carebot, carla, customer_name="Amit Roy", category="billing")
    search = searcher(carebot, carla, clock)
    for query in ("#1", "1", "Delivery", "parcel arrived"):
        found = await search(query)
        assert "#1 · Delivery" in found and "Z•••" in found, query
        assert not any(secret in found for secret in SECRETS), query
    own = await search("amit")  # her own complaint, by name
    assert "#2 · Billing or refund" in own and "Amit Roy" in own and "#1 ·" not in own


async def test_every_search_is_audited_without_what_was_typed(
    carebot: CareBot, db: Database, clock: ManualClock, bob: Actor, meera: Actor
) -> None:
    await log_complaint(carebot, bob, customer_name=ZARA, customer_phone=ZARA_PHONE)
    search = searcher(carebot, meera, clock)
    for query in ("zara", ZARA_PHONE, "#1", "delivery", "nobody at all"):
        await search(query)
    events = await searches(db)
    assert [(e.actor.display_name if e.actor else None, e.changes) for e in events] == [
        ("Meera", {"kind": "text", "results": 1, "page": 1}),
        ("Meera", {"kind": "phone", "results": 1, "page": 1}),
        ("Meera", {"kind": "number", "results": 1, "page": 1}),
        ("Meera", {"kind": "category", "results": 1, "page": 1}),
        ("Meera", {"kind": "text", "results": 0, "page": 1}),
    ]
    assert not any(s in str(e.changes) for e in events for s in (*SECRETS, "nobody"))


async def test_searches_are_limited_per_person_across_processes(
    carebot: CareBot, db: Database, clock: ManualClock, settings, meera: Actor, bob: Actor
) -> None:
    await log_complaint(carebot, bob)
    other_process = CareBot(db, settings, clock)  # another process on the same database
    limit = SEARCH_LIMIT.searches
    for n in range(limit):
        bot = carebot if n % 2 else other_process
        assert "#1 ·" in texts(await bot.command(meera, "complaint", "search ravi"))
    refused = texts(await other_process.command(meera, "complaint", "search ravi"))
    assert refused == (
        f"You have made {limit} searches in the last 10 minutes, the most allowed. "
        "Please wait a few minutes and try again."
    )
    assert "#1 ·" in texts(await carebot.command(bob, "complaint", "search ravi"))  # per person
    assert len(await searches(db)) == limit + 1  # the refused search is not a search
    clock.advance(SEARCH_LIMIT.window)
    assert "#1 ·" in texts(await carebot.command(meera, "complaint", "search ravi"))


async def test_the_prefix_walk_is_stopped_by_the_limit_even_where_names_may_be_seen(
    carebot: CareBot, db: Database, meera: Actor, bob: Actor
) -> None:
    """A manager sees names anyway; still, ~780 searches in a burst are refused after the
    limit, and each one that ran is audited."""
    await log_complaint(carebot, bob, customer_name=ZARA)
    prefixes = [a + b for a in "za" for b in string.ascii_lowercase][: SEARCH_LIMIT.searches + 10]
    answers = [
        texts(await carebot.command(meera, "complaint", f"search {prefix}")) for prefix in prefixes
    ]
    refused = [a for a in answers if a.startswith("You have made")]
    assert len(refused) == len(answers) - SEARCH_LIMIT.searches
    assert len(await searches(db)) == SEARCH_LIMIT.searches
