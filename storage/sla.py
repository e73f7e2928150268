"""Response and resolution targets: each workspace's business hours, its targets by priority
(and optionally category), and each complaint's clock (its deadlines, and when they were met,
warned of or breached)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class BusinessHours(Base):
    """A workspace's working week in its time zone (the workspace's), its public holidays'
    country and subdivision (`holidays`), its own closed days, and when to warn."""

    __tablename__ = "business_hours"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[str] = mapped_column(String(16), default="0,1,2,3,4")  # Monday is 0
    opens: Mapped[str] = mapped_column(String(5), default="09:00")  # HH:MM, local
    closes: Mapped[str] = mapped_column(String(5), default="18:00")
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1, e.g. IN, PH
    subdivision: Mapped[str | None] = mapped_column(String(8))  # e.g. MH
    closed: Mapped[list[Any]] = mapped_column(JSON, default=list)  # ISO dates
    warn_percent: Mapped[int] = mapped_column(Integer, default=75)
    updated_at: Mapped[datetime]

    def closed_days(self) -> frozenset[date]:
        return frozenset(date.fromisoformat(d) for d in self.closed)


class SlaTarget(Base):
    """A target for one priority (and, when set, one category): business minutes to the first
    response and to resolution. Without a row, the defaults in bot/sla apply."""

    __tablename__ = "sla_targets"
    __table_args__ = (UniqueConstraint("workspace_id", "priority", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    priority: Mapped[str] = mapped_column(String(8))  # low|normal|high|urgent
    category: Mapped[str | None] = mapped_column(String(64))
    response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)


class ComplaintClock(Base):
    """One complaint's deadlines in UTC, computed in business time. The first response is the
    first step recorded, or the resolution, whichever comes first. While the complaint waits
    for the customer the resolution clock stops: `waiting_since` is set, and the business time
    it waited is added to `waited_minutes` when it goes on."""

    __tablename__ = "complaint_clocks"
    __table_args__ = (
        Index("ix_complaint_clocks_workspace_resolution", "workspace_id", "resolution_due_at"),
    )

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    waiting_since: Mapped[datetime | None]
    waited_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # Told once each: the warning before a deadline, and its breach.
    response_warned_at: Mapped[datetime | None]
    response_breached_at: Mapped[datetime | None]
    resolution_warned_at: Mapped[datetime | None]
    resolution_breached_at: Mapped[datetime | None]
