"""Row locks taken before reading the state a change depends on.

On PostgreSQL two events run at once, each in its own transaction: a change decided on what
was read before the other committed is a lost update. Locking the row first makes the second
event wait for the first and then read what it wrote (READ COMMITTED takes a new snapshot per
statement). SQLite runs one transaction at a time (storage.db), where the lock is a no-op.

The lock is FOR NO KEY UPDATE, not FOR UPDATE: inserting a row that refers to the locked one
(an audit event, a delivery's key) takes FOR KEY SHARE on it, which FOR UPDATE would wait on,
so two events that had each inserted one would deadlock. NO KEY UPDATE still excludes itself.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.context import Context
from storage.models import Workspace


async def lock_workspace(ctx: Context) -> None:
    """Locks the workspace's row and re-reads it into `ctx.workspace` (its settings, its
    categories): for changes to the workspace's own lists and settings."""
    await ctx.session.execute(
        select(Workspace)
        .where(Workspace.id == ctx.workspace.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
