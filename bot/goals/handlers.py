"""`/goal` and `/metric`: service goals, and the figures a manager records by hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from bot import paging
from bot.categories import category_label
from bot.context import Context
from bot.errors import InvalidForm, UserError
from bot.goals import forms, service, views
from bot.goals.periods import local_day, midnight, week_before
from bot.goals.schemas import GoalFormContext, GoalIn, metric_name, parse_decimal
from bot.i18n import N_
from bot.permissions import MANAGERS
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import FieldErrors, Reply
from bot.validation import field_errors

router = Router("goals.handlers")

RECORD_USAGE = N_(
    "Use /metric record NAME VALUE [YYYY-MM-DD], for example /metric record returns 12"
)


def parse_number(text: str) -> int:
    digits = text.strip().lstrip("#")
    if not digits.isdecimal() or len(digits) > 9:
        raise UserError(N_("Give a goal number, for example: /goal edit 2"))
    return int(digits)


def form_context(ctx: Context) -> GoalFormContext:
    names: dict[str, str] = {}
    for code in ctx.workspace.categories:
        names[code.casefold()] = code
        names[category_label(code, ctx.t).casefold()] = code
    return GoalFormContext(
        now=ctx.now(),
        zone=ctx.zone,
        phone_region=ctx.workspace.phone_region,
        currency=ctx.workspace.currency,
        categories=tuple(ctx.workspace.categories),
        category_names=names,
    )


async def add_goal(ctx: Context, _rest: str) -> Reply:
    return Reply(form=forms.goal_form(ctx))


async def edit_goal(ctx: Context, rest: str) -> Reply:
    goal = await service.get(ctx, number=parse_number(rest))
    return Reply(form=forms.goal_form(ctx, goal))


async def remove_goal(ctx: Context, rest: str) -> Reply:
    goal = await service.get(ctx, number=parse_number(rest), for_update=True)
    service.remove(ctx, goal=goal)
    return Reply.text(ctx.t("Goal {number} is removed.").format(number=goal.number))


async def list_goals(ctx: Context, rest: str = "") -> Reply:
    """A page of goals (`/goal list page 2`), and last week's status of each."""
    _, page = paging.split_page(rest)
    week = week_before(ctx.now(), ctx.zone)
    active = await service.active(ctx.session, ctx.workspace.id)
    goals = paging.paged(active, page, views.GOALS_PAGE)
    statuses = [await service.status(ctx.session, goal, week) for goal in goals]
    return Reply.say(views.goals_message(goals, statuses, week, ctx.t))


@router.action(views.LIST_ACTION)
async def list_action(ctx: Context, _action: str, value: str) -> Reply:
    """The goal list's Next page button: its value is "page N"."""
    return await list_goals(ctx, value)


@router.form(forms.SAVE)
async def submit_goal(
    ctx: Context, values: Mapping[str, str | None], state: Mapping[str, str], _d: str | None
) -> Reply:
    number = state.get("number")
    goal = await service.get(ctx, number=parse_number(number), for_update=True) if number else None
    form = forms.goal_form(ctx, goal)
    try:
        data = GoalIn.model_validate(dict(values), context=form_context(ctx))
    except ValidationError as exc:
        raise InvalidForm(FieldErrors(field_errors(exc, ctx.t), form.with_values(values))) from None
    if goal is None:
        goal = await service.add(ctx, data=data)
        note = ctx.t("Goal {number} is added: {goal}")
    else:
        service.update(ctx, goal=goal, data=data)
        note = ctx.t("Goal {number} is changed: {goal}")
    return Reply.text(note.format(number=goal.number, goal=views.goal_line(goal, ctx.t)))


# --- /metric ----------------------------------------------------------------------------------


def _user_error(error: PydanticCustomError) -> UserError:
    params = dict(error.context or {})
    return UserError(str(params.pop("msgid")), **params)


async def list_figures(ctx: Context, rest: str) -> Reply:
    try:
        name = metric_name(rest.strip()) if rest.strip() else None
    except PydanticCustomError as error:
        raise _user_error(error) from None
    values = await service.recorded(ctx, name=name)
    return Reply.say(views.figures_message(values, name, ctx.t))


async def record_command(ctx: Context, rest: str) -> Reply:
    parts = rest.split()
    if len(parts) not in (2, 3):
        raise UserError(RECORD_USAGE)
    today = local_day(ctx.now(), ctx.zone)
    try:
        name, value = metric_name(parts[0]), parse_decimal(parts[1])
    except PydanticCustomError as error:
        raise _user_error(error) from None
    on = today
    if len(parts) == 3:
        try:
            on = date.fromisoformat(parts[2])
        except ValueError:
            raise UserError(
                N_("Give the date as YYYY-MM-DD, for example {example}."),
                example=today.isoformat(),
            ) from None
        if on > today:
            raise UserError(N_("That day is still to come; record figures for today or before."))
    _row, replaced = await service.record(ctx, name=name, value=value, on=on)
    note = (
        ctx.t("Corrected {name} for {day}: {value}.")
        if replaced
        else ctx.t("Recorded {name} for {day}: {value}.")
    )
    day = ctx.t.date(midnight(on, ctx.zone))
    return Reply.text(note.format(name=name, day=day, value=ctx.t.number(value, 4)))


PAGE = Arg("page", ArgKind.NUMBER, N_("Which page of the list"), keyword=True)
GOAL = Arg("number", ArgKind.NUMBER, N_("The goal's number"), required=True)
NAME = Arg("name", ArgKind.TEXT, N_("The figure's name"), placeholder="NAME")

router.add(
    Command(
        "goal",
        N_("Goals for the team and how they stand"),
        title=N_("Service goals"),
        default="list",
        subcommands=(
            Command("list", N_("the goals and how last week went"), list_goals, (PAGE,)),
            Command("add", N_("add a goal"), add_goal, rule=MANAGERS),
            Command("edit", N_("change a goal"), edit_goal, (GOAL,), rule=MANAGERS),
            Command("remove", N_("remove a goal"), remove_goal, (GOAL,), rule=MANAGERS),
        ),
    )
)
router.add(
    Command(
        "metric",
        N_("Record a measurement for a goal"),
        default="list",
        subcommands=(
            Command("list", N_("the figures recorded"), list_figures, (NAME,)),
            Command(
                "record",
                N_("record a figure, e.g. returns"),
                record_command,
                (
                    replace(NAME, required=True),
                    Arg(
                        "value", ArgKind.NUMBER, N_("Its value"), required=True, placeholder="VALUE"
                    ),
                    Arg(
                        "date",
                        ArgKind.TEXT,
                        N_("The day, YYYY-MM-DD; today if left out"),
                        placeholder="DATE",
                    ),
                ),
                rule=MANAGERS,
            ),
        ),
    )
)
