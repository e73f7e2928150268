"""Roles per workspace through the core: the platform's role is a floor, admins set the rest with
/carebot role, and every change is audited (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.app import CareBot
from bot.context import Actor, Role
from bot.roles import split_mention
from storage.db import Database
from storage.models import AuditEvent, Member
from tests.conftest import person
from tests.factories import texts


async def roles(db: Database) -> dict[str, str]:
    async with db.session() as session:
        return {m.external_id: m.role for m in await session.scalars(select(Member))}


async def changes(db: Database) -> list[dict[str, object]]:
    async with db.session() as session:
        rows = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "role_changed").order_by(AuditEvent.id)
        )
        return [e.changes for e in rows]


def on_platform(name: str, floor: Role | None) -> Actor:
    """Someone on a platform that names roles (Slack's admins, Discord's permissions)."""
    return replace(person(name, floor), platform_knows_roles=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U123|meera> manager", ("<@U123|meera>", "manager")),
        ("<@U123> agent", ("<@U123>", "agent")),
        ("<@!4567> admin", ("<@!4567>", "admin")),
        ("<@4567>", ("<@4567>", "")),
        ("Meera Rao manager", ("Meera Rao", "manager")),
        ("meera", ("meera", "")),
    ],
)
def test_a_person_is_named_by_mention_or_as_typed(text: str, expected: tuple[str, str]) -> None:
    assert split_mention(text) == expected


async def test_the_platforms_role_is_a_floor_and_stored_roles_survive(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await carebot.command(asha, "help")
    bob = on_platform("Bob", None)
    await carebot.command(bob, "help")
    assert await roles(db) == {"asha": "admin", "bob": "agent"}

    made = await carebot.command(asha, "carebot", "role bob manager")
    assert texts(made) == "Bob is now manager."
    await carebot.command(bob, "help")  # Bob's next event: the platform vouches for nothing
    assert (await roles(db))["bob"] == "manager"

    # Discord's Manage Server, Slack's admin: the role rises to the floor, never falls below.
    await carebot.command(on_platform("Bob", Role.ADMIN), "help")
    assert (await roles(db))["bob"] == "admin"
    await carebot.command(on_platform("Bob", Role.MANAGER), "help")
    assert (await roles(db))["bob"] == "admin"


async def test_where_the_platform_names_roles_the_first_member_is_no_admin(
    carebot: CareBot, db: Database
) -> None:
    # Discord and Slack name their admins; the shell never can.
    await carebot.command(replace(on_platform("Bob", None), platform="discord"), "help")
    await carebot.command(replace(on_platform("Asha", Role.ADMIN), platform="discord"), "help")
    await carebot.command(person("Ola", workspace="T2"), "help")
    assert await roles(db) == {"bob": "agent", "asha": "admin", "ola": "admin"}


async def test_only_admins_set_roles_and_never_below_the_platforms_floor(
    carebot: CareBot, db: Database, asha: Actor, meera: Actor
) -> None:
    await carebot.command(asha, "help")
    manager = on_platform("Meera", Role.MANAGER)
    await carebot.command(manager, "help")

    refused = texts(await carebot.command(meera, "carebot", "role asha agent"))
    assert refused == "Only admins can do this."
    below = texts(await carebot.command(asha, "carebot", "role meera agent"))
    assert below == "Meera is at least manager through console: carebot cannot give them less."
    assert (await roles(db))["meera"] == "manager"
    assert texts(await carebot.command(asha, "carebot", "role Meera admin")) == (
        "Meera is now admin."
    )
    shown = texts(await carebot.command(manager, "carebot", "role meera"))
    assert shown == "Meera: admin (at least manager through console)"

    # Keep an admin: the last one cannot step down, one of two can.
    await carebot.command(asha, "carebot", "role meera manager")
    alone = texts(await carebot.command(asha, "carebot", "role asha manager"))
    assert alone == "Asha is the only admin here: make someone else admin first."
    assert await changes(db) == [
        {"member": "meera", "name": "Meera", "role": ["manager", "admin"]},
        {"member": "meera", "name": "Meera", "role": ["admin", "manager"]},
    ]


async def test_mentions_name_people_even_before_they_used_carebot(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    slack_style = texts(await carebot.command(asha, "carebot", "role <@U77|dina> manager"))
    assert slack_style == "dina is now manager."
    discord_style = texts(await carebot.command(asha, "carebot", "role <@!12345> agent"))
    assert discord_style == "12345: agent"  # new people are agents: nothing to change
    unknown = texts(await carebot.command(asha, "carebot", "role nobody manager"))
    assert unknown == "carebot has not met anyone called “nobody” here."
    usage = texts(await carebot.command(asha, "carebot", "role <@U77> boss"))
    assert usage.startswith("Use /carebot role @person")
    assert (await roles(db))["U77"] == "manager"


async def test_roles_lists_admins_then_managers_then_agents(
    carebot: CareBot, asha: Actor, bob: Actor, meera: Actor
) -> None:
    for actor in (asha, bob, meera):
        await carebot.command(actor, "help")
    listed = texts(await carebot.command(bob, "carebot", "roles"))
    assert listed.splitlines() == [
        "People and their roles",
        "• Asha: admin",
        "• Meera: manager",
        "• Bob: agent",
    ]
    assert "/carebot role @person" in texts(await carebot.command(bob, "help"))
    assert "Unknown subcommand" in texts(await carebot.command(bob, "carebot", "promote"))
