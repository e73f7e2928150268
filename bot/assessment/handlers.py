"""`/assessment` and its buttons: the self-assessment, taken one statement at a time in a DM."""

from __future__ import annotations

from bot import paging
from bot.assessment import service, views
from bot.context import Context, Role
from bot.errors import Forbidden, NotFound, UserError
from bot.i18n import N_
from bot.permissions import TEAM_RESULTS
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import Audience, Message, Post, Reply
from storage.models import Assessment

router = Router("assessment.handlers")

PRIVATE = (Role.ADMIN,)  # besides the respondent, who may read individual answers


SENT = N_("I sent it to you in a direct message.")
CONTINUES = N_("The assessment continues in your direct messages with me.")


def in_dm(ctx: Context, message: Message, note: str = SENT, fresh: bool = False) -> Reply:
    """The message in the person's DM; typed elsewhere, they are told where it went."""
    posts = [Post(message, Audience.DM, fresh=fresh)]
    if not ctx.actor.is_dm:
        posts.insert(0, Post(Message(text=ctx.t(note)), Audience.ACTOR))
    return Reply(posts=tuple(posts))


async def start(ctx: Context) -> Reply:
    run, _new = await service.start_or_resume(ctx)
    # Posted anew: the DM's latest message is the one to answer, however long ago it started.
    return in_dm(ctx, views.question(ctx, run), CONTINUES, fresh=True)


def _ids(action: str, value: str) -> tuple[int, int, int | None]:
    """(run id, position, score) from `assessment.answer:RUN` and `POSITION[:SCORE]`."""
    try:
        run_id = int(action.partition(":")[2])
        if not 0 < run_id < 2**31:  # no run has that id, and the database could not say so
            raise ValueError(run_id)
        position, _, score = value.partition(":")
        return run_id, int(position), int(score) if score else None
    except ValueError:
        raise UserError(N_("That button is out of date. Type /assessment to go on.")) from None


async def _run_of(ctx: Context, action: str, value: str) -> tuple[Assessment, int, int | None]:
    run_id, position, score = _ids(action, value)
    run = await service.own_run(ctx, run_id)
    if run is None:
        raise NotFound(N_("That assessment is not yours, or it no longer exists."))
    return run, position, score


def _stale(ctx: Context, run: Assessment) -> Reply:
    """A click on a question that is no longer on screen changes nothing: say so, show where
    the assessment stands."""
    if run.completed_at is not None:
        return Reply.text(
            ctx.t("This assessment is complete. Type /assessment history to see your results.")
        )
    note = ctx.t("That statement is answered already; here is where you are.")
    return Reply(
        posts=(
            Post(Message(text=note), Audience.ACTOR),
            Post(views.question(ctx, run), Audience.DM),
        )
    )


@router.action("assessment.answer:")
async def answer(ctx: Context, action: str, value: str) -> Reply:
    run, position, score = await _run_of(ctx, action, value)
    if score is None or not service.answer(ctx, run, position, score):
        return _stale(ctx, run)
    if run.completed_at is None:
        return Reply(posts=(Post(views.question(ctx, run), Audience.DM),))
    await ctx.session.flush()
    current = service.result(run)
    previous = await service.previous(ctx, run)
    return Reply(posts=(Post(views.result(ctx, current, previous), Audience.DM),))


@router.action("assessment.back:")
async def back(ctx: Context, action: str, value: str) -> Reply:
    run, position, _ = await _run_of(ctx, action, value)
    if not service.back(run, position):
        return _stale(ctx, run)
    return Reply(posts=(Post(views.question(ctx, run), Audience.DM),))


@router.action("assessment.pause:")
async def pause(ctx: Context, action: str, value: str) -> Reply:
    run, position, _ = await _run_of(ctx, action, value)
    if not service.pause(ctx, run, position):
        return _stale(ctx, run)
    return Reply(posts=(Post(views.paused(ctx, run), Audience.DM),))


@router.action("assessment.history")
async def history_button(ctx: Context, _action: str, _value: str) -> Reply:
    return await history(ctx)


async def history(ctx: Context) -> Reply:
    results = await service.history(ctx, ctx.member)
    return in_dm(ctx, views.history(ctx, results))


async def team(ctx: Context, rest: str = "") -> Reply:
    """The team's results; `rest` may name a page of the people's list ("page 2")."""
    _, page = paging.split_page(rest)
    results = await service.team(ctx)
    return in_dm(ctx, views.team(ctx, results, show_people=ctx.role in PRIVATE, number=page))


@router.action(views.TEAM_ACTION)
async def team_button(ctx: Context, _action: str, value: str) -> Reply:
    """The team view's Previous or Next page (its people, for admins)."""
    return await team(ctx, value)


@router.action("assessment.answers:")
async def answers(ctx: Context, action: str, _value: str) -> Reply:
    run_id, _, _ = _ids(action, "0")
    run = await service.find(ctx, run_id)
    if run is None or run.completed_at is None:
        raise NotFound(N_("That assessment is not complete, or it no longer exists."))
    if run.member_id != ctx.member.id and ctx.role not in PRIVATE:
        raise Forbidden(N_("Only the respondent and admins can see individual answers."))
    return in_dm(ctx, views.answers(ctx, service.result(run)))


async def _start(ctx: Context, _rest: str) -> Reply:
    return await start(ctx)


async def _history(ctx: Context, _rest: str) -> Reply:
    return await history(ctx)


async def _team(ctx: Context, rest: str) -> Reply:
    return await team(ctx, rest)


router.add(
    Command(
        "assessment",
        N_("The customer service self-assessment, in your DMs"),
        title=N_("The customer service self-assessment"),
        default="start",
        subcommands=(
            Command(
                "start",
                N_("take the 25 statements, or go on where you paused"),
                _start,
                aliases=("resume",),
            ),
            Command("history", N_("your results over time"), _history),
            Command(
                "team",
                N_("the team's results"),
                _team,
                (Arg("page", ArgKind.NUMBER, N_("Which page of the list"), keyword=True),),
                rule=TEAM_RESULTS,
            ),
        ),
    )
)
