"""Fixtures for the Discord adapter: the real bot against simcord's in-memory Discord.

`simcord_env` (simcord's pytest plugin) starts the bot built by `simcord_bot` and settles the
loop after every action, so no test sleeps. The core runs on the `db`, `settings` and `clock`
fixtures: every test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
`@pytest.mark.discord(**settings)` changes the bot's settings for one test.
"""

from __future__ import annotations

import pytest
import simcord

from adapters.discord.client import DiscordBot, ShardedDiscordBot, build_bot
from bot.app import CareBot
from bot.clock import ManualClock
from bot.settings import Settings
from storage.db import Database
from tests.discord.flows import World, world_in


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "discord(**settings): the Discord bot's settings")


@pytest.fixture
def core(
    request: pytest.FixtureRequest, db: Database, settings: Settings, clock: ManualClock
) -> CareBot:
    marker = request.node.get_closest_marker("discord")
    config = settings.model_copy(update=marker.kwargs if marker else {})
    return CareBot(db, config, clock)


@pytest.fixture
def simcord_bot(core: CareBot) -> DiscordBot | ShardedDiscordBot:
    return build_bot(core, core.settings)


@pytest.fixture
def world(simcord_env: simcord.Env) -> World:
    return world_in(simcord_env)
