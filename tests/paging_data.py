"""Large workspaces made fast: thousands of complaints and a long category list, written
straight into the database (logging 5,000 complaints through forms would take minutes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from storage.db import Database
from storage.models import Assessment, AssessmentAnswer, Complaint, Member, Workspace, table_of


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


async def copies_of_first_assessment(db: Database, count: int) -> None:
    """`count` more people ("Person 001"…), each with a completed copy of the first completed
    self-assessment (taking 25 statements by buttons for each would be slow)."""
    async with db.transaction() as session:
        first = await session.scalar(select(Assessment).where(Assessment.completed_at.is_not(None)))
        assert first is not None
        answers = (
            await session.scalars(
                select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == first.id)
            )
        ).all()
        for n in range(1, count + 1):
            member = Member(
                workspace_id=first.workspace_id,
                external_id=f"person{n:03d}",
                display_name=f"Person {n:03d}",
                created_at=first.started_at,
            )
            session.add(member)
            await session.flush()
            run = Assessment(
                workspace_id=first.workspace_id,
                member_id=member.id,
                question_set=first.question_set,
                position=first.position,
                started_at=first.started_at,
                completed_at=first.completed_at,
            )
            session.add(run)
            await session.flush()
            session.add_all(
                AssessmentAnswer(
                    assessment_id=run.id, item=a.item, score=a.score, answered_at=a.answered_at
                )
                for a in answers
            )
