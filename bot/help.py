"""`/help`, and the words the terminal shell uses around the core's conversations."""

from __future__ import annotations

from bot.admin import help_message as admin_help
from bot.assessment.handlers import help_message as assessment_help
from bot.complaints.handlers import help_message
from bot.context import Context, Role
from bot.digest.handlers import help_message as digest_help
from bot.goals.handlers import help_message as goals_help
from bot.i18n import Translator
from bot.policy.handlers import help_message as policy_help
from bot.roles import ROLE_LABELS
from bot.router import router
from bot.ui import Message, Reply, Section


@router.command("help")
async def help_command(ctx: Context, _text: str) -> Reply:
    t = ctx.t
    complaints = help_message(ctx)
    return Reply.say(
        Message(
            text=t("What carebot can do"),
            sections=(
                *complaints.sections,
                *assessment_help(ctx).sections,
                *goals_help(ctx).sections,
                *digest_help(ctx).sections,
                *policy_help(ctx).sections,
                *admin_help(ctx).sections,
                Section(
                    body=t(
                        "/home — your open complaints and follow-ups due\n"
                        "/language — the language carebot speaks to you\n/help — this list"
                    )
                ),
            ),
        )
    )


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
