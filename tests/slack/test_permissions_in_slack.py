"""The permission table through Slack's protocol: every button and form row, pressed and
submitted as signed requests by an agent, the agent who holds the record, a manager and a
Slack workspace admin. A refusal reaches the person as Slack shows it (the response URL for a
button, an ephemeral message for a form) and writes nothing, as through the core."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.settings import Settings
from storage.db import Database
from storage.models import RetentionCheck
from tests import permission_cases as table
from tests.factories import log_complaint, texts
from tests.slack.harness import SlackClientSide, listener_tasks
from tests.slack_fake import FakeSlack

USERS = {"admin": ("U1", "asha"), "holder": ("U2", "bob"), "manager": ("U3", "meera")}
USERS["agent"] = ("U4", "dev")


def slack_actor(who: str, role: Role | None = None) -> Actor:
    user, name = USERS[who]
    return Actor(
        "slack", "T1", user, name, channel_id="C1", platform_role=role, platform_knows_roles=True
    )


async def roles_world(core: CareBot, db: Database, slack: FakeSlack) -> dict[str, str]:
    """As in the core's test, made through the core with Slack's ids: Asha is a Slack admin,
    Meera a manager by /carebot role; Bob logged #1 (open) and #2 (resolved: its retention
    check asks Bob); Dev holds nothing; goal 1 exists."""
    slack.add_user("U3", name="meera")
    slack.add_user("U4", name="dev")
    asha = slack_actor("admin", Role.ADMIN)
    for who in USERS:
        await core.command(slack_actor(who, Role.ADMIN if who == "admin" else None), "help")
    assert "now manager" in texts(await core.command(asha, "carebot", "role <@U3|meera> manager"))
    bob = slack_actor("holder")
    assert "is logged" in texts(await log_complaint(core, bob))
    assert "is logged" in texts(await log_complaint(core, bob, solution_mode="on_the_spot"))
    goal = {"metric": "satisfied_pct", "comparison": "ge", "target": "80", "period": "week"}
    assert "is added" in texts(await core.submit(asha, "goal.save", goal, {}))
    async with db.session() as session:
        check = (await session.scalars(select(RetentionCheck.id))).one()
    return {"check": str(check), "dev": "U4"}


async def handled() -> None:
    """Waits for the listeners Bolt started (the event and what is posted after the ack)."""
    await asyncio.gather(*listener_tasks(), return_exceptions=True)


def modal(form_id: str, values: dict[str, str | None], state: dict[str, str]) -> dict[str, Any]:
    """A modal as carebot opens one (its state and channel in private_metadata)."""
    return {
        "type": "modal",
        "callback_id": form_id,
        "title": {"type": "plain_text", "text": "carebot"},
        "private_metadata": json.dumps({"state": state, "channel": "C1"}),
        "blocks": [
            {
                "type": "input",
                "block_id": name,
                "label": {"type": "plain_text", "text": name},
                "element": {"type": "plain_text_input", "action_id": name},
            }
            for name in values
        ],
    }


async def attempt(
    side: SlackClientSide, who: str, case: table.Case, refs: dict[str, str]
) -> tuple[list[str], str]:
    """The case's example, sent by `who` as Slack sends it: what they were told privately
    (response URL posts and ephemeral messages), and the record it names."""
    user, name = USERS[who]
    responses = len(side.slack.responses)
    ephemerals = len(side.slack.calls_to("chat.postEphemeral"))
    if case.kind == "action":
        action, value = table.ACTIONS[case.entry]
        value = table.filled(value, refs)
        button = {"action_id": action, "value": value}
        assert (await side.press(button, user=user, name=name)).status == 200
        record = value
    else:
        values, state = table.FORMS[case.entry]
        state = {k: table.filled(v, refs) for k, v in state.items()}
        view = modal(case.entry, table.filled_map(values, refs), state)
        answers = table.filled_map(values, refs)
        assert (await side.submit(view, answers, user=user, name=name)).status == 200
        record = state.get("number", "1")
    await handled()
    told = [r.get("text", "") for r in side.slack.responses[responses:]]
    told += [c.args.get("text", "") for c in side.slack.calls_to("chat.postEphemeral")[ephemerals:]]
    return told, record


@pytest.mark.parametrize("case", table.cases("action", "form"), ids=str)
async def test_each_button_and_form_row_by_each_role(
    user_side: SlackClientSide,
    slack: FakeSlack,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    case: table.Case,
) -> None:
    refs = await roles_world(CareBot(db, settings, clock), db, slack)
    refused_texts = table.refusals()
    for who, allowed in table.triers(case.rule):
        before = await table.snapshot(db)
        told, record = await attempt(user_side, who, case, refs)
        if allowed:
            assert not refused_texts.intersection(told), (who, told)
        else:
            assert told == [table.refusal(case.rule, record)], (who, told)
            assert await table.snapshot(db) == before, who
