"""The digest's figures for one workspace and one ISO week, from aggregate SQL.

Every statement is scoped by workspace and bounded by the week (or the four weeks of the
top issues) on the indexed columns (received_at, resolved_at, status), so the work grows
with one workspace's week, not with the database. Nothing here reads a customer's name,
phone, address or a complaint's free text: a digest goes to a channel. The customers' own
survey answers are quoted, without names or contact data (bot/digest/feedback.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import ScalarSelect, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.assessment import scoring
from bot.assessment.questions import QUESTION_SET
from bot.assessment.scoring import Band
from bot.assessment.service import result
from bot.digest.feedback import SurveyWeek, survey_week
from bot.goals.metrics import on_target
from bot.goals.periods import Window
from bot.goals.service import Status, history, recent_weeks, statuses
from storage.models import Assessment, Complaint, RetentionCheck, Workspace
from storage.sla import ComplaintClock

TOP = 3
ISSUE_WEEKS = 4


@dataclass(frozen=True)
class Counts:
    new: int
    resolved: int
    open: int
    overdue: int
    escalated: int


@dataclass(frozen=True)
class Issue:
    category: str
    count: int


@dataclass(frozen=True)
class Cost:
    category: str
    minor: int


@dataclass(frozen=True)
class Targets:
    """The week against the response and resolution targets: (within target, counted) of
    first responses and of resolutions made in the week, and the deadlines breached in it
    (told then, bot/sla), by category."""

    responses: tuple[int, int]
    resolutions: tuple[int, int]
    breaches: list[Issue]

    @property
    def shown(self) -> bool:
        return bool(self.responses[1] or self.resolutions[1] or self.breaches)


@dataclass(frozen=True)
class Team:
    """The mean of each respondent's latest total, as in /assessment team."""

    total: Fraction
    band: Band
    respondents: int


@dataclass(frozen=True)
class Digest:
    week: Window
    goals: list[Status]
    complaints: Counts
    checks_done: int
    checks_missed: int
    issues_window: Window
    by_frequency: list[Issue]
    by_cost: dict[str, list[Cost]]  # currency -> the costliest categories
    team: Team | None
    surveys: SurveyWeek
    targets: Targets
    # Each goal's figure in the weeks of `weeks` (oldest first), by the goal's id: the chart.
    weeks: list[Window] = field(default_factory=list)
    goal_history: dict[int, list[Decimal | None]] = field(default_factory=dict)


def _count(workspace_id: int, *where: Any) -> ScalarSelect[int]:
    return (
        select(func.count())
        .select_from(Complaint)
        .where(Complaint.workspace_id == workspace_id, *where)
        .scalar_subquery()
    )


async def complaint_counts(
    session: AsyncSession, workspace_id: int, week: Window, now: datetime
) -> Counts:
    """New, resolved and escalated in the week; open and overdue now. One round trip."""
    received = (Complaint.received_at >= week.start, Complaint.received_at < week.end)
    resolved = (Complaint.resolved_at >= week.start, Complaint.resolved_at < week.end)
    escalated = (Complaint.escalated_at >= week.start, Complaint.escalated_at < week.end)
    is_open = Complaint.status.in_(("open", "waiting"))  # waiting for the customer is open
    row = (
        await session.execute(
            select(
                _count(workspace_id, *received),
                _count(workspace_id, *resolved),
                _count(workspace_id, is_open),
                _count(workspace_id, is_open, Complaint.follow_up_at < now),
                _count(workspace_id, *escalated),
            )
        )
    ).one()
    return Counts(*(int(n) for n in row))


async def retention_counts(
    session: AsyncSession, workspace_id: int, week: Window
) -> tuple[int, int]:
    """Checks done (answered in the week) and missed (due in the week)."""

    def count(*where: Any) -> ScalarSelect[int]:
        return (
            select(func.count())
            .select_from(RetentionCheck)
            .where(RetentionCheck.workspace_id == workspace_id, *where)
            .scalar_subquery()
        )

    done, missed = (
        await session.execute(
            select(
                count(
                    RetentionCheck.state == "done",
                    RetentionCheck.answered_at >= week.start,
                    RetentionCheck.answered_at < week.end,
                ),
                count(
                    RetentionCheck.state == "missed",
                    RetentionCheck.due_at >= week.start,
                    RetentionCheck.due_at < week.end,
                ),
            )
        )
    ).one()
    return int(done), int(missed)


async def category_figures(
    session: AsyncSession, workspace_id: int, window: Window
) -> tuple[list[Issue], dict[str, list[Cost]]]:
    """Every category of the complaints received in the window, by how often it came up and
    by compensation paid, per currency (amounts in different currencies are never added).
    Ties go to the category code, for a stable order."""
    rows = await session.execute(
        select(
            Complaint.category,
            Complaint.compensation_currency,
            func.count(),
            func.sum(Complaint.compensation_minor),
        )
        .where(
            Complaint.workspace_id == workspace_id,
            Complaint.received_at >= window.start,
            Complaint.received_at < window.end,
        )
        .group_by(Complaint.category, Complaint.compensation_currency)
    )
    counts: dict[str, int] = defaultdict(int)
    costs: dict[str, list[Cost]] = defaultdict(list)
    for category, currency, count, minor in rows:
        counts[category] += int(count)
        if currency and minor:
            costs[currency].append(Cost(category, int(minor)))
    frequency = sorted(
        (Issue(c, n) for c, n in counts.items()), key=lambda i: (-i.count, i.category)
    )
    by_cost = {
        currency: sorted(found, key=lambda c: (-c.minor, c.category))
        for currency, found in sorted(costs.items())
    }
    return frequency, by_cost


async def top_issues(
    session: AsyncSession, workspace_id: int, window: Window
) -> tuple[list[Issue], dict[str, list[Cost]]]:
    """The TOP categories by how often they came up, and by cost in each currency."""
    frequency, by_cost = await category_figures(session, workspace_id, window)
    return frequency[:TOP], {currency: found[:TOP] for currency, found in by_cost.items()}


async def team(session: AsyncSession, workspace_id: int) -> Team | None:
    runs = await session.scalars(
        select(Assessment)
        .where(
            Assessment.workspace_id == workspace_id,
            Assessment.completed_at.is_not(None),
            Assessment.question_set == QUESTION_SET,
        )
        .order_by(Assessment.completed_at, Assessment.id)
    )
    latest = {run.member_id: result(run).total for run in runs}  # the last per person wins
    if not latest:
        return None
    average = scoring.mean(latest.values())
    return Team(average, scoring.band(average), len(latest))


async def targets(session: AsyncSession, workspace_id: int, week: Window) -> Targets:
    clock = ComplaintClock

    def within(column: Any) -> Any:
        return func.count(case(((column >= week.start) & (column < week.end), 1)))

    rows = await session.execute(
        select(
            Complaint.category,
            within(clock.response_breached_at) + within(clock.resolution_breached_at),
        )
        .select_from(clock)
        .join(Complaint, Complaint.id == clock.complaint_id)
        .where(
            clock.workspace_id == workspace_id,
            or_(
                (clock.response_breached_at >= week.start)
                & (clock.response_breached_at < week.end),
                (clock.resolution_breached_at >= week.start)
                & (clock.resolution_breached_at < week.end),
            ),
        )
        .group_by(Complaint.category)
    )
    breaches = sorted(
        (Issue(category, int(n)) for category, n in rows if n),
        key=lambda i: (-i.count, i.category),
    )
    return Targets(
        responses=await on_target(session, workspace_id, week, False, None),
        resolutions=await on_target(session, workspace_id, week, True, None),
        breaches=breaches,
    )


async def compute(
    session: AsyncSession, workspace: Workspace, week: Window, now: datetime
) -> Digest:
    issues = Window(week.first_day - timedelta(weeks=ISSUE_WEEKS - 1), week.end_day, week.zone)
    frequency, by_cost = await top_issues(session, workspace.id, issues)
    done, missed = await retention_counts(session, workspace.id, week)
    goals = await statuses(session, workspace.id, week)
    weeks = recent_weeks(week)
    return Digest(
        week=week,
        goals=goals,
        complaints=await complaint_counts(session, workspace.id, week, now),
        checks_done=done,
        checks_missed=missed,
        issues_window=issues,
        by_frequency=frequency,
        by_cost=by_cost,
        team=await team(session, workspace.id),
        surveys=await survey_week(session, workspace.id, week),
        weeks=weeks,
        goal_history={s.goal.id: await history(session, s.goal, weeks) for s in goals},
        targets=await targets(session, workspace.id, week),
    )
