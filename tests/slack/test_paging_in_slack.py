"""Issue 14 over Slack's signed protocol: searches that cannot enumerate customers (defect 4)
and lists paged with honest counts, every category in the form (defect 12)."""

from __future__ import annotations

import re
import string
from typing import Any

from sqlalchemy import select

from bot.complaints.search import SEARCH_LIMIT
from storage.db import Database
from storage.models import AuditEvent, Complaint
from tests.paging_data import CATEGORIES_155, copies_of_first_complaint, set_categories
from tests.slack.flows import ANSWERS, buttons, log_complaint, open_form, shown
from tests.slack.harness import SlackClientSide
from tests.slack_fake import FakeSlack

ZARA = {"customer_name": "Zara Qureshi", "customer_phone": "91234 56789"}


async def said(side: SlackClientSide, text: str, **who: Any) -> dict[str, Any]:
    """A /complaint command's ephemeral answer, as Slack received it on the response_url."""
    before = len(side.slack.responses)
    response, _ = await side.command(text, **who)
    assert response.status == 200
    await side.slack.wait_for("response", before + 1)
    answer = side.slack.responses[before]
    assert answer["response_type"] == "ephemeral"
    return dict(answer)


async def pressed(side: SlackClientSide, button: dict[str, Any]) -> dict[str, Any]:
    before = len(side.slack.responses)
    assert (await side.press(button)).status == 200
    await side.slack.wait_for("response", before + 1)
    return dict(side.slack.responses[before])


BOB = {"user": "U2", "name": "bob"}  # an agent who neither logged nor holds the complaint


async def test_an_agent_neither_rebuilds_a_name_nor_confirms_a_phone(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    await log_complaint(user_side, **ZARA)  # Asha, the workspace admin, logs it
    assert "Z•••" in shown(await said(user_side, "show 1", **BOB))

    known = "z"  # the prefix walk, one letter further at most
    for letter in string.ascii_lowercase:
        if "#1 ·" in shown(await said(user_side, f"search {known}{letter}", **BOB)):
            known += letter
    assert known == "z"

    a_customer = shown(await said(user_side, "search 91234 56789", **BOB))
    nobody = shown(await said(user_side, "search 91234 00000", **BOB))
    assert a_customer == nobody and "No complaint matches." in a_customer
    by_manager = shown(await said(user_side, "search 91234 56789"))
    assert "#1 ·" in by_manager and "Zara Qureshi" in by_manager

    async with db.session() as session:
        events = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "searched"))
        )
    assert len(events) == 29  # every search, by kind and count only
    assert not any("Zara" in str(e.changes) or "91234" in str(e.changes) for e in events)


async def test_searches_beyond_the_limit_are_refused(user_side: SlackClientSide) -> None:
    await log_complaint(user_side)
    for _ in range(SEARCH_LIMIT.searches):
        assert "#1 ·" in shown(await said(user_side, "search ravi"))
    refused = shown(await said(user_side, "search ravi"))
    assert f"You have made {SEARCH_LIMIT.searches} searches in the last 10 minutes" in refused
    assert "#1 ·" in shown(await said(user_side, "search parcel", **BOB))  # per person


async def test_list_all_of_5000_pages_with_a_next_page_button(
    user_side: SlackClientSide, db: Database
) -> None:
    await log_complaint(user_side)
    await copies_of_first_complaint(db, 4999)
    first = await said(user_side, "list all")
    assert "Showing 1–25 of 5,000." in shown(first) and "#5000 ·" in shown(first)
    second = await pressed(user_side, buttons(first)["Next page"])
    assert "Showing 26–50 of 5,000." in shown(second)
    assert "#4975 ·" in shown(second) and "#4976 ·" not in shown(second)
    assert shown(second) == shown(await said(user_side, "list all page 2"))


async def test_all_155_categories_in_the_form_and_the_list(
    user_side: SlackClientSide, slack: FakeSlack, db: Database
) -> None:
    await said(user_side, "help")
    await set_categories(db, CATEGORIES_155)
    view = await open_form(user_side)  # the fake refuses a view Slack would refuse
    opened = slack.calls_to("views.open")[-1]
    assert opened.response["ok"] is True, opened.response
    (block,) = [b for b in view["blocks"] if b.get("block_id") == "category"]
    groups = block["element"]["option_groups"]
    offered = [o["value"] for g in groups for o in g["options"]]
    assert offered == CATEGORIES_155 and [g["label"]["text"] for g in groups] == [
        "1–100",
        "101–155",
    ]
    posted = len(slack.calls_to("chat.postMessage"))
    await user_side.submit(view, {**ANSWERS, "category": "Category 150"})
    await slack.wait_for("chat.postMessage", posted + 1)
    async with db.session() as session:
        assert await session.scalar(select(Complaint.category)) == "Category 150"

    listed = await said(user_side, "categories")
    assert "Showing 1–25 of 155." in shown(listed)
    second = await pressed(user_side, buttons(listed)["Next page"])
    assert "Showing 26–50 of 155." in shown(second) and "Category 025" in shown(second)
    assert "Category 024" not in shown(second)


def numbers(message: dict[str, Any]) -> list[int]:
    return [int(n) for n in re.findall(r"^#(\d+) ·", shown(message), re.MULTILINE)]


async def every_page(side: SlackClientSide, first: dict[str, Any]) -> tuple[list[int], int]:
    """The complaint numbers of every page reached by Next page from `first`, and the pages."""
    seen, page, pages = numbers(first), first, 1
    while "Next page" in buttons(page) and pages < 20:
        page = await pressed(side, buttons(page)["Next page"])
        seen += numbers(page)
        pages += 1
    return seen, pages


async def test_120_complaints_page_by_page_in_slack(
    user_side: SlackClientSide, db: Database
) -> None:
    """Next page followed to the end, each complaint seen once; a search the same; Previous
    goes back a page."""
    await log_complaint(user_side)
    await copies_of_first_complaint(db, 119)

    listed = await said(user_side, "list all")
    seen, pages = await every_page(user_side, listed)
    assert seen == list(range(120, 0, -1)) and pages == 5

    found = await said(user_side, "search Parcel arrived")
    assert "Showing 1–25 of 120." in shown(found)
    seen, pages = await every_page(user_side, found)
    assert seen == list(range(120, 0, -1)) and pages == 5

    third = await said(user_side, "list all page 3")
    back = await pressed(user_side, buttons(third)["Previous page"])
    assert "Showing 26–50 of 120." in shown(back) and numbers(back) == list(range(95, 70, -1))
