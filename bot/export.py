"""`carebot export complaints`: the whole log, all nine fields, as CSV or JSON lines.

This is an operator's tool on the server: it includes customers' personal data.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.validation import minor_to_amount
from storage.db import Database
from storage.models import Complaint, ComplaintStep, Member, Workspace

COLUMNS = (
    "workspace",
    "number",
    "status",
    "customer_name",
    "customer_address",
    "customer_phone",
    "customer_email",
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
)
BATCH = 500


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def rows(db: Database, since: datetime | None = None) -> AsyncIterator[dict[str, Any]]:
    receiver, assignee = aliased(Member), aliased(Member)
    query = (
        select(Complaint, Workspace.external_id, receiver.display_name, assignee.display_name)
        .join(Workspace, Workspace.id == Complaint.workspace_id)
        .join(receiver, receiver.id == Complaint.received_by_id)
        .outerjoin(assignee, assignee.id == Complaint.assigned_to_id)
        .order_by(Complaint.workspace_id, Complaint.number)
    )
    if since is not None:
        query = query.where(Complaint.received_at >= since)
    async with db.session() as session:
        result = await session.stream(query.execution_options(yield_per=BATCH))
        async for batch in result.partitions(BATCH):
            ids = [row[0].id for row in batch]
            steps: dict[int, list[str]] = defaultdict(list)
            for step in await session.scalars(
                select(ComplaintStep)
                .where(ComplaintStep.complaint_id.in_(ids))
                .order_by(ComplaintStep.at, ComplaintStep.id)
            ):
                steps[step.complaint_id].append(step.text)
            for complaint, workspace, received_by, assigned_to in batch:
                amount = (
                    str(
                        minor_to_amount(
                            complaint.compensation_minor, complaint.compensation_currency
                        )
                    )
                    if complaint.compensation_minor is not None and complaint.compensation_currency
                    else None
                )
                yield {
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
                    "steps": steps[complaint.id],
                    "follow_up_at": _iso(complaint.follow_up_at),
                    "compensation_text": complaint.compensation_text,
                    "compensation_amount": amount,
                    "compensation_currency": complaint.compensation_currency,
                    "prevention": complaint.prevention,
                }


async def export_complaints(db: Database, out: TextIO, fmt: str, since: datetime | None) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        async for row in rows(db, since):
            writer.writerow({**row, "steps": "\n".join(row["steps"])})
            count += 1
    else:
        async for row in rows(db, since):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
