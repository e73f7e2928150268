"""Large workspaces made fast: thousands of complaints and a long category list, written
straight into the database (logging 5,000 complaints through forms would take minutes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from storage.db import Database
from storage.models import Complaint, Workspace, table_of


async def copies_of_first_complaint(db: Database, count: int, **changes: Any) -> None:
    """Complaints #2 … #count+1 of the first complaint's workspace, copies of #1 (with
    `changes`, each value formatted with the number, e.g. description="Case {number}")."""
    async with db.transaction() as session:
        first = await session.scalar(select(Complaint).where(Complaint.number == 1))
        assert first is not None
        table = table_of(Complaint)
        row = {c.name: getattr(first, c.key) for c in Complaint.__mapper__.columns}
        row.pop("id")
        rows = []
        for number in range(2, count + 2):
            values = {k: v.format(number=number) for k, v in changes.items()}
            rows.append({**row, **values, "number": number})
        for start in range(0, len(rows), 1000):
            await session.execute(insert(table), rows[start : start + 1000])
        await session.execute(
            update(Workspace)
            .where(Workspace.id == first.workspace_id)
            .values(last_complaint_number=count + 1)
        )


async def set_categories(db: Database, names: list[str]) -> None:
    """Every workspace's category list (custom categories are stored as typed)."""
    async with db.transaction() as session:
        await session.execute(update(Workspace).values(categories=names))


CATEGORIES_155 = ["delivery", *(f"Category {n:03d}" for n in range(1, 155))]
