"""The policy as one Markdown document, in the workspace's language: what the team wrote,
the goals it set, the four steps of discretion, and the training plan."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import SystemClock
from bot.context import Actor, Context
from bot.errors import UserError
from bot.goals.service import active
from bot.goals.views import goal_line
from bot.i18n import N_
from bot.policy import service
from bot.policy.content import DISCRETION, SECTIONS
from bot.policy.training import sessions
from bot.settings import Settings
from bot.ui import Attachment
from storage.db import Database
from storage.models import Member, Workspace

AREAS = ("product", "speed", "communication", "follow_up", "complaints", "retention", "monitoring")


async def markdown(ctx: Context) -> str:
    """`ctx` speaks the language the document is written in."""
    t = ctx.t
    rows = await service.states(ctx)
    current = service.current(await service.entries(ctx))
    final = sum(1 for s in SECTIONS if service.is_final(rows.get(s.code)))
    title = t("Customer service policy")
    if ctx.workspace.name:
        title += f" — {ctx.workspace.name}"
    out = [f"# {title}", ""]
    out.append(
        "_"
        + t("As of {when}; {final} of {total} sections final.").format(
            when=t.datetime(ctx.now()), final=final, total=len(SECTIONS)
        )
        + "_"
    )

    def answers(code: str, level: str) -> None:
        section = next(s for s in SECTIONS if s.code == code)
        status = "" if service.is_final(rows.get(code)) else " " + t("(draft)")
        out.extend(["", f"{level} {t(section.title)}{status}"])
        for item in section.items:
            entry = current.get((code, item.code))
            if len(section.items) > 1:
                out.extend(["", f"**{t(item.prompt)}**"])
            out.extend(["", entry.text if entry else "—"])

    answers("vision", "##")
    answers("outline", "##")
    out.extend(["", "## " + t("Policy areas")])
    for code in AREAS:
        answers(code, "###")
    out.extend(["", "## " + t("Goals"), ""])
    goals = await active(ctx.session, ctx.workspace.id)
    out.extend([f"- {goal_line(goal, t)}" for goal in goals] or [t("No goals set yet.")])
    out.extend(["", "## " + t("Discretion: four steps to resolve a problem"), ""])
    out.extend(f"{n}. {t(step)}" for n, step in enumerate(DISCRETION, start=1))
    answers("training", "##")
    planned = await sessions(ctx)
    if planned:
        out.append("")
        out.extend(f"- {t.datetime(s.at)}" for s in planned)
    return "\n".join(out) + "\n"


async def attachment(ctx: Context) -> Attachment:
    text = await markdown(ctx)
    return Attachment(
        "customer-service-policy.md",
        ctx.t("Customer service policy"),
        text.encode("utf-8"),
        "text/markdown",
    )


async def export(db: Database, settings: Settings, workspace: str | None) -> str:
    """`carebot export policy`: the document of one workspace ("platform:id"; optional when
    there is only one), written as its members read it in the workspace's language."""
    async with db.transaction() as session:
        query = select(Workspace).order_by(Workspace.id)
        if workspace:
            platform, _, external = workspace.partition(":")
            query = query.where(Workspace.platform == platform, Workspace.external_id == external)
        found = list(await session.scalars(query))
        if len(found) != 1:
            raise UserError(
                N_("Name the workspace as PLATFORM:ID, one of: {workspaces}"),
                workspaces=", ".join(f"{w.platform}:{w.external_id}" for w in found) or "—",
            )
        place = found[0]
        admin = await session.scalar(
            select(Member)
            .where(Member.workspace_id == place.id)
            .order_by(Member.role != "admin", Member.id)
        )
        if admin is None:
            raise UserError(N_("Nobody has used carebot in that workspace yet."))
        actor = Actor(place.platform, place.external_id, admin.external_id, admin.display_name)
        ctx = Context.of(
            session, SystemClock(), place, admin, actor, settings.retention_delay_months
        )
        return await markdown(ctx.for_channel())
