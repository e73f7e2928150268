"""`/policy`: the workbook's overview, its sections, saving answers, marking them final,
their history, and the policy document."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.context import Context
from bot.errors import InvalidForm, NotFound, UserError
from bot.i18n import N_
from bot.policy import document, evidence, service, training, views
from bot.policy.content import SECTIONS, Section
from bot.tree import Arg, ArgKind, Command, Router
from bot.ui import FieldErrors, Message, Post, Reply

router = Router("policy.handlers")


def _section(code: str) -> Section:
    section = service.section_of(code)
    if section is None:
        raise NotFound(N_("There is no such section of the policy."))
    return section


async def overview(ctx: Context) -> Reply:
    rows = await service.states(ctx)
    current = service.current(await service.entries(ctx))
    return Reply.say(views.overview(ctx, rows, current, await service.contributors(ctx)))


async def show(ctx: Context, section: Section) -> Reply:
    row = await service.state(ctx, section.code)
    current = service.current(await service.entries(ctx, section.code))
    facts = await evidence.lines(ctx, section.evidence)
    return Reply.say(views.section_view(ctx, section, row, current, facts))


async def the_document(ctx: Context) -> Reply:
    """In the workspace's language: the policy is the team's, whoever asks for it."""
    written = ctx.for_channel()
    file = await document.attachment(written)
    note = ctx.t("The customer service policy, as it stands now.")
    return Reply(posts=(Post(Message(text=note, files=(file,))),))


async def policy_command(ctx: Context, rest: str) -> Reply:
    """The overview, or one section named by its code (`/policy values`)."""
    code = rest.strip().lower()
    if not code:
        return await overview(ctx)
    section = service.section_of(code)
    if section is not None:
        return await show(ctx, section)
    raise UserError(N_("Unknown subcommand “{verb}”. Type /policy help."), verb=code)


async def document_command(ctx: Context, _rest: str) -> Reply:
    return await the_document(ctx)


@router.action("policy.overview")
async def overview_action(ctx: Context, _action: str, _value: str) -> Reply:
    return await overview(ctx)


@router.action("policy.document")
async def document_action(ctx: Context, _action: str, _value: str) -> Reply:
    return await the_document(ctx)


@router.action("policy.section:")
async def section_action(ctx: Context, action: str, _value: str) -> Reply:
    return await show(ctx, _section(action.partition(":")[2]))


@router.action("policy.write:")
async def write_action(ctx: Context, action: str, _value: str) -> Reply:
    section = _section(action.partition(":")[2])
    current = service.current(await service.entries(ctx, section.code))
    return Reply(form=views.form(ctx, section, current))


@router.action("policy.history:")
async def history_action(ctx: Context, action: str, _value: str) -> Reply:
    section = _section(action.partition(":")[2])
    return Reply.say(views.history_view(ctx, section, await service.history(ctx, section)))


@router.action("policy.final:")
async def final_action(ctx: Context, action: str, _value: str) -> Reply:
    section = _section(action.partition(":")[2])
    if await service.mark_final(ctx, section) is None:
        raise UserError(N_("Write something in this section before marking it final."))
    reply = await show(ctx, section)
    note = ctx.t("“{section}” is marked final.").format(section=ctx.t(section.title))
    return Reply(posts=(Post(Message(text=note)), *reply.posts))


@router.form(views.FORM)
async def save_form(
    ctx: Context, values: Mapping[str, str | None], state: Mapping[str, str], _d: str | None
) -> Reply:
    section = _section(state.get("section", ""))
    current = service.current(await service.entries(ctx, section.code))
    form = views.form(ctx, section, current).with_values(values)
    errors = {
        item.code: ctx.t("Keep this to {max_length} characters or fewer.").format(
            max_length=views.ANSWER_MAX
        )
        for item in section.items
        if len(values.get(item.code) or "") > views.ANSWER_MAX
    }
    dates: list[tuple[str, datetime]] = []
    if section.code == "training":
        wrong, dates = training.parse(ctx, values)
        errors.update(wrong)
    if errors:
        raise InvalidForm(FieldErrors(errors, form))
    version = await service.save(ctx, section, values)
    if section.code == "training":
        await training.replan(ctx, dates)
    reply = await show(ctx, section)
    if version is None:
        note = ctx.t("Nothing changed.")
    else:
        note = ctx.t("Saved as version {version} of “{section}”.").format(
            version=version, section=ctx.t(section.title)
        )
    return Reply(posts=(Post(Message(text=note)), *reply.posts))


router.add(
    Command(
        "policy",
        N_("Write the customer service policy together"),
        title=N_("The customer service policy"),
        default="workbook",
        subcommands=(
            Command(
                "workbook",
                N_("the workbook: write the policy together, section by section"),
                policy_command,
                (
                    Arg(
                        "section",
                        ArgKind.CHOICE,
                        N_("A section of the policy"),
                        choices=tuple(s.code for s in SECTIONS),
                    ),
                ),
            ),
            Command("document", N_("the policy as a document (Markdown)"), document_command),
        ),
    )
)
