"""What a goal measures, computed from the log for a window [start, end), or recorded by hand.

Every query is scoped by workspace and window and aggregates in the database where the
answer is a count (surveys through ix_surveys_workspace_sent and _answered); resolution
times fetch only the (received, resolved) pairs of the window (through
ix_complaints_workspace_resolved), since SQLite has no percentile function and one Python
definition keeps both backends equal. A metric with nothing to measure is None ("no data"),
never 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.goals.periods import Window
from bot.i18n import N_
from storage.models import Complaint, FollowUp, MetricValue, RetentionCheck, Survey
from storage.sla import ComplaintClock

HUNDRED = Decimal(100)
SECONDS_PER_HOUR = Decimal(3600)
MANUAL = "manual"
CSAT = "csat_pct"
# What figures are grouped by: a column of the complaint.
Key = ColumnElement[Any] | InstrumentedAttribute[Any]
# The agent who holds a complaint now: the one it is assigned to, else the one who logged it.
HOLDER = func.coalesce(Complaint.assigned_to_id, Complaint.received_by_id)
SATISFIED_SCORE = 4  # CSAT counts scores 4 and 5 of 5
# An answer that says "no" for a goal: the survey's "not yet" has not bought again either.
NOT_YES = ("no", "not_yet")
# Response and resolution targets (bot/sla): optionally of one priority.
RESPONSE_ON_TARGET = "response_on_target_pct"
RESOLVED_ON_TARGET = "resolved_on_target_pct"


class Unit(StrEnum):
    PERCENT = "percent"
    HOURS = "hours"
    COUNT = "count"
    VALUE = "value"


class Param(StrEnum):
    HOURS = "hours"
    CATEGORY = "category"
    PRIORITY = "priority"
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
        Metric(
            RESPONSE_ON_TARGET,
            N_("First responses within target"),
            Unit.PERCENT,
            Param.PRIORITY,
        ),
        Metric(
            RESOLVED_ON_TARGET,
            N_("Complaints resolved within target"),
            Unit.PERCENT,
            Param.PRIORITY,
        ),
        Metric("follow_ups_on_time_pct", N_("Follow-ups done on time"), Unit.PERCENT),
        Metric(CSAT, N_("CSAT: resolution surveys scoring 4–5"), Unit.PERCENT),
        Metric("survey_response_pct", N_("Survey response rate"), Unit.PERCENT),
        Metric("complaints_count", N_("Complaints received"), Unit.COUNT, Param.CATEGORY),
        Metric(MANUAL, N_("Recorded figure: {param}"), Unit.VALUE, Param.NAME),
    )
}


def pct(part: int, whole: int) -> Decimal | None:
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


def hours_between(received: datetime, resolved: datetime) -> Decimal:
    delta = resolved - received
    seconds = Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6
    return max(seconds, Decimal(0)) / SECONDS_PER_HOUR


async def resolution_hours_by(
    session: AsyncSession, workspace_id: int, window: Window, by: Key
) -> dict[Any, list[Decimal]]:
    """Hours from received to resolved, for complaints resolved in the window, by `by` (the
    agent who holds each, say)."""
    rows = await session.execute(
        select(by, Complaint.received_at, Complaint.resolved_at).where(
            Complaint.workspace_id == workspace_id,
            Complaint.resolved_at >= window.start,
            Complaint.resolved_at < window.end,
        )
    )
    hours: dict[Any, list[Decimal]] = defaultdict(list)
    for key, received, resolved in rows:
        assert resolved is not None  # the range above excludes unresolved complaints
        hours[key].append(hours_between(received, resolved))
    return hours


async def resolution_hours(
    session: AsyncSession, workspace_id: int, window: Window
) -> list[Decimal]:
    """Hours from received to resolved, for complaints resolved in the window."""
    by = await resolution_hours_by(session, workspace_id, window, Complaint.workspace_id)
    return by.get(workspace_id, [])


async def _retention(
    session: AsyncSession, workspace_id: int, window: Window, column: str
) -> Decimal | None:
    """% yes among yes/no answers given in the window, one answer per complaint: the
    customer's own on the one-month survey where there is one, else the agent's from the call
    (a check the survey flow filled, source "customer", is that same answer: counted once).
    Unreachable and unknown are left out; "not yet" counts as not bought. The resolution
    survey's score is CSAT's and never counts here."""
    check_answer, survey_answer = getattr(RetentionCheck, column), getattr(Survey, column)
    answered = (Survey.kind == "retention", Survey.state == "answered", survey_answer.is_not(None))
    from_customer = exists().where(Survey.complaint_id == RetentionCheck.complaint_id, *answered)
    checks = select(check_answer.label("answer")).where(
        RetentionCheck.workspace_id == workspace_id,
        RetentionCheck.answered_at >= window.start,
        RetentionCheck.answered_at < window.end,
        ~from_customer,
    )
    surveys = select(survey_answer.label("answer")).where(
        Survey.workspace_id == workspace_id,
        Survey.answered_at >= window.start,
        Survey.answered_at < window.end,
        *answered,
    )
    answers = union_all(checks, surveys).subquery()
    yes, counted = (
        await session.execute(
            select(
                func.count(case((answers.c.answer == "yes", 1))),
                func.count(case((answers.c.answer.in_(("yes", *NOT_YES)), 1))),
            ).select_from(answers)
        )
    ).one()
    return pct(yes, counted)


@dataclass(frozen=True)
class Scores:
    """The resolution survey's answers in a window: how many, how many 4–5, their sum."""

    rated: int
    satisfied: int
    total: int

    @property
    def csat(self) -> Decimal | None:
        return pct(self.satisfied, self.rated)

    @property
    def mean(self) -> Decimal | None:
        return Decimal(self.total) / self.rated if self.rated else None


async def scores_by(
    session: AsyncSession, workspace_id: int, window: Window, by: Key | None
) -> dict[Any, Scores]:
    """Resolution scores answered in the window, by `by` (a column of the survey's
    complaint), or all together under None; the mean from the sum, so both backends agree."""
    query = select(
        by if by is not None else literal(None),
        func.count(Survey.score),
        func.count(case((Survey.score >= SATISFIED_SCORE, 1))),
        func.coalesce(func.sum(Survey.score), 0),
    ).where(
        Survey.workspace_id == workspace_id,
        Survey.kind == "resolution",
        Survey.state == "answered",
        Survey.answered_at >= window.start,
        Survey.answered_at < window.end,
    )
    if by is not None:
        query = query.join(Complaint, Complaint.id == Survey.complaint_id).group_by(by)
    rows = await session.execute(query)
    return {
        key: Scores(int(rated), int(satisfied), int(total or 0))
        for key, rated, satisfied, total in rows
    }


async def scores(session: AsyncSession, workspace_id: int, window: Window) -> Scores:
    """Scores answered in the window, for the whole workspace."""
    return (await scores_by(session, workspace_id, window, None)).get(None, Scores(0, 0, 0))


async def responses(session: AsyncSession, workspace_id: int, window: Window) -> tuple[int, int]:
    """Surveys of both kinds sent in the window, and how many of them were answered (by now)."""
    answered, sent = (
        await session.execute(
            select(func.count(case((Survey.state == "answered", 1))), func.count()).where(
                Survey.workspace_id == workspace_id,
                Survey.sent_at >= window.start,
                Survey.sent_at < window.end,
            )
        )
    ).one()
    return int(answered), int(sent)


async def follow_ups_on_time_by(
    session: AsyncSession, workspace_id: int, window: Window, by: Key
) -> dict[Any, tuple[int, int]]:
    """Follow-ups due in the window (replaced ones left out), by `by` (a column of their
    complaint): how many were done by their due time, and how many were due."""
    rows = await session.execute(
        select(
            by,
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
        .group_by(by)
    )
    return {key: (int(on_time), int(due)) for key, on_time, due in rows}


async def _follow_ups_on_time(
    session: AsyncSession, workspace_id: int, window: Window
) -> Decimal | None:
    """% of the follow-ups due in the window that were done by their due time."""
    by = await follow_ups_on_time_by(session, workspace_id, window, Complaint.workspace_id)
    return pct(*by.get(workspace_id, (0, 0)))


async def on_target(
    session: AsyncSession, workspace_id: int, window: Window, resolution: bool, priority: str | None
) -> tuple[int, int]:
    """Of the complaints first responded to (or resolved) in the window, how many within their
    target, and how many in all. A complaint counts when its deadline is met or missed by the
    deed itself: one still waiting for it counts in the period it gets it."""
    clock = ComplaintClock
    done, due = (
        (Complaint.resolved_at, clock.resolution_due_at)
        if resolution
        else (clock.responded_at, clock.response_due_at)
    )
    query = (
        select(func.count(case((done <= due, 1))), func.count())
        .select_from(Complaint)
        .join(clock, clock.complaint_id == Complaint.id)
        .where(
            Complaint.workspace_id == workspace_id,
            done >= window.start,
            done < window.end,
            due.is_not(None),
        )
    )
    if priority:
        query = query.where(Complaint.priority == priority)
    met, counted = (await session.execute(query)).one()
    return int(met), int(counted)


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
    if metric == CSAT:
        return (await scores(session, workspace_id, window)).csat
    if metric == "survey_response_pct":
        answered, sent = await responses(session, workspace_id, window)
        return pct(answered, sent)
    if metric == "complaints_count":
        return await _complaints_count(session, workspace_id, window, param)
    if metric in (RESPONSE_ON_TARGET, RESOLVED_ON_TARGET):
        resolution = metric == RESOLVED_ON_TARGET
        return pct(*await on_target(session, workspace_id, window, resolution, param))
    if metric == MANUAL:
        return await _manual(session, workspace_id, window, param or "")
    hours = await resolution_hours(session, workspace_id, window)
    if metric == "resolution_median_hours":
        return percentile(hours, Decimal("0.5"))
    if metric == "resolution_p90_hours":
        return percentile(hours, Decimal("0.9"))
    if metric == "resolved_within_pct":
        limit = Decimal(param or "0")
        return pct(sum(1 for h in hours if h <= limit), len(hours))
    raise ValueError(f"unknown metric {metric!r}")
