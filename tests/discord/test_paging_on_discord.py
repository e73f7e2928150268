"""Issue 14, defect 12 on Discord: 155 categories (more than a select's 25) are typed in the
form with a hint where to see them, and lists page with a Next page button."""

from __future__ import annotations

import re

from sqlalchemy import select

from storage.db import Database
from storage.models import Complaint
from tests.discord.flows import (
    STEP_1,
    Shown,
    World,
    ephemeral,
    fill_steps,
    labels,
    next_step,
    shown,
    steps_with,
)
from tests.paging_data import CATEGORIES_155, copies_of_first_complaint, set_categories


async def test_155_categories_are_typed_in_the_form_and_listed_page_by_page(
    world: World, db: Database
) -> None:
    await world.asha.slash(world.channel, "complaint help")
    await set_categories(db, CATEGORIES_155)

    opened = await world.asha.slash(world.channel, "complaint new")
    first = await fill_steps(world.asha, opened, [STEP_1])
    second = await next_step(world.asha, first, "Continue (2/4)")  # what happened, and how
    assert second.modal is not None
    (category,) = [
        c["component"]
        for c in second.modal["components"]
        if c["component"].get("custom_id") == "category"
    ]
    assert category["type"] == 4  # a text input: Discord's select holds 25
    assert category["placeholder"] == "Type it as /complaint categories lists it"
    rest = steps_with({"category": "category 150"})[1:]
    await fill_steps(world.asha, second, rest, number=2)
    async with db.session() as session:
        assert await session.scalar(select(Complaint.category)) == "Category 150"

    listed = await world.asha.slash(world.channel, "complaint categories list")
    (page_1,) = ephemeral(listed)
    assert "Showing 1–25 of 155." in shown(page_1) and labels(page_1) == ["Next page"]
    pressed = await world.asha.click(page_1, label="Next page")
    page_2 = ephemeral(pressed)[-1]
    assert "Showing 26–50 of 155." in shown(page_2)
    assert "Category 025" in shown(page_2) and "Category 024" not in shown(page_2)


async def test_list_all_of_many_pages_on_discord(world: World, db: Database) -> None:
    opened = await world.asha.slash(world.channel, "complaint new")
    await fill_steps(world.asha, opened, steps_with({}))
    await copies_of_first_complaint(db, 2999)

    listed = await world.asha.slash(world.channel, "complaint list", status="all")
    (page_1,) = ephemeral(listed)
    assert "Showing 1–25 of 3,000." in shown(page_1) and "#3000 ·" in shown(page_1)
    assert "Next page" in labels(page_1)
    page_2 = ephemeral(await world.asha.click(page_1, label="Next page"))[-1]
    assert "Showing 26–50 of 3,000." in shown(page_2)
    assert "#2975 ·" in shown(page_2) and "#2976 ·" not in shown(page_2)


def numbers(message: Shown) -> list[int]:
    return [int(n) for n in re.findall(r"^#(\d+) ·", shown(message), re.MULTILINE)]


async def test_120_complaints_page_by_page_on_discord(world: World, db: Database) -> None:
    """Next page followed to the end, each complaint seen once; a search the same; Previous
    goes back a page."""
    opened = await world.asha.slash(world.channel, "complaint new")
    await fill_steps(world.asha, opened, steps_with({}))
    await copies_of_first_complaint(db, 119)

    for command, options in (
        ("complaint list", {"status": "all"}),
        ("complaint search", {"words": "Parcel arrived"}),
    ):
        (page,) = ephemeral(await world.asha.slash(world.channel, command, **options))
        assert "Showing 1–25 of 120." in shown(page)
        seen, pages = numbers(page), 1
        while "Next page" in labels(page) and pages < 20:
            page = ephemeral(await world.asha.click(page, label="Next page"))[-1]
            seen += numbers(page)
            pages += 1
        assert seen == list(range(120, 0, -1)) and pages == 5, command

    listed = await world.asha.slash(world.channel, "complaint list", status="all", page=3)
    (third,) = ephemeral(listed)
    back = ephemeral(await world.asha.click(third, label="Previous page"))[-1]
    assert "Showing 26–50 of 120." in shown(back) and numbers(back) == list(range(95, 70, -1))
