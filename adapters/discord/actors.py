"""Who acts on Discord: the core's Actor from an interaction.

workspace_id is the guild's id. Interactions in a DM carry no guild, so:
- buttons the bot posts carry the guild's id in their custom_id (see render.action_id), so a
  DM button works after a restart and for people in several servers with the bot;
- a slash command typed in the bot's DM uses the guild where that person last acted since
  the bot started (kept here in memory), else the bot's only guild; failing both, the person
  is asked to use the command in a server channel once.
Roles: the member's permissions where they act are a floor: Administrator → admin, Manage
Server → at least manager, anyone else → no floor, so a role an admin set with /carebot role
stands (new people are agents). With DISCORD_SUPPORT_ROLE set, only that role's members (and
managers and admins) may act; others are refused. In DMs there are no permissions: the stored
role applies, and someone carebot meets there first is an agent (Discord names admins: being
first never makes anyone one).
"""

from __future__ import annotations

from collections import OrderedDict

import discord

from adapters.discord import words
from bot.context import Actor, Role
from bot.i18n import SUPPORTED_LOCALES, Translator

PLATFORM = "discord"
REMEMBERED = 10_000  # people whose last guild is kept for DM commands


class Refused(Exception):
    """The person may not act here, or carebot cannot tell for which server: `text` says why."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def locale_of(locale: discord.Locale | str | None) -> str | None:
    """Discord's client language as one of ours ("hi" → hi, "en-GB" → en); None otherwise, so
    the member's or the workspace's language applies."""
    value = locale.value if isinstance(locale, discord.Locale) else str(locale or "")
    base = value.split("-")[0].lower()
    return base if base in SUPPORTED_LOCALES else None


def role_of(permissions: discord.Permissions) -> Role | None:
    """The least role Discord vouches for; None for everyone else (no floor)."""
    if permissions.administrator:
        return Role.ADMIN
    if permissions.manage_guild:
        return Role.MANAGER
    return None


def allowed(
    permissions: discord.Permissions, member: discord.Member, support_role: str | None
) -> bool:
    """Without a support role everyone may act; with one, its members, managers and admins."""
    if support_role is None or role_of(permissions) is not None:
        return True
    return any(role.name == support_role for role in member.roles)


class Places:
    """The guild each person last acted in (bounded), for commands typed in the bot's DM."""

    def __init__(self, client: discord.Client, support_role: str | None) -> None:
        self.client = client
        self.support_role = support_role
        self._last: OrderedDict[int, int] = OrderedDict()

    def remember(self, user_id: int, guild_id: int) -> None:
        self._last[user_id] = guild_id
        self._last.move_to_end(user_id)
        while len(self._last) > REMEMBERED:
            self._last.popitem(last=False)

    def guild_for(self, user_id: int) -> int | None:
        if user_id in self._last:
            return self._last[user_id]
        # The only server is a safe guess, unless strangers must first pass the role check.
        if self.support_role is None and len(self.client.guilds) == 1:
            return self.client.guilds[0].id
        return None

    def actor(self, interaction: discord.Interaction, workspace: str | None = None) -> Actor:
        """The Actor of an interaction; `workspace` is the guild id a DM button carries.
        Raises Refused (with a translated sentence) when the person may not act."""
        user = interaction.user
        locale = locale_of(interaction.locale)
        channel = str(interaction.channel_id) if interaction.channel_id else None
        if interaction.guild_id is not None and isinstance(user, discord.Member):
            if not allowed(interaction.permissions, user, self.support_role):
                text = Translator(locale or "en")(words.SUPPORT_ONLY)
                raise Refused(text.format(role=self.support_role))
            self.remember(user.id, interaction.guild_id)
            return Actor(
                platform=PLATFORM,
                workspace_id=str(interaction.guild_id),
                user_id=str(user.id),
                display_name=user.display_name,
                channel_id=channel,
                is_dm=False,
                platform_role=role_of(interaction.permissions),
                platform_knows_roles=True,
                locale=locale,
            )
        guild_id = int(workspace) if workspace else self.guild_for(user.id)
        if guild_id is None:
            raise Refused(Translator(locale or "en")(words.NO_WORKSPACE))
        return Actor(
            platform=PLATFORM,
            workspace_id=str(guild_id),
            user_id=str(user.id),
            display_name=user.display_name,
            channel_id=channel,
            is_dm=True,
            platform_role=None,
            locale=locale,
        )
