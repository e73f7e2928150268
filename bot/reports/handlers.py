"""`/report agents|categories [week|month]`: the team's figures for managers, this week or
this month to date, in the workspace's time zone."""

from __future__ import annotations

from bot import paging
from bot.context import Context
from bot.digest.content import category_figures
from bot.errors import UserError
from bot.goals.periods import PERIODS, WEEK, Window, local_day
from bot.i18n import N_
from bot.permissions import MANAGERS, Rule
from bot.reports import views
from bot.reports.figures import per_agent, window_to_date
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import Reply

router = Router("reports")


def _window(ctx: Context, words: str) -> tuple[str, Window]:
    period = words.strip().lower() or WEEK
    if period not in PERIODS:
        raise UserError(N_("Choose week or month, for example: /report agents month"))
    return period, window_to_date(period, local_day(ctx.now(), ctx.zone), ctx.zone)


async def agents_command(ctx: Context, rest: str) -> Reply:
    words, number = paging.split_page(rest)
    period, window = _window(ctx, words)
    agents = await per_agent(ctx.session, ctx.workspace.id, window)
    page = paging.paged(agents, number, views.AGENTS_PAGE)
    return Reply.say(views.agents_message(page, window, f"/report agents {period}", ctx.t))


async def categories_command(ctx: Context, rest: str) -> Reply:
    _, window = _window(ctx, rest)
    frequency, by_cost = await category_figures(ctx.session, ctx.workspace.id, window)
    return Reply.say(views.categories_message(frequency, by_cost, window, ctx.t))


MANAGERS_REPORTS = Rule(MANAGERS.roles, refusal=N_("Only managers and admins can see reports."))
PERIOD = Arg("period", ArgKind.CHOICE, N_("This week or this month, to date"), choices=PERIODS)

REPORT = router.add(
    Command(
        "report",
        N_("The team's figures, for managers"),
        title=N_("Reports"),
        rule=MANAGERS_REPORTS,
        subcommands=(
            Command(
                "agents",
                N_("per agent: taken, resolved, time to resolve, follow-ups, checks, CSAT"),
                agents_command,
                (PERIOD, Arg("page", ArgKind.NUMBER, N_("Which page of the list"), keyword=True)),
            ),
            Command(
                "categories",
                N_("per category: complaints and compensation paid"),
                categories_command,
                (PERIOD,),
            ),
        ),
    )
)
