"""Validated goal definitions and recorded figures. Fields take the raw strings a form sends."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from bot.goals.metrics import MANUAL, METRICS, Param, Unit
from bot.goals.periods import PERIODS
from bot.i18n import N_
from bot.sla.targets import PRIORITIES
from bot.validation import FormContext, OptionalText, form_context, invalid, require

COMPARISONS = ("ge", "le")
NAME_MAX = 64
HOURS_MAX = Decimal(24 * 366)
# Numeric(14, 4): ten digits before the point, four after.
VALUE_LIMIT = Decimal("1e10")
VALUE_PLACES = 4


@dataclass(frozen=True)
class GoalFormContext(FormContext):
    """Also names categories as people type them: code or label (any case) -> code."""

    category_names: Mapping[str, str] = field(default_factory=dict)


def parse_decimal(raw: str) -> Decimal:
    """A plain decimal number; grouping commas and spaces are ignored, as for amounts."""
    text = raw.strip().replace(",", "").replace("_", "").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise invalid(N_("Enter a number, such as 80 or 12.5.")) from None
    if not value.is_finite():
        raise invalid(N_("Enter a number, such as 80 or 12.5."))
    if abs(value) >= VALUE_LIMIT:
        raise invalid(N_("This number is too large."))
    if value != value.quantize(Decimal(1).scaleb(-VALUE_PLACES)):
        raise invalid(N_("Use at most {places} decimal places."), places=VALUE_PLACES)
    return value


def metric_name(raw: str | None) -> str:
    """A recorded metric's name: one word, compared without case (Returns = returns)."""
    name = unicodedata.normalize("NFC", require(raw)).strip().casefold()
    if not name or len(name) > NAME_MAX or re.search(r"\s", name):
        raise invalid(
            N_("Name the figure in one word of up to {max} characters, such as returns."),
            max=NAME_MAX,
        )
    return name


class GoalIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)

    metric: OptionalText = None
    param: OptionalText = None
    comparison: OptionalText = None
    target: Decimal | None = None
    period: OptionalText = None

    @field_validator("metric")
    @classmethod
    def _metric(cls, v: str | None) -> str:
        if require(v) not in METRICS:
            raise invalid(N_("Choose one of the options."))
        return str(v)

    @field_validator("param")
    @classmethod
    def _param(cls, v: str | None, info: ValidationInfo) -> str | None:
        metric = METRICS.get(info.data.get("metric") or "")
        if metric is None:
            return v  # the metric is wrong already: one error is enough
        if metric.param is None:
            if v is not None:
                raise invalid(N_("This measure takes no parameter; leave it empty."))
            return None
        if metric.param is Param.HOURS:
            hours = parse_decimal(require(v))
            if not 0 < hours <= HOURS_MAX:
                raise invalid(N_("Give a number of hours above 0, such as 48."))
            return format(hours.normalize(), "f")  # 48.0 -> "48": shown in the goal's name
        if metric.param is Param.CATEGORY:
            return _category(v, info)
        if metric.param is Param.PRIORITY:
            return _priority(v)
        return metric_name(v)

    @field_validator("comparison")
    @classmethod
    def _comparison(cls, v: str | None) -> str:
        if require(v) not in COMPARISONS:
            raise invalid(N_("Choose one of the options."))
        return str(v)

    @field_validator("target", mode="before")
    @classmethod
    def _target(cls, v: Any, info: ValidationInfo) -> Decimal:
        text = require((v.strip().rstrip("%").strip() or None) if isinstance(v, str) else None)
        target = parse_decimal(text)
        metric = METRICS.get(info.data.get("metric") or "")
        unit = metric.unit if metric else Unit.VALUE
        if unit is Unit.PERCENT and not 0 <= target <= 100:
            raise invalid(N_("A percentage target is between 0 and 100."))
        if unit is Unit.HOURS and target < 0:
            raise invalid(N_("A number of hours cannot be negative."))
        if unit is Unit.COUNT and (target < 0 or target != target.to_integral_value()):
            raise invalid(N_("A number of complaints is a whole number, 0 or more."))
        return target

    @field_validator("period")
    @classmethod
    def _period(cls, v: str | None) -> str:
        if require(v) not in PERIODS:
            raise invalid(N_("Choose one of the options."))
        return str(v)

    @property
    def is_manual(self) -> bool:
        return self.metric == MANUAL


def _category(v: str | None, info: ValidationInfo) -> str | None:
    if v is None:
        return None  # every category
    context = form_context(info)
    names = context.category_names if isinstance(context, GoalFormContext) else {}
    code = names.get(v.casefold()) or (v if v in context.categories else None)
    if code is None:
        raise invalid(N_("There is no such category; leave it empty to count every category."))
    return code


def _priority(v: str | None) -> str | None:
    if v is None:
        return None  # every priority
    code = v.strip().casefold()
    if code not in PRIORITIES:
        raise invalid(
            N_("Give a priority ({priorities}), or leave it empty for every priority."),
            priorities=", ".join(PRIORITIES),
        )
    return code
