"""Two privilege holes an attack over Slack's protocol found (issue 14), kept as regressions:
an agent taking another agent's complaint (and its customer's data) by assigning it to
themselves, and the first person of a workspace made admin when users.info failed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from adapters.slack.outbound import RETRIES
from storage.db import Database
from storage.models import Complaint, Member
from tests.slack.flows import ANSWERS, buttons, open_form, shown
from tests.slack.harness import SlackClientSide
from tests.slack_fake import FakeSlack

PERSONAL = ("Ravi Kumar", "98765", "43210", "MG Road")


async def roles(db: Database) -> dict[str, str]:
    async with db.session() as session:
        return {m.external_id: m.role for m in await session.scalars(select(Member))}


async def responded(side: SlackClientSide, count: int) -> dict[str, Any]:
    await side.slack.wait_for("response", count)
    return side.slack.responses[count - 1]


async def bobs_complaint(side: SlackClientSide) -> dict[str, Any]:
    """Bob (an agent) logs complaint #1 himself; the card as posted in the channel."""
    view = await open_form(side, user="U2", name="bob")
    posted = len(side.slack.calls_to("chat.postMessage"))
    answers = {**ANSWERS, "received_by": "U2"}
    assert (await side.submit(view, answers, user="U2", name="bob")).status == 200
    await side.slack.wait_for("chat.postMessage", posted + 1)
    return dict(side.slack.calls_to("chat.postMessage")[-1].args)


async def test_an_agent_cannot_assign_someone_elses_complaint_to_themselves(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    slack.add_user("U3", name="dev")
    card = await bobs_complaint(user_side)
    forms_opened = len(slack.calls_to("views.open"))

    # Dev clicks Assign on Bob's card: told no, and no form opens.
    await user_side.press(buttons(card)["Assign"], user="U3", name="dev")
    refused = await responded(user_side, 1)
    assert refused["text"] == (
        "Only the agent who logged complaint #1 or is assigned to it, managers and admins "
        "can do this."
    )
    assert len(slack.calls_to("views.open")) == forms_opened

    # Nor can Dev submit the Assign form Bob opened (a crafted submission).
    await user_side.press(buttons(card)["Assign"], user="U2", name="bob")
    await slack.wait_for("views.open", forms_opened + 1)
    assign_view = slack.calls_to("views.open")[-1].args["view"]
    ephemerals = len(slack.calls_to("chat.postEphemeral"))
    response = await user_side.submit(assign_view, {"assignee": "U3"}, user="U3", name="dev")
    assert response.status == 200
    await slack.wait_for("chat.postEphemeral", ephemerals + 1)
    assert "Only the agent who logged complaint #1" in shown(
        slack.calls_to("chat.postEphemeral")[-1].args
    )
    async with db.session() as session:
        assert (await session.scalars(select(Complaint.assigned_to_id))).one() is None

    # So /complaint show keeps the customer's data masked for Dev.
    await user_side.command("show 1", user="U3", name="dev")
    shown_to_dev = shown(await responded(user_side, 2))
    assert "Complaint #1" in shown_to_dev
    assert not [p for p in PERSONAL if p in shown_to_dev], shown_to_dev


def _fail_lookups(slack: FakeSlack, fault: str) -> int:
    """Every attempt the client makes at users.info fails (its retries included): how many."""
    if fault == "missing_scope":  # an answer, not retried
        slack.fail_next("users.info", "missing_scope")
        return 1
    for _ in range(RETRIES + 1):
        if fault == "server_error":
            slack.server_error_next("users.info", 500)
        else:
            slack.rate_limit_next("users.info", retry_after=0)
    return RETRIES + 1


@pytest.mark.parametrize("fault", ["server_error", "rate_limit", "missing_scope"])
async def test_a_failed_role_look_up_makes_the_first_person_no_admin(
    user_side: SlackClientSide, slack: FakeSlack, db: Database, fault: str
) -> None:
    attempts = _fail_lookups(slack, fault)
    # Bob, a plain member, is the first person carebot meets, and Slack does not answer.
    await user_side.command(command="/carebot", text="role <@U2|bob>", user="U2", name="bob")
    assert (await responded(user_side, 1))["text"] == "bob: agent"
    assert await roles(db) == {"U2": "agent"}
    await slack.wait_for("users.info", attempts)  # every attempt met the fault
    lookups = [c for c in slack.calls_to("users.info") if c.args.get("user") == "U2"]
    assert len(lookups) == attempts

    await user_side.command(
        command="/carebot", text="customer export 98765 43210", user="U2", name="bob"
    )
    assert (await responded(user_side, 2))["text"] == "Only admins can do this."

    # Asha, whom Slack names a workspace admin, is carebot's admin once Slack answers.
    await user_side.command(command="/carebot", text="roles")
    assert "asha: admin" in shown(await responded(user_side, 3))
    await user_side.command(command="/carebot", text="role <@U2|bob> admin", user="U2", name="bob")
    assert (await responded(user_side, 4))["text"] == "Only admins can do this."
    assert await roles(db) == {"U2": "agent", "U1": "admin"}
