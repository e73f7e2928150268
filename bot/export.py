"""The complaint log as rows: all nine fields, steps, follow-ups, the retention check and the
customer's survey answers, read from the database in batches so memory stays flat however
long the log is.

`carebot export complaints` (an operator's tool on the server, with customers' personal data)
streams these rows to standard output as CSV or JSON lines; `/complaint export` in chat
(bot/complaints/export.py) builds its file from the same rows, scoped to one workspace.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.validation import minor_to_amount
from storage.db import Database
from storage.models import (
    Complaint,
    ComplaintStep,
    FollowUp,
    Member,
    RetentionCheck,
    Survey,
    Workspace,
)

# A customer's personal data: only for those who may see it (bot.complaints.service).
PERSONAL = ("customer_name", "customer_address", "customer_phone", "customer_email")
COLUMNS = (
    "workspace",
    "number",
    "status",
    *PERSONAL,
    "customer_language",
    "received_by",
    "assigned_to",
    "received_at",
    "resolved_at",
    "category",
    "description",
    "solution",
    "solution_mode",
    "steps",
    "follow_up_at",
    "compensation_text",
    "compensation_amount",
    "compensation_currency",
    "prevention",
    "follow_ups",
    "retention_check",
    "retention_satisfied",
    "retention_bought_again",
    "retention_better",
    "resolution_survey_score",
    "resolution_survey_better",
    "retention_survey_satisfied",
    "retention_survey_bought_again",
    "retention_survey_better",
)
LISTS = ("steps", "follow_ups")  # several lines each: one cell, a line each
BATCH = 500


@dataclass(frozen=True)
class Scope:
    """Which complaints: one workspace (None: every one) received in [since, until)."""

    workspace_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _query(scope: Scope) -> Select[Complaint, str, str, str | None]:
    receiver, assignee = aliased(Member), aliased(Member)
    query = (
        select(Complaint, Workspace.external_id, receiver.display_name, assignee.display_name)
        .join(Workspace, Workspace.id == Complaint.workspace_id)
        .join(receiver, receiver.id == Complaint.received_by_id)
        .outerjoin(assignee, assignee.id == Complaint.assigned_to_id)
        .order_by(Complaint.workspace_id, Complaint.number)
    )
    if scope.workspace_id is not None:
        query = query.where(Complaint.workspace_id == scope.workspace_id)
    if scope.since is not None:
        query = query.where(Complaint.received_at >= scope.since)
    if scope.until is not None:
        query = query.where(Complaint.received_at < scope.until)
    return query


@dataclass
class _Extras:
    """What one batch of complaints has in other tables, by complaint id."""

    steps: dict[int, list[str]]
    follow_ups: dict[int, list[str]]
    checks: dict[int, RetentionCheck]
    surveys: dict[tuple[int, str], Survey]


async def _extras(session: AsyncSession, ids: Sequence[int]) -> _Extras:
    steps: dict[int, list[str]] = defaultdict(list)
    for step in await session.scalars(
        select(ComplaintStep)
        .where(ComplaintStep.complaint_id.in_(ids))
        .order_by(ComplaintStep.at, ComplaintStep.id)
    ):
        steps[step.complaint_id].append(step.text)
    follow_ups: dict[int, list[str]] = defaultdict(list)
    for follow_up in await session.scalars(
        select(FollowUp)
        .where(FollowUp.complaint_id.in_(ids))
        .order_by(FollowUp.due_at, FollowUp.id)
    ):
        parts = [_iso(follow_up.due_at), follow_up.state, follow_up.outcome, follow_up.note]
        follow_ups[follow_up.complaint_id].append(" · ".join(p for p in parts if p))
    checks = {
        check.complaint_id: check
        for check in await session.scalars(
            select(RetentionCheck).where(RetentionCheck.complaint_id.in_(ids))
        )
    }
    surveys = {
        (survey.complaint_id, survey.kind): survey
        for survey in await session.scalars(
            select(Survey).where(Survey.complaint_id.in_(ids), Survey.state == "answered")
        )
    }
    return _Extras(steps, follow_ups, checks, surveys)


def _row(
    complaint: Complaint, workspace: str, received_by: str, assigned_to: str | None, x: _Extras
) -> dict[str, Any]:
    amount = (
        str(minor_to_amount(complaint.compensation_minor, complaint.compensation_currency))
        if complaint.compensation_minor is not None and complaint.compensation_currency
        else None
    )
    check = x.checks.get(complaint.id)
    resolution = x.surveys.get((complaint.id, "resolution"))
    retention = x.surveys.get((complaint.id, "retention"))
    return {
        "workspace": workspace,
        "number": complaint.number,
        "status": complaint.status,
        "customer_name": complaint.customer_name,
        "customer_address": complaint.customer_address,
        "customer_phone": complaint.customer_phone,
        "customer_email": complaint.customer_email,
        "customer_language": complaint.customer_language,
        "received_by": received_by,
        "assigned_to": assigned_to,
        "received_at": _iso(complaint.received_at),
        "resolved_at": _iso(complaint.resolved_at),
        "category": complaint.category,
        "description": complaint.description,
        "solution": complaint.solution,
        "solution_mode": complaint.solution_mode,
        "steps": x.steps[complaint.id],
        "follow_up_at": _iso(complaint.follow_up_at),
        "compensation_text": complaint.compensation_text,
        "compensation_amount": amount,
        "compensation_currency": complaint.compensation_currency,
        "prevention": complaint.prevention,
        "follow_ups": x.follow_ups[complaint.id],
        "retention_check": check.state if check else None,
        "retention_satisfied": check.satisfied if check else None,
        "retention_bought_again": check.bought_again if check else None,
        "retention_better": check.better if check else None,
        "resolution_survey_score": resolution.score if resolution else None,
        "resolution_survey_better": resolution.better if resolution else None,
        "retention_survey_satisfied": retention.satisfied if retention else None,
        "retention_survey_bought_again": retention.bought_again if retention else None,
        "retention_survey_better": retention.better if retention else None,
    }


async def rows_in(session: AsyncSession, scope: Scope) -> AsyncIterator[dict[str, Any]]:
    """The complaints of `scope`, oldest number first, fetched BATCH at a time (a
    server-side cursor on PostgreSQL), with their steps, follow-ups, check and surveys."""
    result = await session.stream(_query(scope).execution_options(yield_per=BATCH))
    async for batch in result.partitions(BATCH):
        extras = await _extras(session, [row[0].id for row in batch])
        for complaint, workspace, received_by, assigned_to in batch:
            yield _row(complaint, workspace, received_by, assigned_to, extras)


async def rows(db: Database, since: datetime | None = None) -> AsyncIterator[dict[str, Any]]:
    async with db.session() as session:
        async for row in rows_in(session, Scope(since=since)):
            yield row


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """A row for a table: the lists as one cell, a line each."""
    return {**row, **{name: "\n".join(row[name]) for name in LISTS}}


async def export_complaints(db: Database, out: TextIO, fmt: str, since: datetime | None) -> int:
    """Writes row by row as they are read: the whole log never sits in memory."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        async for row in rows(db, since):
            writer.writerow(flat(row))
            count += 1
    else:
        async for row in rows(db, since):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
