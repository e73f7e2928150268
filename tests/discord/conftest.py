"""Fixtures for the Discord adapter: the real bot against simcord's in-memory Discord.

`simcord_env` (simcord's pytest plugin) starts the bot built by `simcord_bot` and settles the
loop after every action, so no test sleeps. The core runs on the `db`, `settings` and `clock`
fixtures: every test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
`@pytest.mark.discord(**settings)` changes the bot's settings for one test: the core's, or the
Discord adapter's own (discord_*).
"""

from __future__ import annotations

import pytest
import simcord

from adapters.discord.client import DiscordBot, ShardedDiscordBot, build_bot
from adapters.discord.settings import DiscordSettings
from bot.app import CareBot
from bot.clock import ManualClock
from bot.settings import Settings
from storage.db import Database
from tests.discord.flows import World, world_in


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "discord(**settings): the Discord bot's settings")


def _marked(request: pytest.FixtureRequest) -> dict[str, object]:
    marker = request.node.get_closest_marker("discord")
    return dict(marker.kwargs) if marker else {}


@pytest.fixture
def discord_settings(request: pytest.FixtureRequest) -> DiscordSettings:
    own = {k: v for k, v in _marked(request).items() if k in DiscordSettings.model_fields}
    return DiscordSettings(_env_file=None, **own)  # type: ignore[call-arg]


@pytest.fixture
def core(
    request: pytest.FixtureRequest, db: Database, settings: Settings, clock: ManualClock
) -> CareBot:
    update = {k: v for k, v in _marked(request).items() if k not in DiscordSettings.model_fields}
    return CareBot(db, settings.model_copy(update=update), clock)


@pytest.fixture
def simcord_bot(core: CareBot, discord_settings: DiscordSettings) -> DiscordBot | ShardedDiscordBot:
    return build_bot(core, discord_settings)


@pytest.fixture
def world(simcord_env: simcord.Env) -> World:
    return world_in(simcord_env)
