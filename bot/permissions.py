"""Who may do what: every command, button and form against the roles, declared once.

The core checks this table in one place (`bot.app.CareBot`), before any handler runs; a
refusal is one translated sentence and writes nothing. A button or form missing from the table
is refused (and fails the test that compares the table with the router).

Roles: agent < manager < admin. "Holds" is a condition on the record the event names: the
agent who logged a complaint (its "received by") or is assigned to it holds it; the agent
asked to make a retention check holds that check. Managers and admins act on any record. So an
agent works on the complaints they hold (Add step, Resolve, Reopen, Follow-up, Assign, which
hands it on to someone else) and reads everyone's cards and details, masked.

What is checked elsewhere, on the data itself, and why it is not a row here:
- personal data (a customer's name, phone, email, address) is shown only to those who hold the
  complaint and to managers and admins (`complaints.service.can_see_personal_data`): Details,
  show and search are for everyone, with the data masked for the others;
- an assessment's answers are its respondent's (and admins'): the run is looked up as theirs;
- a role is never set below the platform's floor, nor the last admin's taken away (bot.roles).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from bot.complaints.service import held_by
from bot.context import Context, Role
from bot.errors import Forbidden
from bot.i18n import N_
from storage.models import Complaint, RetentionCheck


class Held(StrEnum):
    """The record whose holder may act: named by the button's value, or the form's state."""

    COMPLAINT = "complaint"  # its number; the form's state "number"
    RETENTION_CHECK = "retention check"  # its id; the form's state "check"


STATE_KEYS = {Held.COMPLAINT: "number", Held.RETENTION_CHECK: "check"}


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]  # may always
    holder: Held | None = None  # and the agent who holds this record
    refusal: str | None = None  # the sentence when refused; else one that names who may

    def message(self) -> str:
        if self.refusal:
            return self.refusal
        if self.holder is Held.COMPLAINT:
            return HOLDER_ONLY
        if self.roles == {Role.ADMIN}:
            return ADMINS_ONLY
        return MANAGERS_ONLY


ADMINS_ONLY = N_("Only admins can do this.")
MANAGERS_ONLY = N_("Only managers and admins can change this.")
NOT_DECLARED = N_("carebot does not allow this to anyone.")
HOLDER_ONLY = N_(
    "Only the agent who logged complaint #{number} or is assigned to it, managers and admins "
    "can do this."
)

EVERYONE = Rule(frozenset(Role))
MANAGERS = Rule(frozenset({Role.MANAGER, Role.ADMIN}))
ADMINS = Rule(frozenset({Role.ADMIN}))
HOLDER = Rule(frozenset({Role.MANAGER, Role.ADMIN}), holder=Held.COMPLAINT)
TEAM_RESULTS = Rule(
    MANAGERS.roles, refusal=N_("Only managers and admins can see the team's results.")
)

# --- the table ----------------------------------------------------------------------------------
# Commands carry their rule in their declaration (the command tree, bot/tree.py: `rule`, and
# `change` for words that change a setting); `bot.routes.command_rules()` lists them. Buttons
# and forms are declared here.

# Buttons by the name they are registered with ("x.y:" covers "x.y:anything").
ACTIONS: dict[str, Rule] = {
    "complaint.new": EVERYONE,
    "complaint.from_message": EVERYONE,
    "complaint.details": EVERYONE,
    "complaint.list": EVERYONE,  # a list's Next page
    "complaint.categories": EVERYONE,  # the category list's Next page
    "complaint.search": EVERYONE,  # a search's next page; what it finds is scoped as typed
    "complaint.step": HOLDER,
    "complaint.resolve": HOLDER,
    "complaint.reopen": HOLDER,
    "complaint.follow_up": HOLDER,
    "complaint.follow_up_done": HOLDER,
    "complaint.assign": HOLDER,  # the holder hands it on; managers give it to anyone
    "complaint.checklist:": HOLDER,
    "complaint.priority": HOLDER,
    "complaint.waiting:": HOLDER,  # waiting for the customer, or their reply came
    "follow_up.done:": HOLDER,
    "follow_up.snooze": HOLDER,  # a reminder sent before Snooze named its due time
    "follow_up.snooze:": HOLDER,
    "escalation.take": MANAGERS,
    "goal.list": EVERYONE,  # the goal list's Next page
    "retention.record": Rule(
        MANAGERS.roles,
        holder=Held.RETENTION_CHECK,
        refusal=N_("Only the agent asked to call, managers and admins can record this."),
    ),
    "assessment.answer:": EVERYONE,  # one's own run only
    "assessment.back:": EVERYONE,
    "assessment.pause:": EVERYONE,
    "assessment.history": EVERYONE,
    "assessment.team": TEAM_RESULTS,  # the team view's other pages
    "assessment.answers:": EVERYONE,  # the respondent's and admins' only
    "policy.overview": EVERYONE,
    "policy.document": EVERYONE,
    "policy.section:": EVERYONE,
    "policy.write:": EVERYONE,
    "policy.history:": EVERYONE,
    "policy.final:": Rule(
        MANAGERS.roles, refusal=N_("Only managers and admins can mark a section final.")
    ),
    "privacy.erase": ADMINS,
}

# Forms by their id: the same rule as the button that opened them, since a form can be
# submitted without the button (a crafted submission).
FORMS: dict[str, Rule] = {
    "complaint.create": EVERYONE,
    "complaint.step": HOLDER,
    "complaint.resolve": HOLDER,
    "complaint.follow_up": HOLDER,
    "complaint.follow_up_done": HOLDER,
    "complaint.assign": HOLDER,
    "complaint.priority": HOLDER,
    "retention.record": ACTIONS["retention.record"],
    "goal.save": MANAGERS,
    "policy.save": EVERYONE,
}


# --- finding an event's row -------------------------------------------------------------------


@dataclass(frozen=True)
class Demand:
    """What one event asks: its row of the table, and the record it names (if any)."""

    kind: str  # command, action, form
    entry: str | None  # None: not in the table, refused
    rule: Rule | None
    record: str = ""


def action_entry(action: str) -> str | None:
    """As the router finds the handler: the exact name, else the prefix before ':'."""
    if action in ACTIONS:
        return action
    prefix = action.split(":", 1)[0] + ":"
    return prefix if prefix in ACTIONS else None


def for_action(action: str, value: str) -> Demand:
    entry = action_entry(action)
    return Demand("action", entry, ACTIONS.get(entry) if entry else None, value)


def for_form(form_id: str, state: Mapping[str, str]) -> Demand:
    rule = FORMS.get(form_id)
    held = rule.holder if rule else None
    record = str(state.get(STATE_KEYS[held], "")) if held else ""
    return Demand("form", form_id if rule else None, rule, record)


# --- checking -----------------------------------------------------------------------------------


def _id(raw: str) -> int | None:
    """A complaint number or record id as a button or form carries it ("#12", "12", or
    "12:…" when more follows it, such as the state the button was pressed on), if it is one."""
    digits = raw.strip().lstrip("#").split(":", 1)[0]
    return int(digits) if digits.isdecimal() and len(digits) <= 9 else None


async def holds(ctx: Context, held: Held, record: str) -> bool:
    """Whether the person acting holds the record named; an unknown record is held by nobody."""
    number = _id(record)
    if number is None:
        return False
    if held is Held.COMPLAINT:
        held = await ctx.session.scalar(
            select(Complaint.id).where(
                Complaint.workspace_id == ctx.workspace.id,
                Complaint.number == number,
                held_by(ctx.member.id),
            )
        )
        return held is not None
    agent = await ctx.session.scalar(
        select(RetentionCheck.agent_id).where(
            RetentionCheck.workspace_id == ctx.workspace.id, RetentionCheck.id == number
        )
    )
    return agent is not None and agent == ctx.member.id


async def allowed(ctx: Context, demand: Demand) -> bool:
    rule = demand.rule
    if rule is None:
        return False
    if ctx.role in rule.roles:
        return True
    return rule.holder is not None and await holds(ctx, rule.holder, demand.record)


async def check(ctx: Context, demand: Demand) -> None:
    """Raises Forbidden (a translated sentence) when the person may not do what they asked."""
    if await allowed(ctx, demand):
        return
    if demand.rule is None:
        raise Forbidden(NOT_DECLARED)
    number = _id(demand.record)
    raise Forbidden(demand.rule.message(), number=number if number is not None else "?")
