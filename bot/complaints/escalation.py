"""Escalation: senior management is involved quickly when needed (domain.md §2.4, complaints).

A complaint still open past the workspace's time limit, or with compensation above its
amount, is brought to the managers once: in the managers' channel when one is set, else in
each manager's DM, with a button to take it over. Channel posts carry no personal data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic_core import PydanticCustomError
from sqlalchemy import select

from bot.categories import category_label
from bot.complaints import planning, service, views
from bot.complaints.handlers import changed, parse_number
from bot.complaints.planning import ESCALATION
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_, Translator
from bot.scheduled import JobContext, Outgoing, actor_for, managers
from bot.tree import Router
from bot.ui import Audience, Button, ButtonStyle, Message, Post, Reply, Section
from bot.validation import minor_to_amount, parse_amount_minor
from storage.models import Complaint

router = Router("complaints.escalation")

HOURS_MAX = 24 * 365


def reasons(t: Translator, complaint: Complaint, ctx_now: datetime, workspace: Any) -> list[str]:
    found = []
    limit = workspace.escalate_above_minor
    if limit is not None and (complaint.compensation_minor or 0) > limit:
        found.append(
            t("compensation above the limit of {amount}").format(
                amount=t.money(minor_to_amount(limit, workspace.currency), workspace.currency)
            )
        )
    hours = workspace.escalate_after_hours
    if hours is not None and complaint.resolved_at is None:
        open_for = (ctx_now - complaint.received_at).total_seconds() / 3600
        if open_for >= hours:
            found.append(
                t.ngettext(
                    "open for more than {hours} hour", "open for more than {hours} hours", hours
                ).format(hours=t.number(hours, 0))
            )
    return found


def notice(t: Translator, complaint: Complaint, why: list[str]) -> Message:
    """No customer name, address or phone: it may be posted in a channel."""
    number = str(complaint.number)
    return Message(
        text=t("Needs a manager: complaint #{number} · {category}").format(
            number=complaint.number, category=category_label(complaint.category, t)
        ),
        sections=(
            Section(
                body="; ".join(why),
                fields=(
                    (t("Received by"), complaint.received_by.display_name),
                    (t("Received"), t.datetime(complaint.received_at)),
                    (t("Compensation"), views.compensation(complaint, t)),
                ),
            ),
        ),
        buttons=(
            Button(t("Take it over"), "escalation.take", number, ButtonStyle.PRIMARY),
            Button(t("Details"), "complaint.details", number),
        ),
    )


async def _escalated(job: JobContext) -> tuple[Complaint, list[str]] | None:
    complaint = await job.session.get(Complaint, job.job.subject_id)
    if complaint is None or complaint.escalated_at is not None:
        return None
    why = reasons(job.workspace_translator(), complaint, job.now(), job.workspace)
    return (complaint, why) if why else None


@router.job(ESCALATION)
class Escalation:
    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        found = await _escalated(job)
        if found is None:
            return ()
        complaint, _ = found
        people = await managers(job.session, job.workspace)
        channel = job.workspace.managers_channel
        if channel:
            t = job.workspace_translator()
            post = Post(notice(t, complaint, found[1]), Audience.CHANNEL, channel)
            sender = people[0] if people else complaint.received_by
            return (Outgoing(actor_for(job.workspace, sender), Reply(posts=(post,))),)
        out = []
        for manager in people:  # none: nobody to tell, and the job ends
            ctx = job.context_for(manager)
            why = reasons(ctx.t, complaint, job.now(), job.workspace)
            post = Post(notice(ctx.t, complaint, why), Audience.DM)
            out.append(Outgoing(ctx.actor, Reply(posts=(post,))))
        return tuple(out)

    async def finish(self, job: JobContext) -> datetime | None:
        found = await _escalated(job)
        if found is not None:
            found[0].escalated_at = job.now()
        return None


@router.action("escalation.take")
async def take_over(ctx: Context, _action: str, value: str) -> Reply:
    complaint = await service.get(ctx, number=parse_number(value), for_update=True)
    await service.assign(ctx, complaint=complaint, assignee_external_id=ctx.member.external_id)
    note = ctx.t("You took over complaint #{number}.").format(number=complaint.number)
    return changed(ctx, complaint, note)


async def escalation_command(ctx: Context, rest: str) -> Reply:
    """/complaint escalation [hours N | amount X | off]: show or set the two limits."""
    t = ctx.t
    workspace = ctx.workspace
    what, _, value = rest.strip().partition(" ")
    what, value = what.lower(), value.strip()
    if what == "hours":
        if not value.isdecimal() or not 1 <= int(value) <= HOURS_MAX:
            raise UserError(
                N_("Give a number of hours, for example: /complaint escalation hours 48")
            )
        workspace.escalate_after_hours = int(value)
    elif what == "amount":
        try:
            workspace.escalate_above_minor = parse_amount_minor(value, workspace.currency)
        except PydanticCustomError as exc:
            params = dict(exc.context or {})
            raise UserError(str(params.pop("msgid")), **params) from None
    elif what == "off":
        workspace.escalate_after_hours = workspace.escalate_above_minor = None
    elif what:
        raise UserError(N_("Use /complaint escalation hours N, amount X or off."))
    if what in ("hours", "amount"):
        await _plan_open_complaints(ctx)
    hours = (
        t.ngettext(
            "after {hours} hour open", "after {hours} hours open", workspace.escalate_after_hours
        ).format(hours=t.number(workspace.escalate_after_hours, 0))
        if workspace.escalate_after_hours
        else t("not by time")
    )
    amount = (
        t("above {amount}").format(
            amount=t.money(
                minor_to_amount(workspace.escalate_above_minor, workspace.currency),
                workspace.currency,
            )
        )
        if workspace.escalate_above_minor is not None
        else t("not by compensation")
    )
    return Reply.text(
        t("Complaints are brought to managers {hours}, and {amount}.").format(
            hours=hours, amount=amount
        )
    )


async def _plan_open_complaints(ctx: Context) -> None:
    """New limits apply to complaints already open, not only to new ones."""
    rows = await ctx.session.scalars(
        select(Complaint).where(
            Complaint.workspace_id == ctx.workspace.id,
            Complaint.resolved_at.is_(None),
            Complaint.escalated_at.is_(None),
        )
    )
    for complaint in rows:
        await planning.replan_escalation(ctx, complaint)


async def managers_command(ctx: Context, rest: str) -> Reply:
    """/complaint managers here|off: the channel where escalations go (else managers' DMs)."""
    where = rest.strip().lower()
    if where == "here":
        if ctx.actor.is_dm or not ctx.actor.channel_id:
            raise UserError(N_("Type this in the channel that should receive escalations."))
        ctx.workspace.managers_channel = ctx.actor.channel_id
        return Reply.text(ctx.t("Escalations will be posted in this channel."))
    if where == "off":
        ctx.workspace.managers_channel = None
        return Reply.text(ctx.t("Escalations will go to each manager's direct messages."))
    raise UserError(N_("Use /complaint managers here or /complaint managers off."))
