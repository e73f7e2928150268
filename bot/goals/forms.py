"""The goal form: what to measure, which way, how much, and per week or month."""

from __future__ import annotations

from bot.categories import category_label
from bot.context import Context
from bot.goals.metrics import MANUAL, METRICS, Param
from bot.goals.periods import MONTH, WEEK
from bot.goals.schemas import NAME_MAX
from bot.goals.views import metric_label
from bot.ui import Choice, Field, FieldKind, Form
from storage.models import Goal

SAVE = "goal.save"


def _choice_label(code: str, ctx: Context) -> str:
    if code == MANUAL:
        return ctx.t("A figure you record (returns, call wait time…)")
    # "N" stands for the parameter's value, in every language: the hint explains it.
    return metric_label(code, "N" if METRICS[code].param is Param.HOURS else None, ctx.t)


def goal_form(ctx: Context, goal: Goal | None = None) -> Form:
    """A new goal, or goal N's definition to change (its number travels in the state)."""
    t = ctx.t
    metrics = tuple(Choice(code, _choice_label(code, ctx)) for code in METRICS)
    categories = ", ".join(category_label(c, t) for c in ctx.workspace.categories)
    form = Form(
        form_id=SAVE,
        title=t("Change goal {number}").format(number=goal.number) if goal else t("Add a goal"),
        submit_label=t("Save"),
        state={"number": str(goal.number)} if goal else {},
        intro=t(
            "A measurable target for one area of service, reported in the weekly digest. "
            "Parameter: the hours of “resolved within N hours”, the category of complaints "
            "received ({categories}), or the name of a figure you record."
        ).format(categories=categories),
        fields=(
            Field("metric", t("What to measure"), FieldKind.SELECT, required=True, choices=metrics),
            Field(
                "param",
                t("Parameter"),
                max_length=NAME_MAX,
                hint=t("Hours, a category or a priority (empty: all), or a recorded figure's name"),
            ),
            Field(
                "comparison",
                t("Goal is met when the figure is"),
                FieldKind.SELECT,
                required=True,
                choices=(
                    Choice("ge", t("at least the target")),
                    Choice("le", t("at most the target")),
                ),
            ),
            Field(
                "target",
                t("Target"),
                FieldKind.NUMBER,
                required=True,
                hint=t("A percentage from 0 to 100, hours, a count or a figure"),
            ),
            Field(
                "period",
                t("Measured"),
                FieldKind.SELECT,
                required=True,
                initial=WEEK,
                choices=(Choice(WEEK, t("per week")), Choice(MONTH, t("per month"))),
            ),
        ),
    )
    if goal is None:
        return form
    return form.with_values(
        {
            "metric": goal.metric,
            "param": goal.param,
            "comparison": goal.comparison,
            "target": format(goal.target.normalize(), "f"),
            "period": goal.period,
        }
    )
