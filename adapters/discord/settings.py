"""The Discord adapter's settings (DISCORD_*), from the environment and `.env` like the core's."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class DiscordSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Its presence (and no Slack credentials) chooses Discord for `carebot run`.
    discord_token: SecretStr | None = None
    # Comma-separated in the environment ("123,456"): commands sync to these guilds at once.
    discord_guild_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Guilds whose commands are synced instantly."
    )
    discord_support_role: str | None = Field(
        default=None, description="Name of the Discord role whose members are support agents."
    )
    discord_shard_count: int | None = Field(
        default=None, ge=1, description="Total shards; set it to run shard groups in processes."
    )
    discord_shard_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="The shards this process runs (all when empty)."
    )

    @field_validator("discord_guild_ids", "discord_shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _shards_within_count(self) -> DiscordSettings:
        if self.discord_shard_ids:
            count = self.discord_shard_count
            if count is None or any(not 0 <= shard < count for shard in self.discord_shard_ids):
                raise ValueError("discord_shard_ids must lie between 0 and discord_shard_count - 1")
        return self

    def configured(self) -> bool:
        return self.discord_token is not None
