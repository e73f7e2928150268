"""The Slack adapter's settings (SLACK_*), from the environment and `.env` like the core's."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SlackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Their presence chooses Slack for `carebot run`.
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_scopes: str = Field(
        # channels:history and groups:history: a card whose post went unanswered is looked for
        # by its metadata before it is posted again (the outbox).
        default="commands,chat:write,users:read,im:write,files:write,channels:history,groups:history",
        description="Bot scopes asked for when a workspace installs the app (OAuth).",
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API base URL (ends with /)."
    )
    # Slack allows about one message a second per channel; bursts are paced to that.
    slack_channel_interval: float = Field(default=1.0, ge=0)

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    def configured(self) -> bool:
        """Credentials for one workspace (a bot or app token) or many (OAuth)."""
        return bool(self.slack_bot_token or self.slack_app_token or self.slack_client_id)
