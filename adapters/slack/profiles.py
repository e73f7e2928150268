"""What Slack knows of each person and its payloads do not carry: the language set in their
client, and whether they are a workspace admin or owner (always carebot admins: a floor).

`users.info` with `include_locale` tells both. Kept for an hour per user, so an event costs
the lookup at most once an hour; a failed lookup is no locale and no word on the role (the
stored one stands), never a failed event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock, SystemClock
from bot.context import Actor, Role

log = logging.getLogger(__name__)
TTL_SECONDS = 3600.0


@dataclass(frozen=True)
class Profile:
    locale: str | None
    admin: bool  # a workspace admin or owner


class SlackProfiles:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self._known: dict[tuple[str, str], tuple[Profile | None, float]] = {}

    async def fill(self, actor: Actor, client: AsyncWebClient) -> Actor:
        if not actor.user_id:
            return actor
        key = (actor.workspace_id, actor.user_id)
        now = self.clock.now().timestamp()
        known = self._known.get(key)
        if known is None or now - known[1] > TTL_SECONDS:
            known = (await self._lookup(client, actor.user_id), now)
            self._known[key] = known
        profile = known[0]
        if profile is None:
            return actor
        return replace(
            actor,
            locale=actor.locale or profile.locale,
            platform_role=Role.ADMIN if profile.admin else None,
            platform_knows_roles=True,
        )

    @staticmethod
    async def _lookup(client: AsyncWebClient, user_id: str) -> Profile | None:
        try:
            answer = await client.users_info(user=user_id, include_locale=True)
        except SlackClientError as exc:
            log.info("no profile for a Slack user: %s", type(exc).__name__)
            return None
        user = answer.get("user")
        if not isinstance(user, dict):
            return None
        locale = user.get("locale")
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        return Profile(str(locale) if locale else None, admin)
