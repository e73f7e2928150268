"""How complaints look: the channel card (no personal data), the details, and lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from bot.categories import category_label
from bot.complaints import service
from bot.complaints.service import CHECKLIST, RESOLVED, WAITING
from bot.context import Context
from bot.events import event_label
from bot.i18n import N_, Translator
from bot.language import NAMES
from bot.paging import Page, count_line, next_hint, page_buttons, paged, sections
from bot.sla.words import priority_label
from bot.ui import Button, ButtonStyle, Message, Section
from bot.validation import display_phone, minor_to_amount
from storage.models import AuditEvent, Complaint, ComplaintStep, FollowUp

STEP_PREFIX = "complaint.checklist:"
LIST_ACTION = "complaint.list"  # a list's Next page button
CATEGORIES_ACTION = "complaint.categories"  # the category list's Next page button
SEARCH_ACTION = "complaint.search"  # a search's Previous and Next page buttons

T = TypeVar("T")

# A checklist button says what it does (`complaint.checklist:cause:done`), not "toggle": a
# double click or an old message sets the same state again, which changes nothing.
DONE, UNDONE = "done", "undone"


def checklist_action(code: str, done_now: bool) -> str:
    return f"{STEP_PREFIX}{code}:{UNDONE if done_now else DONE}"


def ref(complaint: Complaint) -> str:
    return f"complaint:{complaint.number}"


def status_label(complaint: Complaint, t: Translator) -> str:
    if complaint.status == WAITING:
        return t("Waiting for customer")
    return t("Resolved") if complaint.status == RESOLVED else t("Open")


WAITING_ACTION = "complaint.waiting:"  # `complaint.waiting:on` / `:off`, as the button said
PRIORITY_ACTION = "complaint.priority"


def deadline_fields(complaint: Complaint, t: Translator) -> list[tuple[str, str]]:
    """The targets' deadlines as the complaint's clock holds them: met, stopped or due."""
    clock = complaint.clock
    if clock is None or clock.response_due_at is None or clock.resolution_due_at is None:
        return []
    if clock.responded_at is not None or complaint.resolved_at is not None:
        answered = clock.responded_at or complaint.resolved_at
        response = t("met {when}").format(when=t.datetime(answered))
    else:
        response = t.datetime(clock.response_due_at)
    if complaint.resolved_at is not None:
        resolution = t("met {when}").format(when=t.datetime(complaint.resolved_at))
    elif clock.waiting_since is not None:
        resolution = t("stopped while waiting for the customer")
    else:
        resolution = t.datetime(clock.resolution_due_at)
    return [(t("First response due"), response), (t("Resolution due"), resolution)]


def solution_mode_label(mode: str | None, t: Translator) -> str:
    if mode == "on_the_spot":
        return t("carried out on the spot")
    if mode == "promised":
        return t("promised for later")
    return "—"


def compensation(complaint: Complaint, t: Translator) -> str:
    parts = []
    if complaint.compensation_minor is not None and complaint.compensation_currency:
        amount = minor_to_amount(complaint.compensation_minor, complaint.compensation_currency)
        parts.append(t.money(amount, complaint.compensation_currency))
    if complaint.compensation_text:
        parts.append(complaint.compensation_text)
    return " · ".join(parts) or "—"


def mask_name(name: str) -> str:
    return name[:1] + "•••" if name else "•••"


def mask_phone(phone: str | None) -> str:
    return "•••• " + phone[-4:] if phone else "—"


def mask_email(email: str | None) -> str:
    # Not even a letter of it: a company's domain alone can say who the customer is.
    return "•••@•••" if email else "—"


def language_name(ctx: Context, complaint: Complaint) -> str:
    """The customer's language by its own name; none chosen is the workspace's."""
    code = complaint.customer_language or ctx.workspace.locale
    return NAMES.get(code, code)


def _title(complaint: Complaint, t: Translator) -> str:
    return t("Complaint #{number} · {category} · {status}").format(
        number=complaint.number,
        category=category_label(complaint.category, t),
        status=status_label(complaint, t),
    )


def buttons(complaint: Complaint, t: Translator) -> tuple[Button, ...]:
    number = str(complaint.number)
    resolve = (
        Button(t("Reopen"), "complaint.reopen", number)
        if complaint.status == RESOLVED
        else Button(t("Resolve"), "complaint.resolve", number, ButtonStyle.PRIMARY)
    )
    follow_up = (
        Button(t("Follow-up done"), "complaint.follow_up_done", number)
        if complaint.follow_up_at
        else Button(t("Follow-up"), "complaint.follow_up", number)
    )
    more: tuple[Button, ...] = ()
    if complaint.status == WAITING:
        more = (Button(t("Customer replied"), WAITING_ACTION + "off", number),)
    elif complaint.status != RESOLVED:
        more = (Button(t("Waiting for customer"), WAITING_ACTION + "on", number),)
    return (
        Button(t("Add step"), "complaint.step", number),
        resolve,
        follow_up,
        Button(t("Assign"), "complaint.assign", number),
        Button(t("Priority"), PRIORITY_ACTION, number),
        *more,
        Button(t("Details"), "complaint.details", number),
    )


def follow_up_text(ctx: Context, complaint: Complaint) -> str:
    """The follow-up's time, and that it is due once its time has come."""
    when = ctx.t.datetime(complaint.follow_up_at)
    if complaint.follow_up_at is not None and complaint.follow_up_at <= ctx.now():
        return ctx.t("{when} · due now").format(when=when)
    return when


def card(ctx: Context, complaint: Complaint) -> Message:
    """The card posted in a channel: never the customer's name, address, phone or email."""
    t = ctx.t
    fields = [
        (t("Priority"), priority_label(complaint.priority, t)),
        (t("Received by"), complaint.received_by.display_name),
        (t("Received"), t.datetime(complaint.received_at)),
        (t("Assigned to"), complaint.assigned_to.display_name if complaint.assigned_to else "—"),
        (t("Follow-up"), follow_up_text(ctx, complaint)),
        *deadline_fields(complaint, t),
    ]
    if complaint.resolved_at:
        fields.append((t("Resolved"), t.datetime(complaint.resolved_at)))
    return Message(
        text=_title(complaint, t),
        sections=(Section(body=complaint.description, fields=tuple(fields)),),
        buttons=buttons(complaint, t),
        ref=ref(complaint),
    )


def details(
    ctx: Context,
    complaint: Complaint,
    *,
    personal: bool,
    steps: Sequence[ComplaintStep],
    follow_ups: Sequence[FollowUp],
    earlier: Sequence[Complaint],
    events: Sequence[AuditEvent],
) -> Message:
    """Everything about one complaint, for the person who asked (shown only to them)."""
    t = ctx.t
    customer: tuple[tuple[str, str], ...]
    if complaint.erased_at is not None:
        customer = ((t("Erased"), t.datetime(complaint.erased_at)),)
    elif personal:
        customer = (
            (t("Name"), complaint.customer_name),
            (
                t("Phone"),
                display_phone(complaint.customer_phone) if complaint.customer_phone else "—",
            ),
            (t("Email"), complaint.customer_email or "—"),
            (t("Address"), complaint.customer_address or "—"),
            (t("Language"), language_name(ctx, complaint)),
        )
    else:
        customer = (
            (t("Name"), mask_name(complaint.customer_name)),
            (t("Phone"), mask_phone(complaint.customer_phone)),
            (t("Email"), mask_email(complaint.customer_email)),
            (t("Language"), language_name(ctx, complaint)),
        )
    sections = [
        Section(title=t("Customer"), fields=customer),
        Section(
            title=t("Complaint"),
            body=complaint.description,
            fields=(
                (t("Nature"), category_label(complaint.category, t)),
                (t("Priority"), priority_label(complaint.priority, t)),
                (t("Received by"), complaint.received_by.display_name),
                (t("Received"), t.datetime(complaint.received_at)),
                (
                    t("Assigned to"),
                    complaint.assigned_to.display_name if complaint.assigned_to else "—",
                ),
                (t("Resolved"), t.datetime(complaint.resolved_at)),
                *deadline_fields(complaint, t),
            ),
        ),
        Section(
            title=t("Solution"),
            body=complaint.solution or t("No solution agreed yet."),
            fields=(
                (t("Carried out"), solution_mode_label(complaint.solution_mode, t)),
                (t("Compensation"), compensation(complaint, t)),
                (t("Prevention"), complaint.prevention or "—"),
            ),
        ),
        Section(
            title=t("Steps being taken"),
            body="\n".join(f"• {t.datetime(s.at)} · {s.by.display_name}: {s.text}" for s in steps)
            or t("No steps yet."),
        ),
        Section(title=t("Follow-ups"), body=follow_up_lines(follow_ups, t)),
        Section(
            title=t("Resolution checklist"),
            body="\n".join(
                ("☑ " if complaint.checklist.get(code) else "☐ ") + t(text)
                for code, text in CHECKLIST.items()
            ),
        ),
    ]
    if earlier:
        sections.append(
            Section(
                title=t("Earlier complaints from this customer"),
                body="\n".join(line(c, t) for c in earlier),
            )
        )
    if events:
        sections.append(
            Section(
                title=t("History"),
                body="\n".join(
                    f"{t.datetime(e.at)} · {e.actor.display_name if e.actor else 'carebot'} · "
                    f"{event_label(e.action, t)}"
                    for e in events
                ),
            )
        )
    checklist_buttons = tuple(
        Button(
            ("☑ " if complaint.checklist.get(code) else "☐ ") + t(label),
            checklist_action(code, bool(complaint.checklist.get(code))),
            str(complaint.number),
        )
        for code, label in CHECKLIST_SHORT.items()
    )
    return Message(
        text=_title(complaint, t),
        sections=tuple(sections),
        buttons=buttons(complaint, t)[:-1] + checklist_buttons,
    )


CHECKLIST_SHORT = {
    "understand": N_("Understand"),
    "cause": N_("Find the cause"),
    "propose": N_("Propose solutions"),
    "resolve": N_("Resolve"),
}


def follow_up_lines(follow_ups: Sequence[FollowUp], t: Translator) -> str:
    if not follow_ups:
        return t("No follow-up scheduled.")
    lines = []
    for f in follow_ups:
        if f.state == "done":
            outcome = t("satisfied") if f.outcome == "satisfied" else t("not satisfied")
            state = t("done {when}: {outcome}").format(when=t.datetime(f.done_at), outcome=outcome)
        elif f.state == "cancelled":
            state = t("replaced")
        else:
            state = t("scheduled")
        lines.append(f"• {t.datetime(f.due_at)} · {state}" + (f" · {f.note}" if f.note else ""))
    return "\n".join(lines)


def line(complaint: Complaint, t: Translator, deadline: str | None = None) -> str:
    """One line of a list: number, nature, status, dates, and where it stands against its
    target when given (bot/sla/overdue.py). No personal data."""
    parts = [
        f"#{complaint.number}",
        category_label(complaint.category, t),
        priority_label(complaint.priority, t),
        status_label(complaint, t),
        t.datetime(complaint.received_at),
    ]
    if complaint.follow_up_at:
        parts.append(t("follow-up {when}").format(when=t.datetime(complaint.follow_up_at)))
    if deadline:
        parts.append(deadline)
    return " · ".join(parts)


def paging_section(page: Page[T], command: str, t: Translator) -> tuple[Section, ...]:
    """How many there are in all and, when there are more, the command for the next page."""
    body = "\n".join(filter(None, (count_line(page, t), next_hint(page, command, t))))
    return (Section(body=body),) if body else ()


def listing(
    title: str, complaints: Page[Complaint], t: Translator, empty: str, command: str
) -> Message:
    """A page of complaints, how many there are in all, and the way to the next page.

    `command` is what follows `/complaint list` for this list (e.g. "all")."""
    if not complaints.total:
        return Message(text=title, sections=(Section(body=empty),))
    return Message(
        text=title,
        sections=sections(line(c, t) for c in complaints)
        + paging_section(complaints, f"/complaint list {command}", t),
        buttons=tuple(
            Button(f"#{c.number}", "complaint.details", str(c.number)) for c in complaints[:5]
        )
        + page_buttons(complaints, LIST_ACTION, command, t),
    )


def search_results(ctx: Context, complaints: Page[Complaint], query: str) -> Message:
    """A page of results. What was searched for is not shown again (it may be a customer's
    name): the next page is typed as the search again with "page N", or its button pressed
    (the search rides in the button's value, in a message only the searcher sees)."""
    t = ctx.t
    if not complaints.total:
        return Message(text=t("No complaint matches."))
    lines = []
    for c in complaints:
        name = (
            c.customer_name if service.can_see_personal_data(ctx, c) else mask_name(c.customer_name)
        )
        lines.append(f"{line(c, t)} · {name}")
    more = (
        t("For the next page, type the same search with “page {number}” at the end.").format(
            number=complaints.number + 1
        )
        if complaints.has_next
        else ""
    )
    footer = "\n".join(filter(None, (count_line(complaints, t), more)))
    return Message(
        text=t("Complaints found"),
        sections=sections(lines) + ((Section(body=footer),) if footer else ()),
        buttons=page_buttons(complaints, SEARCH_ACTION, query, t),
    )


def categories(ctx: Context, number: int) -> Message:
    """The workspace's categories, a page at a time, with the count of all."""
    t = ctx.t
    page = paged([category_label(c, t) for c in ctx.workspace.categories], number)
    return Message(
        text=t("Complaint categories"),
        sections=sections(page) + paging_section(page, "/complaint categories", t),
        buttons=page_buttons(page, CATEGORIES_ACTION, "", t),
    )
