"""Discord's slash commands, read off the command tree (bot/tree.py): a top-level command is
a slash command, a group a slash-command group with its subcommands (and subgroups one level
down, as deep as Discord goes), each argument a typed option.

An invocation is written back into the words a person would type, in the arguments' declared
order (`/complaint list status:open page:2` → command "complaint", "list open page 2"), so the
core reaches the same handler as from any other platform. Every group also gets `help`: on
Discord a group cannot be run bare, and the group's help is what a bare group shows elsewhere.

discord.py reads options off a callback's signature; each callback here is generated with the
signature its arguments ask for, and described with discord.py's own decorators.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from decimal import Decimal
from typing import Any

import discord
from discord import app_commands

from bot.tree import GROUP_HELP_TEXT, HELP, Arg, ArgKind, Command

TEXT_MAX = 1000  # a typed option's length: room for a sentence, not for a document
DESCRIPTION_MAX = 100  # Discord's limit for a command's or an option's description
CHOICES_MAX = 25  # Discord's limit for an option's choices and a group's subcommands

OnCommand = Callable[[discord.Interaction, str, str], Awaitable[None]]
Recent = Callable[[discord.Interaction, str], Awaitable[Sequence[tuple[int, str]]]]
Callback = Callable[..., Coroutine[Any, Any, None]]
Numbers = list[app_commands.Choice[int]]
Offer = Callable[[discord.Interaction, str], Coroutine[Any, Any, Numbers]]
Slash = app_commands.Command[Any, ..., None] | app_commands.Group

# At type-checking time `Range` is `Annotated`; at run time it makes the option's transformer.
_RANGE: Any = app_commands.Range


def fit(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """A description as Discord takes it: cut with an ellipsis past `limit`."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def described(msgid: str) -> app_commands.locale_str:
    """A description whose translation the command translator looks up by `msgid`."""
    return app_commands.locale_str(fit(msgid), msgid=msgid)


def annotation(arg: Arg) -> Any:
    """The option's type on Discord, as discord.py reads it off an annotation."""
    if arg.kind is ArgKind.NUMBER:
        return float  # decimals allowed (a metric's value); written back without ".0"
    if arg.kind is ArgKind.COMPLAINT:
        return _RANGE[int, 1, None]
    if arg.kind is ArgKind.PERSON:
        return discord.User  # a member in a server: either carries the id
    return _RANGE[str, 1, TEXT_MAX]  # text, a channel (here, #name, off), a choice


def typed(arg: Arg, value: Any) -> str:
    """An option's value as a person types it."""
    if isinstance(value, discord.User | discord.Member):
        word = f"<@{value.id}>"
    elif isinstance(value, float):
        # As typed: 12 without ".0", 12.5 as is, never an exponent (1e-07).
        word = str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    else:
        word = str(value).strip()
    return arg.typed(word)


def text_of(path: Sequence[str], args: Sequence[Arg], options: Mapping[str, Any]) -> str:
    """The words after the top-level command: the subcommands' path, then the options given,
    in their declared order (which is also the order the handler parses them in)."""
    given = [typed(a, options[a.name]) for a in args if options.get(a.name) not in (None, "")]
    return " ".join([*path, *given])


def callback(top: str, path: Sequence[str], args: Sequence[Arg], on_command: OnCommand) -> Callback:
    async def run(interaction: discord.Interaction, **options: Any) -> None:
        await on_command(interaction, top, text_of(path, args, options))

    first = inspect.Parameter(
        "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
    )
    options = [
        inspect.Parameter(
            a.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=annotation(a),
            default=inspect.Parameter.empty if a.required else None,
        )
        for a in args
    ]
    run.__signature__ = inspect.Signature([first, *options])  # type: ignore[attr-defined]
    return run


def leaf(
    top: str,
    path: Sequence[str],
    command: Command,
    on_command: OnCommand,
    recent: Recent,
    name: str | app_commands.locale_str,
) -> app_commands.Command[Any, ..., None]:
    run = callback(top, path, command.args, on_command)
    if command.args:
        run = app_commands.describe(**{a.name: described(a.help) for a in command.args})(run)
    choices = {a.name: a.choices for a in command.args if a.kind is ArgKind.CHOICE}
    if any(len(c) > CHOICES_MAX for c in choices.values()):
        raise ValueError(f"/{top} {' '.join(path)}: Discord takes {CHOICES_MAX} choices")
    if choices:
        offered = {k: [app_commands.Choice(name=c, value=c) for c in v] for k, v in choices.items()}
        run = app_commands.choices(**offered)(run)
    numbers = [a.name for a in command.args if a.kind is ArgKind.COMPLAINT]
    if numbers:
        run = app_commands.autocomplete(**dict.fromkeys(numbers, complaint_numbers(recent)))(run)
    return app_commands.Command(name=name, description=described(command.help), callback=run)


def complaint_numbers(recent: Recent) -> Offer:
    async def offer(interaction: discord.Interaction, current: str) -> Numbers:
        found = await recent(interaction, str(current))
        return [app_commands.Choice(name=fit(label), value=n) for n, label in found[:CHOICES_MAX]]

    return offer


def group_help(
    top: str, path: Sequence[str], on_command: OnCommand
) -> app_commands.Command[Any, ..., None]:
    help_command = Command(HELP, GROUP_HELP_TEXT)
    return leaf(top, [*path, HELP], help_command, on_command, _nothing, HELP)


async def _nothing(_interaction: discord.Interaction, _typed: str) -> Sequence[tuple[int, str]]:
    return ()


def group(
    top: str,
    path: Sequence[str],
    command: Command,
    on_command: OnCommand,
    recent: Recent,
    name: str | app_commands.locale_str,
) -> app_commands.Group:
    made = app_commands.Group(name=name, description=described(command.help))
    for sub in command.subcommands:
        here = [*path, sub.name]
        if sub.subcommands:
            made.add_command(group(top, here, sub, on_command, recent, sub.name))
        else:
            made.add_command(leaf(top, here, sub, on_command, recent, sub.name))
    if command.sub(HELP) is None and len(command.subcommands) < CHOICES_MAX:
        made.add_command(group_help(top, path, on_command))
    return made


def slash_commands(
    commands: Mapping[str, Command], on_command: OnCommand, recent: Recent
) -> list[Slash]:
    """One slash command or group per top-level command. The top-level names are localised
    (Discord allows other scripts there); subcommands and options keep the declared words."""
    made: list[Slash] = []
    for top in commands.values():
        name = app_commands.locale_str(top.name)
        build = group if top.subcommands else leaf
        made.append(build(top.name, [], top, on_command, recent, name))
    return made
