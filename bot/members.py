"""Workspaces and members: found or created the first time the bot hears from them."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.categories import DEFAULT_CATEGORIES
from bot.clock import Clock
from bot.context import PLATFORMS_WITHOUT_ADMINS, Actor, Role
from bot.i18n import supported
from bot.privacy.planning import plan_for
from bot.settings import Settings
from storage.models import Member, Workspace


async def workspace_for(
    session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> Workspace:
    query = select(Workspace).where(
        Workspace.platform == actor.platform, Workspace.external_id == actor.workspace_id
    )
    workspace = await session.scalar(query)
    if workspace is not None:
        return workspace
    workspace = Workspace(
        platform=actor.platform,
        external_id=actor.workspace_id,
        locale=settings.default_locale,
        timezone=settings.default_timezone,
        phone_region=settings.default_phone_region,
        currency=settings.default_currency,
        categories=list(DEFAULT_CATEGORIES),
        last_complaint_number=0,
        created_at=clock.now(),
    )
    try:
        async with session.begin_nested():
            session.add(workspace)
    except IntegrityError:  # another delivery created it a moment ago
        return (await session.scalars(query)).one()
    if settings.personal_data_retention_days is not None:
        await plan_for(session, workspace.id, clock.now())
    return workspace


# Built once: every event runs it, and building the expression costs more than running it.
_WORKSPACE_AND_MEMBER = (
    select(Workspace, Member)
    .outerjoin(
        Member,
        (Member.workspace_id == Workspace.id) & (Member.external_id == bindparam("user")),
    )
    .where(
        Workspace.platform == bindparam("platform"),
        Workspace.external_id == bindparam("workspace"),
    )
)


async def workspace_and_member(
    session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> tuple[Workspace, Member]:
    """Both in one round trip when they exist (every event starts here, so it must be cheap)."""
    params = {"platform": actor.platform, "workspace": actor.workspace_id, "user": actor.user_id}
    row = (await session.execute(_WORKSPACE_AND_MEMBER, params)).first()
    if row is None:
        workspace = await workspace_for(session, actor, settings, clock)
        return workspace, await _new_member(session, workspace, actor, clock)
    workspace, member = row
    if member is None:
        return workspace, await _new_member(session, workspace, actor, clock)
    if actor.display_name and member.display_name != actor.display_name:
        member.display_name = actor.display_name
    app_locale = supported(actor.locale)
    if app_locale and member.app_locale != app_locale:  # scheduled messages speak it too
        member.app_locale = app_locale
    apply_floor(member, actor)
    return workspace, member


async def find_workspace_and_member(
    session: AsyncSession, actor: Actor
) -> tuple[Workspace | None, Member | None]:
    """Both if they exist, creating nothing: for looking, not for acting."""
    params = {"platform": actor.platform, "workspace": actor.workspace_id, "user": actor.user_id}
    row = (await session.execute(_WORKSPACE_AND_MEMBER, params)).first()
    return (None, None) if row is None else (row[0], row[1])


def apply_floor(member: Member, actor: Actor) -> None:
    """The platform's role is a floor: it raises the stored role, never lowers it (an admin's
    /carebot role stands), and is kept so a change below it can be refused."""
    floor = actor.platform_role
    if actor.platform_knows_roles:
        known = floor.value if floor is not None else None
        if member.platform_role != known:
            member.platform_role = known
    if floor is not None and not Role(member.role).at_least(floor):
        member.role = floor.value


async def _new_member(
    session: AsyncSession, workspace: Workspace, actor: Actor, clock: Clock
) -> Member:
    """A member seen for the first time: the platform's floor, else an agent. Only where the
    platform can never name admins (the shell) is the workspace's first member its admin; a
    platform that did not answer this time (a failed look-up, a Discord DM) grants nothing."""
    floor = actor.platform_role
    role = floor or Role.AGENT
    if actor.platform in PLATFORMS_WITHOUT_ADMINS and floor is None:
        count = await session.scalar(
            select(func.count()).select_from(Member).where(Member.workspace_id == workspace.id)
        )
        role = Role.ADMIN if not count else Role.AGENT
    member = Member(
        workspace_id=workspace.id,
        external_id=actor.user_id,
        display_name=actor.display_name,
        role=role.value,
        platform_role=floor.value if floor is not None and actor.platform_knows_roles else None,
        app_locale=supported(actor.locale),
        created_at=clock.now(),
    )
    try:
        async with session.begin_nested():
            session.add(member)
    except IntegrityError:  # the same person's other event created it a moment ago
        member = (
            await session.scalars(
                select(Member).where(
                    Member.workspace_id == workspace.id, Member.external_id == actor.user_id
                )
            )
        ).one()
        apply_floor(member, actor)
    return member


async def member_by_external_id(
    session: AsyncSession, workspace: Workspace, external_id: str, clock: Clock
) -> Member:
    """A member named in a form (a user picker): created on first mention, as an agent."""
    query = select(Member).where(
        Member.workspace_id == workspace.id, Member.external_id == external_id
    )
    member = await session.scalar(query)
    if member is None:
        member = Member(
            workspace_id=workspace.id,
            external_id=external_id,
            display_name=external_id,
            role=Role.AGENT.value,
            created_at=clock.now(),
        )
        session.add(member)
        await session.flush()
    return member
