"""The complaint log's forms, as the platform-neutral UI model.

Field names match the schema fields they feed; labels stay within Discord's 45 characters.
"""

from __future__ import annotations

from pydantic import BaseModel

from bot.categories import category_label
from bot.complaints import schemas as s
from bot.context import Context
from bot.i18n import SUPPORTED_LOCALES
from bot.language import NAMES
from bot.sla.targets import DEFAULT_PRIORITY, PRIORITIES
from bot.sla.words import priority_label
from bot.ui import Choice, Field, FieldKind, Form, FormStep
from bot.validation import CURRENCY_LENGTH, DATETIME_HINT, EMAIL_EXAMPLE, limit_of

CREATE = "complaint.create"
STEP = "complaint.step"
RESOLVE = "complaint.resolve"
FOLLOW_UP = "complaint.follow_up"
FOLLOW_UP_DONE = "complaint.follow_up_done"
ASSIGN = "complaint.assign"
PRIORITY = "complaint.priority"
# The smallest select a platform offers (Discord's 25 options): a longer list is typed there,
# so the field says where to see every category.
SHORT_LIST = 25


def _text(
    schema: type[BaseModel],
    name: str,
    label: str,
    kind: FieldKind = FieldKind.TEXT,
    *,
    initial: str | None = None,
    hint: str | None = None,
) -> Field:
    """A text field as its schema limits it: whether it is required, and how long it may be."""
    limit = limit_of(schema, name)
    return Field(
        name,
        label,
        kind,
        required=limit.required,
        max_length=limit.max_length,
        initial=initial,
        hint=hint,
    )


def _solution_modes(ctx: Context) -> tuple[Choice, ...]:
    return (
        Choice(s.SolutionMode.ON_THE_SPOT.value, ctx.t("Carried out on the spot")),
        Choice(s.SolutionMode.PROMISED.value, ctx.t("Promised for later")),
    )


def _compensation_fields(ctx: Context, schema: type[s.Compensation]) -> tuple[Field, ...]:
    t = ctx.t
    return (
        _text(
            schema,
            "compensation_text",
            t("Compensation given"),
            hint=t("e.g. replacement sent, 10% voucher"),
        ),
        Field(
            "compensation_amount",
            t("Compensation amount"),
            FieldKind.NUMBER,
            hint=t("e.g. 250 or 99.50"),
        ),
        Field(
            "compensation_currency",
            t("Currency"),
            max_length=CURRENCY_LENGTH,
            initial=ctx.workspace.currency,
        ),
    )


def _customer_fields(ctx: Context) -> tuple[Field, ...]:
    """Who the customer is and how to reach them: personal data, but for the language."""
    t = ctx.t
    In = s.ComplaintIn
    return (
        _text(In, "customer_name", t("Customer name")),
        _text(
            In,
            "customer_phone",
            t("Customer phone"),
            hint=t("With +country code, or a local number"),
        ),
        _text(
            In,
            "customer_email",
            t("Customer's email"),
            hint=t("e.g. {example}").format(example=EMAIL_EXAMPLE),
        ),
        _text(In, "customer_address", t("Customer address"), FieldKind.LONG_TEXT),
        Field(
            "customer_language",
            t("Customer's language"),
            FieldKind.SELECT,
            # Each language named in itself, as the customer would recognise it.
            choices=tuple(Choice(code, NAMES[code]) for code in SUPPORTED_LOCALES),
            initial=ctx.workspace.locale,
            hint=t("The language of messages to the customer, such as surveys"),
        ),
    )


def _compensation_step(ctx: Context) -> FormStep:
    names = ("compensation_text", "compensation_amount", "compensation_currency", "prevention")
    return FormStep(ctx.t("Compensation and prevention"), names)


def _create_steps(ctx: Context) -> tuple[FormStep, ...]:
    """Who the customer is, what happened, what was agreed, what it cost and how to avoid it:
    four steps of at most five fields (one Discord modal each)."""
    t = ctx.t
    return (
        FormStep(t("The customer"), tuple(f.name for f in _customer_fields(ctx))),
        FormStep(
            t("The complaint"),
            ("category", "priority", "description", "received_by", "received_at"),
        ),
        FormStep(t("The solution"), ("solution", "solution_mode", "steps", "follow_up_at")),
        _compensation_step(ctx),
    )


def create_form(ctx: Context) -> Form:
    t = ctx.t
    # Every category, however many (a platform shows a long list grouped, or lets it be typed).
    categories = tuple(Choice(code, category_label(code, t)) for code in ctx.workspace.categories)
    category_hint = (
        t("Type it as /complaint categories lists it") if len(categories) > SHORT_LIST else None
    )
    return Form(
        form_id=CREATE,
        title=t("Log a complaint"),
        submit_label=t("Save"),
        intro=t(
            "Record what the customer tells you. Name, phone, email and address are seen only "
            "by you, the assigned agent, managers and admins."
        ),
        steps=_create_steps(ctx),
        fields=(
            *_customer_fields(ctx),
            Field(
                "category",
                t("Nature of the complaint"),
                FieldKind.SELECT,
                required=True,
                choices=categories,
                hint=category_hint,
            ),
            _priority_field(ctx, DEFAULT_PRIORITY, required=False),
            _text(s.ComplaintIn, "description", t("What happened"), FieldKind.LONG_TEXT),
            Field("received_by", t("Received by"), FieldKind.USER, initial=ctx.member.external_id),
            Field(
                "received_at",
                t("Received at"),
                FieldKind.DATETIME,
                hint=t("Empty means now; or e.g. 2026-12-01 14:30"),
            ),
            _text(
                s.ComplaintIn,
                "solution",
                t("Solution agreed with the customer"),
                FieldKind.LONG_TEXT,
            ),
            Field(
                "solution_mode",
                t("Was the solution carried out?"),
                FieldKind.SELECT,
                choices=_solution_modes(ctx),
            ),
            _text(
                s.ComplaintIn, "steps", t("Steps being taken (one per line)"), FieldKind.LONG_TEXT
            ),
            Field(
                "follow_up_at",
                t("Follow-up date and time"),
                FieldKind.DATETIME,
                hint=t(DATETIME_HINT),
            ),
            *_compensation_fields(ctx, s.ComplaintIn),
            _text(
                s.ComplaintIn, "prevention", t("How to avoid this in future"), FieldKind.LONG_TEXT
            ),
        ),
    )


def _priority_field(ctx: Context, initial: str, *, required: bool) -> Field:
    t = ctx.t
    return Field(
        "priority",
        t("Priority"),
        FieldKind.SELECT,
        required=required,
        # Most urgent first, as people pick it.
        choices=tuple(Choice(p, priority_label(p, t)) for p in reversed(PRIORITIES)),
        initial=initial,
        hint=t("Sets the response and resolution targets (/sla)"),
    )


def priority_form(ctx: Context, number: int, current: str) -> Form:
    t = ctx.t
    return Form(
        form_id=PRIORITY,
        title=t("Change the priority"),
        submit_label=t("Save"),
        state=_for(number),
        fields=(_priority_field(ctx, current, required=True),),
    )


def _for(number: int) -> dict[str, str]:
    return {"number": str(number)}


def step_form(ctx: Context, number: int) -> Form:
    t = ctx.t
    return Form(
        form_id=STEP,
        title=t("Add a step"),
        submit_label=t("Add"),
        state=_for(number),
        fields=(_text(s.StepIn, "text", t("Step being taken"), FieldKind.LONG_TEXT),),
    )


def resolve_form(ctx: Context, number: int, solution: str | None, prevention: str | None) -> Form:
    t = ctx.t
    return Form(
        form_id=RESOLVE,
        title=t("Resolve complaint"),
        submit_label=t("Resolve"),
        state=_for(number),
        steps=(FormStep(t("The solution"), ("solution", "solution_mode")), _compensation_step(ctx)),
        fields=(
            _text(
                s.ResolveIn,
                "solution",
                t("Solution agreed with the customer"),
                FieldKind.LONG_TEXT,
                initial=solution,
            ),
            Field(
                "solution_mode",
                t("Was the solution carried out?"),
                FieldKind.SELECT,
                required=True,
                choices=_solution_modes(ctx),
            ),
            *_compensation_fields(ctx, s.ResolveIn),
            _text(
                s.ResolveIn,
                "prevention",
                t("How to avoid this in future"),
                FieldKind.LONG_TEXT,
                initial=prevention,
            ),
        ),
    )


def follow_up_form(ctx: Context, number: int) -> Form:
    t = ctx.t
    return Form(
        form_id=FOLLOW_UP,
        title=t("Schedule a follow-up"),
        submit_label=t("Schedule"),
        state=_for(number),
        intro=t("Check with the customer that they are satisfied. You will be reminded."),
        fields=(
            Field(
                "due_at",
                t("Follow-up date and time"),
                FieldKind.DATETIME,
                required=True,
                hint=t(DATETIME_HINT),
            ),
            _text(s.FollowUpIn, "note", t("What to check"), FieldKind.LONG_TEXT),
        ),
    )


def follow_up_done_form(ctx: Context, number: int) -> Form:
    t = ctx.t
    return Form(
        form_id=FOLLOW_UP_DONE,
        title=t("Follow-up done"),
        submit_label=t("Save"),
        state=_for(number),
        fields=(
            Field(
                "outcome",
                t("Is the customer satisfied?"),
                FieldKind.SELECT,
                required=True,
                choices=(
                    Choice(s.FollowUpOutcome.SATISFIED.value, t("Yes, satisfied")),
                    Choice(s.FollowUpOutcome.NOT_SATISFIED.value, t("No, not satisfied")),
                ),
            ),
            _text(
                s.FollowUpDoneIn, "note", t("What could we have done better?"), FieldKind.LONG_TEXT
            ),
        ),
    )


def assign_form(ctx: Context, number: int) -> Form:
    t = ctx.t
    return Form(
        form_id=ASSIGN,
        title=t("Assign complaint"),
        submit_label=t("Assign"),
        state=_for(number),
        fields=(_text(s.AssignIn, "assignee", t("Agent"), FieldKind.USER),),
    )
