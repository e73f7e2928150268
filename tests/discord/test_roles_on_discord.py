"""Roles on Discord: Administrator and Manage Server are floors, everyone else keeps the role an
admin gave them with /carebot role person:@name role:…; a customer's export and erasure,
privately."""

from __future__ import annotations

import json
from typing import Any

from simcord.actors import MemberActor
from sqlalchemy import select

from storage.db import Database
from storage.models import Complaint, Member
from tests.discord.flows import World, ephemeral, labels, log_complaint, shown


async def roles(db: Database) -> dict[str, str]:
    async with db.session() as session:
        return {m.display_name: m.role for m in await session.scalars(select(Member))}


async def said(world: World, member: MemberActor, command: str, **options: Any) -> str:
    result = await member.slash(world.channel, f"carebot {command}", **options)
    return shown(ephemeral(result)[0])


async def test_permissions_are_floors_and_roles_set_by_admins_survive(
    world: World, db: Database
) -> None:
    assert "bob: agent" in await said(world, world.bob, "roles")  # first, and still no admin
    assert await said(world, world.asha, "role", person=world.bob, role="manager") == (
        "bob is now manager."
    )
    await said(world, world.bob, "roles")  # no permission: no floor, the stored role stands
    await said(world, world.meera, "roles")
    refused = await said(world, world.asha, "role", person=world.meera, role="agent")
    assert refused == "meera is at least manager through Discord: carebot cannot give them less."
    assert await said(world, world.asha, "role", person=world.meera, role="admin") == (
        "meera is now admin."
    )
    await said(world, world.meera, "roles")  # Manage Server is only a floor: admin stays
    assert await roles(db) == {"bob": "manager", "asha": "admin", "meera": "admin"}
    assert await said(world, world.bob, "role", person=world.asha, role="agent") == (
        "Only admins can do this."
    )
    asked = await said(world, world.bob, "role", person=world.meera)  # asking is everyone's
    assert "meera" in asked and "admin" in asked


async def test_an_export_as_a_private_file_and_an_erasure_after_a_button(
    world: World, db: Database
) -> None:
    await log_complaint(world)
    exported = await world.asha.slash(
        world.channel, "carebot customer export", customer="Ravi Kumar"
    )
    (answer,) = ephemeral(exported)
    (attachment,) = answer.attachments
    doc = json.loads(await attachment.read())
    assert [c["customer_phone"] for c in doc["complaints"]] == ["+919876543210"]

    asked = await world.asha.slash(world.channel, "carebot customer erase", customer="9876543210")
    (question,) = ephemeral(asked)
    assert labels(question) == ["Erase"]
    pressed = await world.asha.click(question, label="Erase")
    assert "erased from 1 complaint." in shown(ephemeral(pressed)[-1])
    async with db.session() as session:
        assert (await session.scalars(select(Complaint.customer_name))).one() == "erased"
