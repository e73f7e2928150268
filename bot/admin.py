"""`/carebot`: the workspace's people and roles, and customers' privacy requests."""

from __future__ import annotations

from bot import roles
from bot.context import Context
from bot.i18n import N_
from bot.permissions import ADMINS
from bot.privacy import handlers as privacy
from bot.roles import split_mention
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import Reply

router = Router("admin")


async def roles_command(ctx: Context, _rest: str) -> Reply:
    return await roles.list_command(ctx)


def _gives_a_role(rest: str) -> bool:
    """`@asha` asks; `@asha manager` changes (a name as typed may hold spaces)."""
    return bool(split_mention(rest)[1])


CUSTOMER = Arg(
    "customer",
    ArgKind.TEXT,
    N_("The customer's phone, email or name"),
    required=True,
    placeholder="PHONE|EMAIL|NAME",
)

router.add(
    Command(
        "carebot",
        N_("People's roles, and customers' privacy requests"),
        title=N_("People, roles and privacy"),
        subcommands=(
            Command(
                "role",
                N_("a person's role (admins set it)"),
                roles.role_command,
                (
                    Arg("person", ArgKind.PERSON, N_("The person"), required=True),
                    Arg(
                        "role",
                        ArgKind.CHOICE,
                        N_("The role to give them"),
                        choices=("agent", "manager", "admin"),
                    ),
                ),
                change=ADMINS,
                changes=_gives_a_role,
            ),
            Command("roles", N_("everyone's role"), roles_command),
            Command(
                "customer",
                N_("customers' requests for their data"),
                subcommands=(
                    Command("export", N_("a customer's data"), privacy.export_command, (CUSTOMER,)),
                    Command("erase", N_("forget a customer"), privacy.erase_command, (CUSTOMER,)),
                ),
                rule=ADMINS,
            ),
        ),
    )
)
