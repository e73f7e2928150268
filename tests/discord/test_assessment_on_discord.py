"""/assessment on Discord: typed in a server channel, taken in the DM with persistent buttons on
one message edited as the statements are answered; the result ends with a chart."""

from __future__ import annotations

import discord
import simcord
from sqlalchemy import select

from adapters.discord.client import DiscordBot
from adapters.discord.settings import DiscordSettings
from bot.app import CareBot
from storage.db import Database
from storage.models import AssessmentAnswer, DeliveryFailure
from tests.discord.flows import World, ephemeral, labels, public, shown

PNG = b"\x89PNG\r\n\x1a\n"


async def answers(db: Database) -> dict[str, int]:
    async with db.session() as session:
        rows = await session.execute(select(AssessmentAnswer.item, AssessmentAnswer.score))
        return {item: score for item, score in rows}


def question(world: World) -> discord.Message:
    """The latest message in Asha's DM with the bot."""
    message = world.asha.user.dm_channel.last_message
    assert message is not None
    return message


async def start(world: World) -> tuple[simcord.InteractionResult, discord.Message]:
    result = await world.asha.slash(world.channel, "assessment start")
    return result, question(world)


async def press(world: World, message: discord.Message, prefix: str) -> discord.Message:
    """Asha presses a button in her DM (no guild there: the button carries it)."""
    (label,) = [text for text in labels(message) if text.startswith(prefix)]
    result = await world.asha.user.click(message, label=label)
    assert result.acknowledged
    return question(world)


async def test_the_whole_assessment_in_the_dm_ends_with_a_chart(world: World, db: Database) -> None:
    result, first = await start(world)
    (note,) = ephemeral(result)
    assert "continues in your direct messages" in shown(note)
    assert public(world.channel) == []  # nothing of it in the channel
    assert "1 of 25 · section 1 of 7" in shown(first)
    assert labels(first) == [
        "1 · None of the time",
        "2 · Rarely",
        "3 · Some of the time",
        "4 · Most of the time",
        "5 · All of the time",
        "Pause",
    ]

    message = first
    for number in range(2, 26):
        message = await press(world, message, "4 ·")
        assert message.id == first.id  # the same message, edited in place
        assert f"{number} of 25" in shown(message)
    done = await press(world, message, "3 ·")

    assert done.id == first.id
    assert "Your result: 27.67 of 35 · Adequate" in shown(done)
    (chart,) = done.attachments
    assert chart.filename == "assessment-2026-11-02.png"
    assert (await chart.read()).startswith(PNG)
    assert len(await answers(db)) == 25
    assert len(world.asha.user.dm_channel.history()) == 1  # nothing else was posted


async def test_back_pause_and_resume_after_a_restart(
    simcord_env: simcord.Env,
    world: World,
    core: CareBot,
    db: Database,
    discord_settings: DiscordSettings,
) -> None:
    _, message = await start(world)
    message = await press(world, message, "5 ·")
    message = await press(world, message, "2 ·")
    again = await press(world, message, "Back")
    assert "2 of 25" in shown(again) and "Your answer before: 2 — Rarely" in shown(again)
    paused = await press(world, again, "Pause")
    assert "Assessment paused at statement 2 of 25." in shown(paused) and labels(paused) == []

    await simcord_env.restart_bot(
        DiscordBot(CareBot(db, core.settings, core.clock), discord_settings)
    )
    _, resumed = await start(world)
    assert "2 of 25" in shown(resumed) and resumed.id != again.id  # a new message to answer
    await press(world, resumed, "3 ·")
    assert await answers(db) == {"1a": 5, "1b": 3}


async def test_commands_typed_in_the_dm_act_for_the_server_last_used(world: World) -> None:
    """A DM has no guild: the one where the person last acted is the workspace."""
    user = world.asha.user
    _, message = await start(world)
    for _ in range(25):
        message = await press(world, message, "4 ·")
    result = await user.slash("assessment history")

    history = question(world)
    assert "Your assessments" in shown(history) and "28 of 35 · Asset" in shown(history)
    assert [a.filename for a in history.attachments] == ["assessment-history.png"]
    assert result.acknowledged and result.response is None  # no "thinking" note is left
    assert public(world.channel) == []


async def test_closed_dms_are_explained_to_the_person_and_recorded(
    simcord_env: simcord.Env, world: World, db: Database
) -> None:
    # simcord keeps every DM open; Discord's answer for a closed one is injected instead.
    simcord_env.inject_error(
        "POST",
        "/channels/*/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
    )
    result = await world.asha.slash(world.channel, "assessment start")

    told = "\n".join(shown(m) for m in ephemeral(result))
    assert "continues in your direct messages" in told
    assert "your DMs are closed to me" in told
    assert world.asha.user.dm_channel.history() == []
    async with db.session() as session:
        (failure,) = (await session.scalars(select(DeliveryFailure))).all()
    assert failure.error == "50007 Cannot send messages to this user"
