"""Storing the workbook: answers added as new versions, sections marked final, history."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.context import Context
from bot.locks import lock_workspace
from bot.policy.content import BY_CODE, Section
from storage.models import Member, PolicyEntry, PolicySection


@dataclass(frozen=True)
class Change:
    """One saved version of a section: who, when, and per item the lines added/removed."""

    version: int
    by: str
    at: datetime
    lines: tuple[tuple[str, tuple[str, ...]], ...]  # (item code, "+ line" / "- line")


async def state(ctx: Context, section: str) -> PolicySection | None:
    return await ctx.session.scalar(
        select(PolicySection).where(
            PolicySection.workspace_id == ctx.workspace.id, PolicySection.section == section
        )
    )


async def states(ctx: Context) -> dict[str, PolicySection]:
    rows = await ctx.session.scalars(
        select(PolicySection).where(PolicySection.workspace_id == ctx.workspace.id)
    )
    return {row.section: row for row in rows}


async def entries(ctx: Context, section: str | None = None) -> list[PolicyEntry]:
    """Every answer ever saved (of one section, or all), oldest first."""
    query = select(PolicyEntry).where(PolicyEntry.workspace_id == ctx.workspace.id)
    if section is not None:
        query = query.where(PolicyEntry.section == section)
    return list(await ctx.session.scalars(query.order_by(PolicyEntry.version, PolicyEntry.id)))


def current(rows: list[PolicyEntry]) -> dict[tuple[str, str], PolicyEntry]:
    """The latest answer per (section, item): later versions replace earlier ones."""
    latest: dict[tuple[str, str], PolicyEntry] = {}
    for row in rows:
        latest[(row.section, row.item)] = row
    return latest


async def save(ctx: Context, section: Section, values: Mapping[str, str | None]) -> int | None:
    """Adds the items that changed as the section's next version; None if nothing changed.
    A section marked final stops being final when it changes. Under the workspace's lock:
    two saves at once compare with each other's result and never take one version twice."""
    await lock_workspace(ctx)
    now_answers = {k[1]: e.text for k, e in current(await entries(ctx, section.code)).items()}
    # PostgreSQL's text cannot hold a NUL: a pasted one is dropped (as clean_text does).
    typed = {i.code: (values.get(i.code) or "").replace("\x00", "").strip() for i in section.items}
    changed = {code: text for code, text in typed.items() if text != now_answers.get(code, "")}
    if not changed:
        return None
    row = await state(ctx, section.code)
    if row is None:
        row = PolicySection(workspace_id=ctx.workspace.id, section=section.code, version=0)
        ctx.session.add(row)
    row.version += 1
    for code, text in changed.items():
        ctx.session.add(
            PolicyEntry(
                workspace_id=ctx.workspace.id,
                section=section.code,
                item=code,
                version=row.version,
                text=text,
                by_id=ctx.member.id,
                at=ctx.now(),
            )
        )
    return row.version


async def mark_final(ctx: Context, section: Section) -> PolicySection | None:
    await lock_workspace(ctx)
    row = await state(ctx, section.code)
    if row is None or row.version == 0:
        return None
    if is_final(row):
        return row  # final already (a second click): who marked it and when stay
    row.final_version, row.final_by_id, row.final_at = row.version, ctx.member.id, ctx.now()
    return row


def is_final(row: PolicySection | None) -> bool:
    return row is not None and row.final_version == row.version and row.version > 0


async def history(ctx: Context, section: Section, limit: int = 10) -> list[Change]:
    """The newest versions first, each with what it changed against the one before."""
    rows = await entries(ctx, section.code)
    before: dict[str, str] = {}
    changes: list[Change] = []
    for version in sorted({r.version for r in rows}):
        saved = [r for r in rows if r.version == version]
        lines = []
        for row in saved:
            diff = difflib.ndiff(before.get(row.item, "").splitlines(), row.text.splitlines())
            marked = tuple(line for line in diff if line.startswith(("+ ", "- ")))
            lines.append((row.item, marked))
            before[row.item] = row.text
        changes.append(Change(version, saved[0].by.display_name, saved[0].at, tuple(lines)))
    return list(reversed(changes))[:limit]


async def contributors(ctx: Context) -> list[str]:
    rows = await ctx.session.scalars(
        select(Member.display_name)
        .join(PolicyEntry, PolicyEntry.by_id == Member.id)
        .where(PolicyEntry.workspace_id == ctx.workspace.id)
        .distinct()
        .order_by(Member.display_name)
    )
    return list(rows)


def section_of(code: str) -> Section | None:
    return BY_CODE.get(code)
