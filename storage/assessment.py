"""The self-assessment's tables: each person's runs of it and the score they gave each
statement."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base

if TYPE_CHECKING:  # resolved by name when the mappers are configured (storage/models.py)
    from storage.models import Member


class Assessment(Base):
    """One run of the self-assessment by one person: in progress until all answers are in.

    `question_set` names the wording the answers were given to, so results stay comparable
    when a later version changes it. At most one unfinished run per person (partial index).
    """

    __tablename__ = "assessments"
    __table_args__ = (
        Index(
            "uq_assessments_one_open_per_member",
            "member_id",
            unique=True,
            sqlite_where=text("completed_at IS NULL"),
            postgresql_where=text("completed_at IS NULL"),
        ),
        Index("ix_assessments_workspace_completed", "workspace_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    question_set: Mapped[str] = mapped_column(String(32))
    # Index of the statement on screen (0-based); equals the item count once complete.
    position: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime]
    paused_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship(lazy="joined", innerjoin=True)
    answers: Mapped[list[AssessmentAnswer]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="AssessmentAnswer.answered_at"
    )


class AssessmentAnswer(Base):
    """A score from 1 to 5 given to one statement; answering again after Back replaces it."""

    __tablename__ = "assessment_answers"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[str] = mapped_column(String(8), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime]
