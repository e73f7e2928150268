"""Posts a platform refused for good, one row per workspace, channel and error."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DeliveryFailure

FAILURE_ERROR_LEN = 64  # DeliveryFailure.error
FAILURE_LOCK_SPACE = 0x6362  # advisory lock class of record_delivery_failure ("cb")


async def record_delivery_failure(
    session: AsyncSession, workspace_id: int, channel: str | None, error: str, at: datetime
) -> None:
    """Admins see a gone channel once, with the latest time, not once per refused post.

    There is no unique key to upsert on (the channel may be NULL), so on PostgreSQL a lock per
    workspace queues the writers in any process: a reply's refused note and the outbox's
    refused card, failing at the same moment, would otherwise each find no row and insert one.
    SQLite has one writer at a time already."""
    error = error[:FAILURE_ERROR_LEN]
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :workspace)"),
            {"space": FAILURE_LOCK_SPACE, "workspace": workspace_id},
        )
    same = await session.scalar(
        select(DeliveryFailure).where(
            DeliveryFailure.workspace_id == workspace_id,
            DeliveryFailure.channel.is_(None)
            if channel is None
            else DeliveryFailure.channel == channel,
            DeliveryFailure.error == error,
        )
    )
    if same is not None:
        same.at = at
    else:
        session.add(DeliveryFailure(workspace_id=workspace_id, channel=channel, error=error, at=at))
