"""Retention checks: the prompt when one is due, nudges while unanswered, and the answers.

The method says: contact the customer one month after the transaction to make sure they are
satisfied. The agent who handled the complaint is asked to call, and records three things:
satisfied with how the complaint was handled, bought again since, and what could be better.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import select

from bot.categories import category_label
from bot.complaints import service
from bot.complaints.handlers import validate
from bot.complaints.planning import RETENTION, key
from bot.context import Context
from bot.errors import NotFound, UserError
from bot.i18n import N_
from bot.scheduled import JobContext, Outgoing, cancel
from bot.surveys.jobs import retention_survey, waiting_on_customer
from bot.tree import Router
from bot.ui import (
    Audience,
    Button,
    ButtonStyle,
    Choice,
    Field,
    FieldKind,
    Form,
    Message,
    Post,
    Reply,
    Section,
)
from bot.validation import OptionalText, check_length, display_phone, invalid, require
from storage.models import Complaint, Member, RetentionCheck

router = Router("retention.checks")

FORM = "retention.record"
BETTER_MAX = 1000


class Satisfied(StrEnum):
    YES = "yes"
    NO = "no"
    UNREACHABLE = "unreachable"


class BoughtAgain(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class CheckIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)

    satisfied: Satisfied | None = None
    bought_again: BoughtAgain | None = None
    better: OptionalText = None

    @field_validator("satisfied", "bought_again", mode="before")
    @classmethod
    def _choice(cls, value: Any, info: Any) -> StrEnum:
        kind = Satisfied if info.field_name == "satisfied" else BoughtAgain
        try:
            return kind(require(value or None))
        except ValueError:
            raise invalid(N_("Choose one of the options.")) from None

    @field_validator("better")
    @classmethod
    def _better(cls, value: str | None) -> str | None:
        return check_length(value, BETTER_MAX)


def check_form(ctx: Context, check: RetentionCheck, number: int) -> Form:
    t = ctx.t
    return Form(
        form_id=FORM,
        title=t("Retention check"),
        submit_label=t("Save"),
        state={"check": str(check.id)},
        intro=t("Complaint #{number}: what did the customer say?").format(number=number),
        fields=(
            Field(
                "satisfied",
                t("Satisfied with how the complaint was handled?"),
                FieldKind.SELECT,
                required=True,
                choices=(
                    Choice(Satisfied.YES.value, t("Yes")),
                    Choice(Satisfied.NO.value, t("No")),
                    Choice(Satisfied.UNREACHABLE.value, t("Could not reach them")),
                ),
            ),
            Field(
                "bought_again",
                t("Bought from us again since?"),
                FieldKind.SELECT,
                required=True,
                choices=(
                    Choice(BoughtAgain.YES.value, t("Yes")),
                    Choice(BoughtAgain.NO.value, t("No")),
                    Choice(BoughtAgain.UNKNOWN.value, t("Don't know")),
                ),
            ),
            Field(
                "better",
                t("What could we have done better?"),
                FieldKind.LONG_TEXT,
                max_length=BETTER_MAX,
            ),
        ),
    )


def prompt(ctx: Context, check: RetentionCheck, complaint: Complaint, nudge: int) -> Message:
    """To the agent only (a DM): the customer's contact is there, since they must call."""
    t = ctx.t
    headline = (
        t("Retention check due: complaint #{number} · {category}")
        if nudge == 0
        else t("Reminder: the retention check of complaint #{number} · {category} is waiting")
    ).format(number=complaint.number, category=category_label(complaint.category, t))
    email = ((t("Email"), complaint.customer_email),) if complaint.customer_email else ()
    return Message(
        text=headline,
        sections=(
            Section(
                body=t(
                    "This complaint was resolved a month ago. Call the customer: are they "
                    "satisfied with how it was handled, have they bought from us again, and "
                    "what could we have done better?"
                ),
                fields=(
                    (t("Customer"), complaint.customer_name),
                    (
                        t("Phone"),
                        display_phone(complaint.customer_phone)
                        if complaint.customer_phone
                        else "—",
                    ),
                    *email,
                    (t("Resolved"), t.datetime(complaint.resolved_at)),
                ),
            ),
        ),
        buttons=(
            Button(t("Record the answers"), "retention.record", str(check.id), ButtonStyle.PRIMARY),
            Button(t("Details"), "complaint.details", str(complaint.number)),
        ),
    )


async def _open_check(job: JobContext) -> tuple[RetentionCheck, Complaint] | None:
    # Locked like the answers' form does (_check): an answer recorded while the prompt was
    # out is not overwritten by "prompted" or "missed".
    check = await job.session.scalar(
        select(RetentionCheck)
        .where(RetentionCheck.complaint_id == job.job.subject_id)
        .with_for_update(key_share=True)
    )
    if check is None or check.state not in ("scheduled", "surveying", "prompted"):
        return None
    complaint = await job.session.get(Complaint, check.complaint_id)
    return (check, complaint) if complaint is not None else None


@router.job(RETENTION)
class RetentionPrompt:
    """When due, the customer is asked first (the one-month survey, its link to the agent);
    the agent is asked to call when they have not answered in SURVEY_WAIT_DAYS (or cannot be
    asked), then nudged every few days while unanswered, and it counts as missed."""

    async def prepare(self, job: JobContext) -> tuple[Outgoing, ...]:
        found = await _open_check(job)
        if found is None:
            return ()
        check, complaint = found
        if check.state == "scheduled":
            survey = await retention_survey(job, complaint)
            if survey is not None:
                return (survey,)
        if check.state == "prompted" and check.nudges >= job.settings.retention_nudges:
            check.state = "missed"
            return ()
        agent = await job.session.get(Member, check.agent_id)
        assert agent is not None
        ctx = job.context_for(agent)
        nudge = 0 if check.state in ("scheduled", "surveying") else check.nudges + 1
        service.audit(ctx, "personal_data_shown", complaint, via="retention_check")
        message = prompt(ctx, check, complaint, nudge)
        return (Outgoing(ctx.actor, Reply(posts=(Post(message, Audience.DM),))),)

    async def finish(self, job: JobContext) -> datetime | None:
        found = await _open_check(job)
        if found is None:
            return None
        check, _ = found
        if check.state == "scheduled" and await waiting_on_customer(job, check.complaint_id):
            check.state = "surveying"
            return job.now() + timedelta(days=job.settings.survey_wait_days)
        if check.state in ("scheduled", "surveying"):
            check.state = "prompted"
        else:
            check.nudges += 1
        return job.now() + timedelta(days=job.settings.retention_nudge_days)


async def _check(ctx: Context, raw: str) -> tuple[RetentionCheck, Complaint]:
    check = (
        await ctx.session.get(RetentionCheck, int(raw), with_for_update={"key_share": True})
        if raw.isdecimal() and len(raw) <= 9  # an id the database's integer can hold
        else None
    )
    if check is None or check.workspace_id != ctx.workspace.id:
        raise NotFound(N_("That retention check no longer exists."))
    complaint = await ctx.session.get(Complaint, check.complaint_id)
    assert complaint is not None
    return check, complaint


@router.action("retention.record")
async def record_action(ctx: Context, _action: str, value: str) -> Reply:
    check, complaint = await _check(ctx, value)
    if check.state == "done":
        raise UserError(N_("The answers of this retention check are recorded already."))
    return Reply(form=check_form(ctx, check, complaint.number))


@router.form(FORM)
async def record(
    ctx: Context, values: Mapping[str, str | None], state: Mapping[str, str], _d: str | None
) -> Reply:
    check, complaint = await _check(ctx, state.get("check", ""))
    if check.state == "done":
        raise UserError(N_("The answers of this retention check are recorded already."))
    data = validate(ctx, CheckIn, check_form(ctx, check, complaint.number), values)
    assert data.satisfied is not None and data.bought_again is not None
    check.satisfied, check.bought_again, check.better = (
        data.satisfied.value,
        data.bought_again.value,
        data.better,
    )
    check.state, check.answered_at, check.answered_by_id = "done", ctx.now(), ctx.member.id
    check.source = "agent"  # the agent's call; the survey page records "customer"
    await cancel(ctx.session, workspace_id=ctx.workspace.id, key=key(RETENTION, complaint))
    service.audit(ctx, "retention_check", complaint, satisfied=check.satisfied)
    return Reply.text(
        ctx.t("Retention check of complaint #{number} recorded. Thank you!").format(
            number=complaint.number
        )
    )
