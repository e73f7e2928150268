"""The permission table on Discord: every command row tried by an agent, a manager (Manage
Server) and an admin (Administrator) through slash commands, reaching the core's one check;
and a first person met in the bot's DM is no admin (issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import Member
from tests import permission_cases as table
from tests.discord.flows import World, ephemeral, invocation, shown


async def roles(db: Database) -> dict[str, str]:
    async with db.session() as session:
        return {m.display_name: m.role for m in await session.scalars(select(Member))}


async def test_the_first_person_met_in_a_dm_is_no_admin(world: World, db: Database) -> None:
    """In a DM Discord says nothing of permissions: that is no reason to make anyone admin."""
    listed = await world.bob.user.slash("carebot roles")
    assert "bob: agent" in shown(ephemeral(listed)[0])
    asked = await world.bob.user.slash("carebot customer export", customer="98765 43210")
    assert shown(ephemeral(asked)[0]) == "Only admins can do this."
    assert await roles(db) == {"bob": "agent"}
    # Asha's Administrator permission, seen in a channel, makes her admin; the DM keeps it.
    await world.asha.slash(world.channel, "home")
    found = await world.asha.user.slash("carebot customer export", customer="98765 43210")
    assert shown(ephemeral(found)[0]) == "No complaint of this customer was found."
    assert await roles(db) == {"bob": "agent", "asha": "admin"}


@pytest.mark.parametrize("case", table.cases("command"), ids=str)
async def test_each_command_row_by_each_role(world: World, db: Database, case: table.Case) -> None:
    dev = world.guild.add_member(world.env.create_user("dev"))
    people = {"agent": dev, "manager": world.meera, "admin": world.asha}
    for member in people.values():
        await member.slash(world.channel, "home")  # each is met once, in the channel
    refs = {"dev": f"<@{dev.id}>", "check": "1"}
    name, text = table.COMMANDS[case.entry]
    command, options = invocation(name, table.filled(text, refs), {refs["dev"]: dev})
    refused_texts = table.refusals()
    for who, allowed in table.triers(case.rule):
        before = await table.snapshot(db)
        result = await people[who].slash(world.channel, command, **options)
        said = [shown(m) for m in ephemeral(result)]
        if allowed:
            assert result.modal is not None or said, who
            assert not refused_texts.intersection(said), (who, said)
        else:
            assert said == [table.refusal(case.rule)], (who, said)
            assert await table.snapshot(db) == before, who
