"""One error boundary for the Discord adapter: whatever its code raises for a slash command, a
button or a modal step, the person is told ephemerally, in their client's language, with an
error id (never Discord's "This interaction failed"), and the log holds the id and the error's
type, never the exception's message."""

from __future__ import annotations

import pytest
import simcord
from discord import app_commands

from adapters.discord import client
from adapters.discord.answer import Answer
from tests.discord.flows import (
    STEP_1,
    World,
    card,
    client_language,
    ephemeral,
    fill,
    log_complaint,
    shown,
)
from tests.unexpected import Broken, assert_logged, broken, error_id_in


async def test_a_slash_command_that_fails_tells_the_person_in_their_language(
    simcord_env: simcord.Env,
    world: World,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client_language(simcord_env, monkeypatch, "hi")
    monkeypatch.setattr(Answer, "render", broken)  # the core answered; drawing it fails
    result = await world.bob.slash(world.channel, "complaint list", status="open")
    (told,) = ephemeral(result)
    assert_logged(caplog, error_id_in(shown(told), "hi"))
    # simcord notes every error the command tree saw, handled or not: this one was expected.
    (seen,) = simcord_env.errors
    assert isinstance(seen, app_commands.CommandInvokeError)
    assert isinstance(seen.original, Broken)


async def test_a_button_that_fails_tells_the_person(
    world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    await log_complaint(world)
    monkeypatch.setattr(Answer, "render", broken)
    result = await world.asha.click(card(world), label="Details")
    (told,) = ephemeral(result)
    assert_logged(caplog, error_id_in(shown(told), "en"))


async def test_a_modal_step_that_fails_tells_the_person(
    simcord_env: simcord.Env,
    world: World,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client_language(simcord_env, monkeypatch, "bn")
    opened = await world.asha.slash(world.channel, "complaint new")
    monkeypatch.setattr(client, "continue_message", broken)  # after step 1 is kept
    result = await fill(world.asha, opened, STEP_1)
    (told,) = ephemeral(result)
    assert_logged(caplog, error_id_in(shown(told), "bn"))
