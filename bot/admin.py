"""`/carebot`: the workspace's people and roles, and customers' privacy requests."""

from __future__ import annotations

from bot import roles
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_
from bot.privacy.handlers import customer_command
from bot.router import router
from bot.ui import Message, Reply, Section


@router.command("carebot")
async def carebot_command(ctx: Context, text: str) -> Reply:
    verb, _, rest = text.strip().partition(" ")
    verb = verb.lower()
    if verb == "role":
        return await roles.role_command(ctx, rest)
    if verb == "roles":
        return await roles.list_command(ctx)
    if verb == "customer":
        return await customer_command(ctx, rest.strip())
    if verb in ("", "help"):
        return Reply.say(help_message(ctx))
    raise UserError(N_("Unknown subcommand “{verb}”. Type /carebot help."), verb=verb)


def help_message(ctx: Context) -> Message:
    t = ctx.t
    return Message(
        text=t("People, roles and privacy"),
        sections=(
            Section(
                body="\n".join(
                    (
                        t("/carebot role @person [agent|manager|admin] — a role (admins set it)"),
                        t("/carebot roles — everyone's role"),
                        t("/carebot customer export PHONE|EMAIL|NAME — a customer's data (admins)"),
                        t("/carebot customer erase PHONE|EMAIL|NAME — forget a customer (admins)"),
                    )
                )
            ),
        ),
    )
