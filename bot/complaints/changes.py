"""The changes made through a form opened from a complaint's card (add a step, resolve,
follow-up, assign, priority): one row each in CHANGES, from which the button that opens the
form and the form's submission are both registered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from bot.complaints import forms, service
from bot.complaints.handlers import changed, complaint_of, validate
from bot.complaints.schemas import (
    AssignIn,
    FollowUpDoneIn,
    FollowUpIn,
    PriorityIn,
    ResolveIn,
    StepIn,
)
from bot.context import Context
from bot.errors import UserError
from bot.i18n import N_
from bot.sla.words import priority_label
from bot.tree import ActionHandler, FormHandler, Router
from bot.ui import Form, Reply
from storage.models import Complaint

Model = TypeVar("Model", bound=BaseModel)

router = Router("complaints.changes")


@dataclass(frozen=True)
class Change(Generic[Model]):
    """A change made through a form opened from a complaint's buttons: the form, the schema
    that checks it, and what saving it does (answering the note the actor reads). One row
    each in CHANGES; the button that opens the form and its submission are registered from
    there."""

    form_id: str  # the form's id, and the action of the button that opens it
    schema: type[Model]
    form: Callable[[Context, Complaint], Form]
    save: Callable[[Context, Complaint, Model], Awaitable[str]]
    # Refuses to open the form (a UserError) when the change makes no sense now.
    check: Callable[[Complaint], None] | None = None


def _resolve_form(ctx: Context, complaint: Complaint) -> Form:
    return forms.resolve_form(ctx, complaint.number, complaint.solution, complaint.prevention)


def _not_resolved(complaint: Complaint) -> None:
    if complaint.status == service.RESOLVED:
        raise UserError(N_("Complaint #{number} is already resolved."), number=complaint.number)


async def _add_step(ctx: Context, complaint: Complaint, data: StepIn) -> str:
    await service.add_step(ctx, complaint=complaint, data=data)
    return ctx.t("Step added to complaint #{number}.").format(number=complaint.number)


async def _resolve(ctx: Context, complaint: Complaint, data: ResolveIn) -> str:
    await service.resolve(ctx, complaint=complaint, data=data)
    return ctx.t("Complaint #{number} is resolved.").format(number=complaint.number)


async def _follow_up(ctx: Context, complaint: Complaint, data: FollowUpIn) -> str:
    await service.schedule_follow_up(ctx, complaint=complaint, data=data)
    assert data.due_at is not None
    note = ctx.t("Follow-up for complaint #{number} set for {when}.")
    return note.format(number=complaint.number, when=ctx.t.datetime(data.due_at))


async def _follow_up_done(ctx: Context, complaint: Complaint, data: FollowUpDoneIn) -> str:
    await service.complete_follow_up(ctx, complaint=complaint, data=data)
    return ctx.t("Follow-up of complaint #{number} recorded.").format(number=complaint.number)


async def _assign(ctx: Context, complaint: Complaint, data: AssignIn) -> str:
    assert data.assignee is not None
    assignee = await service.assign(ctx, complaint=complaint, assignee_external_id=data.assignee)
    note = ctx.t("Complaint #{number} is assigned to {name}.")
    return note.format(number=complaint.number, name=assignee.display_name)


async def _set_priority(ctx: Context, complaint: Complaint, data: PriorityIn) -> str:
    assert data.priority is not None
    await service.set_priority(ctx, complaint=complaint, priority=data.priority)
    note = ctx.t("Complaint #{number} is now of {priority} priority.")
    return note.format(number=complaint.number, priority=priority_label(complaint.priority, ctx.t))


def _priority_form(ctx: Context, complaint: Complaint) -> Form:
    return forms.priority_form(ctx, complaint.number, complaint.priority)


def _number_form(build: Callable[[Context, int], Form]) -> Callable[[Context, Complaint], Form]:
    return lambda ctx, complaint: build(ctx, complaint.number)


CHANGES: tuple[Change[Any], ...] = (
    Change(forms.STEP, StepIn, _number_form(forms.step_form), _add_step),
    Change(forms.RESOLVE, ResolveIn, _resolve_form, _resolve, _not_resolved),
    Change(forms.FOLLOW_UP, FollowUpIn, _number_form(forms.follow_up_form), _follow_up),
    Change(
        forms.FOLLOW_UP_DONE,
        FollowUpDoneIn,
        _number_form(forms.follow_up_done_form),
        _follow_up_done,
    ),
    Change(forms.ASSIGN, AssignIn, _number_form(forms.assign_form), _assign),
    Change(forms.PRIORITY, PriorityIn, _priority_form, _set_priority),
)


def _opener(change: Change[Any]) -> ActionHandler:
    async def open_form(ctx: Context, _action: str, value: str) -> Reply:
        complaint = await complaint_of(ctx, value)
        if change.check is not None:
            change.check(complaint)
        return Reply(form=change.form(ctx, complaint))

    return open_form


def _submitter(change: Change[Any]) -> FormHandler:
    async def submit(
        ctx: Context, values: Mapping[str, str | None], state: Mapping[str, str], _d: str | None
    ) -> Reply:
        complaint = await complaint_of(ctx, state)
        data = validate(ctx, change.schema, change.form(ctx, complaint), values)
        return changed(ctx, complaint, await change.save(ctx, complaint, data))

    return submit


for _change in CHANGES:
    router.action(_change.form_id)(_opener(_change))
    router.form(_change.form_id)(_submitter(_change))
