"""Roles per workspace: `/carebot role @person [agent|manager|admin]` and `/carebot roles`.

The platform's role is a floor (bot/members.py): a Slack workspace admin or owner is always an
admin, a Discord member with Manage Server at least a manager. Above that floor, admins decide;
a change below it is refused, since the platform would raise it again on the person's next event.
"""

from __future__ import annotations

import re

from sqlalchemy import case, func, select

from bot.complaints.service import audit
from bot.context import Context, Role
from bot.errors import UserError
from bot.i18n import N_
from bot.locks import lock_workspace
from bot.ui import Message, Reply, Section
from storage.models import Member

ROLE_LABELS = {Role.AGENT: N_("agent"), Role.MANAGER: N_("manager"), Role.ADMIN: N_("admin")}
# Slack sends `<@U123|name>` (or `<@U123>`) with should_escape; Discord `<@123>` or `<@!123>`.
MENTION = re.compile(r"<@!?([A-Za-z0-9]+)(?:\|([^>]*))?>")
PLATFORM_NAMES = {"slack": "Slack", "discord": "Discord"}
LIST_LIMIT = 60
ROLE_USAGE = N_("Use /carebot role @person, or /carebot role @person agent|manager|admin.")


def split_mention(text: str) -> tuple[str, str]:
    """("<@U1|asha>", "manager") from "<@U1|asha> manager"; a typed name may have spaces."""
    text = text.strip()
    match = MENTION.match(text)
    if match:
        return match.group(0), text[match.end() :].strip()
    words = text.split()
    if len(words) > 1 and words[-1].lower() in {r.value for r in Role}:
        return " ".join(words[:-1]), words[-1]
    return text, ""


async def find_member(ctx: Context, who: str) -> Member:
    """A person by mention (created on first mention, as the user picker does) or, as typed in
    the shell, by id or display name among the people carebot has met here."""
    match = MENTION.fullmatch(who.strip())
    if match:
        external_id, name = match.group(1), match.group(2)
        member = await ctx.session.scalar(
            select(Member).where(
                Member.workspace_id == ctx.workspace.id, Member.external_id == external_id
            )
        )
        if member is None:
            member = Member(
                workspace_id=ctx.workspace.id,
                external_id=external_id,
                display_name=name or external_id,
                role=Role.AGENT.value,
                created_at=ctx.now(),
            )
            ctx.session.add(member)
            await ctx.session.flush()
        return member
    typed = who.strip().lstrip("@").strip()
    if not typed:
        raise UserError(ROLE_USAGE)
    found = (
        await ctx.session.scalars(
            select(Member).where(
                Member.workspace_id == ctx.workspace.id,
                (Member.external_id == typed)
                | (func.lower(Member.external_id) == func.lower(typed))
                | (func.lower(Member.display_name) == func.lower(typed)),
            )
        )
    ).all()
    exact = [m for m in found if m.external_id == typed]
    if exact or len(found) == 1:
        return (exact or found)[0]
    if found:
        raise UserError(
            N_("Several people are called “{name}”: mention the one you mean."), name=typed
        )
    raise UserError(N_("carebot has not met anyone called “{name}” here."), name=typed)


def describe(ctx: Context, member: Member) -> str:
    """ "Meera: manager", with the platform's floor when there is one."""
    t = ctx.t
    text = t("{name}: {role}").format(
        name=member.display_name, role=t(ROLE_LABELS[Role(member.role)])
    )
    if member.platform_role:
        floor = t("at least {role} through {platform}").format(
            role=t(ROLE_LABELS[Role(member.platform_role)]), platform=_platform(ctx)
        )
        text += f" ({floor})"
    return text


def _platform(ctx: Context) -> str:
    return PLATFORM_NAMES.get(ctx.workspace.platform, ctx.workspace.platform)


async def set_role(ctx: Context, member: Member, role: Role) -> bool:
    """Sets and audits the role; False when it was that already. Refuses a role below the
    platform's floor and taking the last admin's role away (nobody could give it back)."""
    floor = Role(member.platform_role) if member.platform_role else None
    if not role.at_least(floor):
        assert floor is not None
        raise UserError(
            N_("{name} is at least {role} through {platform}: carebot cannot give them less."),
            name=member.display_name,
            role=ctx.t(ROLE_LABELS[floor]),
            platform=_platform(ctx),
        )
    await lock_workspace(ctx)  # two changes at once: the second sees the first's (last admin)
    await ctx.session.execute(
        select(Member).where(Member.id == member.id).execution_options(populate_existing=True)
    )
    old = Role(member.role)
    if old is role:
        return False
    if old is Role.ADMIN:
        admins = await ctx.session.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.workspace_id == ctx.workspace.id, Member.role == Role.ADMIN.value)
        )
        if (admins or 0) <= 1:
            raise UserError(
                N_("{name} is the only admin here: make someone else admin first."),
                name=member.display_name,
            )
    member.role = role.value
    audit(
        ctx,
        "role_changed",
        None,
        member=member.external_id,
        name=member.display_name,
        role=[old.value, role.value],
    )
    return True


async def role_command(ctx: Context, rest: str) -> Reply:
    who, wanted = split_mention(rest)
    if not who:
        raise UserError(ROLE_USAGE)
    if wanted and wanted.lower() not in {r.value for r in Role}:
        raise UserError(ROLE_USAGE)
    member = await find_member(ctx, who)
    if not wanted:
        return Reply.text(describe(ctx, member))
    if not await set_role(ctx, member, Role(wanted.lower())):
        return Reply.text(describe(ctx, member))
    return Reply.text(
        ctx.t("{name} is now {role}.").format(
            name=member.display_name, role=ctx.t(ROLE_LABELS[Role(member.role)])
        )
    )


async def list_command(ctx: Context) -> Reply:
    """Admins first, then managers, then agents; by name within each."""
    rank = case(
        (Member.role == Role.ADMIN.value, 0), (Member.role == Role.MANAGER.value, 1), else_=2
    )
    here = Member.workspace_id == ctx.workspace.id
    members = (
        await ctx.session.scalars(
            select(Member)
            .where(here)
            .order_by(rank, Member.display_name, Member.id)
            .limit(LIST_LIMIT)
        )
    ).all()
    lines = [f"• {describe(ctx, m)}" for m in members]
    total = await ctx.session.scalar(select(func.count()).select_from(Member).where(here)) or 0
    if total > len(members):
        lines.append(ctx.t("… and {count} more").format(count=total - len(members)))
    body = "\n".join(lines) or ctx.t("Nobody has used carebot here yet.")
    return Reply.say(Message(text=ctx.t("People and their roles"), sections=(Section(body=body),)))
