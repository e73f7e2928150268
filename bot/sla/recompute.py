"""Every open complaint of a workspace re-planned after its business hours or targets
changed: one complaint at a time, the workspace's settings read once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sla.clock import replan, setup_of
from storage.models import Complaint, Workspace


async def recompute_workspace(session: AsyncSession, workspace: Workspace, now: datetime) -> int:
    """Re-plans the workspace's open complaints; returns how many."""
    setup = await setup_of(session, workspace)
    complaints = (
        await session.scalars(
            select(Complaint).where(
                Complaint.workspace_id == workspace.id, Complaint.resolved_at.is_(None)
            )
        )
    ).unique()
    count = 0
    for complaint in complaints:
        await replan(session, workspace, complaint, now, setup)
        count += 1
    return count
