"""Settings come from the environment; secrets never show up in logs or reprs. The core's
settings hold no platform's: each adapter reads its own (SLACK_*, DISCORD_*)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from adapters.discord.settings import DiscordSettings
from adapters.slack.settings import SlackSettings
from bot.cli import chosen_platform
from bot.settings import Settings

CREDENTIALS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "DISCORD_TOKEN")


@pytest.fixture
def bare(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No platform credentials in the environment, and no .env where `carebot` runs."""
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", *CREDENTIALS):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_run_the_shell_on_sqlite(bare: pytest.MonkeyPatch) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert chosen_platform() == "console"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")


def test_credentials_choose_the_platform_and_stay_secret(bare: pytest.MonkeyPatch) -> None:
    bare.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    assert chosen_platform() == "slack"
    slack = SlackSettings(_env_file=None)  # type: ignore[call-arg]
    assert "xoxb-very-secret" not in repr(slack) and "xoxb-very-secret" not in str(
        slack.model_dump()
    )
    bare.delenv("SLACK_BOT_TOKEN")
    bare.setenv("DISCORD_TOKEN", "abc")
    assert chosen_platform() == "discord"
    Path(".env").write_text("SLACK_CLIENT_ID=123.456\n")  # .env counts, as for the core
    assert chosen_platform() == "slack"


def test_the_core_settings_hold_no_platform_settings() -> None:
    platform = [n for n in Settings.model_fields if n.startswith(("slack_", "discord_"))]
    assert platform == []
    assert all(n.startswith("slack_") for n in SlackSettings.model_fields)
    assert all(n.startswith("discord_") for n in DiscordSettings.model_fields)


def test_each_adapter_reads_its_own_settings_by_the_same_names(bare: pytest.MonkeyPatch) -> None:
    bare.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    bare.setenv("DISCORD_GUILD_IDS", "123, 456")
    assert SlackSettings().slack_api_url == "http://127.0.0.1:9/api/"
    assert DiscordSettings().discord_guild_ids == [123, 456]
    bare.setenv("DISCORD_SHARD_IDS", "2")
    with pytest.raises(ValidationError, match="discord_shard_ids"):
        DiscordSettings()


def test_bad_settings_are_refused_with_the_name_of_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValidationError, match="default_timezone"):
        Settings(_env_file=None)  # type: ignore[call-arg]
