"""Who is acting, where, in which language and at what time: handed to every core handler."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator, resolve_locale
from storage.models import Member, Workspace


class Role(StrEnum):
    AGENT = "agent"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def at_least(self, other: Role | None) -> bool:
        return other is None or self.rank >= other.rank


_RANKS = {Role.AGENT: 0, Role.MANAGER: 1, Role.ADMIN: 2}

# Platforms that can never name admins: the local shell, run by whoever is in charge. There a
# workspace's first member is its admin (someone must be able to give roles). Every other
# platform names its admins, and one that did not answer named nobody: a failed look-up is an
# agent's event until the platform answers, never a reason to make anyone admin.
PLATFORMS_WITHOUT_ADMINS = frozenset({"console"})


@dataclass(frozen=True)
class Actor:
    """The person behind an event, as the platform names them."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str
    channel_id: str | None = None
    is_dm: bool = False
    # The least role the platform vouches for (a Slack workspace admin, Discord's Administrator
    # or Manage Server): a floor, never a ceiling, so roles set with /carebot role survive.
    platform_role: Role | None = None
    # The platform named this person's role just now (None then means no floor) and it is kept
    # as their floor; False (a Discord DM, a failed Slack lookup, the shell) leaves the stored
    # role and floor as they were, and grants nothing: a new person is then an agent.
    platform_knows_roles: bool = False
    locale: str | None = None


@dataclass
class Context:
    session: AsyncSession
    clock: Clock
    workspace: Workspace
    member: Member
    actor: Actor
    t: Translator
    # From settings: calendar months from a resolution to its retention check.
    retention_months: int = 1

    @classmethod
    def of(
        cls,
        session: AsyncSession,
        clock: Clock,
        workspace: Workspace,
        member: Member,
        actor: Actor,
        retention_months: int = 1,
    ) -> Context:
        """The one way a Context is built: for an event, for scheduled work and for a
        document. Its language is the person's choice (/language), else their app's language
        (as the platform says now, or said when they last acted), else the workspace's."""
        locale = resolve_locale(member.locale, actor.locale or member.app_locale, workspace.locale)
        return cls(
            session=session,
            clock=clock,
            workspace=workspace,
            member=member,
            actor=actor,
            t=Translator(locale, workspace.timezone),
            retention_months=retention_months,
        )

    def now(self) -> datetime:
        return self.clock.now()

    def for_channel(self) -> Context:
        """The same context speaking the workspace's language: channel posts (cards, digests)
        are read by everyone there, whatever the person who acted prefers."""
        return replace(self, t=Translator(self.workspace.locale, self.workspace.timezone))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.workspace.timezone)

    @property
    def role(self) -> Role:
        return Role(self.member.role)
