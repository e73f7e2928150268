"""Button presses on Discord with arbitrary custom_ids, through the real bot on simcord: ids
that match carebot's DynamicItem templates (adapters/discord/render.py: "cb|guild|action|value"
and "cbs|token|step") with anything in their parts, and ids that match nothing. No press ever
raises in the bot, and none is answered with "something went wrong".
"""

from __future__ import annotations

import discord
import pytest
import simcord
from hypothesis import given
from hypothesis import strategies as st

from bot.app import CareBot
from bot.context import Actor
from bot.routes import root
from tests.discord.conftest import core, discord_settings, simcord_bot, world
from tests.discord.flows import World, shown
from tests.factories import log_complaint
from tests.faults.fuzzing import (
    CRASHED,
    NUMBERS,
    TEXT,
    fuzz,
    no_unexpected_errors,
)

CUSTOM_ID_MAX = 100  # Discord's limit
DIGITS = st.one_of(
    st.sampled_from(["", "0", "1", "١٢", "१", "99999999999999999999999999999999", "-1", "²"]),
    st.integers(min_value=0).map(str),
)
PART = TEXT.map(lambda text: text.replace("|", "¦"))  # a part of an id: no separator in it
ACTION = st.one_of(
    st.sampled_from(sorted(root().actions)),
    st.builds(lambda a, b: a + b, st.sampled_from(sorted(root().actions)), PART),
    PART,
)


@st.composite
def custom_ids(draw: st.DrawFn, guild: str) -> str:
    kind = draw(st.sampled_from(["action", "action", "form", "other"]))
    if kind == "action":
        ws = draw(st.one_of(st.just(guild), st.just(""), DIGITS))
        value = draw(
            st.one_of(st.sampled_from(["1", "2", "1:5", "0:4"]), st.sampled_from(NUMBERS), TEXT)
        )
        custom_id = f"cb|{ws}|{draw(ACTION)}|{value}"
    elif kind == "form":
        custom_id = f"cbs|{draw(DIGITS)}|{draw(DIGITS)}"
    else:
        custom_id = draw(st.one_of(TEXT, st.builds("|".join, st.lists(PART, max_size=5))))
    return custom_id[:CUSTOM_ID_MAX] or "x"


def agent(world: World) -> Actor:
    return Actor(
        "discord", str(world.guild.id), str(world.asha.id), "asha", channel_id=str(world.channel.id)
    )


async def button(env: simcord.Env, channel_id: int, custom_id: str) -> discord.Message:
    """A message of the bot's with one button: Discord only sends presses of buttons that are
    there. Its view is stopped at once, as carebot's are: the press goes to the dynamic items."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Press", custom_id=custom_id))
    message = await env.bot.get_partial_messageable(channel_id).send("A button", view=view)
    view.stop()
    return message


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the core's fuzz has both
@fuzz(300)
@given(
    data=st.data(), where=st.sampled_from(["channel", "dm"]), who=st.sampled_from(["asha", "bob"])
)
async def test_any_custom_id_on_a_button_never_breaks_the_bot(
    simcord_env: simcord.Env, world: World, core: CareBot, data: st.DataObject, where: str, who: str
) -> None:
    if not hasattr(world, "dm"):  # once per test: hypothesis runs this body per example
        assert (await log_complaint(core, agent(world))).errors is None  # complaint #1
        world.dm = (await simcord_env.bot.fetch_user(world.asha.id)).dm_channel or await (  # type: ignore[attr-defined]
            await simcord_env.bot.fetch_user(world.asha.id)
        ).create_dm()
    custom_id = data.draw(custom_ids(str(world.guild.id)), label="custom_id")
    presser = world.asha.user if where == "dm" else getattr(world, who)
    channel = world.dm.id if where == "dm" else world.channel.id  # type: ignore[attr-defined]
    message = await button(simcord_env, channel, custom_id)
    # The core's errors, and the adapter's boundary's (a button's error never reaches simcord).
    with no_unexpected_errors(), no_unexpected_errors("adapters.discord"):
        result = await presser.click(message, custom_id=custom_id)
    assert simcord_env.errors == [], custom_id
    answers = [result.response, *result.followups] if result.response else result.followups
    for answer in answers:
        assert not any(s in shown(answer) for s in CRASHED), (custom_id, shown(answer))


__all__ = [
    "core",
    "discord_settings",
    "simcord_bot",
    "world",
]  # the Discord tests' fixtures, used here
