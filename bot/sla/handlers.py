"""`/sla`: the workspace's business hours, public holidays, closed days, targets by priority
(and category) and when to warn. Everyone may read them; managers change them, and every
change is audited and re-plans the deadlines of the open complaints."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.categories import category_label
from bot.complaints import service
from bot.complaints.handlers import category_code
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, Translator
from bot.locks import lock_workspace
from bot.permissions import MANAGERS
from bot.sla import jobs, settings
from bot.sla.calendar import WEEKDAYS, Calendar
from bot.sla.clock import setup_of
from bot.sla.recompute import recompute_workspace
from bot.sla.targets import PRIORITIES, Target, ordered, span_of_minutes, target_for
from bot.sla.words import priority_label, span_words
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import Message, Reply, Section
from storage.sla import BusinessHours, SlaTarget

router = Router("sla").include(jobs.router)


async def _hours_row(ctx: Context) -> BusinessHours:
    """The workspace's row, made with the defaults when it has none yet."""
    row = await ctx.session.get(BusinessHours, ctx.workspace.id)
    if row is None:
        row = BusinessHours(
            workspace_id=ctx.workspace.id,
            days="0,1,2,3,4",
            opens="09:00",
            closes="18:00",
            closed=[],
            warn_percent=75,
            updated_at=ctx.now(),
        )
        ctx.session.add(row)
    return row


def days_text(days: frozenset[int]) -> str:
    """The days as they are typed (`mon-fri`, `mon,wed,fri`)."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        WEEKDAYS[r[0]] if len(r) == 1 else f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}" for r in runs
    )


def _target_line(target: Target, t: Translator) -> str:
    return t("first response {response}, resolution {resolution}").format(
        response=span_words(target.response, t), resolution=span_words(target.resolution, t)
    )


def overview(ctx: Context, calendar: Calendar, rows: list[SlaTarget], warn: int) -> Message:
    t = ctx.t
    if calendar.country:
        region = calendar.country + (f" · {calendar.subdivision}" if calendar.subdivision else "")
    else:
        region = t("none")
    closed = ", ".join(t.short_date(d) for d in sorted(calendar.closed)) or t("none")
    targets = [
        f"• {priority_label(p, t)}: " + _target_line(_general(rows, calendar, p), t)
        for p in ordered(PRIORITIES)
    ]
    overrides = [
        f"• {priority_label(r.priority, t)} · {category_label(r.category, t)}: "
        + _target_line(_of_row(r, calendar), t)
        for r in sorted(rows, key=lambda r: (-PRIORITIES.index(r.priority), r.category or ""))
        if r.category is not None
    ]
    sections = [
        Section(
            title=t("Business hours"),
            fields=(
                (t("Days"), days_text(calendar.days)),
                (
                    t("Hours"),
                    f"{calendar.opens.strftime('%H:%M')}–{calendar.closes.strftime('%H:%M')}",
                ),
                (t("Time zone"), ctx.workspace.timezone),
                (t("Public holidays"), region),
                (t("Closed days"), closed),
                (t("Warning"), t("at {percent} of the time").format(percent=t.percent(warn))),
            ),
        ),
        Section(title=t("Targets by priority"), body="\n".join(targets)),
    ]
    if overrides:
        sections.append(Section(title=t("Targets for categories"), body="\n".join(overrides)))
    return Message(text=t("Response and resolution targets"), sections=tuple(sections))


def _general(rows: list[SlaTarget], calendar: Calendar, priority: str) -> Target:
    return target_for([r for r in rows if r.category is None], calendar, priority, None)


def _of_row(row: SlaTarget, calendar: Calendar) -> Target:
    return Target(
        row.priority,
        row.category,
        span_of_minutes(row.response_minutes, calendar),
        span_of_minutes(row.resolution_minutes, calendar),
    )


async def _show(ctx: Context, note: str | None = None) -> Reply:
    setup = await setup_of(ctx.session, ctx.workspace)
    message = overview(ctx, setup.calendar, list(setup.targets), setup.warn_percent)
    if note:
        message = Message(text=message.text, sections=(Section(body=note), *message.sections))
    return Reply.say(message)


async def show_command(ctx: Context, _rest: str) -> Reply:
    return await _show(ctx)


async def _changed(ctx: Context, row: BusinessHours | SlaTarget, **changes: Any) -> Reply:
    """Audited, the open complaints' deadlines computed anew, and the settings shown. Setting
    what is set already (a repeated or double-sent command) changes and audits nothing."""
    if row not in ctx.session.new and not ctx.session.is_modified(row):
        return await _show(ctx, ctx.t("Nothing changed."))
    if isinstance(row, BusinessHours):
        row.updated_at = ctx.now()
    await ctx.session.flush()
    service.audit(ctx, "sla_settings", None, **changes)
    count = await recompute_workspace(ctx.session, ctx.workspace, ctx.now())
    note = ctx.t.ngettext(
        "Saved. The deadlines of {count} open complaint were computed again.",
        "Saved. The deadlines of {count} open complaints were computed again.",
        count,
    ).format(count=ctx.t.number(count, 0))
    return await _show(ctx, note)


async def hours_command(ctx: Context, rest: str) -> Reply:
    """/sla hours mon-sat 09:30-18:30"""
    if not rest.strip():
        return await _show(ctx)
    words = rest.split()
    if len(words) != 2:
        raise UserError(N_("Give the days and hours, for example: /sla hours mon-fri 09:00-18:00"))
    days = settings.parse_days(words[0])
    opens, closes = settings.parse_times(words[1])
    await lock_workspace(ctx)
    row = await _hours_row(ctx)
    row.days = ",".join(str(d) for d in sorted(days))
    row.opens, row.closes = opens.strftime("%H:%M"), closes.strftime("%H:%M")
    return await _changed(ctx, row, days=days_text(days), opens=row.opens, closes=row.closes)


async def holidays_command(ctx: Context, rest: str) -> Reply:
    """/sla holidays IN MH, /sla holidays PH, /sla holidays off"""
    words = rest.split()
    if not words:
        return await _show(ctx)
    if len(words) > 2:
        raise UserError(N_("Give a country and a subdivision, for example: /sla holidays IN MH"))
    await lock_workspace(ctx)
    row = await _hours_row(ctx)
    if words == ["off"] or (words[0].lower() == "off" and len(words) == 1):
        row.country = row.subdivision = None
    else:
        row.country, row.subdivision = settings.parse_region(
            words[0], words[1] if len(words) == 2 else None
        )
    return await _changed(ctx, row, country=row.country, subdivision=row.subdivision)


async def closed_command(ctx: Context, rest: str) -> Reply:
    """/sla closed add|remove YYYY-MM-DD"""
    words = rest.split()
    if not words:
        return await _show(ctx)
    if len(words) != 2 or words[0].lower() not in ("add", "remove"):
        raise UserError(N_("Use /sla closed add YYYY-MM-DD or /sla closed remove YYYY-MM-DD."))
    day = settings.parse_date(words[1]).isoformat()
    await lock_workspace(ctx)
    row = await _hours_row(ctx)
    days = set(row.closed or [])
    if words[0].lower() == "add":
        days.add(day)
    else:
        days.discard(day)
    row.closed = sorted(days)  # a new list, so the ORM sees it
    return await _changed(ctx, row, closed=row.closed)


async def target_command(ctx: Context, rest: str) -> Reply:
    """/sla target PRIORITY RESPONSE RESOLUTION [category NAME]"""
    if not rest.strip():
        return await _show(ctx)
    head, _, name = rest.partition(" category ")
    words = head.split()
    if len(words) != 3:
        raise UserError(
            N_(
                "Use /sla target PRIORITY RESPONSE RESOLUTION, "
                "for example: /sla target urgent 1h 8h"
            )
        )
    priority = settings.parse_priority(words[0])
    response, resolution = settings.parse_span(words[1]), settings.parse_span(words[2])
    category = category_code(ctx, name) if name.strip() else None
    await lock_workspace(ctx)
    setup = await setup_of(ctx.session, ctx.workspace)
    response_minutes = response.minutes(setup.calendar)
    resolution_minutes = resolution.minutes(setup.calendar)
    if response_minutes > resolution_minutes:
        raise UserError(
            N_("The first response target cannot be longer than the resolution target.")
        )
    row = await ctx.session.scalar(
        select(SlaTarget).where(
            SlaTarget.workspace_id == ctx.workspace.id,
            SlaTarget.priority == priority,
            SlaTarget.category.is_(None) if category is None else SlaTarget.category == category,
        )
    )
    if row is None:
        row = SlaTarget(workspace_id=ctx.workspace.id, priority=priority, category=category)
        ctx.session.add(row)
    row.response_minutes, row.resolution_minutes = response_minutes, resolution_minutes
    return await _changed(
        ctx,
        row,
        priority=priority,
        category=category,
        response=str(response),
        resolution=str(resolution),
    )


async def warn_command(ctx: Context, rest: str) -> Reply:
    """/sla warn 75: the agent is warned when this share of the time is used."""
    if not rest.strip():
        return await _show(ctx)
    percent = settings.parse_percent(rest)
    await lock_workspace(ctx)
    row = await _hours_row(ctx)
    row.warn_percent = percent
    return await _changed(ctx, row, warn_percent=percent)


SLA = Command(
    "sla",
    N_("Response and resolution targets, in business hours"),
    title=N_("Targets"),
    default="show",
    subcommands=(
        Command("show", N_("the business hours and targets"), show_command),
        Command(
            "hours",
            N_("the working days and hours"),
            hours_command,
            (
                Arg("days", ArgKind.TEXT, N_("Working days, e.g. mon-fri"), placeholder="DAYS"),
                Arg(
                    "hours",
                    ArgKind.TEXT,
                    N_("Opening hours, e.g. 09:00-18:00"),
                    placeholder="HH:MM-HH:MM",
                ),
            ),
            change=MANAGERS,
        ),
        Command(
            "holidays",
            N_("the public holidays of a country and region"),
            holidays_command,
            (
                Arg(
                    "country",
                    ArgKind.TEXT,
                    N_("A country code, e.g. IN, or off"),
                    placeholder="COUNTRY|off",
                ),
                Arg(
                    "region", ArgKind.TEXT, N_("A subdivision code, e.g. MH"), placeholder="REGION"
                ),
            ),
            change=MANAGERS,
        ),
        Command(
            "closed",
            N_("the workspace's own closed days"),
            closed_command,
            (
                Arg("change", ArgKind.CHOICE, N_("Add or remove a day"), choices=("add", "remove")),
                Arg("date", ArgKind.TEXT, N_("A date, e.g. 2026-12-24"), placeholder="YYYY-MM-DD"),
            ),
            change=MANAGERS,
        ),
        Command(
            "target",
            N_("the targets of a priority"),
            target_command,
            (
                Arg(
                    "priority",
                    ArgKind.CHOICE,
                    N_("Which priority"),
                    choices=tuple(reversed(PRIORITIES)),
                ),
                Arg(
                    "response",
                    ArgKind.TEXT,
                    N_("First response, e.g. 4h or 1d"),
                    placeholder="SPAN",
                ),
                Arg(
                    "resolution", ArgKind.TEXT, N_("Resolution, e.g. 8h or 2d"), placeholder="SPAN"
                ),
                Arg(
                    "category",
                    ArgKind.TEXT,
                    N_("Only complaints of this kind"),
                    keyword=True,
                    placeholder="NAME",
                ),
            ),
            change=MANAGERS,
        ),
        Command(
            "warn",
            N_("when the agent is warned"),
            warn_command,
            (Arg("percent", ArgKind.NUMBER, N_("Share of the time used, 1 to 99")),),
            change=MANAGERS,
        ),
    ),
)

router.add(SLA)
