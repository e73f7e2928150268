"""What a survey asks the customer, as the core's Form, and the validation of their answers.

Resolution survey: how satisfied with how we handled the complaint (1–5, with words), and
what we could have done better. One-month survey: satisfied with how it was handled (yes/no),
bought from us again since (yes/no/not yet), and the same open question. The open question is
always asked and never required: the why matters more than the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.i18n import N_, Translator
from bot.ui import Choice, Field, FieldKind, Form
from bot.validation import OptionalText, check_length, field_errors, invalid, require

RESOLUTION, RETENTION = "resolution", "retention"
KINDS = (RESOLUTION, RETENTION)
BETTER_MAX = 2000
LOW_SCORES = (1, 2)  # answers that tell the agent at once

SCALE = (
    N_("Very dissatisfied"),
    N_("Dissatisfied"),
    N_("Neither satisfied nor dissatisfied"),
    N_("Satisfied"),
    N_("Very satisfied"),
)


class YesNo(StrEnum):
    YES = "yes"
    NO = "no"


class Bought(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_YET = "not_yet"


def _choice(kind: type[StrEnum], value: Any) -> StrEnum:
    try:
        return kind(require(value or None))
    except (ValueError, TypeError):
        raise invalid(N_("Choose one of the options.")) from None


class ResolutionAnswer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    score: int
    better: OptionalText = None

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, value: Any) -> int:
        text = require(value or None)
        if not isinstance(text, str) or text not in ("1", "2", "3", "4", "5"):
            raise invalid(N_("Choose one of the options."))
        return int(text)

    @field_validator("better")
    @classmethod
    def _better(cls, value: str | None) -> str | None:
        return check_length(value, BETTER_MAX)

    @property
    def low(self) -> bool:
        return self.score in LOW_SCORES


class RetentionAnswer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    satisfied: YesNo
    bought_again: Bought
    better: OptionalText = None

    @field_validator("satisfied", mode="before")
    @classmethod
    def _satisfied(cls, value: Any) -> StrEnum:
        return _choice(YesNo, value)

    @field_validator("bought_again", mode="before")
    @classmethod
    def _bought(cls, value: Any) -> StrEnum:
        return _choice(Bought, value)

    @field_validator("better")
    @classmethod
    def _better(cls, value: str | None) -> str | None:
        return check_length(value, BETTER_MAX)

    @property
    def low(self) -> bool:
        return self.satisfied is YesNo.NO


Answer = ResolutionAnswer | RetentionAnswer


def questions(t: Translator, kind: str, token: str) -> Form:
    """The survey as a form; `state` carries the token so a post without it is refused."""
    better = Field(
        "better",
        t("What could we have done better?"),
        FieldKind.LONG_TEXT,
        max_length=BETTER_MAX,
        hint=t("Optional, but it helps us most."),
    )
    if kind == RESOLUTION:
        fields: tuple[Field, ...] = (
            Field(
                "score",
                t("How satisfied are you with how we handled your complaint?"),
                FieldKind.SELECT,
                required=True,
                choices=tuple(
                    Choice(str(n), f"{n} · {t(word)}") for n, word in enumerate(SCALE, 1)
                ),
            ),
            better,
        )
    else:
        fields = (
            Field(
                "satisfied",
                t("Are you satisfied with how we handled your complaint?"),
                FieldKind.SELECT,
                required=True,
                choices=(Choice(YesNo.YES.value, t("Yes")), Choice(YesNo.NO.value, t("No"))),
            ),
            Field(
                "bought_again",
                t("Have you bought from us again since?"),
                FieldKind.SELECT,
                required=True,
                choices=(
                    Choice(Bought.YES.value, t("Yes")),
                    Choice(Bought.NO.value, t("No")),
                    Choice(Bought.NOT_YET.value, t("Not yet")),
                ),
            ),
            better,
        )
    return Form(
        form_id=f"survey.{kind}",
        title=t("Your feedback"),
        fields=fields,
        submit_label=t("Send my answer"),
        state={"token": token},
    )


def parse(kind: str, values: Mapping[str, str | None], t: Translator) -> Answer | dict[str, str]:
    """The answer, or a message in the page's language for each wrong field."""
    model: type[BaseModel] = ResolutionAnswer if kind == RESOLUTION else RetentionAnswer
    try:
        answer = model.model_validate(dict(values))
    except ValidationError as exc:
        return field_errors(exc, t)
    assert isinstance(answer, ResolutionAnswer | RetentionAnswer)
    return answer
