"""The Slack and Discord fixtures, shared with the fault tests (the fake Web API, simcord)."""

from __future__ import annotations

from tests.discord.conftest import core, discord_settings, simcord_bot, world
from tests.slack.conftest import slack, user_side

__all__ = ["core", "discord_settings", "simcord_bot", "slack", "user_side", "world"]
