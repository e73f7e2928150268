"""The training plan: the kick-off meeting and regular sessions typed in the workbook become
dated sessions, and the team is reminded the day before each (a scheduled job)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from pydantic_core import PydanticCustomError
from sqlalchemy import select

from bot.context import Context
from bot.i18n import Translator
from bot.scheduled import JobContext, Outgoing, actor_for, cancel, managers, plan
from bot.tree import Router
from bot.ui import Audience, Message, Post, Reply, Section
from bot.validation import not_in_past, parse_datetime
from storage.models import TrainingSession

router = Router("policy.training")

KIND = "training"
AHEAD = timedelta(days=1)
SESSIONS_MAX = 52


def _message(t: Translator, error: PydanticCustomError) -> str:
    params = dict(error.context or {})
    return t(str(params.pop("msgid"))).format(**params)


def parse(
    ctx: Context, values: Mapping[str, str | None]
) -> tuple[dict[str, str], list[tuple[str, datetime]]]:
    """The plan's dates, or the message for each field with a date that is wrong."""
    errors: dict[str, str] = {}
    dates: list[tuple[str, datetime]] = []
    for field, kind in (("kickoff", "kickoff"), ("sessions", "session")):
        lines = [line.strip() for line in (values.get(field) or "").splitlines() if line.strip()]
        if field == "kickoff" and len(lines) > 1:
            errors[field] = ctx.t("Give one date and time for the kick-off meeting.")
            continue
        if len(lines) > SESSIONS_MAX:
            errors[field] = ctx.t.ngettext(
                "At most {count} session.", "At most {count} sessions.", SESSIONS_MAX
            ).format(count=ctx.t.number(SESSIONS_MAX, 0))
            continue
        for line in lines:
            try:
                when = not_in_past(parse_datetime(line, ctx.zone, ctx.now()), ctx.now())
            except PydanticCustomError as error:
                errors[field] = f"{line}: {_message(ctx.t, error)}"
                break
            dates.append((kind, when))
    return errors, dates


async def replan(ctx: Context, dates: list[tuple[str, datetime]]) -> None:
    """The plan as typed now: upcoming sessions no longer in it are cancelled (with their
    reminders), new ones are added and their reminders planned."""
    upcoming = list(
        await ctx.session.scalars(
            select(TrainingSession).where(
                TrainingSession.workspace_id == ctx.workspace.id,
                TrainingSession.at >= ctx.now(),
                TrainingSession.cancelled.is_(False),
            )
        )
    )
    wanted = set(dates)
    for session in upcoming:
        if (session.kind, session.at) not in wanted:
            session.cancelled = True
            await cancel(ctx.session, workspace_id=ctx.workspace.id, key=f"{KIND}:{session.id}")
    kept = {(s.kind, s.at) for s in upcoming if (s.kind, s.at) in wanted}
    for kind, when in sorted(wanted - kept, key=lambda d: d[1]):
        session = TrainingSession(
            workspace_id=ctx.workspace.id, kind=kind, at=when, created_at=ctx.now()
        )
        ctx.session.add(session)
        await ctx.session.flush()
        await plan(
            ctx.session,
            workspace_id=ctx.workspace.id,
            kind=KIND,
            key=f"{KIND}:{session.id}",
            due_at=max(when - AHEAD, ctx.now()),
            now=ctx.now(),
            subject_id=session.id,
        )


async def sessions(ctx: Context) -> list[TrainingSession]:
    return list(
        await ctx.session.scalars(
            select(TrainingSession)
            .where(
                TrainingSession.workspace_id == ctx.workspace.id,
                TrainingSession.cancelled.is_(False),
            )
            .order_by(TrainingSession.at)
        )
    )


def reminder(t: Translator, session: TrainingSession) -> Message:
    what = t("Kick-off meeting") if session.kind == "kickoff" else t("Training session")
    return Message(
        text=t("{what} on {when}").format(what=what, when=t.datetime(session.at)),
        sections=(Section(body=t("Type /policy document to read the policy before it.")),),
    )


@router.job(KIND)
class TrainingReminder:
    """The day before a session: in the digest's or the complaints' channel, else to each
    manager."""

    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        session = await job.session.get(TrainingSession, job.job.subject_id)
        if session is None or session.cancelled or session.at < job.now():
            return ()
        people = await managers(job.session, job.workspace)
        channel = job.workspace.digest_channel or job.workspace.complaints_channel
        if channel and people:
            post = Post(reminder(job.workspace_translator(), session), Audience.CHANNEL, channel)
            return (Outgoing(actor_for(job.workspace, people[0]), Reply(posts=(post,))),)
        return tuple(
            Outgoing(
                job.context_for(person).actor,
                Reply(posts=(Post(reminder(job.context_for(person).t, session), Audience.DM),)),
            )
            for person in people
        )

    async def finish(self, job: JobContext) -> datetime | None:
        return None
