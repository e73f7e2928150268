"""Service goals and the figures recorded by hand that goals can be set on."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Goal(Base):
    """A quantitative service goal: a metric, ≥ or ≤, a target, per week or month."""

    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_workspace", "workspace_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # shown to people: /goal edit 2
    metric: Mapped[str] = mapped_column(String(32))
    # The metric's parameter: hours for "resolved within", a category, a manual metric's name.
    param: Mapped[str | None] = mapped_column(String(64))
    comparison: Mapped[str] = mapped_column(String(2))  # ge|le
    target: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    period: Mapped[str] = mapped_column(String(8))  # week|month
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class MetricValue(Base):
    """A figure recorded by hand (/metric record returns 12): returns, call answer time..."""

    __tablename__ = "metric_values"
    __table_args__ = (Index("ix_metric_values_workspace_name_on", "workspace_id", "name", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    at: Mapped[datetime]
