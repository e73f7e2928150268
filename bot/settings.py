"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.i18n import SUPPORTED_LOCALES


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///carebot.db",
        description="SQLAlchemy URL: SQLite by default, postgresql+asyncpg://... in production",
    )
    default_locale: str = Field(default="en", description="Language for new workspaces.")
    default_timezone: str = Field(default="UTC", description="IANA time zone for new workspaces.")
    default_phone_region: str = Field(
        default="IN", description="Region used to read phone numbers typed without a +country code."
    )
    default_currency: str = Field(default="INR", description="ISO 4217 code for compensation.")
    log_level: str = Field(default="INFO")
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as text (a terminal) or JSON (a log collector)."
    )
    files_dir: str = Field(
        default="carebot-files", description="Folder where the shell saves charts it is sent."
    )

    # HTTP server (Slack's HTTP mode, health checks).
    host: str = Field(default="0.0.0.0", description="Address the HTTP server listens on.")
    port: int = Field(default=3000, ge=1, le=65535)

    # Each platform's settings (SLACK_*, DISCORD_*) are its adapter's own (adapters/*/settings.py).

    # Scheduled work (reminders, retention checks, escalations, digests).
    scheduler_tick_seconds: float = Field(
        default=30.0, gt=0, description="How often the scheduler looks for due work."
    )
    job_lease_seconds: int = Field(
        default=300, ge=10, description="A claimed job is due again if not finished by then."
    )
    job_max_attempts: int = Field(
        default=8, ge=1, description="Failed deliveries of a job before it is given up."
    )
    retention_delay_months: int = Field(
        default=1, ge=1, le=24, description="Calendar months from resolution to retention check."
    )
    retention_nudges: int = Field(
        default=2,
        ge=0,
        description="Reminders of an unanswered retention check before it is missed.",
    )
    retention_nudge_days: int = Field(default=3, ge=1, description="Days between those reminders.")
    digest_grace_hours: int = Field(
        default=24, ge=0, description="A digest missed by more than this is skipped, not sent late."
    )
    # Customer surveys (bot/surveys/): the page's address, its links' key and their rules.
    public_url: str | None = Field(
        default=None,
        description="How customers reach the survey page, e.g. https://care.example.com "
        "(default: http://localhost:PORT).",
    )
    survey_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs survey links; generated once and kept in the database "
        "when unset.",
    )
    survey_link_days: int = Field(default=14, ge=1, le=365, description="Days a survey link works.")
    survey_wait_days: int = Field(
        default=3,
        ge=0,
        description="Days the one-month survey waits for the customer before the agent calls.",
    )
    survey_cooldown_days: int = Field(
        default=30, ge=0, description="A customer is asked at most once in this many days."
    )
    # Email to customers (surveys). No SMTP_HOST: survey links go only to the agent.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = Field(default=True, description="STARTTLS after connecting (port 587).")
    smtp_tls: bool = Field(default=False, description="TLS from the first byte (port 465).")
    smtp_from: str | None = Field(default=None, description="Sender, e.g. Care <care@example.com>.")
    smtp_timeout: float = Field(default=30.0, gt=0, description="Seconds per SMTP operation.")

    # Forms filled in steps (Discord's modals): what was typed is kept this long (bot/drafts.py).
    form_draft_minutes: int = Field(
        default=60,
        ge=5,
        le=24 * 60,
        description="Minutes a half-filled form is kept (it may hold a customer's data).",
    )

    # Customers' personal data (bot/privacy/retention.py); None keeps it for as long as the log.
    personal_data_retention_days: int | None = Field(
        default=None,
        ge=1,
        description="Days after resolution when a complaint's customer data is anonymised.",
    )

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"locale must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("default_currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        return value.upper()

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("PUBLIC_URL must start with http:// or https://")
        return value

    def survey_base_url(self) -> str:
        """Where survey links point: PUBLIC_URL, else this machine's HTTP server."""
        return self.public_url or f"http://localhost:{self.port}"

    def email_configured(self) -> bool:
        return bool(self.smtp_host and self.smtp_from)
