"""The permission table as cases: one example event per row, tried by every role.

Shared by the core, Slack and Discord tests. Each example names its records as the world of
`roles_world` holds them: complaint #1 and #2 are Bob's (#2 resolved on the spot, so it has a
retention check asked of Bob), goal 1 exists; "{check}" is the retention check's id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot import permissions
from bot.context import Role
from bot.i18n import Translator
from bot.permissions import Rule
from bot.routes import command_rules
from storage.db import Database
from storage.models import Base

# By the command tree's rows (`bot.routes.command_rules`): a command's words, with " …" where
# words that change a setting follow.
COMMANDS: dict[str, tuple[str, str]] = {
    "complaint": ("complaint", "help"),
    "complaint new": ("complaint", "new"),
    "complaint list": ("complaint", "list all"),
    "complaint show": ("complaint", "show 1"),
    "complaint search": ("complaint", "search parcel"),
    "complaint export": ("complaint", "export"),
    "complaint categories": ("complaint", "categories help"),
    "complaint categories list": ("complaint", "categories"),
    "complaint categories add": ("complaint", "categories add Billing"),
    "complaint categories remove": ("complaint", "categories remove delivery"),
    "complaint channel": ("complaint", "channel"),
    "complaint channel …": ("complaint", "channel here"),
    "complaint escalation": ("complaint", "escalation"),
    "complaint escalation …": ("complaint", "escalation hours 48"),
    "complaint managers": ("complaint", "managers here"),
    "complaint survey": ("complaint", "survey"),
    "complaint survey …": ("complaint", "survey delay 48"),
    "sla": ("sla", "help"),
    "sla show": ("sla", "show"),
    "sla hours": ("sla", "hours"),
    "sla hours …": ("sla", "hours mon-sat 09:30-18:30"),
    "sla holidays": ("sla", "holidays"),
    "sla holidays …": ("sla", "holidays IN MH"),
    "sla closed": ("sla", "closed"),
    "sla closed …": ("sla", "closed add 2026-12-24"),
    "sla target": ("sla", "target"),
    "sla target …": ("sla", "target urgent 1h 8h"),
    "sla warn": ("sla", "warn"),
    "sla warn …": ("sla", "warn 80"),
    "carebot": ("carebot", "help"),
    "carebot roles": ("carebot", "roles"),
    "carebot role": ("carebot", "role {dev}"),
    "carebot role …": ("carebot", "role {dev} manager"),
    "carebot customer": ("carebot", "customer"),
    "carebot customer export": ("carebot", "customer export 98765 43210"),
    "carebot customer erase": ("carebot", "customer erase 98765 43210"),
    "assessment": ("assessment", "help"),
    "assessment start": ("assessment", ""),
    "assessment history": ("assessment", "history"),
    "assessment team": ("assessment", "team"),
    "goal": ("goal", "help"),
    "goal list": ("goal", "list"),
    "goal add": ("goal", "add"),
    "goal edit": ("goal", "edit 1"),
    "goal remove": ("goal", "remove 1"),
    "metric": ("metric", "help"),
    "metric list": ("metric", "list"),
    "metric record": ("metric", "record returns 12"),
    "digest": ("digest", "help"),
    "digest preview": ("digest", "preview"),
    "digest channel": ("digest", "channel"),
    "digest channel …": ("digest", "channel here"),
    "digest schedule": ("digest", "schedule"),
    "digest schedule …": ("digest", "schedule mon 09:00"),
    "policy": ("policy", "help"),
    "policy workbook": ("policy", "vision"),
    "policy document": ("policy", "document"),
    "language": ("language", "help"),
    "language me": ("language", "auto"),
    "language workspace": ("language", "workspace en"),
    "report": ("report", "help"),
    "report agents": ("report", "agents"),
    "report categories": ("report", "categories month"),
    "home": ("home", ""),
    "help": ("help", ""),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "complaint.new": ("complaint.new", ""),
    "complaint.from_message": ("complaint.from_message", "The parcel is late again"),
    "complaint.details": ("complaint.details", "1"),
    "complaint.list": ("complaint.list", "all page 2"),
    "complaint.categories": ("complaint.categories", "page 1"),
    "complaint.search": ("complaint.search", "parcel page 1"),
    "complaint.step": ("complaint.step", "1"),
    "complaint.resolve": ("complaint.resolve", "1"),
    "complaint.reopen": ("complaint.reopen", "2"),
    "complaint.follow_up": ("complaint.follow_up", "1"),
    "complaint.follow_up_done": ("complaint.follow_up_done", "1"),
    "complaint.assign": ("complaint.assign", "1"),
    "complaint.priority": ("complaint.priority", "1"),
    "complaint.waiting:": ("complaint.waiting:on", "1"),
    "complaint.checklist:": ("complaint.checklist:understand", "1"),
    "follow_up.done:": ("follow_up.done:satisfied", "1"),
    "follow_up.snooze": ("follow_up.snooze", "1"),
    "follow_up.snooze:": ("follow_up.snooze:1", "1"),
    "escalation.take": ("escalation.take", "1"),
    "goal.list": ("goal.list", "page 1"),
    "retention.record": ("retention.record", "{check}"),
    "assessment.answer:": ("assessment.answer:1", "1:3"),
    "assessment.back:": ("assessment.back:1", "1"),
    "assessment.pause:": ("assessment.pause:1", "1"),
    "assessment.history": ("assessment.history", ""),
    "assessment.team": ("assessment.team", "page 1"),
    "assessment.answers:": ("assessment.answers:1", ""),
    "policy.overview": ("policy.overview", ""),
    "policy.document": ("policy.document", ""),
    "policy.section:": ("policy.section:vision", ""),
    "policy.write:": ("policy.write:vision", ""),
    "policy.history:": ("policy.history:vision", ""),
    "policy.final:": ("policy.final:vision", ""),
    "privacy.erase": ("privacy.erase", "p:1"),
}

RESOLVE = {
    "solution": "Refunded the shipping fee",
    "solution_mode": "on_the_spot",
    "prevention": "A faster courier",
}
FORMS: dict[str, tuple[dict[str, str | None], dict[str, str]]] = {
    "complaint.create": (
        {
            "customer_name": "Zoya Khan",
            "customer_phone": "91234 56789",
            "customer_address": "4 Park Street, Kolkata",
            "category": "delivery",
            "description": "Wrong size delivered",
            "solution": "Exchange",
            "solution_mode": "promised",
        },
        {},
    ),
    "complaint.step": ({"text": "Called the courier again"}, {"number": "1"}),
    "complaint.resolve": (RESOLVE, {"number": "1"}),
    "complaint.follow_up": ({"due_at": "+1d"}, {"number": "1"}),
    "complaint.follow_up_done": ({"outcome": "satisfied"}, {"number": "1"}),
    "complaint.assign": ({"assignee": "{dev}"}, {"number": "1"}),
    "complaint.priority": ({"priority": "urgent"}, {"number": "1"}),
    "retention.record": ({"satisfied": "yes", "bought_again": "yes"}, {"check": "{check}"}),
    "goal.save": (
        {"metric": "satisfied_pct", "comparison": "ge", "target": "90", "period": "week"},
        {},
    ),
    "policy.save": ({"statement": "Every customer heard within a day"}, {"section": "vision"}),
}


@dataclass(frozen=True)
class Case:
    kind: str  # command, action, form
    entry: str

    @property
    def rule(self) -> Rule:
        table = {
            "command": command_rules(),
            "action": permissions.ACTIONS,
            "form": permissions.FORMS,
        }
        return table[self.kind][self.entry]

    def __str__(self) -> str:
        return f"{self.kind} {self.entry}"


def cases(*kinds: str) -> list[Case]:
    tables = {
        "command": command_rules(),
        "action": permissions.ACTIONS,
        "form": permissions.FORMS,
    }
    return [Case(kind, entry) for kind in kinds for entry in tables[kind]]


# Who tries: an agent holding nothing, the agent who holds #1, #2 and the check, a manager and
# an admin. The holder is tried only where holding matters (elsewhere they are one more agent).
TRIERS = ("agent", "holder", "manager", "admin")
ROLE_OF = {"agent": Role.AGENT, "holder": Role.AGENT, "manager": Role.MANAGER, "admin": Role.ADMIN}


def triers(rule: Rule) -> Iterator[tuple[str, bool]]:
    """(who, allowed), the refused first: nothing an allowed one changed can then hide a write."""
    who = [w for w in TRIERS if w != "holder" or rule.holder is not None]
    holds = rule.holder is not None
    found = [(w, ROLE_OF[w] in rule.roles or (w == "holder" and holds)) for w in who]
    return iter(sorted(found, key=lambda pair: pair[1]))


def filled(text: str, refs: Mapping[str, str]) -> str:
    return text.format(**refs)


def filled_map(values: Mapping[str, str | None], refs: Mapping[str, str]) -> dict[str, str | None]:
    return {k: (v.format(**refs) if v is not None else None) for k, v in values.items()}


def refusal(rule: Rule, record: str = "1") -> str:
    """The sentence a refused person reads (in English)."""
    return Translator("en")(rule.message()).format(number=record)


def refusals() -> set[str]:
    tables = (command_rules(), permissions.ACTIONS, permissions.FORMS)
    rules = [rule for rows in tables for rule in rows.values()]
    return {refusal(rule) for rule in rules} | {Translator("en")(permissions.NOT_DECLARED)}


async def snapshot(db: Database) -> dict[str, list[Any]]:
    """Every row of every table: a refusal must leave all of them as they were."""
    rows: dict[str, list[Any]] = {}
    async with db.session() as session:
        for table in Base.metadata.sorted_tables:
            found = await session.execute(select(table).order_by(*table.primary_key.columns))
            rows[table.name] = [tuple(row) for row in found]
    return rows
