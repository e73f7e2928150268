"""`/help`, and the words the terminal shell uses around the core's conversations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from bot.context import Context, Role
from bot.errors import UserError
from bot.i18n import N_, Translator
from bot.roles import ROLE_LABELS
from bot.tree import Command, inherited
from bot.ui import Message, Section

UNKNOWN_SUBCOMMAND = N_("Unknown subcommand “{verb}”. Type {command} help.")
# The commands that only lead elsewhere, last in the list.
GENERAL = ("home", "language", "help")


def lines(ctx: Context, path: Sequence[Command], words: str) -> Iterator[str]:
    """One line per command under `path` that the person may use: as typed, and what it does."""
    command = path[-1]
    if not _may(ctx.role, path):
        return
    if not command.subcommands:
        usage = f"/{words} {command.usage()}".rstrip()
        yield f"{usage} — {ctx.t(command.help)}"
        return
    for sub in command.subcommands:
        yield from lines(ctx, (*path, sub), f"{words} {sub.name}")


def _may(role: Role, path: Sequence[Command]) -> bool:
    rule = inherited(path)
    change = path[-1].change
    return rule is None or role in rule.roles or (change is not None and role in change.roles)


def group_help(ctx: Context, path: Sequence[Command]) -> Message:
    words = " ".join(c.name for c in path)
    body = "\n".join(lines(ctx, path, words))
    return Message(text=ctx.t(_title(path[0])), sections=(Section(body=body),) if body else ())


def _title(command: Command) -> str:
    return command.title or command.help


def unknown(path: Sequence[Command], rest: str) -> UserError:
    words = " ".join(c.name for c in path)
    return UserError(UNKNOWN_SUBCOMMAND, verb=rest.split()[0], command=f"/{words}")


def everything(ctx: Context, commands: Mapping[str, Command]) -> Message:
    """`/help`: a section per command, the person's own commands only, in their language;
    the few that only lead elsewhere share the last one."""
    t = ctx.t
    sections = []
    for name, command in commands.items():
        body = "\n".join(lines(ctx, (command,), name))
        if body and name not in GENERAL:
            sections.append(Section(title=t(_title(command)), body=body))
    general = [line for n in GENERAL if n in commands for line in lines(ctx, (commands[n],), n)]
    if general:
        sections.append(Section(body="\n".join(general)))
    return Message(text=t("What carebot can do"), sections=tuple(sections))


class ShellWords:
    """Sentences of the terminal adapter, translated like every other user-facing string."""

    def __init__(self, t: Translator) -> None:
        self.t = t

    def banner(self) -> str:
        return self.t(
            "carebot shell. Type /help for commands, /as NAME [agent|manager|admin] to change "
            "who you are, /clock +30d to move time, /quit to leave."
        )

    def shell_help(self) -> str:
        t = self.t
        return "\n".join(
            (
                t("/as NAME [agent|manager|admin] — act as another person"),
                t("/clock +30d — move the shell's clock forward (m, h, d, w, mo); /clock shows it"),
                t("/quit — leave the shell"),
                t("When buttons are shown, type their number to press one."),
            )
        )

    def required(self) -> str:
        return self.t("required")

    def enter_keeps(self, value: str) -> str:
        return self.t("Enter keeps: {value}").format(value=value)

    def choose(self) -> str:
        return self.t("Type the number of your choice")

    def form_cancelled(self) -> str:
        return self.t("Form cancelled; nothing was saved.")

    def cancel_hint(self) -> str:
        return self.t("Type /cancel to stop filling this form.")

    def now_acting_as(self, name: str, role: Role | None) -> str:
        if role is None:
            return self.t("You are now {name}.").format(name=name)
        return self.t("You are now {name} ({role}).").format(
            name=name, role=self.t(ROLE_LABELS[role])
        )

    def clock_is(self, when: str) -> str:
        return self.t("The shell's clock says {when}.").format(when=when)

    def clock_usage(self) -> str:
        return self.t(
            "Use /clock +N followed by m, h, d, w or mo (months), for example /clock +1mo."
        )

    def as_usage(self) -> str:
        return self.t("Use /as NAME, optionally followed by agent, manager or admin.")

    def no_such_button(self) -> str:
        return self.t("There is no button with that number.")

    def fix_field(self, label: str, error: str) -> str:
        return self.t("{label}: {error}").format(label=label, error=error)

    def to_channel(self) -> str:
        return self.t("posted in the channel")

    def to_channel_named(self, channel: str | None) -> str:
        if not channel:
            return self.to_channel()
        return self.t("posted in {channel}").format(channel=channel)

    def to_person(self, name: str) -> str:
        return self.t("for {name}").format(name=name)

    def to_dm(self) -> str:
        return self.t("direct message")

    def file_saved(self, title: str, path: str) -> str:
        # The title stands alone after the colon: no language's grammar bends around it.
        return self.t("Saved to {path}: {title}").format(title=title, path=path)

    def bye(self) -> str:
        return self.t("Goodbye.")
