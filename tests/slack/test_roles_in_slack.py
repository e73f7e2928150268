"""Roles and privacy requests in Slack: workspace admins are carebot admins (users.info), and
/carebot arrives escaped, so a mention names the person by id."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from storage.db import Database
from storage.models import Complaint, Member
from tests.slack.flows import buttons, log_complaint, shown
from tests.slack.harness import SlackClientSide
from tests.slack_fake import FakeSlack


async def responded(side: SlackClientSide, count: int) -> dict[str, Any]:
    await side.slack.wait_for("response", count)
    return side.slack.responses[count - 1]


async def roles(db: Database) -> dict[str, str]:
    async with db.session() as session:
        return {m.external_id: m.role for m in await session.scalars(select(Member))}


async def test_slack_admins_are_admins_and_set_everyone_elses_role(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    slack.add_user("U3", name="carla", is_owner=True)
    # Bob comes first: on Slack that makes nobody an admin, since Slack names its admins.
    await user_side.command(command="/carebot", text="roles", user="U2", name="bob")
    await responded(user_side, 1)
    await user_side.command(command="/carebot", text="roles", user="U3", name="carla")
    await responded(user_side, 2)
    assert await roles(db) == {"U2": "agent", "U3": "admin"}

    await user_side.command(command="/carebot", text="role <@U2|bob> manager")
    assert (await responded(user_side, 3))["text"] == "bob is now manager."
    await user_side.command(command="/carebot", text="role <@U3> agent")
    refused = (await responded(user_side, 4))["text"]
    assert refused == "carla is at least admin through Slack: carebot cannot give them less."
    await user_side.command(command="/carebot", text="role <@U2> admin", user="U2", name="bob")
    assert (await responded(user_side, 5))["text"] == "Only admins can do this."
    assert await roles(db) == {"U1": "admin", "U2": "manager", "U3": "admin"}
    # users.info once per person within the hour, however many events they send.
    asked = [c.args.get("user") for c in slack.calls_to("users.info")]
    assert sorted(asked) == ["U1", "U2", "U3"]


async def test_a_customers_export_goes_to_the_dm_and_erasing_asks_first(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    await log_complaint(user_side)
    await user_side.command(command="/carebot", text="customer export 98765 43210")
    await slack.wait_for("files.completeUploadExternal")
    (file,) = slack.files
    assert file.channel.startswith("D") and file.filename.endswith(".json")
    exported = json.loads(file.content.decode("utf-8"))
    assert exported["complaints"][0]["customer_name"] == "Ravi Kumar"
    assert exported["workspace"] == "slack:T1"

    count = len(slack.responses)
    await user_side.command(command="/carebot", text="customer erase +919876543210")
    asked = await responded(user_side, count + 1)
    assert "Erase this customer's personal data?" in shown(asked)
    await user_side.press(buttons(asked)["Erase"])
    done = await responded(user_side, count + 2)
    assert done["text"] == "The customer's personal data is erased from 1 complaint."
    async with db.session() as session:
        row = (await session.scalars(select(Complaint))).one()
    assert (row.customer_name, row.customer_phone, row.customer_address) == ("erased", None, None)
