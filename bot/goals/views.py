"""How goals and figures read: names, values with their unit, met or off-track, the change."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from bot.categories import category_label
from bot.goals.metrics import METRICS, Param, Unit
from bot.goals.periods import MONTH, WEEK, Window, midnight
from bot.goals.service import Status
from bot.i18n import N_, Translator
from bot.paging import Page, count_line, fitting, next_hint, page_buttons, sections
from bot.sla.words import priority_label
from bot.ui import Message, Section
from storage.models import Goal, MetricValue

PERIOD_LABELS = {WEEK: N_("per week"), MONTH: N_("per month")}
COMPARISON_LABELS = {"ge": N_("at least {target}"), "le": N_("at most {target}")}
NO_DATA = N_("no data")


def metric_label(metric: str, param: str | None, t: Translator) -> str:
    if metric == "complaints_count" and param:
        return t("Complaints received: {param}").format(param=category_label(param, t))
    if METRICS[metric].param is Param.PRIORITY:
        measure = t(METRICS[metric].label)
        if not param:
            return measure
        return t("{measure} · {priority} priority").format(
            measure=measure, priority=priority_label(param, t)
        )
    if METRICS[metric].param is Param.HOURS:
        # A count of hours takes its plural form; the form's placeholder "N" reads as plural.
        hours = int(param) if param and param.isdigit() else 2
        shown = t.number(hours, 0) if param and param.isdigit() else param or ""
        return t.ngettext(
            "Complaints resolved within {param} hour",
            "Complaints resolved within {param} hours",
            hours,
        ).format(param=shown)
    return t(METRICS[metric].label).format(param=param or "")


def value_text(unit: Unit, value: Decimal | None, t: Translator) -> str:
    if value is None:
        return t(NO_DATA)
    if unit is Unit.PERCENT:
        return t.percent(value, 1)
    if unit is Unit.HOURS:
        return t("{value} h").format(value=t.number(value, 1))
    if unit is Unit.COUNT:
        return t.number(value, 0)
    return t.number(value, 2)


def change_text(unit: Unit, change: Decimal, t: Translator) -> str:
    """+5 points, −2.5 h, ±0: a signed difference in the metric's unit."""
    places = 0 if unit is Unit.COUNT else 1 if unit in (Unit.PERCENT, Unit.HOURS) else 2
    rounded = change.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    if rounded == 0:
        return "±0"
    sign = "+" if rounded > 0 else "−"
    number = t.number(abs(rounded), places)
    if unit is Unit.PERCENT:
        return sign + t("{value} points").format(value=number)
    if unit is Unit.HOURS:
        return sign + t("{value} h").format(value=number)
    return sign + number


def target_text(goal: Goal, t: Translator) -> str:
    unit = METRICS[goal.metric].unit
    return t(COMPARISON_LABELS[goal.comparison]).format(target=value_text(unit, goal.target, t))


def goal_line(goal: Goal, t: Translator) -> str:
    return t("Goal {number} · {metric}: {target} {period}").format(
        number=goal.number,
        metric=metric_label(goal.metric, goal.param, t),
        target=target_text(goal, t),
        period=t(PERIOD_LABELS[goal.period]),
    )


def window_text(window: Window, t: Translator) -> str:
    return t("{first} – {last}").format(
        first=t.date(window.start), last=t.date(midnight(window.last_day, window.zone))
    )


def verdict(status: Status, t: Translator) -> str:
    if status.met is None:
        return t(NO_DATA)
    return t("met") if status.met else t("off-track")


def mean_score_text(mean: Decimal, t: Translator) -> str:
    return t("mean score {mean} of 5").format(mean=t.number(mean, 1))


def status_line(status: Status, t: Translator) -> str:
    """Goal 1 · Satisfied…: 75% (target at least 80%) · off-track · −5 points on the week before"""
    goal = status.goal
    unit = METRICS[goal.metric].unit
    actual = value_text(unit, status.actual, t)
    if status.mean is not None:  # CSAT: the mean score beside the share of 4s and 5s
        actual = t("{value}, {mean}").format(value=actual, mean=mean_score_text(status.mean, t))
    parts = [
        t("Goal {number} · {metric}: {actual} (target {target})").format(
            number=goal.number,
            metric=metric_label(goal.metric, goal.param, t),
            actual=actual,
            target=target_text(goal, t),
        )
    ]
    if status.met is not None:
        parts.append(verdict(status, t))
    if goal.period == MONTH:
        parts.append(window_text(status.window, t))
    if status.change is not None:
        before = t("on the week before") if goal.period == WEEK else t("on the month before")
        parts.append(f"{change_text(unit, status.change, t)} {before}")
    return " · ".join(parts)


GOALS_PAGE = 10  # goals a page: each shows twice (goal, last week), within Discord's 6,000
LIST_ACTION = "goal.list"  # the goal list's Next page button


def goals_message(
    goals: Page[Goal], statuses: Sequence[Status], week: Window, t: Translator
) -> Message:
    """A page of goals and how last week went, with the count of all and the next page."""
    if not goals.total:
        return Message(
            text=t("Service goals"),
            sections=(Section(body=t("No goals yet. A manager adds one with /goal add.")),),
        )
    counted = "\n".join(filter(None, (count_line(goals, t), next_hint(goals, "/goal list", t))))
    return Message(
        text=t("Service goals"),
        sections=sections(goal_line(g, t) for g in goals)
        + sections(
            (status_line(s, t) for s in statuses),
            title=t("Last week: {week}").format(week=window_text(week, t)),
        )
        + ((Section(body=counted),) if counted else ()),
        buttons=page_buttons(goals, LIST_ACTION, "", t),
    )


def status_lines(statuses: Sequence[Status], t: Translator, budget: int) -> str:
    """Every status line that fits in `budget` characters, then "… and N more" and where
    to see them (the digest: one message, where nothing may be cut silently)."""
    lines = [status_line(s, t) for s in statuses]
    if fitting(lines, budget) == len(lines):
        return "\n".join(lines)
    more = t("… and {count} more: /goal list")
    shown = fitting(lines, budget - len(more) - 12)  # room for the count
    return "\n".join([*lines[:shown], more.format(count=t.number(len(lines) - shown, 0))])


def figures_message(values: Sequence[MetricValue], name: str | None, t: Translator) -> Message:
    title = t("Recorded figures: {name}").format(name=name) if name else t("Recorded figures")
    if not values:
        body = t("Nothing recorded yet. Example: /metric record returns 12")
        return Message(text=title, sections=(Section(body=body),))
    lines = [
        f"{t.date(midnight(v.on, t.timezone))} · {v.name}: {t.number(v.value, 4)}" for v in values
    ]
    return Message(text=title, sections=(Section(body="\n".join(lines)),))
