"""Validated inputs of the complaint log. Fields take the raw strings a form sends.

Lengths fit Slack (3000 per input) and Discord (4000 per input, 1024 per embed field). Each
text field's limit is declared once, on the field (a Limit): the forms read it from there.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from bot.i18n import N_, SUPPORTED_LOCALES
from bot.sla.targets import DEFAULT_PRIORITY, PRIORITIES
from bot.validation import (
    EMAIL_MAX,
    Limit,
    OptionalText,
    form_context,
    invalid,
    not_in_future,
    not_in_past,
    parse_amount_minor,
    parse_currency,
    parse_datetime,
    parse_email,
    parse_phone,
    require,
)

NAME_MAX = 100
ADDRESS_MAX = 300
PHONE_MAX = 32
TEXT_MAX = 1000
STEP_MAX = 500
COMPENSATION_TEXT_MAX = 300
NOTE_MAX = 1000
PERSON_MAX = 64  # a platform's user id, as Member.external_id holds it


class SolutionMode(StrEnum):
    ON_THE_SPOT = "on_the_spot"
    PROMISED = "promised"


class FollowUpOutcome(StrEnum):
    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"


class _Form(BaseModel):
    # validate_default: a field left out of the form is still checked (required, defaults).
    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)


def _mode(value: Any) -> SolutionMode | None:
    if value is None:
        return None
    try:
        return SolutionMode(value)
    except ValueError:
        raise invalid(N_("Choose one of the options.")) from None


def _priority(value: str | None, *, required: bool = False) -> str:
    """One of the four priorities; none chosen is normal."""
    if value is None and not required:
        return DEFAULT_PRIORITY
    value = require(value)
    if value not in PRIORITIES:
        raise invalid(N_("Choose one of the options."))
    return value


class Compensation(_Form):
    """Compensation, shared by the complaint and resolve forms."""

    compensation_text: Annotated[OptionalText, Limit(COMPENSATION_TEXT_MAX)] = None
    compensation_currency: OptionalText = None
    compensation_amount: OptionalText = None
    compensation_minor: int | None = None

    @field_validator("compensation_currency")
    @classmethod
    def _currency(cls, v: str | None, info: ValidationInfo) -> str:
        return parse_currency(v, form_context(info).currency)

    @field_validator("compensation_amount")
    @classmethod
    def _amount(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return None
        currency = info.data.get("compensation_currency") or form_context(info).currency
        parse_amount_minor(v, currency)  # raises at this field when wrong
        return v

    @field_validator("compensation_minor", mode="before")
    @classmethod
    def _minor(cls, _v: Any, info: ValidationInfo) -> int | None:
        amount = info.data.get("compensation_amount")
        if amount is None:
            return None
        currency = info.data.get("compensation_currency") or form_context(info).currency
        return parse_amount_minor(amount, currency)


class ComplaintIn(Compensation):
    """A new complaint: all nine fields of the log."""

    customer_name: Annotated[OptionalText, Limit(NAME_MAX, required=True)] = None
    customer_address: Annotated[OptionalText, Limit(ADDRESS_MAX)] = None
    customer_phone: Annotated[OptionalText, Limit(PHONE_MAX)] = None
    customer_email: Annotated[OptionalText, Limit(EMAIL_MAX)] = None
    customer_language: OptionalText = None  # a locale code; None: the workspace's language
    received_by: Annotated[OptionalText, Limit(PERSON_MAX)] = None
    received_at: datetime | None = None
    category: OptionalText = None
    description: Annotated[OptionalText, Limit(TEXT_MAX, required=True)] = None
    solution: Annotated[OptionalText, Limit(TEXT_MAX)] = None
    solution_mode: SolutionMode | None = None
    steps: Annotated[OptionalText, Limit(TEXT_MAX)] = None
    follow_up_at: datetime | None = None
    prevention: Annotated[OptionalText, Limit(TEXT_MAX)] = None
    priority: OptionalText = None

    @field_validator("customer_phone")
    @classmethod
    def _phone(cls, v: str | None, info: ValidationInfo) -> str | None:
        return None if v is None else parse_phone(v, form_context(info).phone_region)

    @field_validator("customer_email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return None if v is None else parse_email(v)

    @field_validator("customer_language")
    @classmethod
    def _language(cls, v: str | None) -> str | None:
        if v is not None and v not in SUPPORTED_LOCALES:
            raise invalid(N_("Choose one of the options."))
        return v

    @field_validator("received_at", mode="before")
    @classmethod
    def _received_at(cls, v: Any, info: ValidationInfo) -> datetime:
        ctx = form_context(info)
        if v is None or (isinstance(v, str) and not v.strip()):
            return ctx.now
        return not_in_future(parse_datetime(str(v), ctx.zone, ctx.now), ctx.now)

    @field_validator("category")
    @classmethod
    def _category(cls, v: str | None, info: ValidationInfo) -> str:
        v = require(v)
        if v not in form_context(info).categories:
            raise invalid(N_("Choose one of the categories."))
        return v

    @field_validator("solution_mode", mode="before")
    @classmethod
    def _solution_mode(cls, v: Any, info: ValidationInfo) -> SolutionMode | None:
        mode = _mode(v or None)
        if info.data.get("solution") and mode is None:
            raise invalid(N_("Say whether the solution was carried out on the spot or promised."))
        if mode is not None and not info.data.get("solution"):
            raise invalid(N_("Describe the agreed solution first."))
        return mode

    @field_validator("follow_up_at", mode="before")
    @classmethod
    def _follow_up(cls, v: Any, info: ValidationInfo) -> datetime | None:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        ctx = form_context(info)
        return not_in_past(parse_datetime(str(v), ctx.zone, ctx.now), ctx.now)

    @field_validator("priority")
    @classmethod
    def _priority(cls, v: str | None) -> str:
        return _priority(v)

    def step_lines(self) -> list[str]:
        return [line.strip() for line in (self.steps or "").splitlines() if line.strip()]


class StepIn(_Form):
    text: Annotated[OptionalText, Limit(STEP_MAX, required=True)] = None


class ResolveIn(Compensation):
    solution: Annotated[OptionalText, Limit(TEXT_MAX, required=True)] = None
    solution_mode: SolutionMode | None = None
    prevention: Annotated[OptionalText, Limit(TEXT_MAX)] = None

    @field_validator("solution_mode", mode="before")
    @classmethod
    def _solution_mode(cls, v: Any) -> SolutionMode:
        mode = _mode(v or None)
        if mode is None:
            raise invalid(N_("Say whether the solution was carried out on the spot or promised."))
        return mode


class FollowUpIn(_Form):
    due_at: datetime | None = None
    note: Annotated[OptionalText, Limit(NOTE_MAX)] = None

    @field_validator("due_at", mode="before")
    @classmethod
    def _due(cls, v: Any, info: ValidationInfo) -> datetime:
        ctx = form_context(info)
        text = require((v.strip() or None) if isinstance(v, str) else None)
        return not_in_past(parse_datetime(text, ctx.zone, ctx.now), ctx.now)


class FollowUpDoneIn(_Form):
    outcome: FollowUpOutcome | None = None
    note: Annotated[OptionalText, Limit(NOTE_MAX)] = None

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome(cls, v: Any) -> FollowUpOutcome:
        try:
            return FollowUpOutcome(require(v or None))
        except ValueError:
            raise invalid(N_("Choose one of the options.")) from None


class AssignIn(_Form):
    assignee: Annotated[OptionalText, Limit(PERSON_MAX, required=True)] = None


class PriorityIn(_Form):
    priority: OptionalText = None

    @field_validator("priority")
    @classmethod
    def _priority(cls, v: str | None) -> str:
        return _priority(v, required=True)
