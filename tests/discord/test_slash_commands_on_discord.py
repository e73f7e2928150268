"""Discord's slash commands, read off the command tree: groups, subcommands and typed options
as synced to Discord (within its limits, with Hindi names and descriptions), written back into
the core's words, recent complaint numbers offered as one types, and a subcommand declared
once appearing on Discord with its option."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
import simcord
from sqlalchemy import select

from adapters.discord.client import build_bot, valid_name
from adapters.discord.settings import DiscordSettings
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Context
from bot.i18n import N_, Translator
from bot.routes import root
from bot.settings import Settings
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import Reply
from storage.db import Database
from storage.models import MetricValue
from tests.discord.flows import World, ephemeral, log_complaint, shown, world_in
from tests.factories import log_complaint as log_in_core

STRING, INTEGER, USER, NUMBER = 3, 4, 6, 10
SUBCOMMAND, GROUP = 1, 2


def synced(env: simcord.Env, name: str) -> dict[str, Any]:
    command = env.backend.find_command(name, None)
    assert command is not None, name
    return command


def options(command: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in command.get("options") or []}


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for option in node.get("options") or []:
        yield from walk(option)


def descriptions(node: dict[str, Any]) -> list[str]:
    return [node["description"], *(node.get("description_localizations") or {}).values()]


def discord_actor(world: World) -> Actor:
    return Actor("discord", str(world.guild.id), str(world.asha.id), "asha")


async def test_every_command_is_synced_within_discords_limits(simcord_env: simcord.Env) -> None:
    names = {c["name"] for c in simcord_env.backend.commands[None].values() if c["type"] == 1}
    assert names == set(root().commands)
    for top in root().commands.values():
        payload = synced(simcord_env, top.name)
        for node in walk(payload):
            if "name" in node and "value" not in node:  # a command, group or option
                assert valid_name(node["name"]) and node["name"] == node["name"].lower()
                assert all(0 < len(d) <= 100 for d in descriptions(node)), node["name"]
            inner = node.get("options") or []
            assert len(inner) <= 25
            required = [o.get("required", False) for o in inner if o["type"] > GROUP]
            assert required == sorted(required, reverse=True)  # the required ones first
            assert len(node.get("choices") or []) <= 25


async def test_groups_subcommands_and_typed_options_as_declared(simcord_env: simcord.Env) -> None:
    complaint = synced(simcord_env, "complaint")
    assert complaint["description"] == "Log a complaint, or list, show and search them"
    subs = options(complaint)
    assert list(subs) == [
        "new", "list", "show", "search", "export", "categories", "channel", "escalation",
        "managers", "survey", "help",
    ]  # fmt: skip
    assert subs["categories"]["type"] == GROUP
    assert list(options(subs["categories"])) == ["list", "add", "remove", "help"]
    listing = options(subs["list"])
    assert [(o["name"], o["type"], o["required"]) for o in listing.values()] == [
        ("status", STRING, False),
        ("category", STRING, False),
        ("priority", STRING, False),
        ("page", NUMBER, False),
    ]
    assert [c["value"] for c in listing["status"]["choices"]] == ["open", "mine", "overdue", "all"]
    assert listing["status"]["description"] == "Which complaints"
    (number,) = options(subs["show"]).values()
    assert number["type"] == INTEGER and number["required"] and number["autocomplete"]
    assert "text" not in options(subs["new"])  # no free-text option any more

    role = options(options(synced(simcord_env, "carebot"))["role"])
    assert (role["person"]["type"], role["person"]["required"]) == (USER, True)
    assert [c["value"] for c in role["role"]["choices"]] == ["agent", "manager", "admin"]
    record = options(options(synced(simcord_env, "metric"))["record"])
    assert [(o["name"], o["type"]) for o in record.values()] == [
        ("name", STRING),
        ("value", NUMBER),
        ("date", STRING),
    ]
    assert synced(simcord_env, "home")["options"] == []  # a leaf: a command of its own


async def test_hindi_names_for_commands_and_hindi_descriptions_throughout(
    simcord_env: simcord.Env,
) -> None:
    hi = Translator("hi")
    complaint = synced(simcord_env, "complaint")
    assert complaint["name_localizations"]["hi"] == "शिकायत"
    assert complaint["description_localizations"]["hi"] == hi(
        "Log a complaint, or list, show and search them"
    )
    listing = options(complaint)["list"]
    assert listing["name_localizations"] == {}  # subcommands keep the words /help shows
    assert listing["description_localizations"]["hi"] == hi("complaints, newest first")
    status = options(listing)["status"]
    assert status["description_localizations"]["hi"] == hi("Which complaints")
    categories = options(complaint)["categories"]
    assert categories["description_localizations"]["hi"] == hi("the kinds of complaint")
    assert re.search(
        "[\u0900-\u097f]", options(complaint)["help"]["description_localizations"]["hi"]
    )
    assert "de" not in complaint["name_localizations"]  # a language carebot does not speak


async def test_list_by_status_and_show_a_number_offered_while_typing(
    world: World, core: CareBot
) -> None:
    await log_complaint(world)  # Ravi's parcel, through the modals
    for _ in range(11):
        await log_in_core(core, discord_actor(world))

    offered = await world.bob.autocomplete(world.channel, "complaint show", "number", "")
    assert [c["value"] for c in offered] == list(range(12, 0, -1))
    assert offered[0]["name"].startswith("#12 · Delivery · Open · ")
    for secret in ("Ravi", "98765", "43210", "MG Road", "Parcel", "ravi.kumar"):
        assert not any(secret in c["name"] for c in offered)
    typed = await world.bob.autocomplete(world.channel, "complaint show", "number", "1")
    assert [c["value"] for c in typed] == [12, 11, 10, 1]

    shown_12 = await world.bob.slash(world.channel, "complaint show", number=12)
    assert "Complaint #12" in shown(ephemeral(shown_12)[0])
    listed = await world.bob.slash(world.channel, "complaint list", status="open")
    assert "#12 · Delivery · Normal · Open" in shown(ephemeral(listed)[0])
    assert "#1 · Delivery · Normal · Open" in shown(ephemeral(listed)[0])
    paged = await world.bob.slash(world.channel, "complaint list", status="open", page=2)
    assert "Page 2 is past the end: there is 1 page." in shown(ephemeral(paged)[0])


@pytest.mark.discord(discord_support_role="Support")
async def test_nothing_is_offered_to_someone_outside_the_support_role(
    world: World, core: CareBot
) -> None:
    await log_in_core(core, discord_actor(world))
    support = world.guild.create_role("Support")
    carla = world.guild.add_member(world.env.create_user("carla"), roles=[support])
    assert await carla.autocomplete(world.channel, "complaint show", "number", "") != []
    assert await world.bob.autocomplete(world.channel, "complaint show", "number", "") == []


async def test_an_admin_gives_a_role_by_choosing_the_person(world: World) -> None:
    await world.bob.slash(world.channel, "home")  # carebot has met Bob: it knows his name
    given = await world.asha.slash(world.channel, "carebot role", person=world.bob, role="manager")
    assert shown(ephemeral(given)[0]) == "bob is now manager."
    with pytest.raises(simcord.OptionError):  # Discord offers the declared choices only
        await world.asha.slash(world.channel, "carebot role", person=world.bob, role="owner")


async def test_a_choice_reaches_the_core_as_typed(world: World) -> None:
    chosen = await world.bob.slash(world.channel, "language me", code="hi")
    assert "हिन्दी" in shown(ephemeral(chosen)[0])
    workbook = await world.asha.slash(world.channel, "policy workbook", section="vision")
    assert ephemeral(workbook) or workbook.modal is not None


async def test_a_figure_reaches_the_core_as_typed(world: World, db: Database) -> None:
    whole = await world.meera.slash(world.channel, "metric record", name="returns", value=12)
    assert "returns" in shown(ephemeral(whole)[0]) and ": 12." in shown(ephemeral(whole)[0])
    half = await world.meera.slash(
        world.channel, "metric record", name="refunds", value=12.5, date="2026-01-05"
    )
    assert ": 12.5." in shown(ephemeral(half)[0])
    async with db.session() as session:
        stored = {m.name: m.value for m in await session.scalars(select(MetricValue))}
    assert stored == {"returns": Decimal(12), "refunds": Decimal("12.5")}


async def echo(_ctx: Context, rest: str) -> Reply:
    return Reply.text(f"echo: {rest}")


async def test_a_subcommand_declared_once_appears_on_discord_with_its_options(
    db: Database, settings: Settings, clock: ManualClock
) -> None:
    whole = root()
    complaint = whole.commands["complaint"]
    said = Command(
        "echo",
        N_("say it back"),
        echo,
        (
            Arg("words", ArgKind.TEXT, N_("Words"), required=True),
            Arg("times", ArgKind.NUMBER, N_("Which page of the list"), keyword=True),
        ),
    )
    tree = Router(
        "test",
        {
            **whole.commands,
            "complaint": replace(complaint, subcommands=(*complaint.subcommands, said)),
        },
        whole.actions,
        whole.forms,
        whole.jobs,
    )
    core = CareBot(db, settings, clock, routes=tree)
    env = simcord.Env(build_bot(core, DiscordSettings(_env_file=None)))  # type: ignore[call-arg]
    await env.start()
    try:
        world = world_in(env)
        echoed = options(options(synced(env, "complaint"))["echo"])
        assert [(o["name"], o["type"], o["required"]) for o in echoed.values()] == [
            ("words", STRING, True),
            ("times", NUMBER, False),
        ]
        answer = await world.bob.slash(
            world.channel, "complaint echo", words="hello there", times=3
        )
        assert shown(ephemeral(answer)[0]) == "echo: hello there times 3"
    finally:
        await env.shutdown()
