"""The warning before a deadline and the news of its breach, told once each.

A warning goes to the agent holding the complaint (assigned, else who logged it) by DM. A
breach goes to that agent and to the managers (in the managers' channel when one is set,
else each manager's DM), with buttons to take it over or hand it to someone else. Nothing
of the customer is said: a channel may read it.

A job looks again before it speaks: a deadline met, moved or stopped in the meantime (the
complaint's jobs are re-planned then, but one may already have been claimed) says nothing.
"""

from __future__ import annotations

from datetime import datetime

from bot.categories import category_label
from bot.i18n import Translator
from bot.scheduled import JobContext, Outgoing, actor_for, managers
from bot.sla.clock import (
    BREACH_KIND,
    RESPONSE,
    WARNING_KIND,
    Setup,
    deadlines_of,
    due_jobs,
    setup_of,
    slot_of,
)
from bot.sla.words import duration_words, priority_label
from bot.tree import Router
from bot.ui import Audience, Button, ButtonStyle, Message, Post, Reply, Section
from storage.models import Complaint, Member
from storage.sla import ComplaintClock

router = Router("sla.jobs")


async def _still_due(job: JobContext) -> tuple[Complaint, ComplaintClock, str, datetime] | None:
    """The complaint, its clock, which deadline and when it is due, if this job is still to
    speak now; None when the deadline was met, moved later or already told."""
    slot = slot_of(job.job.key)
    if slot is None or job.job.subject_id is None:
        return None
    complaint = await job.session.get(Complaint, job.job.subject_id)
    if complaint is None or complaint.clock is None:
        return None
    workspace = job.workspace
    setup: Setup = await job.for_batch(
        f"sla.setup:{workspace.id}", lambda _jobs: setup_of(job.session, workspace)
    )
    row = complaint.clock
    found = deadlines_of(complaint, row, setup)
    due_at = due_jobs(complaint, row, found, job.now()).get(slot)
    if due_at is None or due_at > job.now():
        return None
    deadline = found.response_due if slot[0] == RESPONSE else found.resolution_due
    return complaint, row, slot[0], deadline


def _holder(complaint: Complaint) -> Member:
    return complaint.assigned_to or complaint.received_by


def _what(which: str, t: Translator) -> str:
    return t("First response") if which == RESPONSE else t("Resolution")


def warning(
    t: Translator, complaint: Complaint, which: str, deadline: datetime, now: datetime
) -> Message:
    number = str(complaint.number)
    if which == RESPONSE:
        text = t("Complaint #{number} needs a first response by {when} ({left} left).")
        act = Button(t("Add step"), "complaint.step", number, ButtonStyle.PRIMARY)
    else:
        text = t("Complaint #{number} needs resolving by {when} ({left} left).")
        act = Button(t("Resolve"), "complaint.resolve", number, ButtonStyle.PRIMARY)
    return Message(
        text=text.format(
            number=complaint.number,
            when=t.datetime(deadline),
            left=duration_words(deadline - now, t),
        ),
        sections=(_facts(t, complaint, which, deadline),),
        buttons=(act, Button(t("Details"), "complaint.details", number)),
    )


def _facts(t: Translator, complaint: Complaint, which: str, deadline: datetime) -> Section:
    """What may be read in a channel: no customer's name, phone, email or address."""
    return Section(
        fields=(
            (t("Target"), _what(which, t)),
            (t("Due"), t.datetime(deadline)),
            (t("Priority"), priority_label(complaint.priority, t)),
            (t("Nature"), category_label(complaint.category, t)),
            (t("Held by"), _holder(complaint).display_name),
        )
    )


def breach(
    t: Translator, complaint: Complaint, which: str, deadline: datetime, now: datetime
) -> Message:
    number = str(complaint.number)
    text = (
        t("Complaint #{number} missed its first-response target by {late}.")
        if which == RESPONSE
        else t("Complaint #{number} missed its resolution target by {late}.")
    )
    return Message(
        text=text.format(number=complaint.number, late=duration_words(now - deadline, t)),
        sections=(_facts(t, complaint, which, deadline),),
        buttons=(
            Button(t("Take it over"), "escalation.take", number, ButtonStyle.PRIMARY),
            Button(t("Reassign"), "complaint.assign", number),
            Button(t("Details"), "complaint.details", number),
        ),
    )


@router.job(WARNING_KIND)
class Warning:
    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        found = await _still_due(job)
        if found is None:
            return ()
        complaint, _, which, deadline = found
        ctx = job.context_for(_holder(complaint))
        message = warning(ctx.t, complaint, which, deadline, job.now())
        return (Outgoing(ctx.actor, Reply(posts=(Post(message, Audience.DM),))),)

    async def finish(self, job: JobContext) -> datetime | None:
        found = await _still_due(job)
        if found is not None:
            setattr(found[1], f"{found[2]}_warned_at", job.now())
        return None


@router.job(BREACH_KIND)
class Breach:
    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        found = await _still_due(job)
        if found is None:
            return ()
        complaint, _, which, deadline = found
        now = job.now()
        holder = _holder(complaint)
        ctx = job.context_for(holder)
        told = Post(breach(ctx.t, complaint, which, deadline, now), Audience.DM)
        out = [Outgoing(ctx.actor, Reply(posts=(told,)))]
        people = await managers(job.session, job.workspace)
        channel = job.workspace.managers_channel
        if channel:
            t = job.workspace_translator()
            post = Post(breach(t, complaint, which, deadline, now), Audience.CHANNEL, channel)
            sender = people[0] if people else holder
            out.append(Outgoing(actor_for(job.workspace, sender), Reply(posts=(post,))))
            return tuple(out)
        for manager in people:
            if manager.id == holder.id:
                continue  # told already, as the holder
            mctx = job.context_for(manager)
            post = Post(breach(mctx.t, complaint, which, deadline, now), Audience.DM)
            out.append(Outgoing(mctx.actor, Reply(posts=(post,))))
        return tuple(out)

    async def finish(self, job: JobContext) -> datetime | None:
        found = await _still_due(job)
        if found is not None:
            setattr(found[1], f"{found[2]}_breached_at", job.now())
        return None
