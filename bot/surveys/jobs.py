"""The surveys' scheduled work: sending a survey out (the agent's DM with the link and QR
code), emailing the invitation to the customer, and telling the team of a low answer.

Sending is idempotent: a retry after a failed DM finds the survey open and sends the same link
again. Email is at most once: the attempt is recorded in the transaction that commits before
the mail server is called, so after a crash in the middle the email is not sent a second time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from bot.i18n import Translator
from bot.scheduled import JobContext, Outgoing, actor_for, managers
from bot.surveys import messages, service
from bot.surveys.answers import RETENTION
from bot.surveys.email import survey_email
from bot.surveys.keys import link_key
from bot.surveys.links import page_url, sign, unsubscribe_url
from bot.tree import Router
from bot.ui import Audience, Post, Reply
from storage.models import Complaint, Member, Survey

router = Router("surveys.jobs")

log = logging.getLogger("carebot.surveys")


async def _survey(job: JobContext) -> tuple[Survey, Complaint] | None:
    survey = await job.session.get(Survey, job.job.subject_id, with_for_update={"key_share": True})
    if survey is None or survey.workspace_id != job.workspace.id:
        return None
    complaint = await job.session.get(Complaint, survey.complaint_id)
    return (survey, complaint) if complaint is not None else None


async def link_of(job: JobContext, survey: Survey) -> tuple[str, str]:
    """The survey page's link and its unsubscribe link (the same signed token)."""
    assert survey.expires_at is not None
    token = sign(await link_key(job.session, job.settings, job.now()), survey.id, survey.expires_at)
    base = job.settings.survey_base_url()
    return page_url(base, token), unsubscribe_url(base, token)


async def holder(job: JobContext, complaint: Complaint) -> Member:
    member = await job.session.get(Member, complaint.assigned_to_id or complaint.received_by_id)
    assert member is not None
    return member


async def send_out(job: JobContext, survey: Survey, complaint: Complaint) -> Outgoing | None:
    """Opens a planned survey (or skips it, saying why) and gives the agent its link; an open
    one is given again (a retried delivery). None: nothing to say."""
    agent = await holder(job, complaint)
    ctx = job.context_for(agent)
    if survey.state == "planned":
        reason = await service.reason_not_to_ask(job.session, complaint, job.settings, job.now())
        if reason is not None:
            survey.state, survey.skip_reason = "skipped", reason
            service.audit(job.session, survey, "survey_skipped", job.now(), reason=reason)
            if reason == service.ERASED:
                return None
            days = job.settings.survey_cooldown_days
            message = messages.skipped_message(ctx.t, complaint, reason, days)
            return Outgoing(ctx.actor, Reply(posts=(Post(message, Audience.DM),)))
        service.open_now(survey, complaint, job.workspace, job.settings, job.now())
        service.audit(job.session, survey, "survey_sent", job.now())
    if survey.state != "open":
        return None
    url, _ = await link_of(job, survey)
    emailed = await service.plan_email(job.session, survey, complaint, job.settings, job.now())
    message = messages.link_message(
        ctx.t, survey, complaint, url, emailed, job.settings.survey_wait_days
    )
    return Outgoing(ctx.actor, Reply(posts=(Post(message, Audience.DM),)))


@router.job(service.SEND)
class SurveySend:
    """The resolution survey, when its delay has passed."""

    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        found = await _survey(job)
        if found is None or found[0].state not in ("planned", "open"):
            return ()
        survey, complaint = found
        if complaint.status != "resolved":  # reopened since: the survey waits for the next
            survey.state = "cancelled"
            return ()
        outgoing = await send_out(job, survey, complaint)
        return (outgoing,) if outgoing is not None else ()

    async def finish(self, job: JobContext) -> datetime | None:
        return None


@router.job(service.EMAIL)
class SurveyEmail:
    """The invitation in the customer's inbox, in their language, with an unsubscribe link."""

    via = "email"

    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        found = await _survey(job)
        if found is None:
            return ()
        survey, complaint = found
        email = complaint.customer_email
        if (
            survey.state != "open"
            or survey.emailed_at is not None
            or email is None
            or complaint.erased_at is not None
            or survey.expires_at is None
            or survey.expires_at <= job.now()
            or await service.opted_out(job.session, survey.workspace_id, (email,), job.now())
        ):
            return ()
        if survey.email_attempt is not None and survey.email_attempt == job.job.attempts:
            # Handed to the mail server before, and no failure came back: the process ended
            # in the middle. The customer may have it; never twice (the agent has the link).
            log.warning("survey.email_unconfirmed survey=%d", survey.id)
            return ()
        survey.email_attempt = job.job.attempts
        url, unsubscribe = await link_of(job, survey)
        host = urlsplit(job.settings.survey_base_url()).hostname or "carebot"
        message = survey_email(
            Translator(survey.locale, job.workspace.timezone),
            to=email,
            business=job.workspace.business_name or job.workspace.name or "carebot",
            number=complaint.number,
            kind=survey.kind,
            link=url,
            unsubscribe_link=unsubscribe,
            message_id=f"<survey-{survey.id}-{survey.kind}@{host}>",
        )
        agent = await holder(job, complaint)
        return (Outgoing(actor_for(job.workspace, agent), Reply(), email=message),)

    async def finish(self, job: JobContext) -> datetime | None:
        found = await _survey(job)
        if found is not None and found[0].emailed_at is None:
            found[0].emailed_at = job.now()
            service.audit(job.session, found[0], "survey_emailed", job.now())
        return None


def managers_should_know(job: JobContext, complaint: Complaint) -> bool:
    """When the escalation rule would bring this complaint to managers, so does a low answer:
    it was escalated, its compensation is above the limit, or it was open past the limit."""
    workspace = job.workspace
    if complaint.escalated_at is not None:
        return True
    limit = workspace.escalate_above_minor
    if limit is not None and (complaint.compensation_minor or 0) > limit:
        return True
    hours = workspace.escalate_after_hours
    end = complaint.resolved_at or job.now()
    return hours is not None and end - complaint.received_at >= timedelta(hours=hours)


@router.job(service.ALERT)
class SurveyAlert:
    """A customer answered 1–2 or "not satisfied": the agent hears at once, with Reopen."""

    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        found = await _survey(job)
        if found is None or found[0].state != "answered":
            return ()
        survey, complaint = found
        agent = await holder(job, complaint)
        ctx = job.context_for(agent)
        post = Post(messages.low_answer_message(ctx.t, survey, complaint), Audience.DM)
        out = [Outgoing(ctx.actor, Reply(posts=(post,)))]
        if managers_should_know(job, complaint):
            for manager in await managers(job.session, job.workspace):
                if manager.id == agent.id:
                    continue
                mctx = job.context_for(manager)
                message = messages.low_answer_message(mctx.t, survey, complaint)
                out.append(Outgoing(mctx.actor, Reply(posts=(Post(message, Audience.DM),))))
        return tuple(out)

    async def finish(self, job: JobContext) -> datetime | None:
        return None


async def retention_survey(job: JobContext, complaint: Complaint) -> Outgoing | None:
    """When a retention check comes due: the customer is asked first, by the one-month survey.
    None when they are not to be asked (surveys off, opted out...): the agent calls at once."""
    if not job.workspace.retention_survey:
        return None
    survey = await service.of_complaint(job.session, complaint.id, RETENTION)
    if survey is None:
        survey = Survey(
            workspace_id=job.workspace.id,
            complaint_id=complaint.id,
            kind=RETENTION,
            state="planned",
            locale=service.locale_of(complaint, job.workspace),
            due_at=job.now(),
            created_at=job.now(),
        )
        job.session.add(survey)
        await job.session.flush()
    elif survey.state not in ("planned", "open"):
        return None
    outgoing = await send_out(job, survey, complaint)
    return outgoing if survey.state == "open" else None


async def waiting_on_customer(job: JobContext, complaint_id: int) -> bool:
    """Is a one-month survey out and still open (the agent's call waits for it)?"""
    state = await job.session.scalar(
        select(Survey.state).where(Survey.complaint_id == complaint_id, Survey.kind == RETENTION)
    )
    return state == "open"
