"""The complaint log's conversations: commands, buttons and forms, answered with the UI model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot import paging
from bot.categories import category_label
from bot.complaints import forms, reads, search, service, views
from bot.complaints.schemas import (
    ComplaintIn,
)
from bot.context import Context
from bot.errors import InvalidForm, UserError
from bot.i18n import N_
from bot.locks import lock_workspace
from bot.sla.overdue import past_target_section
from bot.sla.targets import PRIORITIES
from bot.sla.words import priority_label
from bot.tree import Router
from bot.ui import Audience, FieldErrors, Form, Message, Post, Reply
from bot.validation import FormContext, email_or_none, field_errors, limit_of, phone_or_none
from storage.models import Complaint

Model = TypeVar("Model", bound=BaseModel)

router = Router("complaints.handlers")

LIST_VIEWS = ("open", "mine", "overdue", "all")
CATEGORY_MAX = 40


def form_context(ctx: Context) -> FormContext:
    return FormContext(
        now=ctx.now(),
        zone=ctx.zone,
        phone_region=ctx.workspace.phone_region,
        currency=ctx.workspace.currency,
        categories=tuple(ctx.workspace.categories),
    )


def validate(
    ctx: Context, model: type[Model], form: Form, values: Mapping[str, str | None]
) -> Model:
    """The whole form, or InvalidForm with one message per wrong field (and what was typed)."""
    try:
        return model.model_validate(dict(values), context=form_context(ctx))
    except ValidationError as exc:
        raise InvalidForm(FieldErrors(field_errors(exc, ctx.t), form.with_values(values))) from None


def parse_number(text: str) -> int:
    digits = text.strip().lstrip("#")
    if not digits.isdecimal() or len(digits) > 9:
        raise UserError(N_("Give a complaint number, for example: /complaint show 42"))
    return int(digits)


def changed(ctx: Context, complaint: Complaint, note: str) -> Reply:
    """After a change: the card is updated where it was posted, and the actor is told."""
    return Reply(
        posts=(
            Post(
                views.card(ctx.for_channel(), complaint),
                Audience.CHANNEL,
                ctx.workspace.complaints_channel,
            ),
            Post(Message(text=note), Audience.ACTOR),
        )
    )


# --- /complaint ---------------------------------------------------------------------------------


async def new_command(ctx: Context, _rest: str) -> Reply:
    return Reply(form=forms.create_form(ctx))


async def show_command(ctx: Context, rest: str) -> Reply:
    return await show(ctx, parse_number(rest))


def split_priority(rest: str) -> tuple[str, str | None]:
    """`… priority urgent` anywhere among the words: the other words, and the priority."""
    words = rest.split()
    for i, word in enumerate(words[:-1]):
        if word.lower() == "priority":
            wanted = words[i + 1].lower()
            if wanted not in PRIORITIES:
                raise UserError(
                    N_("Choose a priority: {choices}."), choices=", ".join(reversed(PRIORITIES))
                )
            return " ".join(words[:i] + words[i + 2 :]), wanted
    if words and words[-1].lower() == "priority":
        raise UserError(
            N_("Choose a priority: {choices}."), choices=", ".join(reversed(PRIORITIES))
        )
    return rest, None


async def list_command(ctx: Context, rest: str) -> Reply:
    t = ctx.t
    rest, page = paging.split_page(rest)
    rest, priority = split_priority(rest)
    view, _, arg = rest.strip().partition(" ")
    view = view.lower() or "open"
    more = f" priority {priority}" if priority else ""
    if view == "category":
        code = category_code(ctx, arg.strip())
        found = await reads.list_complaints(
            ctx, view="category", category=code, priority=priority, page=page
        )
        title = t("Complaints: {category}").format(category=category_label(code, t))
        if priority:
            title = _of_priority(title, priority, ctx)
        return Reply.say(
            views.listing(
                title, found, t, t("No complaints of this kind."), f"category {code}{more}"
            )
        )
    if view not in LIST_VIEWS:
        raise UserError(N_("List one of: open, mine, overdue, all, or category NAME."))
    titles = {
        "open": (t("Open complaints"), t("No open complaints. Well done!")),
        "mine": (t("My open complaints"), t("You have no open complaints.")),
        "overdue": (t("Overdue follow-ups"), t("No follow-up is overdue.")),
        "all": (t("All complaints"), t("No complaints logged yet.")),
    }
    title, empty = titles[view]
    if priority:
        title = _of_priority(title, priority, ctx)
    found = await reads.list_complaints(ctx, view=view, priority=priority, page=page)
    listing = views.listing(title, found, t, empty, view + more)
    if view == "overdue" and page == 1 and not priority:
        # Overdue follow-ups first, as ever; then complaints past their targets (bot/sla).
        listing = replace(listing, sections=(*listing.sections, await past_target_section(ctx)))
    return Reply.say(listing)


def _of_priority(title: str, priority: str, ctx: Context) -> str:
    return ctx.t("{list} · {priority} priority").format(
        list=title, priority=priority_label(priority, ctx.t)
    )


@router.action(views.LIST_ACTION)
async def list_action(ctx: Context, _action: str, value: str) -> Reply:
    """A list's Next page button: its value is what follows `/complaint list`."""
    return await list_command(ctx, value)


def category_code(ctx: Context, name: str) -> str:
    wanted = name.strip().lower()
    for code in ctx.workspace.categories:
        if wanted in (code.lower(), category_label(code, ctx.t).lower()):
            return code
    raise UserError(
        N_("There is no category “{name}”. Categories: {names}."),
        name=name,
        names=", ".join(category_label(c, ctx.t) for c in ctx.workspace.categories),
    )


async def show(ctx: Context, number: int) -> Reply:
    complaint = await service.get(ctx, number=number)
    personal = service.can_see_personal_data(ctx, complaint)
    if personal and complaint.erased_at is None:
        service.audit(ctx, "viewed_personal_data", complaint)
    message = views.details(
        ctx,
        complaint,
        personal=personal,
        steps=await reads.steps(ctx, complaint=complaint),
        follow_ups=await reads.follow_ups(ctx, complaint=complaint),
        earlier=await reads.earlier_from_same_customer(ctx, complaint=complaint),
        events=await reads.history(ctx, complaint=complaint),
    )
    return Reply.say(message)


def search_kind(ctx: Context, query: str) -> tuple[search.SearchKind, str]:
    """What a search looks for: #N a complaint, a phone number, an email, a category, else
    text."""
    Kind = search.SearchKind
    if query.startswith("#") and query[1:].isdecimal() and len(query) <= 10:
        return Kind.NUMBER, query[1:]
    email = email_or_none(query)
    if email:
        return Kind.EMAIL, email
    phone = phone_or_none(query, ctx.workspace.phone_region)
    if phone:
        return Kind.PHONE, phone
    if query.isdecimal() and len(query) <= 9:
        return Kind.NUMBER, query
    wanted = query.lower()
    for code in ctx.workspace.categories:
        if wanted in (code.lower(), category_label(code, ctx.t).lower()):
            return Kind.CATEGORY, code
    if len(query) < 2:
        raise UserError(N_("Type at least two characters, a complaint number or a phone number."))
    return Kind.TEXT, query


async def search_command(ctx: Context, text: str) -> Reply:
    query, page = paging.split_page(text)
    if not query:
        raise UserError(N_("Type at least two characters, a complaint number or a phone number."))
    kind, value = search_kind(ctx, query)
    found = await search.search(ctx, kind=kind, value=value, page=page)
    for complaint in found:  # the results show these customers' names
        if complaint.erased_at is None and service.can_see_personal_data(ctx, complaint):
            service.audit(ctx, "viewed_personal_data", complaint, via="search")
    return Reply.say(views.search_results(ctx, found, query))


@router.action(views.SEARCH_ACTION)
async def search_action(ctx: Context, _action: str, value: str) -> Reply:
    """A search's Previous or Next page button: its value is the search, with the page."""
    return await search_command(ctx, value)


def _category_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > CATEGORY_MAX:
        raise UserError(N_("Give a category name of 1 to {max} characters."), max=CATEGORY_MAX)
    return name


async def categories_command(ctx: Context, rest: str) -> Reply:
    """The listing, paged: `/complaint categories page 2`."""
    return Reply.say(views.categories(ctx, paging.split_page(rest)[1]))


async def add_category(ctx: Context, rest: str) -> Reply:
    """Added, and the page that shows it (the last)."""
    name = _category_name(rest)
    await lock_workspace(ctx)  # the list as the last change left it, not as first read
    current = list(ctx.workspace.categories)
    if any(name.lower() == category_label(c, ctx.t).lower() for c in current):
        raise UserError(N_("The category “{name}” exists already."), name=name)
    current.append(name)
    _save_categories(ctx, current)
    return Reply.say(views.categories(ctx, -(-len(current) // paging.PAGE_SIZE)))


async def remove_category(ctx: Context, rest: str) -> Reply:
    name = _category_name(rest)
    await lock_workspace(ctx)  # the list as the last change left it: removed once, not twice
    code = category_code(ctx, name)
    current = list(ctx.workspace.categories)
    if len(current) == 1:
        raise UserError(N_("Keep at least one category."))
    current.remove(code)
    _save_categories(ctx, current)
    return Reply.say(views.categories(ctx, 1))


def _save_categories(ctx: Context, categories: list[str]) -> None:
    ctx.workspace.categories = categories
    service.audit(ctx, "categories", None, categories=categories)


@router.action(views.CATEGORIES_ACTION)
async def categories_action(ctx: Context, _action: str, value: str) -> Reply:
    """The category list's Next page button (listing only: its value is "page N")."""
    _, page = paging.split_page(value)
    return Reply.say(views.categories(ctx, page))


async def channel_command(ctx: Context, rest: str) -> Reply:
    """Cards go to one channel of the workspace's choosing, or where each command is typed."""
    t = ctx.t
    where = rest.strip().lower()
    if where == "here":
        if ctx.actor.is_dm or not ctx.actor.channel_id:
            raise UserError(N_("Type this in the channel that should receive complaint cards."))
        await lock_workspace(ctx)
        if ctx.workspace.complaints_channel != ctx.actor.channel_id:  # audited when it changes
            ctx.workspace.complaints_channel = ctx.actor.channel_id
            service.audit(ctx, "channel", None, channel=ctx.actor.channel_id)
        return Reply.text(t("Complaint cards will be posted in this channel."))
    if where == "off":
        await lock_workspace(ctx)
        if ctx.workspace.complaints_channel is not None:
            ctx.workspace.complaints_channel = None
            service.audit(ctx, "channel", None, channel=None)
        return Reply.text(t("Complaint cards will be posted where each complaint is logged."))
    if where:
        raise UserError(N_("Use /complaint channel here, or /complaint channel off."))
    if ctx.workspace.complaints_channel:
        return Reply.text(t("Complaint cards are posted in a channel chosen by a manager."))
    return Reply.text(t("Complaint cards are posted where each complaint is logged."))


# --- the create form ----------------------------------------------------------------------------


@router.form(forms.CREATE)
async def submit_complaint(
    ctx: Context,
    values: Mapping[str, str | None],
    _state: Mapping[str, str],
    _delivery_id: str | None,
) -> Reply:
    data = validate(ctx, ComplaintIn, forms.create_form(ctx), values)
    complaint = await service.create(ctx, data=data)
    note = ctx.t("Complaint #{number} is logged. Type /complaint show {number} for details.")
    reply = changed(ctx, complaint, note.format(number=complaint.number))
    # A new card: nothing to look up, it has not been posted anywhere yet.
    return replace(reply, posts=tuple(replace(p, fresh=True) for p in reply.posts))


# --- buttons ------------------------------------------------------------------------------------


async def complaint_of(ctx: Context, value: str | Mapping[str, str]) -> Complaint:
    """The complaint a button or form is about, locked: whatever it changes is decided on the
    complaint as it is, after any change pressed at the same moment."""
    raw = value.get("number", "") if isinstance(value, Mapping) else value
    return await service.get(ctx, number=parse_number(raw), for_update=True)


@router.action("complaint.new")
async def new_action(ctx: Context, _action: str, _value: str) -> Reply:
    return Reply(form=forms.create_form(ctx))


@router.action("complaint.from_message")
async def from_message_action(ctx: Context, _action: str, text: str) -> Reply:
    """A chat message turned into a complaint: its text becomes what happened."""
    form = forms.create_form(ctx)
    longest = limit_of(ComplaintIn, "description").max_length
    return Reply(form=form.with_values({"description": text.strip()[:longest] or None}))


@router.action("complaint.details")
async def details_action(ctx: Context, _action: str, value: str) -> Reply:
    return await show(ctx, parse_number(value))


@router.action("complaint.reopen")
async def reopen_action(ctx: Context, _action: str, value: str) -> Reply:
    complaint = await complaint_of(ctx, value)
    await service.reopen(ctx, complaint=complaint)
    return changed(
        ctx, complaint, ctx.t("Complaint #{number} is open again.").format(number=complaint.number)
    )


@router.action(views.WAITING_ACTION)
async def waiting_action(ctx: Context, action: str, value: str) -> Reply:
    """`complaint.waiting:on` or `:off`: the state the button showed, so pressing it twice
    (or an old card's) lands once."""
    complaint = await complaint_of(ctx, value)
    waiting = action.split(":", 1)[1] == "on"
    await service.set_waiting(ctx, complaint=complaint, waiting=waiting)
    note = (
        ctx.t("Complaint #{number} is waiting for the customer: its resolution clock stopped.")
        if waiting
        else ctx.t("Complaint #{number} is open again: its resolution clock goes on.")
    )
    return changed(ctx, complaint, note.format(number=complaint.number))


@router.action(views.STEP_PREFIX)
async def checklist_action(ctx: Context, action: str, value: str) -> Reply:
    complaint = await complaint_of(ctx, value)
    step, _, target = action.split(":", 1)[1].partition(":")
    if target not in (views.DONE, views.UNDONE):  # a button posted before they said which
        target = views.UNDONE if complaint.checklist.get(step) else views.DONE
    await service.set_checklist(ctx, complaint=complaint, step=step, done=target == views.DONE)
    return await show(ctx, complaint.number)
