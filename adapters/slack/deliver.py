"""Scheduled work on Slack: reminders, checks, escalations and digests posted by the scheduler.

The same rendering as replies to people (DMs opened with conversations.open, cards edited in
place, charts uploaded), through the same paced client with slack_sdk's retry handlers; what
Slack refuses for good becomes DeliveryRefused, what may pass becomes DeliveryDeferred, so
the scheduler retries the one and records the other.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.answers import SlackAnswers
from adapters.slack.outbound import ChannelPacer, Sender, secret, web_client
from adapters.slack.settings import SlackSettings
from bot.app import CareBot
from bot.scheduled import DeliveryDeferred, DeliveryRefused, Outgoing
from bot.settings import Settings
from storage.db import Database

log = logging.getLogger(__name__)


class SlackDeliverer:
    def __init__(
        self, bot: CareBot, settings: SlackSettings, db: Database, pacer: ChannelPacer | None = None
    ) -> None:
        self.answers = SlackAnswers(bot, pacer or ChannelPacer(settings.slack_channel_interval))
        self.api_url = settings.slack_api_url
        self.token = secret(settings.slack_bot_token)
        self.store = (
            AsyncSQLAlchemyInstallationStore(settings.slack_client_id, db.engine)
            if settings.slack_client_id
            else None
        )
        self._clients: dict[str, AsyncWebClient] = {}

    async def client_for(self, team_id: str) -> AsyncWebClient:
        """The workspace's bot token: the configured one, or its installation's (OAuth)."""
        token = self.token
        if self.store is not None:
            installation = await self.store.async_find_installation(
                enterprise_id=None, team_id=team_id
            )
            token = installation.bot_token if installation is not None else None
        if not token:
            raise DeliveryRefused("not_installed")
        if token not in self._clients:
            self._clients[token] = web_client(self.api_url, token)
        return self._clients[token]

    async def deliver(self, outgoing: Outgoing) -> None:
        client = await self.client_for(outgoing.actor.workspace_id)
        refused: list[tuple[str | None, str]] = []

        async def on_failure(channel: str | None, error: str) -> None:
            refused.append((channel, error))

        sender = Sender(client, self.answers.pacer, on_failure)
        try:
            await self.answers.render(
                outgoing.reply, outgoing.actor, client, None, None, sender=sender
            )
        except SlackApiError as exc:  # not permanent, and slack_sdk's retries gave up
            error = str(exc.response.get("error", "slack_error"))
            raise DeliveryDeferred(error, _retry_after(exc)) from None
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryDeferred(type(exc).__name__) from None
        if refused:
            channel, error = refused[0]
            raise DeliveryRefused(error, channel)


def _retry_after(exc: SlackApiError) -> timedelta | None:
    """How long Slack asked to wait (a 429's Retry-After): the scheduler's backoff is no shorter."""
    headers = exc.response.headers or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    value = value[0] if isinstance(value, list) and value else value
    seconds = str(value)
    return timedelta(seconds=int(seconds)) if seconds.isdecimal() else None


def factory(settings: Settings, db: Database) -> SlackDeliverer | None:
    """The scheduler's plug-in: None when this installation has no Slack credentials (read
    from the environment: SLACK_*)."""
    slack = SlackSettings()
    if not (slack.slack_bot_token or slack.slack_client_id):
        return None
    return SlackDeliverer(CareBot(db, settings), slack, db)
