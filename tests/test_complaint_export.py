"""`/complaint export` through the core: the file by role (managers get the customers' data,
agents do not and are told), CSV and xlsx parsed back, the dates, one audit row per export,
10,000 complaints within chat apps' file size, and a clear answer past it (both databases)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.complaints import export
from bot.context import Actor
from bot.ui import Attachment, Reply
from storage.db import Database
from storage.models import AuditEvent
from tests.factories import add_survey, log_complaint, texts
from tests.paging_data import copies_of_first_complaint


def the_file(reply: Reply) -> Attachment:
    (post,) = reply.posts
    (attachment,) = post.message.files
    return attachment


def csv_rows(reply: Reply) -> list[dict[str, str]]:
    attachment = the_file(reply)
    assert attachment.mime == "text/csv" and attachment.filename.endswith(".csv")
    return list(csv.DictReader(io.StringIO(attachment.content.decode())))


async def exports(db: Database) -> list[AuditEvent]:
    async with db.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == "complaints_exported")
        return list(await session.scalars(query.order_by(AuditEvent.id)))


async def test_managers_get_the_customers_data_agents_get_the_rest_and_are_told(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor, meera: Actor, clock: ManualClock
) -> None:
    await carebot.command(asha, "help")
    await log_complaint(carebot, bob, customer_email="ravi@example.com")
    await log_complaint(carebot, bob, solution_mode="on_the_spot", follow_up_at="")
    await add_survey(db, 2, "resolution", clock.now(), clock.now(), score=5, better="Faster")

    managers = await carebot.command(meera, "complaint", "export")
    rows = csv_rows(managers)
    assert [r["number"] for r in rows] == ["1", "2"]
    first, second = rows
    assert first["customer_name"] == "Ravi Kumar" and first["customer_phone"] == "+919876543210"
    assert first["customer_email"] == "ravi@example.com" and "MG Road" in first["customer_address"]
    assert first["steps"].splitlines() == [
        "Called the courier",
        "Asked the warehouse for the dispatch log",
    ]
    assert first["follow_ups"].endswith(" · scheduled") and first["compensation_amount"] == "150.50"
    assert second["retention_check"] == "scheduled" and second["resolution_survey_score"] == "5"
    assert second["resolution_survey_better"] == "Faster"
    assert "2 complaints exported." in texts(managers)
    assert "personal data" in texts(managers)

    agents = await carebot.command(bob, "complaint", "export")
    rows = csv_rows(agents)
    assert len(rows) == 2
    assert not {"customer_name", "customer_phone", "customer_email", "customer_address"} & set(
        rows[0]
    )
    assert "Ravi" not in the_file(agents).content.decode()
    assert "only managers and admins get those" in texts(agents)

    audited = await exports(db)
    assert [(a.changes["complaints"], a.changes["personal_data"]) for a in audited] == [
        (2, True),
        (2, False),
    ]
    assert all(a.complaint_id is None for a in audited)  # one row per export


async def test_xlsx_parses_back_and_dates_choose_the_complaints(
    carebot: CareBot, db: Database, asha: Actor, clock: ManualClock
) -> None:
    for day, text in enumerate(("=1+1 first", "second", "third")):
        await log_complaint(carebot, asha, description=text)
        if day < 2:
            clock.advance(timedelta(days=1))
    # Logged on 2 (Monday), 3 and 4 November 2026; the workspace's time zone is UTC.
    reply = await carebot.command(asha, "complaint", "export since 2026-11-03 xlsx")
    attachment = the_file(reply)
    assert attachment.filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(attachment.content)).active
    assert sheet is not None
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header == list(export.COLUMNS)
    assert [r[header.index("description")] for r in rows] == ["second", "third"]
    assert [r[header.index("number")] for r in rows] == [2, 3]

    first = await carebot.command(asha, "complaint", "export until 2026-11-02 xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(the_file(first).content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert values[0][export.COLUMNS.index("description")] == "=1+1 first"  # text, not a formula

    between = csv_rows(
        await carebot.command(asha, "complaint", "export since 2026-11-03 until 2026-11-03")
    )
    assert [r["description"] for r in between] == ["second"]
    none = await carebot.command(asha, "complaint", "export since 2027-01-01")
    assert texts(none) == "No complaint was received in these dates."
    for wrong in ("since 3/11/2026", "since 2026-11-04 until 2026-11-03", "pdf"):
        assert "YYYY-MM-DD" in texts(
            await carebot.command(asha, "complaint", f"export {wrong}")
        ) or (
            "first date is after"
            in texts(await carebot.command(asha, "complaint", f"export {wrong}"))
        )


async def test_ten_thousand_complaints_fit_and_more_than_the_limit_asks_for_dates(
    carebot: CareBot, db: Database, asha: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    await log_complaint(carebot, asha)
    await copies_of_first_complaint(db, 9_999, description="Parcel {number} arrived late")

    for fmt in ("xlsx", "csv"):
        reply = await carebot.command(asha, "complaint", f"export {fmt}")
        attachment = the_file(reply)
        assert len(attachment.content) <= export.FILE_LIMIT  # about 2.6 MB and 0.7 MB
        assert "10,000 complaints exported." in texts(reply)
    rows = csv_rows(reply)
    assert len(rows) == 10_000 and rows[-1]["description"] == "Parcel 10000 arrived late"

    monkeypatch.setattr(export, "FILE_LIMIT", 100_000)
    for fmt in ("csv", "xlsx"):
        refused = await carebot.command(asha, "complaint", f"export {fmt}")
        assert refused.posts[0].message.files == ()
        assert "Narrow the dates" in texts(refused)
    assert len(await exports(db)) == 2  # refused exports gave nothing away
