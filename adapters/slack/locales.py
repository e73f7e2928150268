"""The language each Slack user set in their client, for people who did not choose one.

Slack's payloads do not carry it: `users.info` with `include_locale` does. Kept for an hour
per user, so an event costs the lookup at most once an hour; a failed lookup is no locale,
never a failed event.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock, SystemClock
from bot.context import Actor

log = logging.getLogger(__name__)
TTL_SECONDS = 3600.0


class SlackLocales:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self._known: dict[tuple[str, str], tuple[str | None, float]] = {}

    async def fill(self, actor: Actor, client: AsyncWebClient) -> Actor:
        if actor.locale or not actor.user_id:
            return actor
        key = (actor.workspace_id, actor.user_id)
        now = self.clock.now().timestamp()
        known = self._known.get(key)
        if known is None or now - known[1] > TTL_SECONDS:
            known = (await self._lookup(client, actor.user_id), now)
            self._known[key] = known
        return replace(actor, locale=known[0]) if known[0] else actor

    @staticmethod
    async def _lookup(client: AsyncWebClient, user_id: str) -> str | None:
        try:
            answer = await client.users_info(user=user_id, include_locale=True)
        except SlackClientError as exc:
            log.info("no locale for a Slack user: %s", type(exc).__name__)
            return None
        user = answer.get("user") or {}
        locale = user.get("locale") if isinstance(user, dict) else None
        return str(locale) if locale else None
