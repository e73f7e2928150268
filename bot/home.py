"""The home view (Slack's App Home, `/home` in the shell): my work at a glance."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select

from bot import paging
from bot.complaints import reads, views
from bot.context import Context, Role
from bot.i18n import N_
from bot.policy import service as policy
from bot.policy.content import SECTIONS
from bot.sla.overdue import deadline_texts
from bot.tree import Command, Router
from bot.ui import Button, ButtonStyle, Message, Reply, Section
from storage.failures import record_delivery_failure
from storage.models import DeliveryFailure, Job

router = Router("home")

DUE_SOON = timedelta(hours=24)
FAILURES_SHOWN = 5


async def home_command(ctx: Context, _text: str) -> Reply:
    return Reply.say(await home(ctx))


async def home(ctx: Context) -> Message:
    t = ctx.t
    # The first page of each, with the count of all and the way to the rest when there is more.
    mine = await reads.list_complaints(ctx, view="mine")
    due = await reads.list_complaints(ctx, view="mine", due_by=ctx.now() + DUE_SOON)
    # Time left or how late against each one's target, in business time.
    deadlines = await deadline_texts(ctx.session, ctx.workspace, mine, t, ctx.now())
    sections = [
        Section(
            title=t("My open complaints"),
            body="\n".join(views.line(c, t, deadlines.get(c.id)) for c in mine)
            or t("You have no open complaints."),
        ),
        *(views.paging_section(mine, "/complaint list mine", t) if mine.has_next else ()),
        Section(
            title=t("Follow-ups due"),
            body="\n".join(views.line(c, t) for c in due) or t("Nothing due in the next day."),
        ),
        *((Section(body=paging.count_line(due, t)),) if due.has_next else ()),
    ]
    sections.append(await policy_summary(ctx))
    if ctx.role is Role.ADMIN:
        failures = (
            await ctx.session.scalars(
                select(DeliveryFailure)
                .where(DeliveryFailure.workspace_id == ctx.workspace.id)
                .order_by(DeliveryFailure.at.desc())
                .limit(FAILURES_SHOWN)
            )
        ).all()
        if failures:
            sections.append(
                Section(
                    title=t("Messages the platform refused"),
                    body="\n".join(
                        f"{t.datetime(f.at)} · {f.channel or '—'} · {f.error}" for f in failures
                    ),
                )
            )
        given_up = await given_up_jobs(ctx)
        if given_up:
            sections.append(
                Section(
                    title=t("Work given up"),
                    body="\n".join(
                        t.ngettext(
                            "{job} · given up after {attempts} attempt · {error}",
                            "{job} · given up after {attempts} attempts · {error}",
                            j.attempts,
                        ).format(
                            job=j.key, attempts=t.number(j.attempts, 0), error=j.last_error or "—"
                        )
                        for j in given_up
                    ),
                )
            )
    return Message(
        text=t("Your complaint work"),
        sections=tuple(sections),
        buttons=(
            Button(t("Log a complaint"), "complaint.new", "", ButtonStyle.PRIMARY),
            *(Button(f"#{c.number}", "complaint.details", str(c.number)) for c in mine[:5]),
            *paging.page_buttons(mine, views.LIST_ACTION, "mine", t),
            Button(t("Policy"), "policy.overview"),
            Button(t("Policy document"), "policy.document"),
        ),
    )


async def given_up_jobs(ctx: Context) -> list[Job]:
    """Due work the scheduler stopped trying (a card or a reminder the platform kept failing,
    JOB_MAX_ATTEMPTS times), latest first. What the platform refused for good is listed among
    the refused messages instead. A key names the work (`card:complaint:12`), never a person."""
    rows = await ctx.session.scalars(
        select(Job)
        .where(
            Job.workspace_id == ctx.workspace.id,
            Job.state == "failed",
            or_(Job.last_error.is_(None), Job.last_error.not_like("refused:%")),
        )
        .order_by(Job.id.desc())
        .limit(FAILURES_SHOWN)
    )
    return list(rows)


async def policy_summary(ctx: Context) -> Section:
    """The team's policy at a glance: how far it is, and its vision statement if written."""
    t = ctx.t
    rows = await policy.states(ctx)
    final = sum(1 for s in SECTIONS if policy.is_final(rows.get(s.code)))
    vision = policy.current(await policy.entries(ctx, "vision")).get(("vision", "statement"))
    lines = [t("{final} of {total} sections final").format(final=final, total=len(SECTIONS))]
    if vision is not None:
        lines.append(vision.text)
    return Section(title=t("Customer service policy"), body="\n".join(lines))


async def record_failure(ctx: Context, *, channel: str | None, error: str) -> None:
    """A post the platform refused for good, kept for the workspace's admins."""
    await record_delivery_failure(ctx.session, ctx.workspace.id, channel, error, ctx.now())


router.add(Command("home", N_("Your complaints and what needs your attention"), home_command))
