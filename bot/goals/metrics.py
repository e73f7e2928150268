"""What a goal measures, computed from the log for a window [start, end), or recorded by hand.

Every query is scoped by workspace and window and aggregates in the database where the
answer is a count; resolution times fetch only the (received, resolved) pairs of the window
(through ix_complaints_workspace_resolved), since SQLite has no percentile function and one
Python definition keeps both backends equal. A metric with nothing to measure is None
("no data"), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.goals.periods import Window
from bot.i18n import N_
from storage.models import Complaint, FollowUp, MetricValue, RetentionCheck

HUNDRED = Decimal(100)
SECONDS_PER_HOUR = Decimal(3600)
MANUAL = "manual"


class Unit(StrEnum):
    PERCENT = "percent"
    HOURS = "hours"
    COUNT = "count"
    VALUE = "value"


class Param(StrEnum):
    HOURS = "hours"
    CATEGORY = "category"
    NAME = "name"


@dataclass(frozen=True)
class Metric:
    code: str
    label: str  # N_ id; {param} is the parameter when there is one
    unit: Unit
    param: Param | None = None


METRICS: dict[str, Metric] = {
    m.code: m
    for m in (
        Metric("satisfied_pct", N_("Customers satisfied at the retention check"), Unit.PERCENT),
        Metric("bought_again_pct", N_("Customers who bought again"), Unit.PERCENT),
        Metric("resolution_median_hours", N_("Median time to resolve"), Unit.HOURS),
        Metric("resolution_p90_hours", N_("Time to resolve, 90th percentile"), Unit.HOURS),
        Metric(
            "resolved_within_pct",
            N_("Complaints resolved within {param} hours"),
            Unit.PERCENT,
            Param.HOURS,
        ),
        Metric("follow_ups_on_time_pct", N_("Follow-ups done on time"), Unit.PERCENT),
        Metric("complaints_count", N_("Complaints received"), Unit.COUNT, Param.CATEGORY),
        Metric(MANUAL, N_("Recorded figure: {param}"), Unit.VALUE, Param.NAME),
    )
}


def _pct(part: int, whole: int) -> Decimal | None:
    return Decimal(part) * HUNDRED / whole if whole else None


def percentile(values: list[Decimal], q: Decimal) -> Decimal | None:
    """Linear interpolation between closest ranks (PostgreSQL's percentile_cont): the median
    of 2 h and 4 h is 3 h; the 90th percentile of 1..10 h is 9.1 h."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def resolution_hours(
    session: AsyncSession, workspace_id: int, window: Window
) -> list[Decimal]:
    """Hours from received to resolved, for complaints resolved in the window."""
    rows = await session.execute(
        select(Complaint.received_at, Complaint.resolved_at).where(
            Complaint.workspace_id == workspace_id,
            Complaint.resolved_at >= window.start,
            Complaint.resolved_at < window.end,
        )
    )
    hours = []
    for received, resolved in rows:
        assert resolved is not None  # the range above excludes unresolved complaints
        delta = resolved - received
        seconds = Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6
        hours.append(max(seconds, Decimal(0)) / SECONDS_PER_HOUR)
    return hours


async def _retention(
    session: AsyncSession, workspace_id: int, window: Window, column: str
) -> Decimal | None:
    """% yes among yes/no answers given in the window; unreachable and unknown left out."""
    answer = getattr(RetentionCheck, column)
    yes, answered = (
        await session.execute(
            select(
                func.count(case((answer == "yes", 1))),
                func.count(case((answer.in_(("yes", "no")), 1))),
            ).where(
                RetentionCheck.workspace_id == workspace_id,
                RetentionCheck.answered_at >= window.start,
                RetentionCheck.answered_at < window.end,
            )
        )
    ).one()
    return _pct(yes, answered)


async def _follow_ups_on_time(
    session: AsyncSession, workspace_id: int, window: Window
) -> Decimal | None:
    """Follow-ups due in the window (replaced ones left out): % done by their due time."""
    on_time, due = (
        await session.execute(
            select(
                func.count(
                    case(((FollowUp.state == "done") & (FollowUp.done_at <= FollowUp.due_at), 1))
                ),
                func.count(),
            )
            .select_from(FollowUp)
            .join(Complaint, Complaint.id == FollowUp.complaint_id)
            .where(
                Complaint.workspace_id == workspace_id,
                FollowUp.due_at >= window.start,
                FollowUp.due_at < window.end,
                FollowUp.state != "cancelled",
            )
        )
    ).one()
    return _pct(on_time, due)


async def _complaints_count(
    session: AsyncSession, workspace_id: int, window: Window, category: str | None
) -> Decimal:
    query = (
        select(func.count())
        .select_from(Complaint)
        .where(
            Complaint.workspace_id == workspace_id,
            Complaint.received_at >= window.start,
            Complaint.received_at < window.end,
        )
    )
    if category:
        query = query.where(Complaint.category == category)
    return Decimal(await session.scalar(query) or 0)


async def _manual(
    session: AsyncSession, workspace_id: int, window: Window, name: str
) -> Decimal | None:
    """The mean of the values recorded for days in the window: a figure recorded weekly
    reads as itself, one recorded daily as the window's average day."""
    values = list(
        await session.scalars(
            select(MetricValue.value).where(
                MetricValue.workspace_id == workspace_id,
                MetricValue.name == name,
                MetricValue.on >= window.first_day,
                MetricValue.on < window.end_day,
            )
        )
    )
    return sum(values, Decimal(0)) / len(values) if values else None


async def measure(
    session: AsyncSession, workspace_id: int, metric: str, param: str | None, window: Window
) -> Decimal | None:
    """The metric's value over the window, or None when there is nothing to measure."""
    if metric in ("satisfied_pct", "bought_again_pct"):
        column = "satisfied" if metric == "satisfied_pct" else "bought_again"
        return await _retention(session, workspace_id, window, column)
    if metric == "follow_ups_on_time_pct":
        return await _follow_ups_on_time(session, workspace_id, window)
    if metric == "complaints_count":
        return await _complaints_count(session, workspace_id, window, param)
    if metric == MANUAL:
        return await _manual(session, workspace_id, window, param or "")
    hours = await resolution_hours(session, workspace_id, window)
    if metric == "resolution_median_hours":
        return percentile(hours, Decimal("0.5"))
    if metric == "resolution_p90_hours":
        return percentile(hours, Decimal("0.9"))
    if metric == "resolved_within_pct":
        limit = Decimal(param or "0")
        return _pct(sum(1 for h in hours if h <= limit), len(hours))
    raise ValueError(f"unknown metric {metric!r}")
