"""Goals and recorded figures: keyword-only operations, each audited; callers commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.complaints.service import audit
from bot.context import Context
from bot.errors import NotFound
from bot.goals.metrics import CSAT, measure, scores
from bot.goals.periods import Window, goal_windows, week_of
from bot.goals.schemas import GoalIn
from bot.i18n import N_
from bot.locks import lock_workspace
from storage.models import Goal, MetricValue

LIST_LIMIT = 30


async def active(session: AsyncSession, workspace_id: int) -> list[Goal]:
    return list(
        await session.scalars(
            select(Goal)
            .where(Goal.workspace_id == workspace_id, Goal.removed_at.is_(None))
            .order_by(Goal.number)
        )
    )


async def get(ctx: Context, *, number: int, for_update: bool = False) -> Goal:
    """An active goal; `for_update` locks it (PostgreSQL) so a change is decided on it as the
    last change left it: a second removal at once finds it removed."""
    query = select(Goal).where(
        Goal.workspace_id == ctx.workspace.id,
        Goal.number == number,
        Goal.removed_at.is_(None),
    )
    if for_update:
        query = query.with_for_update(of=Goal, key_share=True).execution_options(
            populate_existing=True
        )
    goal = await ctx.session.scalar(query)
    if goal is None:
        raise NotFound(N_("There is no goal {number}. Type /goal list."), number=number)
    return goal


def _fields(data: GoalIn) -> dict[str, object]:
    return {
        "metric": data.metric,
        "param": data.param,
        "comparison": data.comparison,
        "target": data.target,
        "period": data.period,
    }


async def add(ctx: Context, *, data: GoalIn) -> Goal:
    """A new goal numbered after every earlier one, removed ones too, so a number never
    comes back meaning something else. The workspace row is locked so two managers adding
    at once get two numbers (SQLite runs one transaction at a time anyway)."""
    await lock_workspace(ctx)
    last = await ctx.session.scalar(
        select(func.max(Goal.number)).where(Goal.workspace_id == ctx.workspace.id)
    )
    goal = Goal(
        workspace_id=ctx.workspace.id,
        number=(last or 0) + 1,
        created_by_id=ctx.member.id,
        created_at=ctx.now(),
        **_fields(data),
    )
    ctx.session.add(goal)
    audit(ctx, "goal_added", None, number=goal.number, **_jsonable(data))
    return goal


def update(ctx: Context, *, goal: Goal, data: GoalIn) -> None:
    if all(getattr(goal, name) == value for name, value in _fields(data).items()):
        return  # saved as it was: nothing changed, nothing to audit
    for name, value in _fields(data).items():
        setattr(goal, name, value)
    audit(ctx, "goal_changed", None, number=goal.number, **_jsonable(data))


def remove(ctx: Context, *, goal: Goal) -> None:
    goal.removed_at = ctx.now()
    audit(ctx, "goal_removed", None, number=goal.number)


def _jsonable(data: GoalIn) -> dict[str, str | None]:
    return {k: None if v is None else str(v) for k, v in _fields(data).items()}


async def record(ctx: Context, *, name: str, value: Decimal, on: date) -> tuple[MetricValue, bool]:
    """The figure for `name` on a day; recording the same day again corrects it (True).
    Under the workspace's lock, so two records at once never make two rows for one day."""
    await lock_workspace(ctx)
    row = await ctx.session.scalar(
        select(MetricValue).where(
            MetricValue.workspace_id == ctx.workspace.id,
            MetricValue.name == name,
            MetricValue.on == on,
        )
    )
    replaced = row is not None
    if row is not None and row.value == value:
        return row, replaced  # the same figure again: nothing changed, nothing to audit
    if row is None:
        row = MetricValue(workspace_id=ctx.workspace.id, name=name, on=on)
        ctx.session.add(row)
    row.value, row.recorded_by_id, row.at = value, ctx.member.id, ctx.now()
    audit(ctx, "metric_recorded", None, name=name, value=str(value), on=on.isoformat())
    return row, replaced


async def recorded(ctx: Context, *, name: str | None) -> Sequence[MetricValue]:
    """The latest figures, newest day first: of one name, or of every name."""
    query = select(MetricValue).where(MetricValue.workspace_id == ctx.workspace.id)
    if name is not None:
        query = query.where(MetricValue.name == name)
    query = query.order_by(MetricValue.on.desc(), MetricValue.name).limit(LIST_LIMIT)
    return (await ctx.session.scalars(query)).all()


@dataclass(frozen=True)
class Status:
    """A goal measured over its window, next to the window before; a CSAT goal also has the
    window's mean score, shown beside it."""

    goal: Goal
    window: Window
    actual: Decimal | None
    before: Decimal | None
    mean: Decimal | None = None

    @property
    def met(self) -> bool | None:
        """True met, False off-track, None when there is no data."""
        if self.actual is None:
            return None
        if self.goal.comparison == "ge":
            return self.actual >= self.goal.target
        return self.actual <= self.goal.target

    @property
    def change(self) -> Decimal | None:
        if self.actual is None or self.before is None:
            return None
        return self.actual - self.before


async def status(session: AsyncSession, goal: Goal, week: Window) -> Status:
    current, previous = goal_windows(goal.period, week)
    actual = await measure(session, goal.workspace_id, goal.metric, goal.param, current)
    before = await measure(session, goal.workspace_id, goal.metric, goal.param, previous)
    mean = (await scores(session, goal.workspace_id, current)).mean if goal.metric == CSAT else None
    return Status(goal, current, actual, before, mean)


async def statuses(session: AsyncSession, workspace_id: int, week: Window) -> list[Status]:
    return [await status(session, goal, week) for goal in await active(session, workspace_id)]


HISTORY_WEEKS = 6  # weeks of a goal the digest's chart shows: enough for a trend, cheap to measure


def recent_weeks(week: Window, count: int = HISTORY_WEEKS) -> list[Window]:
    """The `count` weeks up to and including `week`, oldest first."""
    return [week_of(week.first_day - timedelta(weeks=back), week.zone) for back in range(count)][
        ::-1
    ]


async def history(
    session: AsyncSession, goal: Goal, weeks: Sequence[Window]
) -> list[Decimal | None]:
    """The goal's figure as each of `weeks`' digests reported it (a monthly goal: its month to
    that week's end), oldest first; None for a week without data."""
    return [
        await measure(
            session, goal.workspace_id, goal.metric, goal.param, goal_windows(goal.period, w)[0]
        )
        for w in weeks
    ]
