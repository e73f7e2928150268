"""The numbers offered while someone types one (Discord's autocomplete of `/complaint show`):
the newest complaints of their workspace whose number starts with what they typed, each
labelled by its number, category, status and day. No customer's name, phone or words: anyone
of the workspace may see these, as in `/complaint list`."""

from __future__ import annotations

from sqlalchemy import String, cast

from bot.categories import category_label
from bot.complaints.service import in_workspace
from bot.complaints.views import status_label
from bot.context import Context
from storage.models import Complaint

LABEL_MAX = 100  # Discord's limit for a choice's name


def label(ctx: Context, complaint: Complaint) -> str:
    t = ctx.t
    parts = (
        f"#{complaint.number}",
        category_label(complaint.category, t),
        status_label(complaint, t),
        t.date(complaint.received_at),
    )
    text = " · ".join(parts)
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


async def recent(ctx: Context, typed: str, limit: int) -> list[tuple[int, str]]:
    digits = typed.strip().lstrip("#").strip()
    query = in_workspace(ctx)
    if digits.isdigit():
        query = query.where(cast(Complaint.number, String).like(f"{int(digits)}%"))
    elif digits:
        return []  # words are no number: nothing starts with them
    found = await ctx.session.scalars(query.order_by(Complaint.number.desc()).limit(limit))
    return [(c.number, label(ctx, c)) for c in found]
