"""The figures of `/report agents`, per agent who holds complaints, over a window.

The measures are the goals' (bot/goals/metrics.py) grouped by the agent who holds each
complaint (its assignee, else who logged it): taken (received in the window), resolved and
the median time to resolve (resolved in the window), follow-ups done on time (due in the
window), the resolution survey's CSAT (answered in the window). Retention checks done are
counted for the agent asked to call, as the digest counts them. Agents are named by their
display name; nothing here reads a customer's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.goals.metrics import (
    HOLDER,
    Scores,
    follow_ups_on_time_by,
    percentile,
    resolution_hours_by,
    scores_by,
)
from bot.goals.periods import MONTH, Window
from storage.models import Complaint, Member, RetentionCheck

MEDIAN = Decimal("0.5")


def window_to_date(period: str, today: date, zone: Any) -> Window:
    """This ISO week, or this calendar month, up to and including today."""
    first = today.replace(day=1) if period == MONTH else today - timedelta(days=today.weekday())
    return Window(first, today + timedelta(days=1), zone)


@dataclass(frozen=True)
class AgentFigures:
    member_id: int
    name: str
    taken: int
    resolved: int
    median_hours: Decimal | None
    follow_ups_on_time: int
    follow_ups_due: int
    checks_done: int
    scores: Scores


async def _taken(session: AsyncSession, workspace_id: int, window: Window) -> dict[int, int]:
    rows = await session.execute(
        select(HOLDER, func.count())
        .where(
            Complaint.workspace_id == workspace_id,
            Complaint.received_at >= window.start,
            Complaint.received_at < window.end,
        )
        .group_by(HOLDER)
    )
    return {int(member): int(count) for member, count in rows}


async def _checks_done(session: AsyncSession, workspace_id: int, window: Window) -> dict[int, int]:
    rows = await session.execute(
        select(RetentionCheck.agent_id, func.count())
        .where(
            RetentionCheck.workspace_id == workspace_id,
            RetentionCheck.state == "done",
            RetentionCheck.answered_at >= window.start,
            RetentionCheck.answered_at < window.end,
        )
        .group_by(RetentionCheck.agent_id)
    )
    return {int(member): int(count) for member, count in rows}


async def per_agent(session: AsyncSession, workspace_id: int, window: Window) -> list[AgentFigures]:
    """Every agent with something in the window, by name."""
    taken = await _taken(session, workspace_id, window)
    hours = await resolution_hours_by(session, workspace_id, window, HOLDER)
    follow_ups = await follow_ups_on_time_by(session, workspace_id, window, HOLDER)
    checks = await _checks_done(session, workspace_id, window)
    scores = await scores_by(session, workspace_id, window, HOLDER)
    ids = set(taken) | set(hours) | set(follow_ups) | set(checks) | set(scores)
    if not ids:
        return []
    members = await session.execute(
        select(Member.id, Member.display_name).where(Member.id.in_(ids))
    )
    names = {member: name for member, name in members}
    found = [
        AgentFigures(
            member_id=member,
            name=names.get(member, "?"),
            taken=taken.get(member, 0),
            resolved=len(hours.get(member, [])),
            median_hours=percentile(hours.get(member, []), MEDIAN),
            follow_ups_on_time=follow_ups.get(member, (0, 0))[0],
            follow_ups_due=follow_ups.get(member, (0, 0))[1],
            checks_done=checks.get(member, 0),
            scores=scores.get(member, Scores(0, 0, 0)),
        )
        for member in ids
    ]
    return sorted(found, key=lambda a: (a.name.casefold(), a.member_id))
