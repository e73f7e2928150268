"""Follow-up reminders: when a follow-up is due, the responsible agent gets a DM with what to
do next, and the complaint's card shows that it is due."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import String, cast, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.categories import category_label
from bot.complaints import service, views
from bot.complaints.handlers import changed, parse_number
from bot.complaints.planning import FOLLOW_UP
from bot.complaints.schemas import FollowUpDoneIn, FollowUpIn, FollowUpOutcome
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_
from bot.outbox import standing
from bot.scheduled import JobContext, Outgoing
from bot.tree import Router
from bot.ui import Audience, Button, ButtonStyle, Message, Post, Reply, Section
from storage.models import Complaint, FollowUp, Job, PostedMessage

router = Router("complaints.reminders")

SNOOZE = timedelta(days=1)
SNOOZE_ACTION = "follow_up.snooze"


def snooze_action(due_at: datetime) -> str:
    """Snooze names the due time it moves from (`follow_up.snooze:1764752400`): a second
    click, or a redelivered one, finds the follow-up moved already and moves it no further."""
    return f"{SNOOZE_ACTION}:{int(due_at.timestamp())}"


def reminder(ctx: Context, complaint: Complaint, follow_up: FollowUp) -> Message:
    t = ctx.t
    number = str(complaint.number)
    return Message(
        text=t("Follow-up due: complaint #{number} · {category}").format(
            number=complaint.number, category=category_label(complaint.category, t)
        ),
        sections=(
            Section(
                body=t("Check with the customer that they are satisfied."),
                fields=(
                    (t("Due"), t.datetime(follow_up.due_at)),
                    (t("What to check"), follow_up.note or "—"),
                ),
            ),
        ),
        buttons=(
            Button(t("Done – satisfied"), "follow_up.done:satisfied", number, ButtonStyle.PRIMARY),
            Button(t("Done – not satisfied"), "follow_up.done:not_satisfied", number),
            Button(t("Snooze a day"), snooze_action(follow_up.due_at), number),
            Button(t("Reschedule"), "complaint.follow_up", number),
            Button(t("Details"), "complaint.details", number),
        ),
    )


Due = tuple[Complaint, FollowUp, tuple[str, str] | None]


async def _load_due(session: AsyncSession, jobs: Sequence[Job]) -> dict[int, Due]:
    """Each job's complaint, its earliest scheduled follow-up and where its card stands: one
    query for a batch of jobs (a tick works off a thousand of these)."""
    if not jobs:
        return {}
    card_ref = literal("complaint:") + cast(Complaint.number, String)  # views.ref, in SQL
    rows = await session.execute(
        select(Complaint, FollowUp, PostedMessage.channel, PostedMessage.message_id)
        .join(FollowUp, FollowUp.complaint_id == Complaint.id)
        .outerjoin(
            PostedMessage,
            (PostedMessage.workspace_id == Complaint.workspace_id)
            & (PostedMessage.ref == card_ref),
        )
        .where(Complaint.id.in_({job.subject_id for job in jobs}), FollowUp.state == "scheduled")
        .order_by(FollowUp.due_at.desc(), FollowUp.id.desc())
    )
    # Latest first, so the earliest due follow-up of each complaint is the one that stays.
    return {
        complaint.id: (
            complaint,
            follow_up,
            # A card still in the outbox is not edited here: its own job posts it as it is now.
            (channel, message_id) if channel and standing(message_id) else None,
        )
        for complaint, follow_up, channel, message_id in rows
    }


async def _due(job: JobContext) -> Due | None:
    """The reminder owed now for this job's complaint, if any."""
    due = await job.for_batch("follow_up.due", lambda jobs: _load_due(job.session, jobs))
    found = due.get(job.job.subject_id or 0)
    if found is None:
        return None  # done or cancelled since the job was planned
    follow_up = found[1]
    if follow_up.due_at > job.now():
        return None  # moved later
    if follow_up.reminded_at is not None and follow_up.reminded_at >= follow_up.due_at:
        return None  # reminded for this due time already
    return found


@router.job(FOLLOW_UP)
class FollowUpReminder:
    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        due = await _due(job)
        if due is None:
            return ()
        complaint, follow_up, where = due
        agent = complaint.assigned_to or complaint.received_by
        ctx = job.context_for(agent)
        posts = [Post(reminder(ctx, complaint, follow_up), Audience.DM)]
        if where is not None:  # the card, edited where it stands, now says the follow-up is due
            channel_ctx = replace(ctx, t=job.workspace_translator())  # the workspace's language
            posts.append(
                Post(views.card(channel_ctx, complaint), Audience.CHANNEL, where[0], posted=where)
            )
        return (Outgoing(ctx.actor, Reply(posts=tuple(posts))),)

    async def finish(self, job: JobContext) -> datetime | None:
        now = job.now()

        async def reminded(jobs: Sequence[Job]) -> None:
            await job.session.execute(
                update(FollowUp)
                .where(
                    FollowUp.complaint_id.in_({j.subject_id for j in jobs}),
                    FollowUp.state == "scheduled",
                    FollowUp.due_at <= now,
                )
                .values(reminded_at=now)
                .execution_options(synchronize_session=False)
            )

        await job.for_batch("follow_up.reminded", reminded)
        return None


async def _complaint(ctx: Context, value: str) -> Complaint:
    return await service.get(ctx, number=parse_number(value), for_update=True)


@router.action("follow_up.done:")
async def done(ctx: Context, action: str, value: str) -> Reply:
    complaint = await _complaint(ctx, value)
    outcome = action.partition(":")[2]
    if outcome not in {o.value for o in FollowUpOutcome}:
        raise UserError(N_("That button is out of date."))
    data = FollowUpDoneIn(outcome=FollowUpOutcome(outcome))
    await service.complete_follow_up(ctx, complaint=complaint, data=data)
    note = ctx.t("Follow-up of complaint #{number} recorded.")
    return changed(ctx, complaint, note.format(number=complaint.number))


@router.action(SNOOZE_ACTION)  # a reminder sent before snooze named its due time
@router.action(SNOOZE_ACTION + ":")
async def snooze(ctx: Context, action: str, value: str) -> Reply:
    complaint = await _complaint(ctx, value)
    if complaint.follow_up_at is None:
        raise UserError(
            N_("Complaint #{number} has no follow-up scheduled."), number=complaint.number
        )
    pressed_on = action.partition(":")[2]
    if pressed_on.isdecimal() and int(complaint.follow_up_at.timestamp()) != int(pressed_on):
        # Moved since this button was shown: by this very click delivered twice, a double
        # click, or a reschedule. Moving it again would be a move nobody asked for.
        note = ctx.t("Follow-up for complaint #{number} set for {when}.")
        when = ctx.t.datetime(complaint.follow_up_at)
        return Reply.text(note.format(number=complaint.number, when=when))
    due = max(complaint.follow_up_at, ctx.now()) + SNOOZE
    data = FollowUpIn.model_construct(due_at=due, note=None)
    await service.schedule_follow_up(ctx, complaint=complaint, data=data)
    note = ctx.t("Follow-up for complaint #{number} set for {when}.")
    return changed(ctx, complaint, note.format(number=complaint.number, when=ctx.t.datetime(due)))
