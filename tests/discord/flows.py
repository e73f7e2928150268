"""Steps people take on Discord, shared by the Discord tests, and ways to read what they see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import discord
import pytest
import simcord
from simcord.actors import MemberActor

from bot.routes import root
from bot.tree import Arg, ArgKind, Step, resolve

Shown = discord.Message | simcord.ResponseMessage

# /complaint's seventeen fields in four modals, one per step the form declares, as a person
# fills them: the customer (name, phone, email, address, language), the complaint (category,
# what happened, received by and at), the solution (agreed, carried out, steps, follow-up),
# compensation and prevention.
STEP_1 = {
    "customer_name": "Ravi Kumar",
    "customer_phone": "98765 43210",
    "customer_email": "ravi.kumar@example.com",
    "customer_address": "12 MG Road, Pune",
}
STEP_2 = {
    "category": ["delivery"],
    "description": "Parcel arrived two weeks late",
}
STEP_3 = {
    "solution": "Refund the shipping fee",
    "solution_mode": ["promised"],
    "steps": "Called the courier",
}
STEP_4 = {
    "compensation_amount": "150.50",
    "compensation_currency": "INR",
}
STEPS = (STEP_1, STEP_2, STEP_3, STEP_4)
# The step of each field the steps above leave empty.
OTHER_FIELDS = {
    "customer_language": 0,
    "received_by": 1,
    "received_at": 1,
    "follow_up_at": 2,
    "compensation_text": 3,
    "prevention": 3,
}
# Each modal's title: its step's title and place.
TITLES = (
    "The customer (1/4)",
    "The complaint (2/4)",
    "The solution (3/4)",
    "Compensation and prevention (4/4)",
)


def steps_with(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The four steps' answers, with `answers` put in the step that holds each field."""
    steps = [dict(step) for step in STEPS]
    for name, value in answers.items():
        at = next((i for i, step in enumerate(STEPS) if name in step), None)
        steps[OTHER_FIELDS[name] if at is None else at][name] = value
    return steps


@dataclass
class World:
    env: simcord.Env
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    asha: MemberActor  # Administrator: the workspace's admin
    bob: MemberActor  # no permission: an agent
    meera: MemberActor  # Manage Server: a manager


def world_in(env: simcord.Env) -> World:
    guild = env.create_guild("Acme support")
    channel = guild.create_text_channel("support")
    admins = guild.create_role("Leads", permissions=discord.Permissions(administrator=True))
    managers = guild.create_role("Managers", permissions=discord.Permissions(manage_guild=True))
    return World(
        env,
        guild,
        channel,
        guild.add_member(env.create_user("asha"), roles=[admins]),
        guild.add_member(env.create_user("bob")),
        guild.add_member(env.create_user("meera"), roles=[managers]),
    )


def shown(message: Shown | None) -> str:
    """Every piece of text of a message as a person reads it (markdown escapes removed)."""
    assert message is not None
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or ""]
        parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    return "\n".join(parts).replace("\\", "")


def components(message: Shown) -> list[dict[str, Any]]:
    if isinstance(message, simcord.ResponseMessage):
        return message.components
    return [row.to_dict() for row in message.components]  # type: ignore[misc]


def labels(message: Shown) -> list[str]:
    return [
        str(button.get("label"))
        for row in components(message)
        for button in row.get("components", [])
        if button.get("type") == 2
    ]


def public(channel: simcord.ChannelHandle) -> list[discord.Message]:
    """What everyone in the channel sees (ephemeral messages left out)."""
    return [m for m in channel.history() if not m.flags.ephemeral]


def ephemeral(result: simcord.InteractionResult) -> list[simcord.ResponseMessage]:
    """The messages only the person saw in answer to an interaction."""
    messages = [result.response] if result.response is not None else []
    messages += result.followups
    assert all(m.ephemeral for m in messages), messages
    return messages


async def fill(
    member: MemberActor,
    shown_modal: simcord.InteractionResult,
    values: dict[str, Any],
) -> simcord.InteractionResult:
    assert shown_modal.modal is not None, shown_modal
    return await member.submit_modal(shown_modal, values)


async def next_step(
    member: MemberActor, prompt: simcord.InteractionResult, label: str
) -> simcord.InteractionResult:
    """Presses the prompt's button (e.g. "Continue (2/3)"): the next modal opens."""
    assert prompt.response is not None and prompt.response.ephemeral, prompt
    assert labels(prompt.response) == [label], labels(prompt.response)
    opened = await member.click(prompt.response, label=label)
    assert opened.modal is not None, opened
    return opened


async def log_complaint(
    world: World, member: MemberActor | None = None, **answers: Any
) -> simcord.InteractionResult:
    """The whole flow: /complaint new, four modals; returns the last step's result."""
    member = member or world.asha
    opened = await member.slash(world.channel, "complaint new")
    last = await fill_steps(member, opened, steps_with(answers))
    await delivered(world.env)
    return last


async def fill_steps(
    member: MemberActor,
    opened: simcord.InteractionResult,
    steps: list[dict[str, Any]],
    number: int = 1,
) -> simcord.InteractionResult:
    """Fills the modal opened (step `number`), then each next one from its "Continue (n/4)"
    button, as many as `steps` has answers for."""
    result = await fill(member, opened, steps[0])
    for step, values in enumerate(steps[1:], start=number + 1):
        shown_modal = await next_step(member, result, f"Continue ({step}/{len(STEPS)})")
        result = await fill(member, shown_modal, values)
    return result


async def delivered(env: simcord.Env) -> None:
    """Waits for the cards the events so far put in the outbox (posted after the answer)."""
    await env.bot.outbox.drained()
    await env.settle()


def card(world: World, number: int = 1) -> discord.Message:
    found = [
        m
        for m in public(world.channel)
        if m.embeds and (m.embeds[0].title or "").startswith(f"Complaint #{number} ")
    ]
    assert len(found) == 1, [shown(m) for m in public(world.channel)]
    return found[0]


def client_language(env: simcord.Env, monkeypatch: pytest.MonkeyPatch, locale: str) -> None:
    """simcord sends every interaction with locale "en-US" and has no way to change it: the
    raw INTERACTION_CREATE payloads are rewritten on their way to the bot's gateway."""
    emit = env.backend.emit

    def with_locale(event: str, payload: Any) -> None:
        if event == "INTERACTION_CREATE":
            payload = {**payload, "locale": locale}
        emit(event, payload)

    monkeypatch.setattr(env.backend, "emit", with_locale)


def invocation(
    name: str, text: str, people: Mapping[str, MemberActor] | None = None
) -> tuple[str, dict[str, Any]]:
    """The slash command and options a person fills on Discord for the core's words:
    ("complaint", "list all page 2") → ("complaint list", {"status": "all", "page": 2.0}).
    `people` gives the member a mention ("<@id>") stands for."""
    found = resolve(root().commands[name], text)
    if found.step is Step.HELP:
        return (f"{found.words} help" if found.command.subcommands else found.words), {}
    assert found.step is Step.RUN, (name, text)
    words = found.rest.split()
    options: dict[str, Any] = {}
    for arg in found.command.args:
        if arg.keyword and arg.name in words:
            at = words.index(arg.name)
            options[arg.name] = _value(arg, words[at + 1], people or {})
            del words[at : at + 2]
    positional = [a for a in found.command.args if not a.keyword]
    for i, arg in enumerate(positional):
        if not words:
            break
        if arg.kind is ArgKind.CHOICE and words[0] not in arg.choices:
            continue
        last = i == len(positional) - 1
        word = " ".join(words) if last else words[0]  # the last takes the words left
        del words[: len(word.split())]
        options[arg.name] = _value(arg, word, people or {})
    assert not words, (name, text, words)
    return found.words, options


def _value(arg: Arg, word: str, people: Mapping[str, MemberActor]) -> Any:
    if arg.kind is ArgKind.PERSON:
        return people[word]
    if arg.kind is ArgKind.COMPLAINT:
        return int(word.lstrip("#"))
    if arg.kind is ArgKind.NUMBER:
        return float(word)
    return word
