"""PERSONAL_DATA_RETENTION_DAYS: resolved complaints' personal data is anonymised that long after
resolution, by one job per workspace that runs once a day.

A complaint qualifies when it is resolved, was resolved at least that many days ago, is not
erased yet, and its retention check is not still to be made (the agent needs the phone number
to call). An open complaint never qualifies; one reopened and resolved again counts from its
new resolution. Each run anonymises at most BATCH complaints, so a first run over years of
history is spread over ticks (the job is due again at once while some are left) instead of
holding one long transaction.

The job is planned when a workspace is created and, for every workspace, when carebot starts
(bot/privacy/planning.py), so turning the setting on needs only a restart. With the setting
off, a job that comes due ends itself. It says nothing: it returns one Outgoing with an empty
Reply, as the digest does when it has nothing to post, because no message would end the job.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.complaints.service import RESOLVED
from bot.privacy import customers
from bot.privacy.planning import DAILY, KIND
from bot.scheduled import JobContext, Outgoing, actor_for
from bot.tree import Router
from bot.ui import Reply
from storage.models import Complaint, Member, RetentionCheck, Workspace

router = Router("privacy.retention")

BATCH = 500


def _due(workspace_id: int, cutoff: datetime) -> Select[Complaint]:
    open_check = exists().where(
        RetentionCheck.complaint_id == Complaint.id,
        RetentionCheck.state.in_(customers.OPEN_CHECK),
    )
    return (
        select(Complaint)
        .where(
            Complaint.workspace_id == workspace_id,
            Complaint.status == RESOLVED,
            Complaint.resolved_at <= cutoff,
            Complaint.erased_at.is_(None),
            ~open_check,
        )
        .order_by(Complaint.resolved_at, Complaint.id)
    )


async def _someone(session: AsyncSession, workspace: Workspace) -> Member | None:
    """Any member, to address the empty Outgoing to: nothing is delivered to them."""
    return await session.scalar(
        select(Member).where(Member.workspace_id == workspace.id).order_by(Member.id).limit(1)
    )


@router.job(KIND)
class AnonymiseJob:
    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        days = job.settings.personal_data_retention_days
        member = await _someone(job.session, job.workspace)
        if days is None or member is None:
            return ()  # the setting is off (or nobody is here): the job ends
        now = job.now()
        batch = list(
            await job.session.scalars(
                _due(job.workspace.id, now - timedelta(days=days)).limit(BATCH)
            )
        )
        if batch:
            await customers.erase(job.session, job.workspace.id, batch, now)
            customers.record(
                job.session, job.workspace.id, None, "retention_erased", now, batch, days=days
            )
        return (Outgoing(actor_for(job.workspace, member), Reply()),)

    async def finish(self, job: JobContext) -> datetime | None:
        """Again at once while complaints are left over from a full batch, else tomorrow."""
        days = job.settings.personal_data_retention_days
        if days is None:
            return None
        now = job.now()
        left = await job.session.scalar(
            _due(job.workspace.id, now - timedelta(days=days))
            .with_only_columns(Complaint.id)
            .limit(1)
        )
        return now if left is not None else now + DAILY
