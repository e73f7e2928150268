"""What Slack knows of each person and its payloads do not carry: the language set in their
client, and whether they are a workspace admin or owner (always carebot admins: a floor).

`users.info` with `include_locale` tells both. Kept for an hour per user, so an event costs
the lookup at most once an hour. Nothing waits long for it: a form submission is answered
from what is kept (Slack shows an error after 3 seconds, and a 429 asks for more), and other
events, already acknowledged, wait `LOOKUP_WAIT` at most. A lookup still under way goes on in
the background (one per person at a time) and fills the cache for the next event. Without an
answer the person is who carebot has stored: no locale and no word on the role, which never
grants one; a failed lookup is tried again after `RETRY_SECONDS`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock, SystemClock
from bot.context import Actor, Role

log = logging.getLogger(__name__)
TTL_SECONDS = 3600.0
RETRY_SECONDS = 60.0  # a failed lookup (429, 5xx, missing scope) is asked again after this
LOOKUP_WAIT = 1.0  # seconds an acknowledged event waits for a lookup (a trigger lives 3 s)

Key = tuple[str, str]


@dataclass(frozen=True)
class Profile:
    locale: str | None
    admin: bool  # a workspace admin or owner


class SlackProfiles:
    def __init__(self, clock: Clock | None = None, wait: float = LOOKUP_WAIT) -> None:
        self.clock = clock or SystemClock()
        self.wait = wait
        self._known: dict[Key, tuple[Profile | None, float]] = {}  # profile, until when
        self._pending: dict[Key, asyncio.Task[Profile | None]] = {}

    def cached(self, actor: Actor, client: AsyncWebClient) -> Actor:
        """The actor with what is known of them now, never waiting; a missing or old entry
        is looked up in the background."""
        if not actor.user_id:
            return actor
        key = (actor.workspace_id, actor.user_id)
        known = self._known.get(key)
        if known is None or self._now() >= known[1]:
            self._lookup(key, client)
        return self._filled(actor, known[0] if known else None)

    async def fill(self, actor: Actor, client: AsyncWebClient) -> Actor:
        """The actor with their profile, waiting up to `wait` seconds for a lookup (events
        already acknowledged); past that, as `cached`."""
        if not actor.user_id:
            return actor
        key = (actor.workspace_id, actor.user_id)
        known = self._known.get(key)
        if known is not None and self._now() < known[1]:
            return self._filled(actor, known[0])
        task = self._lookup(key, client)
        try:
            profile = await asyncio.wait_for(asyncio.shield(task), self.wait)
        except TimeoutError:
            profile = known[0] if known else None
        return self._filled(actor, profile)

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _lookup(self, key: Key, client: AsyncWebClient) -> asyncio.Task[Profile | None]:
        """The lookup of `key` under way, started if there is none: one at a time per person."""
        task = self._pending.get(key)
        if task is None:
            task = asyncio.create_task(self._ask(key, client))
            self._pending[key] = task
        return task

    async def _ask(self, key: Key, client: AsyncWebClient) -> Profile | None:
        try:
            profile = await self._users_info(client, key[1])
            ttl = TTL_SECONDS if profile is not None else RETRY_SECONDS
            old = self._known.get(key)
            # a failure keeps what was known before, for a retry a minute later
            kept = profile if profile is not None or old is None else old[0]
            self._known[key] = (kept, self._now() + ttl)
            return kept
        finally:
            self._pending.pop(key, None)

    @staticmethod
    def _filled(actor: Actor, profile: Profile | None) -> Actor:
        if profile is None:
            return actor
        return replace(
            actor,
            locale=actor.locale or profile.locale,
            platform_role=Role.ADMIN if profile.admin else None,
            platform_knows_roles=True,
        )

    @staticmethod
    async def _users_info(client: AsyncWebClient, user_id: str) -> Profile | None:
        try:
            answer = await client.users_info(user=user_id, include_locale=True)
        except Exception as exc:  # in the background: logged, never raised
            log.info("no profile for a Slack user: %s", type(exc).__name__)
            return None
        user = answer.get("user")
        if not isinstance(user, dict):
            return None
        locale = user.get("locale")
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        return Profile(str(locale) if locale else None, admin)
