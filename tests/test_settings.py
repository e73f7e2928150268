"""Settings come from the environment; secrets never show up in logs or reprs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_defaults_run_the_shell_on_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.platform() == "console"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")


def test_credentials_choose_the_platform_and_stay_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.platform() == "slack"
    assert "xoxb-very-secret" not in repr(settings) and "xoxb-very-secret" not in str(
        settings.model_dump()
    )
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.setenv("DISCORD_TOKEN", "abc")
    assert Settings(_env_file=None).platform() == "discord"  # type: ignore[call-arg]


def test_bad_settings_are_refused_with_the_name_of_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValidationError, match="default_timezone"):
        Settings(_env_file=None)  # type: ignore[call-arg]
