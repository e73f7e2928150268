"""The permission table (bot/permissions.py), tried row by row through the core: every command,
button and form by an agent, the agent who holds the record, a manager and an admin. The
allowed are not refused; the refused read one sentence and nothing is written (every table
as it was). On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from bot import permissions
from bot.app import CareBot
from bot.context import Actor, Role
from bot.routes import command_rules, root
from bot.tree import resolve
from bot.ui import Reply
from storage.db import Database
from storage.models import RetentionCheck
from tests import permission_cases as table
from tests.conftest import person
from tests.factories import log_complaint, texts

router = root()

PEOPLE = {
    "admin": person("Asha", Role.ADMIN),
    "manager": person("Meera", Role.MANAGER),
    "holder": person("Bob", Role.AGENT),
    "agent": person("Dev", Role.AGENT),
}


async def roles_world(carebot: CareBot, db: Database) -> dict[str, str]:
    """Asha admin, Meera manager; Bob logged #1 (open, follow-up due) and #2 (resolved on the
    spot: its retention check asks Bob); Dev is an agent holding nothing; goal 1 exists."""
    for actor in PEOPLE.values():
        await carebot.command(actor, "help")
    assert "is logged" in texts(await log_complaint(carebot, PEOPLE["holder"]))
    assert "is logged" in texts(
        await log_complaint(carebot, PEOPLE["holder"], solution_mode="on_the_spot")
    )
    goal = {"metric": "satisfied_pct", "comparison": "ge", "target": "80", "period": "week"}
    assert "is added" in texts(await carebot.submit(PEOPLE["admin"], "goal.save", goal, {}))
    async with db.session() as session:
        check = (await session.scalars(select(RetentionCheck.id))).one()
    return {"check": str(check), "dev": "dev"}


async def attempt(
    carebot: CareBot, actor: Actor, case: table.Case, refs: dict[str, str], n: int
) -> tuple[Reply, str]:
    """The case's example event by `actor`: the reply, and the record it names."""
    if case.kind == "command":
        name, text = table.COMMANDS[case.entry]
        return await carebot.command(actor, name, table.filled(text, refs)), "1"
    if case.kind == "action":
        action, value = table.ACTIONS[case.entry]
        value = table.filled(value, refs)
        return await carebot.action(actor, action, value), value
    values, state = table.FORMS[case.entry]
    state = {k: table.filled(v, refs) for k, v in state.items()}
    reply = await carebot.submit(
        actor, case.entry, table.filled_map(values, refs), state, f"perm-{case.entry}-{n}"
    )
    return reply, state.get("number", "1")


def test_the_table_covers_every_command_button_and_form() -> None:
    """A handler registered without a row in the table fails here (and is refused to all)."""
    commands = {entry.split()[0] for entry in command_rules()}
    assert set(router.commands) == commands
    assert set(router.actions) == set(permissions.ACTIONS)
    assert set(router.forms) == set(permissions.FORMS)


def test_every_row_has_an_example() -> None:
    assert set(table.COMMANDS) == set(command_rules())
    assert set(table.ACTIONS) == set(permissions.ACTIONS)
    assert set(table.FORMS) == set(permissions.FORMS)
    for entry, (name, text) in table.COMMANDS.items():
        found = resolve(router.commands[name], text.format(check="1", dev="dev"))
        assert found.entry == entry
    for entry, (action, _value) in table.ACTIONS.items():
        assert permissions.action_entry(action) == entry


@pytest.mark.parametrize(
    ("name", "text", "entry"),
    [
        ("complaint", "", "complaint new"),
        ("complaint", "CATEGORIES   Add  Billing", "complaint categories add"),
        ("complaint", "categories", "complaint categories list"),
        ("complaint", "escalation", "complaint escalation"),
        ("complaint", "escalation off", "complaint escalation …"),
        ("carebot", "role <@U2|bob>", "carebot role"),
        ("carebot", "role <@U2|bob> admin", "carebot role …"),
        ("carebot", "role <@U2>admin", "carebot role …"),  # no blank after it
        ("carebot", "role <@U2|bob smith> manager", "carebot role …"),
        ("carebot", "role Meera Rao", "carebot role"),
        ("carebot", "role Meera Rao manager", "carebot role …"),
        ("language", "WORKSPACE hi", "language workspace"),
        ("language", "hi", "language me"),
        ("digest", "channel", "digest channel"),
        ("digest", "channel #support", "digest channel …"),
        ("carebot", "customer erase 98765 43210", "carebot customer erase"),
    ],
)
def test_a_command_is_read_as_its_handler_reads_it(name: str, text: str, entry: str) -> None:
    assert resolve(router.commands[name], text).entry == entry


def test_an_undeclared_button_is_refused_to_everyone() -> None:
    assert permissions.for_action("complaint.nothing", "1").rule is None
    assert permissions.for_form("nothing", {}).rule is None


@pytest.mark.parametrize("case", table.cases("command", "action", "form"), ids=str)
async def test_each_row_by_each_role(carebot: CareBot, db: Database, case: table.Case) -> None:
    refs = await roles_world(carebot, db)
    refused_texts = table.refusals()
    for n, (who, allowed) in enumerate(table.triers(case.rule)):
        before = await table.snapshot(db)
        reply, record = await attempt(carebot, PEOPLE[who], case, refs, n)
        said = texts(reply)
        if allowed:
            assert said not in refused_texts, (who, said)
            assert "Something went wrong" not in said, (who, said)
        else:
            assert said == table.refusal(case.rule, record), (who, said)
            assert await table.snapshot(db) == before, who  # no audit, key, job or change


async def test_assigning_someone_elses_complaint_to_oneself_is_refused(
    carebot: CareBot, db: Database
) -> None:
    """Issue 14, defect 1 through the core: Dev may not take Bob's complaint, so the customer's
    name, phone and address stay masked for him."""
    await roles_world(carebot, db)
    dev = PEOPLE["agent"]
    opened = await carebot.action(dev, "complaint.assign", "1")
    assert opened.form is None and texts(opened) == table.refusal(table.permissions.HOLDER)
    taken = await carebot.submit(dev, "complaint.assign", {"assignee": "dev"}, {"number": "1"})
    assert texts(taken) == table.refusal(table.permissions.HOLDER)
    shown = texts(await carebot.command(dev, "complaint", "show 1"))
    assert "Ravi Kumar" not in shown and "98765" not in shown and "MG Road" not in shown
    # Bob, who holds it, hands it on; then Dev sees it whole.
    handed = await carebot.submit(
        PEOPLE["holder"], "complaint.assign", {"assignee": "dev"}, {"number": "1"}
    )
    assert "assigned to" in texts(handed)
    assert "Ravi Kumar" in texts(await carebot.command(dev, "complaint", "show 1"))


async def test_a_first_member_is_admin_only_where_the_platform_cannot_name_admins(
    carebot: CareBot, db: Database
) -> None:
    """Issue 14, defect 2 through the core: an actor whose platform did not answer (a failed
    look-up, a Discord DM) is an agent, however early; in the shell the first is admin."""
    for platform in ("slack", "discord"):
        first = replace(person("Zed"), platform=platform, platform_role=None)
        assert "Only admins" in texts(await carebot.command(first, "carebot", "customer export x"))
        roles = texts(await carebot.command(first, "carebot", "role zed"))
        assert roles == "Zed: agent"
    shell = replace(person("Ola", workspace="T9"), platform_role=None)
    assert texts(await carebot.command(shell, "carebot", "role ola")) == "Ola: admin"
