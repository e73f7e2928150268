"""The digest as due work: one send per workspace, channel and ISO week, re-armed each week.

When it fires, the time it was due is the schedule's latest fire time at or before now (the
engine moves a claimed job's due_at to its lease's end, so the job cannot say). The week it
reports is the ISO week that ended before that time, in the workspace's zone, and that week
is the key of its DigestSend row: a second prepare for a week already sent sends nothing.

A digest that could not go out on time (the bot was down, the platform kept failing) is sent
once when the bot is back, marked late, while it is less than `digest_grace_hours` overdue;
past that it is marked skipped and never sent, since old news in a channel only confuses.
Either way the job is armed again for the next fire time. A digest turned off ends its job.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Role
from bot.digest.content import compute
from bot.digest.schedule import KIND, latest_fire, next_fire
from bot.digest.views import render
from bot.goals.periods import week_before
from bot.scheduled import JobContext, Outgoing, actor_for
from bot.tree import Router
from bot.ui import Audience, Post, Reply
from storage.models import DigestSend, Member, Workspace

router = Router("digest.job")

# Within a quarter of an hour of its time (a scheduler tick, a retried post) is on time.
LATE_AFTER = timedelta(minutes=15)


async def _send_row(
    session: AsyncSession, workspace: Workspace, channel: str, period: str, scheduled: datetime
) -> DigestSend:
    """The week's row, created pending the first time; the unique key settles a race."""
    query = select(DigestSend).where(
        DigestSend.workspace_id == workspace.id,
        DigestSend.channel == channel,
        DigestSend.period == period,
    )
    row = await session.scalar(query)
    if row is None:
        row = DigestSend(
            workspace_id=workspace.id,
            channel=channel,
            period=period,
            scheduled_for=scheduled,
            state="pending",
            late=False,
        )
        try:
            async with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = (await session.scalars(query)).one()
    return row


async def sender(session: AsyncSession, workspace: Workspace) -> Member | None:
    """Who a channel post is sent as: the first admin, else the first manager or member."""
    rank = case(
        (Member.role == Role.ADMIN.value, 0), (Member.role == Role.MANAGER.value, 1), else_=2
    )
    return await session.scalar(
        select(Member).where(Member.workspace_id == workspace.id).order_by(rank, Member.id).limit(1)
    )


def _nothing(workspace: Workspace, member: Member) -> tuple[Outgoing, ...]:
    """Nothing to say this time, but the digest stays on. An empty tuple would end the job
    (the engine marks it done), so it is one Outgoing without posts: nothing is delivered,
    and `finish` arms the job for the next fire time."""
    return (Outgoing(actor_for(workspace, member), Reply()),)


def _period(job: JobContext, scheduled: datetime) -> str:
    return week_before(scheduled, job.workspace_translator().timezone).label


@router.job(KIND)
class DigestJob:
    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        workspace, now = job.workspace, job.now()
        channel = workspace.digest_channel
        if not channel:
            return ()  # turned off: the job ends
        member = await sender(job.session, workspace)
        if member is None:
            return ()  # nobody to send as (nobody ever spoke to the bot here)
        scheduled = latest_fire(workspace, now)
        send = await _send_row(job.session, workspace, channel, _period(job, scheduled), scheduled)
        if send.state != "pending":  # this week's digest is out already (or was skipped)
            return _nothing(workspace, member)
        send.scheduled_for = scheduled  # the schedule may have changed since a failed try
        overdue = now - scheduled
        if overdue > timedelta(hours=job.settings.digest_grace_hours):
            send.state = "skipped"
            return _nothing(workspace, member)
        send.late = overdue > LATE_AFTER
        t = job.workspace_translator()
        week = week_before(scheduled, t.timezone)
        digest = await compute(job.session, workspace, week, now)
        message = render(digest, t, currency=workspace.currency, late=send.late)
        post = Post(message, Audience.CHANNEL, channel=channel)
        return (Outgoing(actor_for(workspace, member), Reply(posts=(post,))),)

    async def finish(self, job: JobContext) -> datetime | None:
        """Marks the week's digest sent (a no-op after `_nothing`) and arms the next one."""
        workspace, now = job.workspace, job.now()
        if not workspace.digest_channel:
            return None
        period = _period(job, latest_fire(workspace, now))
        send = await job.session.scalar(
            select(DigestSend).where(
                DigestSend.workspace_id == workspace.id,
                DigestSend.channel == workspace.digest_channel,
                DigestSend.period == period,
                DigestSend.state == "pending",
            )
        )
        if send is not None:
            send.state, send.sent_at = "sent", now
        return next_fire(workspace, now)
