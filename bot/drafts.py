"""Forms filled in steps (a chain of Discord modals): what was typed so far, in the database.

An adapter that shows a form page by page opens a draft under the opening interaction's id
(its token), saves each page's values as it is submitted, and hands the whole form to the
core once, with the draft's delivery id, so a resubmission saves nothing twice. A draft
outlives a restart; it expires FORM_DRAFT_MINUTES after it was opened, when the scheduler
deletes it (the values may hold a customer's data: they are never logged, and are emptied as
soon as the form was submitted). The steps an adapter numbers are its pages (Form.pages):
the core keeps which were submitted, not how they were cut.

The draft keeps the form as it was opened (already translated) and the actor who opened it,
with the channel: the form is submitted from there, whatever the later steps' interactions
carry (a DM's button has no server).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Actor, Role
from bot.scheduled import JobContext, Outgoing, actor_for
from bot.tree import Router
from bot.ui import Choice, Field, FieldKind, Form, FormStep, Reply
from storage.drafts import FormDraft
from storage.models import Job, Member, Workspace

router = Router("drafts")

KIND = KEY = "drafts"  # one sweeping job per workspace
DRAFTS_PER_PERSON = 5  # a person's older drafts give way to new ones beyond this


@dataclass
class Draft:
    """One form being filled by one person: the form, who opened it, what was typed so far."""

    token: str
    form: Form
    actor: Actor
    expires_at: datetime
    values: dict[str, str | None] = field(default_factory=dict)
    done: frozenset[int] = frozenset()  # the adapter's pages submitted at least once
    submitted: bool = False  # the core took it: a second final submission is a duplicate

    @property
    def delivery_id(self) -> str:
        return f"{self.actor.platform}-form:{self.token}"


# --- the form and the actor as JSON -----------------------------------------------------------


def form_to_json(form: Form) -> dict[str, Any]:
    data = asdict(form)
    data["state"] = dict(form.state)
    return data


def form_from_json(data: Mapping[str, Any]) -> Form:
    fields = tuple(
        Field(
            **{
                **f,
                "kind": FieldKind(f["kind"]),
                "choices": tuple(Choice(**c) for c in f["choices"]),
            }
        )
        for f in data["fields"]
    )
    steps = tuple(FormStep(s["title"], tuple(s["fields"])) for s in data["steps"])
    return Form(
        form_id=data["form_id"],
        title=data["title"],
        fields=fields,
        submit_label=data["submit_label"],
        state=dict(data["state"]),
        intro=data["intro"],
        steps=steps,
    )


def actor_to_json(actor: Actor) -> dict[str, Any]:
    return asdict(actor)


def actor_from_json(data: Mapping[str, Any]) -> Actor:
    role = data.get("platform_role")
    return Actor(**{**data, "platform_role": Role(role) if role else None})


def _draft(row: FormDraft) -> Draft:
    return Draft(
        token=row.token,
        form=form_from_json(row.form),
        actor=actor_from_json(row.actor),
        expires_at=row.expires_at,
        values=dict(row.values),
        done=frozenset(row.done),
        submitted=row.submitted,
    )


# --- the drafts ----------------------------------------------------------------------------


async def open_draft(
    session: AsyncSession,
    workspace: Workspace,
    member: Member,
    actor: Actor,
    form: Form,
    token: str,
    now: datetime,
    ttl: timedelta,
) -> Draft:
    """A new draft under `token` (one opened under it before starts over), and the sweep
    planned for when it expires."""
    await session.execute(
        delete(FormDraft).where(FormDraft.workspace_id == workspace.id, FormDraft.token == token)
    )
    older = (
        select(FormDraft.id)
        .where(FormDraft.member_id == member.id)
        .order_by(FormDraft.created_at.desc(), FormDraft.id.desc())
        .offset(DRAFTS_PER_PERSON - 1)
    )
    stale = list(await session.scalars(older))
    if stale:
        await session.execute(delete(FormDraft).where(FormDraft.id.in_(stale)))
    draft = Draft(token, form, actor, now + ttl)
    session.add(
        FormDraft(
            workspace_id=workspace.id,
            member_id=member.id,
            token=token,
            actor=actor_to_json(actor),
            form=form_to_json(form),
            values={},
            done=[],
            submitted=False,
            expires_at=draft.expires_at,
            created_at=now,
        )
    )
    await _plan_sweep(session, workspace.id, draft.expires_at, now)
    return draft


async def _row(
    session: AsyncSession, platform: str, user_id: str, token: str, now: datetime
) -> FormDraft | None:
    """The person's draft under `token`, unless it expired (the sweep may not have run yet).
    Locked, so two pages submitted at once are saved one after the other."""
    query = (
        select(FormDraft)
        .join(Member, Member.id == FormDraft.member_id)
        .join(Workspace, Workspace.id == FormDraft.workspace_id)
        .where(
            FormDraft.token == token,
            Member.external_id == user_id,
            Workspace.platform == platform,
            FormDraft.expires_at > now,
        )
        .with_for_update(of=FormDraft, key_share=True)
    )
    return await session.scalar(query)


async def find(
    session: AsyncSession, platform: str, user_id: str, token: str, now: datetime
) -> Draft | None:
    row = await _row(session, platform, user_id, token, now)
    return _draft(row) if row is not None else None


async def save_step(
    session: AsyncSession,
    platform: str,
    user_id: str,
    token: str,
    step: int,
    values: Mapping[str, str | None],
    now: datetime,
) -> Draft | None:
    """Keeps a page's values and marks it done; a submitted draft keeps nothing more (a late
    copy of its last page). None when there is no such draft (expired, or someone else's)."""
    row = await _row(session, platform, user_id, token, now)
    if row is None:
        return None
    if not row.submitted:
        row.values = {**row.values, **values}
        row.done = sorted({*row.done, step})
    return _draft(row)


async def close(
    session: AsyncSession, platform: str, user_id: str, token: str, now: datetime
) -> None:
    """The form was submitted: what was typed goes; the draft stays, marked, until it expires,
    so a second submission of it is known for one."""
    row = await _row(session, platform, user_id, token, now)
    if row is not None:
        row.values, row.submitted = {}, True


# --- expiry ----------------------------------------------------------------------------------


async def _plan_sweep(
    session: AsyncSession, workspace_id: int, due_at: datetime, now: datetime
) -> None:
    """The workspace's sweep, due when this draft expires unless it is due sooner already.
    Always a new claim: a sweep running now may have looked before this draft was saved."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Job).values(
        workspace_id=workspace_id,
        kind=KIND,
        key=KEY,
        due_at=due_at,
        state="pending",
        attempts=0,
        claims=0,
        created_at=now,
    )
    sooner = (Job.state == "pending") & (Job.due_at < statement.excluded.due_at)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["workspace_id", "key"],
            set_={
                "due_at": case((sooner, Job.due_at), else_=statement.excluded.due_at),
                "state": "pending",
                "attempts": 0,
                "last_error": None,
                "done_at": None,
                "claims": Job.claims + 1,
            },
        )
    )


async def sweep(session: AsyncSession, workspace_id: int, now: datetime) -> int:
    """Deletes the workspace's expired drafts; returns how many."""
    result = await session.execute(
        delete(FormDraft).where(FormDraft.workspace_id == workspace_id, FormDraft.expires_at <= now)
    )
    return int(getattr(result, "rowcount", 0))


async def forget(
    session: AsyncSession, workspace_id: int, mentions: Callable[[dict[str, Any]], bool]
) -> int:
    """Deletes the workspace's drafts whose typed values `mentions` says name someone (a
    customer being erased); returns how many."""
    rows = await session.execute(
        select(FormDraft.id, FormDraft.values).where(FormDraft.workspace_id == workspace_id)
    )
    gone = [draft_id for draft_id, values in rows if values and mentions(values)]
    if gone:
        await session.execute(delete(FormDraft).where(FormDraft.id.in_(gone)))
    return len(gone)


async def next_expiry(session: AsyncSession, workspace_id: int) -> datetime | None:
    return await session.scalar(
        select(func.min(FormDraft.expires_at)).where(FormDraft.workspace_id == workspace_id)
    )


@router.job(KIND)
class SweepDrafts:
    """Deletes expired drafts, then sleeps until the next one expires (or until a draft is
    opened, which plans it again). It says nothing: the empty Outgoing only lets it re-arm."""

    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        await sweep(job.session, job.workspace.id, job.now())
        member = await job.session.scalar(
            select(Member)
            .join(FormDraft, FormDraft.member_id == Member.id)
            .where(FormDraft.workspace_id == job.workspace.id)
            .limit(1)
        )
        if member is None:
            return ()  # nothing left to sweep: the job ends
        return (Outgoing(actor_for(job.workspace, member), Reply()),)

    async def finish(self, job: JobContext) -> datetime | None:
        await sweep(job.session, job.workspace.id, job.now())
        return await next_expiry(job.session, job.workspace.id)
