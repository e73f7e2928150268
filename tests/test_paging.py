"""Long lists are paged with an honest count, never cut silently (issue 14, defect 12).

With 5,000 complaints `/complaint list all` showed 35 and a search 28, with no count and no
way on; of 155 categories the form offered 100 and the list showed 79; `/goal list` and the
digest were cut at 3,000 characters. Every list now says "Showing 1–25 of 5,000", page 2
goes on where page 1 stopped, and every message fits the platforms' limits whole.
"""

from __future__ import annotations

import io
import re

import pytest

from adapters.console.shell import Shell
from bot.app import CareBot
from bot.clock import OffsetClock
from bot.context import Actor
from bot.paging import MESSAGE_CHARS, SECTION_CHARS
from bot.settings import Settings
from bot.ui import Audience, Button, Message, Reply
from storage.db import Database
from tests.factories import log_complaint, texts
from tests.paging_data import (
    CATEGORIES_155,
    copies_of_first_assessment,
    copies_of_first_complaint,
    set_categories,
)

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


# --- 120 complaints, page by page: every one seen once, Previous goes back ------------------------

SOME = 120


def labelled(reply: Reply, label: str) -> Button | None:
    found = [b for post in reply.posts for b in post.message.buttons if b.label == label]
    return found[0] if found else None


async def followed(carebot: CareBot, actor: Actor, first: Reply) -> tuple[list[int], int]:
    """The complaint numbers of every page reached by Next page from `first`, and the pages."""
    seen, reply, pages = numbers(first), first, 1
    while (button := labelled(reply, "Next page")) is not None and pages < 20:
        reply = await carebot.action(actor, button.action, button.value)
        seen += numbers(reply)
        pages += 1
    return seen, pages


async def test_120_complaints_in_the_shell_page_by_page(db: Database, settings: Settings) -> None:
    """Next page pressed by its number until there is none, `page N` typed, and Previous."""
    out = io.StringIO()
    clock = OffsetClock()
    shell = Shell(CareBot(db, settings, clock), clock, settings, io.StringIO(), out)
    await shell.handle("/as Asha manager")
    await log_complaint(shell.bot, shell.actor)
    await copies_of_first_complaint(db, SOME - 1)

    def press(label: str) -> str:
        return str([b.label for b in shell.buttons].index(label) + 1)

    await shell.handle("/complaint list all")
    seen: list[int] = []
    pages = 1
    while True:
        shown = out.getvalue()  # what this page printed
        seen += [int(n) for n in re.findall(r"^  #(\d+) ·", shown, re.MULTILINE)]
        if "Next page" not in [b.label for b in shell.buttons] or pages == 10:
            break
        out.seek(0), out.truncate()
        await shell.handle(press("Next page"))
        pages += 1
    assert sorted(seen) == list(range(1, SOME + 1)) and len(seen) == SOME
    assert pages == 5 and "Showing 101–120 of 120." in shown

    await shell.handle("/complaint list all page 3")
    assert "Showing 51–75 of 120." in out.getvalue()
    await shell.handle(press("Previous page"))
    assert "Showing 26–50 of 120." in out.getvalue().split("Showing 51–75")[1]


async def test_120_complaints_page_by_page_with_next_and_previous(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await log_complaint(carebot, asha)
    await copies_of_first_complaint(db, SOME - 1)
    first = await carebot.command(asha, "complaint", "list all")
    assert labelled(first, "Previous page") is None
    seen, pages = await followed(carebot, asha, first)
    assert seen == list(range(SOME, 0, -1)) and pages == 5

    second = await carebot.action(asha, "complaint.list", "all page 2")
    back = labelled(second, "Previous page")
    assert back is not None
    assert texts(await carebot.action(asha, back.action, back.value)) == texts(first)


async def test_a_search_with_120_results_pages_by_its_buttons(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await log_complaint(carebot, asha)
    await copies_of_first_complaint(db, SOME - 1)
    first = await carebot.command(asha, "complaint", "search Parcel arrived")
    assert "Showing 1–25 of 120." in texts(first)
    assert "Parcel arrived" not in texts(first).split("Complaints found", 1)[0]
    seen, pages = await followed(carebot, asha, first)
    assert seen == list(range(SOME, 0, -1)) and pages == 5

    second = await carebot.command(asha, "complaint", "search Parcel arrived page 2")
    back = labelled(second, "Previous page")
    assert back is not None
    assert numbers(await carebot.action(asha, back.action, back.value)) == numbers(first)


async def test_home_counts_my_open_complaints_and_pages_to_the_rest(
    carebot: CareBot, db: Database, asha: Actor
) -> None:
    await log_complaint(carebot, asha, follow_up_at="+2h")
    await copies_of_first_complaint(db, 39)
    home = await carebot.command(asha, "home")
    (mine,) = [s for s in message(home).sections if s.title == "My open complaints"]
    assert len((mine.body or "").splitlines()) == 25
    assert "Showing 1–25 of 40." in texts(home)
    assert "For the next page: /complaint list mine page 2" in texts(home)
    due = texts(home).split("Follow-ups due")[1]
    assert "Showing 1–25 of 40." in due  # due within the day, all 40: counted too
    rest = labelled(home, "Next page")
    assert rest is not None
    second = await carebot.action(asha, rest.action, rest.value)
    assert "Showing 26–40 of 40." in texts(second) and numbers(second) == list(range(15, 0, -1))


async def test_the_team_view_pages_its_people(carebot: CareBot, db: Database, asha: Actor) -> None:
    await carebot.command(asha, "help")  # the workspace's admin: sees each person's result
    reply = await carebot.command(asha, "assessment")
    for _ in range(25):
        (post,) = [p for p in reply.posts if p.to is Audience.DM]
        (five,) = [b for b in post.message.buttons if b.label.startswith("5 ·")]
        reply = await carebot.action(asha, five.action, five.value)
    await copies_of_first_assessment(db, 44)

    def dm(reply: Reply) -> Reply:
        return Reply(posts=tuple(p for p in reply.posts if p.to is Audience.DM))

    page = dm(await carebot.command(asha, "assessment", "team"))
    assert "Respondents: 45" in texts(page) and "Showing 1–20 of 45." in texts(page)
    people: list[str] = []
    while True:
        people += re.findall(r"^(Asha|Person \d+): ", texts(page), re.MULTILINE)
        answers = [b for b in message(page).buttons if b.label.startswith("Answers of")]
        assert len(answers) == len(re.findall(r"^(?:Asha|Person \d+): ", texts(page), re.M))
        assert len(message(page).buttons) <= 25  # Discord's most in a message
        button = labelled(page, "Next page")
        if button is None:
            break
        page = dm(await carebot.action(asha, button.action, button.value))
        assert "Respondents" not in texts(page)  # the aggregate is on the first page only
    assert sorted(people) == sorted(["Asha", *(f"Person {n:03d}" for n in range(1, 45))])
    assert "Showing 41–45 of 45." in texts(page) and labelled(page, "Previous page") is not None
