"""Every mutation is safe under concurrency and repetition.

The property: for every mutating command, button and form, N deliveries of it at once (each
CareBot call in its own transaction) leave the same state and the same audit trail as one.
Two workspaces of one database take the two runs; their rows are compared without ids.
A new mutation is one more entry in CASES.

Then the defects as they were found: 40 categories added at once, two Resolve forms sent
together, a double-clicked Snooze, a double-clicked checklist step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import CareBot
from bot.complaints import views
from bot.complaints.reminders import snooze_action
from bot.context import Actor, Role
from bot.ui import Reply
from storage.db import Database
from storage.models import (
    AuditEvent,
    Base,
    Complaint,
    DeliveryFailure,
    FollowUp,
    Member,
    RetentionCheck,
    Workspace,
)
from tests.conftest import person
from tests.factories import VALID, log_complaint, texts

N = 8
BROKEN = "Something went wrong"


@dataclass(frozen=True)
class Call:
    """One delivery of a command, a button or a form, as an adapter hands it to the core."""

    kind: str  # command | action | submit
    actor: Actor
    name: str
    text: str = ""  # the command's words, or the button's value
    values: Mapping[str, str | None] = field(default_factory=dict)
    state: Mapping[str, str] = field(default_factory=dict)

    async def deliver(self, bot: CareBot, delivery_id: str | None) -> Reply:
        if self.kind == "command":
            return await bot.command(self.actor, self.name, self.text)
        if self.kind == "action":
            return await bot.action(self.actor, self.name, self.text, delivery_id)
        return await bot.submit(self.actor, self.name, self.values, self.state, delivery_id)


@dataclass(frozen=True)
class World:
    """One workspace's people; each run of a case gets a workspace of its own."""

    bot: CareBot
    db: Database
    ws: str

    @property
    def asha(self) -> Actor:
        return person("Asha", Role.ADMIN, workspace=self.ws)

    @property
    def meera(self) -> Actor:
        return person("Meera", Role.MANAGER, workspace=self.ws)

    @property
    def bob(self) -> Actor:
        return person("Bob", Role.AGENT, workspace=self.ws)

    async def scalar(self, query: Any) -> Any:
        async with self.db.session() as session:
            return await session.scalar(query)

    async def complaint(self) -> Complaint:
        found = await self.scalar(
            select(Complaint).join(Workspace).where(Workspace.external_id == self.ws)
        )
        assert found is not None
        return found


Setup = Callable[[World], Awaitable[Call]]


@dataclass(frozen=True)
class Case:
    name: str
    setup: Setup  # what is there before, and the delivery to repeat
    # True: the same delivery N times (a platform's retry: one id). False: N clicks or forms
    # of the same thing, each its own delivery (a double click, two open forms).
    same_delivery: bool = False


async def _people(w: World) -> None:
    for actor in (w.asha, w.meera, w.bob):
        await w.bot.command(actor, "help")


async def _logged(w: World, **overrides: Any) -> None:
    await _people(w)
    await log_complaint(w.bot, w.bob, **overrides)


async def _resolved(w: World) -> None:
    await _logged(w, follow_up_at=None)
    resolve = {"solution": "Refunded", "solution_mode": "on_the_spot"}
    await w.bot.submit(w.bob, "complaint.resolve", resolve, {"number": "1"})


def command(actor: Callable[[World], Actor], name: str, text: str) -> Setup:
    async def setup(w: World) -> Call:
        await _logged(w)
        return Call("command", actor(w), name, text)

    return setup


async def _resolve(w: World) -> Call:
    await _logged(w)
    values = {"solution": "Refunded the fee", "solution_mode": "on_the_spot"}
    return Call("submit", w.bob, "complaint.resolve", values=values, state={"number": "1"})


async def _reopen(w: World) -> Call:
    await _resolved(w)
    return Call("action", w.bob, "complaint.reopen", "1")


async def _step(w: World) -> Call:
    await _logged(w)
    return Call("submit", w.bob, "complaint.step", values={"text": "Called"}, state={"number": "1"})


async def _create(w: World) -> Call:
    await _people(w)
    return Call("submit", w.bob, "complaint.create", values=VALID)


async def _follow_up(w: World) -> Call:
    await _logged(w)
    values = {"due_at": "+5d", "note": "Ask about the parcel"}
    return Call("submit", w.bob, "complaint.follow_up", values=values, state={"number": "1"})


async def _follow_up_done(w: World) -> Call:
    await _logged(w)
    values = {"outcome": "satisfied"}
    return Call("submit", w.bob, "complaint.follow_up_done", values=values, state={"number": "1"})


async def _assign(w: World) -> Call:
    await _logged(w)
    return Call(
        "submit", w.asha, "complaint.assign", values={"assignee": "bob"}, state={"number": "1"}
    )


async def _checklist(w: World) -> Call:
    await _logged(w)
    return Call("action", w.bob, views.checklist_action("cause", False), "1")


async def _snooze(w: World) -> Call:
    await _logged(w)
    due = (await w.complaint()).follow_up_at
    assert due is not None
    return Call("action", w.bob, snooze_action(due), "1")


async def _done_button(w: World) -> Call:
    await _logged(w)
    return Call("action", w.bob, "follow_up.done:satisfied", "1")


async def _take_over(w: World) -> Call:
    await _logged(w)
    return Call("action", w.meera, "escalation.take", "1")


async def _retention(w: World) -> Call:
    await _resolved(w)
    check = await w.scalar(
        select(RetentionCheck.id).join(Workspace).where(Workspace.external_id == w.ws)
    )
    values = {"satisfied": "yes", "bought_again": "no", "better": "Call sooner"}
    return Call("submit", w.bob, "retention.record", values=values, state={"check": str(check)})


GOAL = {"metric": "satisfied_pct", "param": None, "comparison": "ge", "target": "60"}


async def _goal_add(w: World) -> Call:
    await _people(w)
    return Call("submit", w.meera, "goal.save", values={**GOAL, "period": "week"})


async def _with_goal(w: World) -> None:
    await _people(w)
    await w.bot.submit(w.meera, "goal.save", {**GOAL, "period": "week"}, {})


async def _goal_edit(w: World) -> Call:
    await _with_goal(w)
    values = {**GOAL, "period": "month"}
    return Call("submit", w.meera, "goal.save", values=values, state={"number": "1"})


async def _goal_remove(w: World) -> Call:
    await _with_goal(w)
    return Call("command", w.meera, "goal", "remove 1")


VISION = {"success": "On time", "customers": "Trust", "steps": "A log", "statement": "On time."}


async def _policy_save(w: World) -> Call:
    await _people(w)
    return Call("submit", w.bob, "policy.save", values=VISION, state={"section": "vision"})


async def _policy_final(w: World) -> Call:
    await _people(w)
    await w.bot.submit(w.bob, "policy.save", VISION, {"section": "vision"})
    return Call("action", w.meera, "policy.final:vision")


async def _assessment_answer(w: World) -> Call:
    await _people(w)
    in_dm = Actor("console", w.ws, "bob", "Bob", channel_id="D1", is_dm=True)
    reply = await w.bot.command(in_dm, "assessment")
    button = next(b for p in reply.posts for b in p.message.buttons if b.label.startswith("4 "))
    return Call("action", in_dm, button.action, button.value)


def _in_dm(w: World) -> Actor:
    return Actor("console", w.ws, "bob", "Bob", channel_id="D1", is_dm=True)


async def _assessment_start(w: World) -> Call:
    await _people(w)
    return Call("command", _in_dm(w), "assessment")


async def _assessment_button(w: World, label: str, answered: int) -> Call:
    await _people(w)
    reply = await w.bot.command(_in_dm(w), "assessment")
    for _ in range(answered):
        four = next(b for p in reply.posts for b in p.message.buttons if b.label.startswith("4 "))
        reply = await w.bot.action(_in_dm(w), four.action, four.value)
    button = next(b for p in reply.posts for b in p.message.buttons if b.label == label)
    return Call("action", _in_dm(w), button.action, button.value)


async def _assessment_back(w: World) -> Call:
    return await _assessment_button(w, "Back", 2)


async def _assessment_pause(w: World) -> Call:
    return await _assessment_button(w, "Pause", 1)


async def _erase(w: World) -> Call:
    await _logged(w)
    asked = await w.bot.command(w.asha, "carebot", "customer erase ravi kumar")
    button = next(b for p in asked.posts for b in p.message.buttons)
    return Call("action", w.asha, button.action, button.value)


def _asha(w: World) -> Actor:
    return w.asha


def _meera(w: World) -> Actor:
    return w.meera


def _bob(w: World) -> Actor:
    return w.bob


CASES = [
    Case("categories add", command(_meera, "complaint", "categories add Returns")),
    Case("categories remove", command(_meera, "complaint", "categories remove Billing or refund")),
    Case("complaint channel here", command(_meera, "complaint", "channel here")),
    Case("complaint channel off", command(_meera, "complaint", "channel off")),
    Case("escalation hours", command(_meera, "complaint", "escalation hours 48")),
    Case("escalation amount", command(_meera, "complaint", "escalation amount 100")),
    Case("escalation off", command(_meera, "complaint", "escalation off")),
    Case("managers here", command(_meera, "complaint", "managers here")),
    Case("managers off", command(_meera, "complaint", "managers off")),
    Case("create form (a retry)", _create, same_delivery=True),
    Case("step form (a retry)", _step, same_delivery=True),
    Case("resolve forms", _resolve),
    Case("reopen button", _reopen),
    Case("follow-up forms", _follow_up),
    Case("follow-up done forms", _follow_up_done),
    Case("assign forms", _assign),
    Case("checklist button", _checklist),
    Case("snooze button", _snooze),
    Case("snooze button (a retry)", _snooze, same_delivery=True),
    Case("follow-up done button", _done_button),
    Case("escalation take-over button", _take_over),
    Case("retention check forms", _retention),
    Case("goal add form (a retry)", _goal_add, same_delivery=True),
    Case("goal edit forms", _goal_edit),
    Case("goal remove", _goal_remove),
    Case("metric record", command(_meera, "metric", "record returns 12 2026-11-01")),
    Case("digest channel", command(_meera, "digest", "channel here")),
    Case("digest channel off", command(_meera, "digest", "channel off")),
    Case("digest schedule", command(_meera, "digest", "schedule tue 10:00")),
    Case("policy save forms", _policy_save),
    Case("policy mark final", _policy_final),
    Case("assessment start", _assessment_start),
    Case("assessment answer", _assessment_answer),
    Case("assessment back", _assessment_back),
    Case("assessment pause", _assessment_pause),
    Case("role", command(_asha, "carebot", "role bob manager")),
    Case("language", command(_bob, "language", "hi")),
    Case("language auto", command(_bob, "language", "auto")),
    Case("workspace language", command(_asha, "language", "workspace hi")),
    Case("customer erase button", _erase),
]

# Bookkeeping, not state: which deliveries were seen, a job's claim token (a lease); and what
# names a row by its id (a job's key), which differs between the two runs.
SKIPPED_TABLES = {"deliveries"}
VIEWS = ("viewed_personal_data", "personal_data_shown")  # audited reads, one per answer
SKIPPED_COLUMNS = {("jobs", "claims"), ("jobs", "key"), ("workspaces", "external_id")}


async def snapshot(db: Database, ws: str) -> dict[str, list[str]]:
    """Every row of one workspace, ids left out (the two runs' ids differ), in a stable order."""
    async with db.session() as session:
        workspace_id = await session.scalar(select(Workspace.id).where(Workspace.external_id == ws))
        complaints = select(Complaint.id).where(Complaint.workspace_id == workspace_id)
        result: dict[str, list[str]] = {}
        for table in Base.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            columns = table.c
            if table.name == "workspaces":
                where = columns.id == workspace_id
            elif "workspace_id" in columns:
                where = columns.workspace_id == workspace_id
            elif "complaint_id" in columns:
                where = columns.complaint_id.in_(complaints)
            elif "assessment_id" in columns:
                runs = select(table.metadata.tables["assessments"].c.id).where(
                    table.metadata.tables["assessments"].c.workspace_id == workspace_id
                )
                where = columns.assessment_id.in_(runs)
            else:
                continue
            kept = [
                c
                for c in columns
                if c.name != "id"
                and not c.name.endswith("_id")
                and (table.name, c.name) not in SKIPPED_COLUMNS
            ]
            if table.name == "audit_events":  # each delivery shows what it shows: views differ
                where = where & columns.action.not_in(VIEWS)
            rows = await session.execute(select(*kept).where(where))
            result[table.name] = sorted(repr(tuple(row)) for row in rows)
        return result


async def deliver(bot: CareBot, call: Call, times: int, same: bool) -> list[Reply]:
    ids = ["delivery-1"] * times if same else [f"delivery-{i}" for i in range(times)]
    return list(await asyncio.gather(*(call.deliver(bot, i) for i in ids)))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_n_deliveries_at_once_leave_what_one_leaves(
    case: Case, carebot: CareBot, db: Database
) -> None:
    once, many = World(carebot, db, "ONCE"), World(carebot, db, "MANY")
    for world, times in ((once, 1), (many, N)):
        call = await case.setup(world)
        replies = await deliver(carebot, call, times, case.same_delivery)
        for reply in replies:
            assert BROKEN not in texts(reply)
    assert await snapshot(db, "MANY") == await snapshot(db, "ONCE")


# --- the defects as they were found ---------------------------------------------------------------


async def audits(db: Database, action: str) -> int:
    async with db.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )
        return int(count or 0)


async def test_forty_categories_added_at_once_are_all_kept(
    carebot: CareBot, db: Database, meera: Actor
) -> None:
    await carebot.command(meera, "help")
    names = [f"Kind {i}" for i in range(40)]
    replies = await asyncio.gather(
        *(carebot.command(meera, "complaint", f"categories add {name}") for name in names)
    )
    # each answer shows the page its new category is on
    assert all(name in texts(reply) for name, reply in zip(names, replies, strict=True))
    async with db.session() as session:
        workspace = await session.scalar(select(Workspace))
        assert workspace is not None
        assert set(names) <= set(workspace.categories)
        assert len(workspace.categories) == 6 + 40
    assert await audits(db, "categories") == 40
    listed = texts(await carebot.command(meera, "complaint", "categories")) + texts(
        await carebot.command(meera, "complaint", "categories page 2")
    )
    assert all(name in listed for name in names)


async def test_two_resolve_forms_sent_together_resolve_once(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor
) -> None:
    await carebot.command(asha, "help")
    await log_complaint(carebot, bob)
    first = {"solution": "Refunded the fee", "solution_mode": "on_the_spot"}
    second = {"solution": "Sent a new parcel", "solution_mode": "promised"}
    replies = await asyncio.gather(
        carebot.submit(bob, "complaint.resolve", first, {"number": "1"}, "view-1"),
        carebot.submit(asha, "complaint.resolve", second, {"number": "1"}, "view-2"),
    )
    said = [texts(r) for r in replies]
    assert sum("is resolved" in s for s in said) == 1
    assert sum("already resolved" in s for s in said) == 1
    assert await audits(db, "resolved") == 1
    async with db.session() as session:
        complaint = await session.scalar(select(Complaint))
        assert complaint is not None and complaint.status == "resolved"
        winner = first if "is resolved" in said[0] else second
        assert complaint.solution == winner["solution"]  # not overwritten by the other


async def test_a_double_clicked_snooze_moves_the_follow_up_one_day_once(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor
) -> None:
    await carebot.command(asha, "help")
    await log_complaint(carebot, bob)
    async with db.session() as session:
        complaint = await session.scalar(select(Complaint))
        assert complaint is not None and complaint.follow_up_at is not None
        due = complaint.follow_up_at
    button = snooze_action(due)
    await asyncio.gather(
        carebot.action(bob, button, "1", "click-1"), carebot.action(bob, button, "1", "click-2")
    )
    async with db.session() as session:
        scheduled = (
            await session.scalars(select(FollowUp).where(FollowUp.state == "scheduled"))
        ).all()
        assert [f.due_at for f in scheduled] == [due + timedelta(days=1)]
        complaint = await session.scalar(select(Complaint))
        assert complaint is not None and complaint.follow_up_at == due + timedelta(days=1)
    assert await audits(db, "follow_up_scheduled") == 1


async def test_a_double_clicked_checklist_step_ends_checked(
    carebot: CareBot, db: Database, asha: Actor, bob: Actor
) -> None:
    await carebot.command(asha, "help")
    await log_complaint(carebot, bob)
    details = await carebot.action(bob, "complaint.details", "1")
    tick = next(b for b in details.posts[0].message.buttons if b.label.endswith("Find the cause"))
    replies = await asyncio.gather(
        carebot.action(bob, tick.action, tick.value, "click-1"),
        carebot.action(bob, tick.action, tick.value, "click-2"),
    )
    assert all("☑ Identify the cause" in texts(r) for r in replies)
    async with db.session() as session:
        complaint = await session.scalar(select(Complaint))
        assert complaint is not None and complaint.checklist == {"cause": True}
    assert await audits(db, "checklist") == 1
    # The button now offers the opposite, and says so: one click unticks.
    shown = await carebot.action(bob, "complaint.details", "1")
    untick = next(b for b in shown.posts[0].message.buttons if b.label.endswith("Find the cause"))
    assert untick.label.startswith("☑") and untick.action != tick.action
    assert "☐ Identify the cause" in texts(await carebot.action(bob, untick.action, untick.value))


async def test_two_admins_taking_each_others_role_at_once_leave_one_admin(
    carebot: CareBot, db: Database
) -> None:
    zed, yan = person("Zed"), person("Yan")  # the shell names no roles: the first is admin
    await carebot.command(zed, "help")
    await carebot.command(yan, "help")
    await carebot.command(zed, "carebot", "role yan admin")
    said = await asyncio.gather(
        carebot.command(zed, "carebot", "role yan agent"),
        carebot.command(yan, "carebot", "role zed agent"),
    )
    # The second, decided after the first, is refused: no longer an admin, or the only one.
    assert sum("is now agent" in texts(r) for r in said) == 1
    async with db.session() as session:
        admins = await session.scalar(
            select(func.count()).select_from(Member).where(Member.role == "admin")
        )
    assert admins == 1


async def test_a_gone_channel_refusing_several_posts_at_once_is_listed_once(
    carebot: CareBot, db: Database, meera: Actor
) -> None:
    """A reply's note and the outbox's card refused at the same moment (found under load)."""
    await carebot.command(meera, "help")
    await asyncio.gather(
        *(carebot.record_failure(meera, "C1", "channel_not_found") for _ in range(8))
    )
    async with db.session() as session:
        count = await session.scalar(select(func.count()).select_from(DeliveryFailure))
    assert count == 1
