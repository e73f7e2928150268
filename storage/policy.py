"""The policy workbook's tables: every version of each answer, where each section stands,
and the training sessions planned from it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base

if TYPE_CHECKING:  # resolved by name when the mappers are configured (storage/models.py)
    from storage.models import Member


class PolicyEntry(Base):
    """One answer to one prompt of the policy workbook, as someone wrote it. Rows are never
    changed: each save adds the items that changed under the section's next version, so
    every version of the policy stays readable and comparable."""

    __tablename__ = "policy_entries"
    __table_args__ = (
        Index("ix_policy_entries_workspace_section", "workspace_id", "section", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(32))
    item: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    at: Mapped[datetime]

    by: Mapped[Member] = relationship(lazy="joined")


class PolicySection(Base):
    """Where a workbook section stands: its latest version, and the version a manager
    marked final (a later change leaves it unfinal until marked again)."""

    __tablename__ = "policy_sections"
    __table_args__ = (UniqueConstraint("workspace_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=0)
    final_version: Mapped[int | None] = mapped_column(Integer)
    final_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    final_at: Mapped[datetime | None]


class TrainingSession(Base):
    """A training meeting from the workbook's plan; the team is reminded the day before."""

    __tablename__ = "training_sessions"
    __table_args__ = (Index("ix_training_sessions_workspace_at", "workspace_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # kickoff|session
    at: Mapped[datetime]
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
