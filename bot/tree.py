"""The command tree: every command and subcommand declared once, with its arguments, who may
use it and its one-line help. Dispatch, `/help`, the Slack manifests, Discord's slash-command
groups and the shell's completion are all read from these declarations.

A domain builds its own `Router` (its commands, buttons, forms and job kinds) and the root in
`bot.routes` includes them explicitly: importing a domain's module registers nothing anywhere.
A command's handler gets the words typed after it (`/complaint list open page 2` → the list's
handler gets "open page 2"); an adapter with typed options (Discord) writes them back into
those words in the declared order, so every platform reaches the same handler the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from bot.context import Context
from bot.i18n import N_
from bot.ui import Reply

if TYPE_CHECKING:
    from bot.permissions import Rule
    from bot.scheduled import JobKind

Run = Callable[[Context, str], Awaitable[Reply]]
ActionHandler = Callable[[Context, str, str], Awaitable[Reply]]
FormHandler = Callable[
    [Context, Mapping[str, str | None], Mapping[str, str], str | None], Awaitable[Reply]
]
Handler = TypeVar("Handler", bound=Callable[..., Any])
Kind = TypeVar("Kind", bound=type)


class ArgKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    COMPLAINT = "complaint"  # a complaint's number (Discord offers the recent ones)
    PERSON = "person"  # a mention: @name
    CHANNEL = "channel"  # a channel: #name
    CHOICE = "choice"  # one of `choices`, typed as is


PLACEHOLDERS = {
    ArgKind.TEXT: "TEXT",
    ArgKind.NUMBER: "N",
    ArgKind.COMPLAINT: "N",
    ArgKind.PERSON: "@person",
    ArgKind.CHANNEL: "#channel",
}


@dataclass(frozen=True)
class Arg:
    """One argument. Positional unless `keyword`: then typed after its own name ("page 2")."""

    name: str  # an option's name on Discord; the keyword where `keyword`
    kind: ArgKind
    help: str  # N_ message: the option's description
    choices: tuple[str, ...] = ()
    required: bool = False
    keyword: bool = False
    placeholder: str = ""  # the word the usage shows (NAME, HOURS); else by kind

    def usage(self) -> str:
        if self.kind is ArgKind.CHOICE:
            word = "|".join(self.choices)
        else:
            word = self.placeholder or PLACEHOLDERS[self.kind]
        if self.keyword:
            word = f"{self.name} {word}"
        return word if self.required else f"[{word}]"

    def typed(self, value: str) -> str:
        """The words for `value` as a person types them."""
        return f"{self.name} {value}" if self.keyword else value


def _any_words(rest: str) -> bool:
    return bool(rest.strip())


@dataclass(frozen=True)
class Command:
    """A command: a leaf that runs, or a group of subcommands. A group's `default` is the
    subcommand that runs when the group is typed bare, or with words that name none of its
    subcommands but that the default takes as its arguments (`/language hi`)."""

    name: str
    help: str  # N_ message, one line
    run: Run | None = None
    args: tuple[Arg, ...] = ()
    subcommands: tuple[Command, ...] = ()
    default: str | None = None
    aliases: tuple[str, ...] = ()  # other words typed for it (not offered on Discord)
    rule: Rule | None = None  # who may; None: everyone
    # Who may when words follow that change something (`/digest channel here`); `changes`
    # tells such words apart from those that only ask (`/carebot role @asha`).
    change: Rule | None = None
    changes: Callable[[str], bool] = _any_words
    title: str | None = None  # N_ message heading its part of `/help`; else `help`

    def sub(self, word: str) -> Command | None:
        return next((c for c in self.subcommands if word in (c.name, *c.aliases)), None)

    def usage(self) -> str:
        return " ".join(a.usage() for a in self.args)

    def walk(self, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
        """This command and everything under it, with the words that reach each."""
        here = (*path, self.name)
        yield here, self
        for sub in self.subcommands:
            yield from sub.walk(here)


# Every group answers `… help` with its part of /help; a platform that lists subcommands
# (Discord) offers it as one, described so.
HELP = "help"
GROUP_HELP_TEXT = N_("these commands, and how to use them")


class Step(StrEnum):
    RUN = "run"
    HELP = "help"  # a group typed bare, or `… help`
    UNKNOWN = "unknown"  # words that name no subcommand of a group that takes none


@dataclass(frozen=True)
class Found:
    """Where typed words lead: the commands on the way, what to do, and the words left."""

    path: tuple[Command, ...]
    step: Step
    rest: str

    @property
    def command(self) -> Command:
        return self.path[-1]

    @property
    def words(self) -> str:
        return " ".join(c.name for c in self.path)

    @property
    def changing(self) -> bool:
        return (
            self.step is Step.RUN
            and self.command.change is not None
            and (self.command.changes(self.rest))
        )

    @property
    def entry(self) -> str:
        """Its row in the table of rules (`bot.routes.command_rules`)."""
        return self.words + " …" if self.changing else self.words

    @property
    def rule(self) -> Rule | None:
        """The command's own rule, else the nearest one above it (`/carebot customer`'s
        holds for its export and erase)."""
        if self.changing:
            return self.command.change
        return inherited(self.path)


def inherited(path: Sequence[Command]) -> Rule | None:
    return next((c.rule for c in reversed(path) if c.rule is not None), None)


def resolve(top: Command, text: str) -> Found:
    """Follows the typed words down the tree, compared as the handlers compare them."""
    path = [top]
    rest = text.strip()
    while path[-1].subcommands:
        node = path[-1]
        word, _, after = rest.partition(" ")
        sub = node.sub(word.lower()) if word else None
        if sub is not None:
            path.append(sub)
            rest = after.strip()
            continue
        if word.lower() == HELP and not after.strip():
            return Found(tuple(path), Step.HELP, "")
        default = node.sub(node.default) if node.default else None
        if default is None:
            return Found(tuple(path), Step.UNKNOWN if rest else Step.HELP, rest)
        if rest and not (default.args or default.subcommands):
            return Found(tuple(path), Step.UNKNOWN, rest)
        path.append(default)  # the words are the default's
    # A command that neither runs nor groups is the help of everything (`/help`).
    return Found(tuple(path), Step.RUN if path[-1].run else Step.HELP, rest)


@dataclass
class Router:
    """One domain's commands, buttons, forms and job kinds; the root includes the others."""

    name: str
    commands: dict[str, Command] = field(default_factory=dict)
    actions: dict[str, ActionHandler] = field(default_factory=dict)
    forms: dict[str, FormHandler] = field(default_factory=dict)
    jobs: dict[str, JobKind] = field(default_factory=dict)

    def add(self, command: Command) -> Command:
        self.commands[command.name] = command
        return command

    def action(self, name: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.actions[name] = handler
            return handler

        return register

    def form(self, form_id: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.forms[form_id] = handler
            return handler

        return register

    def job(self, name: str) -> Callable[[Kind], Kind]:
        def register(cls: Kind) -> Kind:
            self.jobs[name] = cls()
            return cls

        return register

    def include(self, *others: Router) -> Router:
        for other in others:
            _merge(self.commands, other.commands, other.name)
            _merge(self.actions, other.actions, other.name)
            _merge(self.forms, other.forms, other.name)
            _merge(self.jobs, other.jobs, other.name)
        return self

    def find_action(self, action: str) -> ActionHandler | None:
        """Exactly, else by the prefix before ':' (`x.y:code`)."""
        return self.actions.get(action) or self.actions.get(action.split(":", 1)[0] + ":")


Value = TypeVar("Value")


def _merge(ours: dict[str, Value], theirs: dict[str, Value], name: str) -> None:
    twice = set(ours) & set(theirs)
    if twice:
        raise ValueError(f"{name} declares {sorted(twice)} again")
    ours.update(theirs)
