"""The customer's email and language in Slack, through signed requests: chosen in the modal,
refused inline when wrong, never in the channel's card, and a customer found by email when
Slack sends the address as a link (/carebot escapes its text)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from storage.db import Database
from storage.models import Complaint
from tests.slack.flows import ANSWERS, buttons, log_complaint, open_form, shown
from tests.slack.harness import SlackClientSide
from tests.slack_fake import FakeSlack


async def complaints(db: Database) -> list[Complaint]:
    async with db.session() as session:
        return list(await session.scalars(select(Complaint)))


async def responded(side: SlackClientSide, count: int) -> dict[str, Any]:
    await side.slack.wait_for("response", count)
    return dict(side.slack.responses[count - 1])


async def test_the_modal_offers_the_languages_and_keeps_what_was_chosen(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    view = await open_form(user_side)
    blocks = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    email, language = blocks["customer_email"], blocks["customer_language"]
    assert email["optional"] and email["element"]["type"] == "plain_text_input"
    assert language["optional"] and language["element"]["type"] == "static_select"
    options = [o["text"]["text"] for o in language["element"]["options"]]
    assert options == ["English", "हिन्दी", "मराठी", "বাংলা", "Tagalog"]
    assert language["element"]["initial_option"]["value"] == "en"  # the workspace's language

    posted = len(slack.calls_to("chat.postMessage"))
    answers = {**ANSWERS, "customer_email": " Ravi.Kumar@Example.com", "customer_language": "bn"}
    assert (await user_side.submit(view, answers)).status == 200
    (card,) = [c.args for c in await slack.wait_for("chat.postMessage", posted + 1)]
    assert card["channel"] == "C1" and "Complaint #1" in shown(card)
    assert "example" not in json.dumps(card).lower()  # never in the channel
    (saved,) = await complaints(db)
    assert (saved.customer_email, saved.customer_language) == ("Ravi.Kumar@example.com", "bn")


async def test_a_wrong_email_comes_back_at_its_field_and_nothing_is_saved(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    view = await open_form(user_side)
    response = await user_side.submit(view, {**ANSWERS, "customer_email": "ravi.kumar@example"})

    answer = json.loads(await response.text())
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "customer_email": "This does not look like an email address. Example: name@example.com"
    }
    assert await complaints(db) == []
    assert slack.calls_to("chat.postMessage") == []


async def test_details_show_the_email_only_to_those_allowed(
    user_side: SlackClientSide, slack: FakeSlack
) -> None:
    card = await log_complaint(user_side)
    details = buttons(card)["Details"]

    await user_side.press(details)  # the agent who logged it
    mine = await responded(user_side, 1)
    assert mine["response_type"] == "ephemeral"
    assert "ravi.kumar@example.com" in shown(mine) and "हिन्दी" in shown(mine)

    await user_side.press(details, user="U2", name="bob")  # another agent
    theirs = shown(await responded(user_side, 2))
    assert "•••@•••" in theirs and "example.com" not in theirs


async def test_a_customer_is_exported_and_erased_by_email(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    await log_complaint(user_side)
    link = "<mailto:Ravi.Kumar@example.com|Ravi.Kumar@example.com>"  # as Slack escapes it
    await user_side.command(command="/carebot", text=f"customer export {link}")
    await slack.wait_for("files.completeUploadExternal")
    (file,) = slack.files
    assert file.channel.startswith("D")  # the admin's DM, never the channel
    exported = json.loads(file.content.decode("utf-8"))
    assert exported["customer"] == {"email": "Ravi.Kumar@example.com"}
    (complaint,) = exported["complaints"]
    assert complaint["customer_email"] == "ravi.kumar@example.com"
    assert complaint["customer_language"] == "hi"

    count = len(slack.responses)
    await user_side.command(command="/carebot", text=f"customer erase {link}")
    asked = await responded(user_side, count + 1)
    await user_side.press(buttons(asked)["Erase"])
    done = await responded(user_side, count + 2)
    assert done["text"] == "The customer's personal data is erased from 1 complaint."
    (row,) = await complaints(db)
    assert (row.customer_name, row.customer_email) == ("erased", None)
