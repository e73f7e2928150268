"""A survey's life: planned with the change that causes it, opened when it goes out, answered
once by the customer, or cancelled / skipped. Every rule users expect lives here: opt-out,
the cooldown per customer, one answer per survey, reopening cancels what has not gone out.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.scheduled import cancel, plan
from bot.settings import Settings
from bot.surveys.answers import RESOLUTION, RETENTION, Answer, ResolutionAnswer
from bot.surveys.keys import OPT_OUTS, stored_key
from storage.models import (
    AuditEvent,
    Complaint,
    RetentionCheck,
    Survey,
    SurveyOptOut,
    Workspace,
)

SEND, EMAIL, ALERT = "survey", "survey_email", "survey_alert"  # job kinds
OPTED_OUT, COOLDOWN, ERASED = "opted_out", "cooldown", "erased"  # why a survey was skipped


def job_key(kind: str, survey: Survey) -> str:
    return f"{kind}:{survey.id}"


async def of_complaint(session: AsyncSession, complaint_id: int, kind: str) -> Survey | None:
    return await session.scalar(
        select(Survey).where(Survey.complaint_id == complaint_id, Survey.kind == kind)
    )


def locale_of(complaint: Complaint, workspace: Workspace) -> str:
    return complaint.customer_language or workspace.locale


# --- planning, in the transaction of the change that causes it ----------------------------------


async def plan_resolution(ctx: Context, complaint: Complaint) -> None:
    """Resolving plans the resolution survey after the workspace's delay (none when `off`).
    A second resolution after a reopen plans it again unless it went out already."""
    delay = ctx.workspace.survey_delay_hours
    if delay is None or complaint.resolved_at is None:
        return
    due = complaint.resolved_at + timedelta(hours=delay)
    survey = await of_complaint(ctx.session, complaint.id, RESOLUTION)
    if survey is None:
        survey = Survey(
            workspace_id=ctx.workspace.id,
            complaint_id=complaint.id,
            kind=RESOLUTION,
            state="planned",
            locale=locale_of(complaint, ctx.workspace),
            due_at=due,
            created_at=ctx.now(),
        )
        ctx.session.add(survey)
        await ctx.session.flush()
    elif survey.state in ("planned", "cancelled"):
        survey.state, survey.due_at = "planned", due
    else:
        return  # the customer was asked already: once per complaint
    await plan(
        ctx.session,
        workspace_id=ctx.workspace.id,
        kind=SEND,
        key=job_key(SEND, survey),
        due_at=due,
        now=ctx.now(),
        subject_id=survey.id,
    )


async def cancel_planned(ctx: Context, complaint: Complaint) -> None:
    """Reopening cancels the resolution survey that has not gone out yet."""
    survey = await of_complaint(ctx.session, complaint.id, RESOLUTION)
    if survey is not None and survey.state == "planned":
        survey.state = "cancelled"
        await cancel(ctx.session, workspace_id=ctx.workspace.id, key=job_key(SEND, survey))


# --- going out --------------------------------------------------------------------------------


def contacts(complaint: Complaint) -> tuple[str, ...]:
    """The ways the customer can be reached, normalised (E.164 phone, lower-case email)."""
    found = []
    if complaint.customer_phone:
        found.append(complaint.customer_phone)
    if complaint.customer_email:
        found.append(complaint.customer_email.strip().lower())
    return tuple(found)


async def contact_hash(session: AsyncSession, contact: str, now: datetime) -> str:
    key = await stored_key(session, OPT_OUTS, now)
    return hmac.new(key.encode(), contact.encode(), hashlib.sha256).hexdigest()


async def opted_out(
    session: AsyncSession, workspace_id: int, reach: Sequence[str], now: datetime
) -> bool:
    if not reach:
        return False
    hashes = [await contact_hash(session, contact, now) for contact in reach]
    found = await session.scalar(
        select(SurveyOptOut.id)
        .where(SurveyOptOut.workspace_id == workspace_id, SurveyOptOut.contact_hash.in_(hashes))
        .limit(1)
    )
    return found is not None


async def asked_recently(session: AsyncSession, complaint: Complaint, since: datetime) -> bool:
    """Was this customer (same phone or email) sent a survey about another complaint since?
    The same complaint's two surveys are one conversation, and not counted."""
    same: list[object] = []
    if complaint.customer_phone:
        same.append(Complaint.customer_phone == complaint.customer_phone)
    if complaint.customer_email:
        same.append(Complaint.customer_email == complaint.customer_email)
    if not same:
        return False
    found = await session.scalar(
        select(Survey.id)
        .join(Complaint, Complaint.id == Survey.complaint_id)
        .where(
            Complaint.workspace_id == complaint.workspace_id,
            Complaint.id != complaint.id,
            or_(*same),  # type: ignore[arg-type]
            Survey.sent_at >= since,
        )
        .limit(1)
    )
    return found is not None


async def reason_not_to_ask(
    session: AsyncSession, complaint: Complaint, settings: Settings, now: datetime
) -> str | None:
    if complaint.erased_at is not None:
        return ERASED
    if await opted_out(session, complaint.workspace_id, contacts(complaint), now):
        return OPTED_OUT
    since = now - timedelta(days=settings.survey_cooldown_days)
    if settings.survey_cooldown_days and await asked_recently(session, complaint, since):
        return COOLDOWN
    return None


def open_now(
    survey: Survey, complaint: Complaint, workspace: Workspace, settings: Settings, now: datetime
) -> None:
    """The link exists from now on, for SURVEY_LINK_DAYS (whole seconds: the token's expiry)."""
    survey.state, survey.sent_at = "open", now
    survey.locale = locale_of(complaint, workspace)
    survey.expires_at = (now + timedelta(days=settings.survey_link_days)).replace(microsecond=0)


async def plan_email(
    session: AsyncSession,
    survey: Survey,
    complaint: Complaint,
    settings: Settings,
    now: datetime,
) -> bool:
    """The invitation by email, when the customer gave an address and SMTP is set up."""
    if not (complaint.customer_email and settings.email_configured()):
        return False
    await plan(
        session,
        workspace_id=survey.workspace_id,
        kind=EMAIL,
        key=job_key(EMAIL, survey),
        due_at=now,
        now=now,
        subject_id=survey.id,
    )
    return True


def audit(
    session: AsyncSession, survey: Survey, action: str, at: datetime, **changes: object
) -> None:
    """No member acts: the scheduler sends, the customer answers."""
    session.add(
        AuditEvent(
            workspace_id=survey.workspace_id,
            complaint_id=survey.complaint_id,
            actor_id=None,
            action=action,
            changes={"survey": survey.kind, **changes},
            at=at,
        )
    )


# --- the customer's side -------------------------------------------------------------------------


async def record_answer(
    session: AsyncSession, survey: Survey, answer: Answer, now: datetime
) -> bool:
    """Saves the answer if the survey is still open, in one conditional statement: of two
    submits at once, exactly one changes the row and the other is told it was answered."""
    values: dict[str, object] = {"state": "answered", "answered_at": now, "better": answer.better}
    if isinstance(answer, ResolutionAnswer):
        values["score"] = answer.score
    else:
        values["satisfied"] = answer.satisfied.value
        values["bought_again"] = answer.bought_again.value
    # RETURNING the row refreshes `survey` in the same statement (no second read).
    answered = await session.scalar(
        update(Survey)
        .where(Survey.id == survey.id, Survey.state == "open", Survey.expires_at > now)
        .values(**values)
        .returning(Survey),
        execution_options={"populate_existing": True, "synchronize_session": False},
    )
    if answered is None:
        return False
    if survey.kind == RETENTION:
        await _close_retention_check(session, survey, now)
    changes = (
        {"score": survey.score}
        if survey.kind == RESOLUTION
        else {"satisfied": survey.satisfied, "bought_again": survey.bought_again}
    )
    audit(session, survey, "survey_answered", now, **changes)
    if answer.low:
        await plan(
            session,
            workspace_id=survey.workspace_id,
            kind=ALERT,
            key=job_key(ALERT, survey),
            due_at=now,
            now=now,
            subject_id=survey.id,
        )
    return True


async def _close_retention_check(session: AsyncSession, survey: Survey, now: datetime) -> None:
    """The customer's own answer is the retention check's answer: the agent's call is off."""
    check = await session.scalar(
        select(RetentionCheck)
        .where(RetentionCheck.complaint_id == survey.complaint_id)
        .with_for_update(key_share=True)
    )
    if check is None or check.state in ("done", "cancelled"):
        return
    check.state, check.source, check.answered_at = "done", "customer", now
    check.satisfied, check.bought_again, check.better = (
        survey.satisfied,
        survey.bought_again,
        survey.better,
    )
    # The check's job, keyed as bot.complaints.planning.key(RETENTION, complaint) keys it.
    key = f"{RETENTION}:{survey.complaint_id}"
    await cancel(session, workspace_id=survey.workspace_id, key=key)


async def opt_out(session: AsyncSession, survey: Survey, now: datetime) -> None:
    """Never survey this customer's email or phone again (idempotent)."""
    complaint = await session.get(Complaint, survey.complaint_id)
    if complaint is None:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    added = False
    for contact in contacts(complaint):
        inserted = await session.scalar(
            insert(SurveyOptOut)
            .values(
                workspace_id=survey.workspace_id,
                contact_hash=await contact_hash(session, contact, now),
                at=now,
            )
            .on_conflict_do_nothing(index_elements=["workspace_id", "contact_hash"])
            .returning(SurveyOptOut.id)
        )
        added = added or inserted is not None
    await cancel(session, workspace_id=survey.workspace_id, key=job_key(EMAIL, survey))
    if added:  # a second press (or the mail app's one-click after it) changes nothing
        audit(session, survey, "survey_opt_out", now)
