"""Scheduled work on Discord: reminders, checks, escalations and digests from the scheduler.

Rendered like replies to people (DMs through fetch_user/create_dm, cards edited in place,
charts attached), through a discord.py client's REST session: the running bot's under
`carebot run`, or one logged in on first use (no gateway) under `carebot jobs run-due`.
discord.py waits out 429s itself, so there is no second retry loop here; what Discord refuses
for good becomes DeliveryRefused, what may pass becomes DeliveryDeferred.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta

import aiohttp
import discord

from adapters.discord.outbound import Outbound, PostRefused
from adapters.discord.settings import DiscordSettings
from bot.app import CareBot
from bot.scheduled import DeliveryDeferred, DeliveryRefused, Outgoing
from bot.settings import Settings
from bot.ui import Audience
from storage.db import Database

log = logging.getLogger(__name__)


class DiscordDeliverer:
    def __init__(
        self, core: CareBot, client: discord.Client | None = None, token: str | None = None
    ) -> None:
        if client is None and not token:
            raise ValueError("a client or a token is needed")
        self.core = core
        self.client = client
        self.token = token
        self._own = client is None
        self._login = asyncio.Lock()

    async def _client(self) -> discord.Client:
        async with self._login:
            if self.client is None:
                client = discord.Client(
                    intents=discord.Intents.none(),
                    allowed_mentions=discord.AllowedMentions.none(),
                )
                assert self.token is not None
                await client.login(self.token)
                self.client = client
            return self.client

    async def deliver(self, outgoing: Outgoing) -> None:
        try:
            outbound = Outbound(self.core, await self._client())
            for post in outgoing.reply.posts:
                # Nobody is in a conversation with the bot: "only you" means the DM.
                to_dm = replace(post, to=Audience.DM) if post.to is Audience.ACTOR else post
                await outbound.post(outgoing.actor, to_dm)
        except PostRefused as refused:
            raise DeliveryRefused(refused.error, refused.channel) from None
        except discord.RateLimited as limited:  # longer than discord.py agreed to wait
            raise DeliveryDeferred("rate_limited", timedelta(seconds=limited.retry_after)) from None
        except discord.LoginFailure:
            raise DeliveryRefused("invalid_token") from None
        except discord.HTTPException as exc:  # 5xx after discord.py's own retries
            raise DeliveryDeferred(f"{exc.status} {exc.text}".strip()[:100]) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise DeliveryDeferred(type(exc).__name__) from None

    async def aclose(self) -> None:
        if self._own and self.client is not None:
            await self.client.close()


def factory(settings: Settings, db: Database) -> DiscordDeliverer | None:
    """The scheduler's plug-in: None when this installation has no Discord token (read from
    the environment: DISCORD_TOKEN)."""
    token = DiscordSettings().discord_token
    if token is None:
        return None
    return DiscordDeliverer(CareBot(db, settings), token=token.get_secret_value())
