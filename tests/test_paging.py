"""Long lists are paged with an honest count, never cut silently (issue 14, defect 12).

With 5,000 complaints `/complaint list all` showed 35 and a search 28, with no count and no
way on; of 155 categories the form offered 100 and the list showed 79; `/goal list` and the
digest were cut at 3,000 characters. Every list now says "Showing 1–25 of 5,000", page 2
goes on where page 1 stopped, and every message fits the platforms' limits whole.
"""

from __future__ import annotations

import re

import pytest

from bot.app import CareBot
from bot.context import Actor
from bot.paging import MESSAGE_CHARS, SECTION_CHARS
from bot.ui import Button, Message, Reply
from storage.db import Database
from tests.factories import log_complaint, texts
from tests.paging_data import CATEGORIES_155, copies_of_first_complaint, set_categories

MANY = 5000
SLACK_SECTION = 3000  # Slack's section text
DISCORD_MESSAGE = 6000  # Discord's characters over a message's embeds


def message(reply: Reply) -> Message:
    (post,) = reply.posts
    return post.message


def numbers(reply: Reply) -> list[int]:
    """The complaint numbers a list shows, in order."""
    return [int(n) for n in re.findall(r"^#(\d+) ·", texts(reply), re.MULTILINE)]


def next_page(reply: Reply) -> Button:
    (button,) = [b for b in message(reply).buttons if b.label == "Next page"]
    return button


def fits_every_platform(reply: Reply) -> None:
    shown = message(reply)
    for section in shown.sections:
        assert len((section.title or "") + "\n" + (section.body or "")) <= SLACK_SECTION
    assert len(texts(reply)) <= DISCORD_MESSAGE
    assert max(len(s.body or "") for s in shown.sections) <= SECTION_CHARS
    assert len(texts(reply)) <= MESSAGE_CHARS + 500


@pytest.fixture
async def five_thousand(carebot: CareBot, db: Database, asha: Actor) -> None:
    await log_complaint(carebot, asha)
    await copies_of_first_complaint(db, MANY - 1)


@pytest.mark.usefixtures("five_thousand")
async def test_list_all_of_5000_says_how_many_and_page_2_goes_on(
    carebot: CareBot, asha: Actor
) -> None:
    first = await carebot.command(asha, "complaint", "list all")
    assert "Showing 1–25 of 5,000." in texts(first)
    assert "For the next page: /complaint list all page 2" in texts(first)
    assert numbers(first) == list(range(5000, 4975, -1))
    fits_every_platform(first)

    button = next_page(first)  # the button and the typed argument show the same page
    pressed = await carebot.action(asha, button.action, button.value)
    typed = await carebot.command(asha, "complaint", "list all page 2")
    assert texts(pressed) == texts(typed)
    assert "Showing 26–50 of 5,000." in texts(pressed)
    assert numbers(pressed) == list(range(4975, 4950, -1))

    last = await carebot.command(asha, "complaint", "list all page 200")
    assert "Showing 4,976–5,000 of 5,000." in texts(last)
    assert numbers(last) == list(range(25, 0, -1))
    assert "Next page" not in texts(last) and "For the next page" not in texts(last)
    past = await carebot.command(asha, "complaint", "list all page 201")
    assert "Page 201 is past the end: there are 200 pages." in texts(past)


@pytest.mark.usefixtures("five_thousand")
async def test_every_complaint_is_reached_page_by_page(carebot: CareBot, asha: Actor) -> None:
    """open and category lists too: following Next page from the first page reaches every
    complaint once, in order."""
    for command in ("list open", "list category delivery"):
        seen: list[int] = []
        reply = await carebot.command(asha, "complaint", command)
        while True:
            seen += numbers(reply)
            buttons = [b for b in message(reply).buttons if b.label == "Next page"]
            if not buttons or len(seen) > 300:
                break
            reply = await carebot.action(asha, buttons[0].action, buttons[0].value)
        assert seen == list(range(5000, 5000 - len(seen), -1)) and len(seen) > 300


@pytest.mark.usefixtures("five_thousand")
async def test_a_search_with_5000_results_says_so_and_pages(carebot: CareBot, asha: Actor) -> None:
    first = await carebot.command(asha, "complaint", "search Parcel arrived")
    assert "Showing 1–25 of 5,000." in texts(first)
    assert "type the same search with “page 2” at the end" in texts(first)
    assert "Parcel arrived" not in texts(first).split("Complaints found", 1)[0]
    fits_every_platform(first)
    second = await carebot.command(asha, "complaint", "search Parcel arrived page 2")
    assert "Showing 26–50 of 5,000." in texts(second)
    assert numbers(first) + numbers(second) == list(range(5000, 4950, -1))


async def test_all_155_categories_are_offered_and_listed(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await carebot.command(asha, "help")
    await set_categories(db, CATEGORIES_155)

    form = (await carebot.command(asha, "complaint", "")).form
    assert form is not None
    (field,) = [f for f in form.fields if f.name == "category"]
    assert [c.value for c in field.choices] == CATEGORIES_155
    assert field.hint == "Type it as /complaint categories lists it"
    saved = await log_complaint(carebot, asha, category="Category 154")
    assert saved.errors is None and "Complaint #1 is logged" in texts(saved)

    listed: list[str] = []
    reply = await carebot.command(asha, "complaint", "categories")
    assert "Showing 1–25 of 155." in texts(reply)
    pages = 1
    while True:
        fits_every_platform(reply)
        listed += message(reply).sections[0].body.splitlines()  # type: ignore[union-attr]
        buttons = [b for b in message(reply).buttons if b.label == "Next page"]
        if not buttons:
            break
        reply = await carebot.action(asha, buttons[0].action, buttons[0].value)
        pages += 1
    assert "Showing 151–155 of 155." in texts(reply)
    assert pages == 7 and listed == ["Delivery", *CATEGORIES_155[1:]]
    typed = await carebot.command(asha, "complaint", "categories page 7")
    assert texts(typed) == texts(reply)


async def test_a_wrong_page_number_is_refused_clearly(carebot: CareBot, asha: Actor) -> None:
    for command in ("list all page two", "list all page 0", "categories page -1"):
        assert texts(await carebot.command(asha, "complaint", command)) == (
            "Give a page number, for example: page 2"
        )


async def many_goals(carebot: CareBot, db: Database, asha: Actor, count: int) -> None:
    await carebot.command(asha, "help")
    await set_categories(db, CATEGORIES_155)
    for n in range(1, count + 1):
        values = {
            "metric": "complaints_count",
            "param": f"Category {n:03d}",
            "comparison": "le",
            "target": str(n),
            "period": "week",
        }
        reply = await carebot.submit(asha, "goal.save", values, {})
        assert reply.errors is None, reply.errors


async def test_the_goal_list_pages_instead_of_being_cut(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await many_goals(carebot, db, asha, 45)
    first = await carebot.command(asha, "goal", "list")
    assert "Showing 1–10 of 45." in texts(first) and "/goal list page 2" in texts(first)
    fits_every_platform(first)
    shown: list[str] = []
    reply = first
    while True:
        shown += re.findall(r"^Goal (\d+) · Complaints received", texts(reply), re.MULTILINE)
        buttons = [b for b in message(reply).buttons if b.label == "Next page"]
        if not buttons:
            break
        reply = await carebot.action(asha, buttons[0].action, buttons[0].value)
    assert "Showing 41–45 of 45." in texts(reply)
    # Each goal twice on its page (the goal, and how last week went), every goal once.
    assert sorted(set(map(int, shown))) == list(range(1, 46)) and len(shown) == 90


async def test_the_digest_says_how_many_goals_it_leaves_out(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await many_goals(carebot, db, asha, 45)
    preview = await carebot.command(asha, "digest", "preview")
    fits_every_platform(preview)
    (goals,) = [s for s in message(preview).sections if s.title == "Goals"]
    lines = (goals.body or "").splitlines()
    more = re.fullmatch(r"… and (\d+) more: /goal list", lines[-1])
    assert more is not None, lines[-1]
    assert len(lines) - 1 + int(more[1]) == 45  # shown plus left out: every goal
    assert len(lines) > 10
