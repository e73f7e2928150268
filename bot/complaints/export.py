"""`/complaint export [since DATE] [until DATE] [csv|xlsx]`: the workspace's complaint log as a
file, answered to the person who asked only.

The columns are the server's export's (bot/export.py). Managers and admins get every column;
an agent gets the file without the customers' names, phones, emails and addresses, and is told
so. One audit row per export (how many, which dates, whether personal data was in it). The
file is built from the database in batches and refused once it grows past what chat apps
accept (`FILE_LIMIT`), with a word on narrowing the dates.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from bot.complaints import service
from bot.context import Context, Role
from bot.errors import UserError
from bot.export import COLUMNS, PERSONAL, Scope, flat, rows_in
from bot.goals.periods import midnight
from bot.i18n import N_
from bot.ui import Attachment, Message, Reply, Section

# Discord takes 10 MB a file from a bot in a server without boosts, Slack far more: the
# stricter, with room for the upload's own overhead.
FILE_LIMIT = 8 * 1024 * 1024
FORMATS = ("csv", "xlsx")
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
USAGE = N_(
    "Give dates as YYYY-MM-DD, for example: /complaint export since 2026-01-01 until "
    "2026-03-31 xlsx"
)


class TooLarge(Exception):
    """The file would not fit in a chat message."""


def _day(word: str) -> date:
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise UserError(USAGE) from None


def parse(rest: str) -> tuple[date | None, date | None, str]:
    """ "since 2026-01-01 until 2026-03-31 xlsx" → the first and last days, and the format."""
    words = rest.lower().split()
    since = until = None
    fmt = "csv"
    while words:
        word = words.pop(0)
        if word in FORMATS:
            fmt = word
        elif word in ("since", "until") and words:
            day = _day(words.pop(0))
            since, until = (day, until) if word == "since" else (since, day)
        else:
            raise UserError(USAGE)
    if since and until and since > until:
        raise UserError(N_("The first date is after the last one."))
    return since, until, fmt


def columns_for(ctx: Context) -> tuple[str, ...]:
    """Managers and admins see every customer (bot.complaints.service.can_see_personal_data);
    the file for an agent has no personal data at all."""
    if ctx.role in (Role.MANAGER, Role.ADMIN):
        return COLUMNS
    return tuple(c for c in COLUMNS if c not in PERSONAL)


async def _csv(ctx: Context, scope: Scope, columns: tuple[str, ...]) -> tuple[bytes, int]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    count = 0
    async for row in rows_in(ctx.session, scope):
        writer.writerow(flat(row))
        count += 1
        if out.tell() > FILE_LIMIT:  # characters: never more than the bytes they encode to
            raise TooLarge
    return out.getvalue().encode(), count


async def _xlsx(ctx: Context, scope: Scope, columns: tuple[str, ...]) -> tuple[bytes, int]:
    # Imported here: only a process that makes a spreadsheet pays for openpyxl.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("complaints")
    sheet.append(list(columns))

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
        if not value.startswith("="):
            return value
        text = WriteOnlyCell(sheet, value=value)
        text.data_type = "s"  # what a person typed is text, never a formula
        return text

    count = 0
    async for row in rows_in(ctx.session, scope):
        values = flat(row)
        sheet.append([cell(values[name]) for name in columns])
        count += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count


async def export_command(ctx: Context, rest: str) -> Reply:
    t, now = ctx.t, ctx.now()
    first, last, fmt = parse(rest)
    scope = Scope(
        workspace_id=ctx.workspace.id,
        since=midnight(first, ctx.zone) if first else None,
        until=midnight(last + timedelta(days=1), ctx.zone) if last else None,
    )
    columns = columns_for(ctx)
    build = _csv if fmt == "csv" else _xlsx
    try:
        content, count = await build(ctx, scope, columns)
    except TooLarge:
        content, count = b"", -1
    if count < 0 or len(content) > FILE_LIMIT:
        return Reply.text(
            t(
                "The file would be larger than {size} MB, more than chat apps accept. Narrow "
                "the dates, for example: /complaint export since 2026-01-01 until 2026-01-31"
            ).format(size=t.number(FILE_LIMIT // (1024 * 1024), 0))
        )
    if count == 0:
        return Reply.text(t("No complaint was received in these dates."))
    personal = columns == COLUMNS
    service.audit(
        ctx,
        "complaints_exported",
        None,
        complaints=count,
        personal_data=personal,
        format=fmt,
        since=first.isoformat() if first else None,
        until=last.isoformat() if last else None,
    )
    note = (
        t("The file holds customers' personal data: keep it safe.")
        if personal
        else t(
            "Without the customers' names, phone numbers, emails and addresses: only managers "
            "and admins get those."
        )
    )
    return Reply.say(
        Message(
            text=t.ngettext(
                "{count} complaint exported.", "{count} complaints exported.", count
            ).format(count=t.number(count, 0)),
            sections=(Section(body=note),),
            files=(
                Attachment(
                    filename=f"complaints-{now:%Y%m%d-%H%M%S}.{fmt}",
                    title=t("Complaint log"),
                    content=content,
                    mime=MIME[fmt],
                ),
            ),
        )
    )
