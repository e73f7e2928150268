"""`/complaint survey [delay HOURS|off] [one-month on|off] [name BUSINESS]`: the workspace's
survey settings, shown to everyone and changed by managers."""

from __future__ import annotations

from bot.complaints.service import audit
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_
from bot.locks import lock_workspace
from bot.ui import Message, Reply, Section

DELAY_MAX = 24 * 30
NAME_MAX = 100
USAGE = N_(
    "Use /complaint survey delay HOURS|off, /complaint survey one-month on|off or "
    "/complaint survey name BUSINESS NAME."
)


async def survey_command(ctx: Context, rest: str) -> Reply:
    what, _, value = rest.strip().partition(" ")
    what, value = what.lower(), value.strip()
    if what:
        await lock_workspace(ctx)
        workspace = ctx.workspace
        before = (workspace.survey_delay_hours, workspace.retention_survey, workspace.business_name)
        if what == "delay":
            if value.lower() == "off":
                workspace.survey_delay_hours = None
            elif value.isdecimal() and 0 <= int(value) <= DELAY_MAX:
                workspace.survey_delay_hours = int(value)
            else:
                raise UserError(
                    N_("Give a number of hours from 0 to {max}, or off."), max=DELAY_MAX
                )
        elif what in ("one-month", "onemonth", "retention"):
            if value.lower() not in ("on", "off"):
                raise UserError(USAGE)
            workspace.retention_survey = value.lower() == "on"
        elif what == "name":
            if not value or len(value) > NAME_MAX:
                raise UserError(
                    N_("Give the name customers know you by, up to {max} characters."),
                    max=NAME_MAX,
                )
            workspace.business_name = value
        else:
            raise UserError(USAGE)
        after = (workspace.survey_delay_hours, workspace.retention_survey, workspace.business_name)
        if after != before:
            audit(ctx, "survey_settings", None, before=list(before), after=list(after))
    return Reply.say(settings_message(ctx))


def settings_message(ctx: Context) -> Message:
    t = ctx.t
    workspace = ctx.workspace
    delay = workspace.survey_delay_hours
    return Message(
        text=t("Customer surveys"),
        sections=(
            Section(
                fields=(
                    (
                        t("After a complaint is resolved"),
                        t.ngettext(
                            "a survey {hours} hour later", "a survey {hours} hours later", delay
                        ).format(hours=t.number(delay, 0))
                        if delay is not None
                        else t("no survey"),
                    ),
                    (
                        t("One month later"),
                        t("the customer is asked first; the agent calls if they don't answer")
                        if workspace.retention_survey
                        else t("the agent calls the customer"),
                    ),
                    (
                        t("Business name on the survey page"),
                        workspace.business_name or workspace.name or "carebot",
                    ),
                ),
            ),
            Section(body=t(USAGE)),
        ),
    )
