"""Every command typed with arbitrary text, and any button action with any value (as a forged
or stale Slack action_id, Discord custom_id or shell line would bring them), by an admin or an
agent, in a channel or a DM, in any supported language: never "something went wrong"."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import CareBot
from bot.context import Actor, Role
from bot.routes import root
from tests.factories import log_complaint
from tests.faults.fuzzing import (
    LOCALES,
    NUMBERS,
    TEXT,
    actor,
    core_on,
    fuzz,
    never_crashed,
    no_unexpected_errors,
    share,
)

# The words the commands understand, so that fuzzed lines reach every branch.
VERBS = (
    *("", "new", "list", "show", "search", "categories", "channel", "help", "escalation"),
    *("managers", "open", "mine", "overdue", "all", "category", "add", "remove", "here", "off"),
    *("hours", "amount", "edit", "record", "start", "resume", "history", "team", "schedule"),
    *("preview", "workspace", "auto", "document", "en", "hi", "mr", "bn", "tl", "delivery"),
    *("mon", "09:00", "returns", "1", "2", "#1", "48", "150.50", "2026-11-01"),
)
VALUES = ("", "1", "2", "#1", "1:5", "0:3", "24:5", "1:0", "-1", "1:", ":", "1:2:3")
SUFFIXES = ("satisfied", "not_satisfied", "1", "2", "called", "0", "")
LINE = st.one_of(
    TEXT,
    st.lists(st.one_of(st.sampled_from(VERBS), st.sampled_from(VERBS), TEXT), max_size=4).map(
        " ".join
    ),
)
COMMAND = st.one_of(st.sampled_from(sorted(root().commands)), st.sampled_from(["", "/", "x"]), TEXT)
ACTION = st.one_of(
    st.sampled_from(sorted(a for a in root().actions if not a.endswith(":"))),
    st.builds(
        lambda prefix, suffix: prefix + suffix,
        st.sampled_from(sorted(a for a in root().actions if a.endswith(":"))),
        st.one_of(st.sampled_from(SUFFIXES), st.sampled_from(NUMBERS), TEXT),
    ),
    TEXT,
)
VALUE = st.one_of(st.sampled_from(VALUES), st.sampled_from(NUMBERS), TEXT)


def who(locale: str | None, agent: bool, dm: bool) -> Actor:
    return actor("Bob", locale, dm=dm) if agent else actor("Asha", locale, dm=dm, role=Role.ADMIN)


async def something_to_act_on(bot: CareBot) -> None:
    """Complaint #1 open with a follow-up, #2 resolved (retention check 1), and Bob's
    assessment under way (run 1): buttons with small numbers find real records."""
    asha = who("en", agent=False, dm=False)
    await log_complaint(bot, asha, follow_up_at="+2d")
    await log_complaint(bot, asha)
    await bot.submit(
        asha,
        "complaint.resolve",
        {"solution": "Refund", "solution_mode": "promised"},
        {"number": "2"},
    )
    await bot.command(who("en", agent=True, dm=True), "assessment")


@pytest.fixture
def core(database_url: str) -> Iterator[tuple[asyncio.Runner, CareBot]]:
    with core_on(database_url) as (runner, bot):
        runner.run(something_to_act_on(bot))
        yield runner, bot


def test_any_command_line_never_goes_wrong(core: tuple[asyncio.Runner, CareBot]) -> None:
    runner, bot = core

    @fuzz(share(3400))
    @given(
        name=COMMAND,
        line=LINE,
        locale=st.none() | LOCALES,
        agent=st.booleans(),
        dm=st.booleans(),
    )
    def command(name: str, line: str, locale: str | None, agent: bool, dm: bool) -> None:
        with no_unexpected_errors():
            reply = runner.run(bot.command(who(locale, agent, dm), name, line))
        never_crashed(reply)

    command()


def test_any_action_with_any_value_never_goes_wrong(core: tuple[asyncio.Runner, CareBot]) -> None:
    runner, bot = core

    @fuzz(share(2500))
    @given(action=ACTION, value=VALUE, locale=LOCALES, agent=st.booleans(), dm=st.booleans())
    def press(action: str, value: str, locale: str, agent: bool, dm: bool) -> None:
        with no_unexpected_errors():
            reply = runner.run(bot.action(who(locale, agent, dm), action, value))
        never_crashed(reply)

    press()
