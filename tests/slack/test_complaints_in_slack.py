"""/complaint in Slack, through signed requests and a Web API that refuses what Slack refuses."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import func, select

from storage.db import Database
from storage.models import Complaint, ComplaintStep
from tests.slack.flows import ANSWERS, buttons, log_complaint, open_form, shown
from tests.slack.harness import SlackClientSide
from tests.slack_fake import FakeSlack


async def complaints(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Complaint)) or 0)


async def test_complaint_opens_the_modal_at_once(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    view = await open_form(user_side)
    assert view["type"] == "modal" and view["callback_id"] == "complaint.create"
    assert view["title"]["text"] == "Log a complaint"
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels[:5] == [
        "Customer name",
        "Customer phone",
        "Customer's email",
        "Customer address",
        "Customer's language",
    ]
    assert len(labels) == 18
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers == [  # the form's steps head their fields
        "The customer",
        "The complaint",
        "The solution",
        "Compensation and prevention",
    ]
    opened = slack.calls_to("views.open")[0]
    assert opened.response["ok"] is True  # Slack's limits hold for the whole form


async def test_a_valid_submission_posts_a_card_without_personal_data(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    card = await log_complaint(user_side)

    assert card["channel"] == "C1"
    text = shown(card)
    assert "Complaint #1 · Delivery · Open" in text and "asha" in text
    for secret in ("Ravi", "98765", "43210", "MG Road", "ravi.kumar@", "example.com"):
        assert secret not in text
    assert list(buttons(card)) == [
        "Add step",
        "Resolve",
        "Follow-up",
        "Assign",
        "Priority",
        "Waiting for customer",
        "Details",
    ]
    (note,) = await slack.wait_for("chat.postEphemeral")
    assert note.args["user"] == "U1" and "Complaint #1 is logged" in note.args["text"]
    assert note.response["ok"] is True, (note.args, note.response)
    assert await complaints(db) == 1


async def test_wrong_fields_come_back_inline_and_nothing_is_saved(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    view = await open_form(user_side)
    response = await user_side.submit(
        view,
        {**ANSWERS, "customer_phone": "12ab", "compensation_amount": "-5", "customer_name": ""},
    )

    answer = json.loads(await response.text())
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"customer_phone", "compensation_amount", "customer_name"}
    assert answer["errors"]["customer_name"] == "This field is required."
    assert "phone number" in answer["errors"]["customer_phone"]
    assert await complaints(db) == 0
    assert slack.calls_to("chat.postMessage") == []


async def test_a_double_submit_and_a_replay_log_one_complaint(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    view = await open_form(user_side)
    first, second = await asyncio.gather(
        user_side.submit(view, ANSWERS, view_id="V42"),
        user_side.submit(view, ANSWERS, view_id="V42"),
    )
    replay = await user_side.submit(view, ANSWERS, view_id="V42")

    assert {first.status, second.status, replay.status} == {200}
    await slack.wait_for("chat.postEphemeral")
    await user_side.delivered()  # the card, from the outbox (it may come after the note)
    assert await complaints(db) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_card_buttons_open_forms_and_the_card_is_updated_in_place(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    card = await log_complaint(user_side)
    posted = slack.calls_to("chat.postMessage")[0].response
    await user_side.press(buttons(card)["Add step"])
    step_view = (await slack.wait_for("views.open", 2))[-1].args["view"]
    assert step_view["callback_id"] == "complaint.step"
    await user_side.submit(step_view, {"text": "Courier confirmed the delay"})

    (update,) = await slack.wait_for("chat.update")
    assert update.args["ts"] == posted["ts"] and update.args["channel"] == "C1"
    assert len(slack.calls_to("chat.postMessage")) == 1
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(ComplaintStep)) == 2

    await user_side.press(buttons(card)["Resolve"])
    resolve_view = (await slack.wait_for("views.open", 3))[-1].args["view"]
    await user_side.submit(resolve_view, {"solution": "Refunded", "solution_mode": "on_the_spot"})
    latest = (await slack.wait_for("chat.update", 2))[-1].args
    assert "Resolved" in shown(latest) and "Reopen" in buttons(latest)


async def test_details_show_personal_data_only_to_those_allowed(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    card = await log_complaint(user_side)
    details = buttons(card)["Details"]

    await user_side.press(details)  # the agent who logged it
    await slack.wait_for("response", 1)
    mine = slack.responses[-1]
    assert mine["response_type"] == "ephemeral" and "Ravi Kumar" in shown(mine)

    await user_side.press(details, user="U2", name="bob")  # another agent
    await slack.wait_for("response", 2)
    theirs = shown(slack.responses[-1])
    assert "Ravi Kumar" not in theirs and "•••• 3210" in theirs


async def test_subcommands_answer_ephemerally(user_side: SlackClientSide, slack: FakeSlack) -> None:
    await log_complaint(user_side)
    for number, text in enumerate(("list open", "show 1", "show 99", "help"), start=1):
        await user_side.command(text)
        await slack.wait_for("response", number)  # one at a time, to read them in order
    listed, show, missing, help_ = slack.responses
    assert all(r["response_type"] == "ephemeral" for r in (listed, show, missing, help_))
    assert "#1 · Delivery · Normal · Open" in shown(listed)
    assert "Parcel arrived two weeks late" in shown(show)
    assert "There is no complaint #99" in shown(missing)
    assert "/complaint list" in shown(help_)


async def test_log_as_complaint_shortcut_prefills_the_description(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    payload = {
        "type": "message_action",
        "callback_id": "log_as_complaint",
        "team": {"id": "T1", "domain": "acme"},
        "user": user_side.user(),
        "channel": {"id": "C1", "name": "support"},
        "trigger_id": slack.new_trigger(),
        "message_ts": "1700000000.000100",
        "message": {"type": "message", "text": "My order came broken!", "ts": "1700000000.000100"},
        "response_url": slack.response_url(),
    }
    response = await user_side.interaction(payload)
    assert response.status == 200
    view = (await slack.wait_for("views.open"))[-1].args["view"]
    description = next(b for b in view["blocks"] if b.get("block_id") == "description")
    assert description["element"]["initial_value"] == "My order came broken!"
