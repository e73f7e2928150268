"""Channel and DM posts through discord.py's REST client: replies to people and scheduled work.

A message with a ref (a complaint's card, an assessment's question) is edited where it stands
and posted anew if it was deleted; a new one is remembered by its ref (adapters.standing).
discord.py waits out 429s itself; what Discord refuses for good (no access, unknown channel,
closed DMs) becomes PostRefused, for the caller to record or report; anything else (5xx,
network) is raised as is.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import discord

from adapters.discord import render
from adapters.standing import Where, edit_else_post
from bot.app import CareBot
from bot.context import Actor
from bot.ui import Audience, Post

log = logging.getLogger(__name__)

ERROR_MAX = 64  # DeliveryFailure.error
DMS_CLOSED = 50007  # "Cannot send messages to this user"


def describe(exc: discord.HTTPException) -> str:
    """Discord's own words for a refusal, e.g. "10003 Unknown Channel"."""
    return f"{exc.code or exc.status} {exc.text}".strip()[:ERROR_MAX]


def permanent(exc: discord.HTTPException) -> bool:
    """4xx other than a rate limit: trying again will not help."""
    return 400 <= exc.status < 500 and exc.status != 429


class PostRefused(Exception):
    def __init__(self, channel: str | None, exc: discord.HTTPException) -> None:
        super().__init__(describe(exc))
        self.channel = channel
        self.error = describe(exc)
        self.code = exc.code


def card_nonce(workspace: str, ref: str) -> str:
    """The same 25 characters for every post of one card (Discord's limit for a nonce)."""
    return hashlib.sha256(f"{workspace}:{ref}".encode()).hexdigest()[:25]


def _snowflake(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


class Outbound:
    def __init__(self, core: CareBot, client: discord.Client) -> None:
        self.core = core
        self.client = client

    async def post(self, actor: Actor, post: Post) -> discord.Message:
        """A CHANNEL post (the configured channel, else where the person acted) or a DM post
        (the actor's DM with the bot); ACTOR posts only reach here from scheduled work, where
        nobody is in a conversation with the bot: they go to the DM too."""

        async def edit(where: Where) -> discord.Message | None:
            return await self._edit(where, render.payload(post.message, actor.workspace_id))

        async def send() -> discord.Message:
            channel_id = _snowflake(post.channel or actor.channel_id)
            if post.to is Audience.CHANNEL and channel_id is not None:
                target: discord.abc.Messageable = self.client.get_partial_messageable(channel_id)
            else:
                target = await self.dm(actor)
            # A new payload: discord.py closes a request's files once it is sent. A card
            # carries a nonce of its own, which discord.py sends with enforce_nonce: Discord
            # answers a post repeated within minutes (its first answer lost) with the message
            # already created.
            ref = post.message.ref if post.to is Audience.CHANNEL and not post.fresh else None
            nonce = card_nonce(actor.workspace_id, ref) if ref else None
            return await self._send(target, render.payload(post.message, actor.workspace_id), nonce)

        async def remember(message: discord.Message) -> None:
            if post.message.ref:
                await self.core.remember_post(
                    actor, post.message.ref, str(message.channel.id), str(message.id)
                )

        standing = None if post.fresh else post.posted
        message = await edit_else_post(standing, edit, send, remember)
        assert message is not None  # what Discord refuses is raised (PostRefused)
        return message

    async def dm(self, actor: Actor) -> discord.DMChannel:
        user_id = int(actor.user_id)
        try:
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            return user.dm_channel or await user.create_dm()
        except discord.HTTPException as exc:
            if permanent(exc):
                raise PostRefused(None, exc) from None
            raise

    async def _edit(self, where: Where, kwargs: dict[str, Any]) -> discord.Message | None:
        """The message edited where it stands; None if it is gone (then it is posted anew)."""
        channel_id, message_id = _snowflake(where[0]), _snowflake(where[1])
        if channel_id is None or message_id is None:
            return None
        channel = self.client.get_partial_messageable(channel_id)
        try:
            return await channel.get_partial_message(message_id).edit(**render.for_edit(kwargs))
        except discord.NotFound:
            log.info("discord.message_gone channel=%s: posting anew", channel_id)
            return None
        except discord.HTTPException as exc:
            if permanent(exc):
                raise PostRefused(where[0], exc) from None
            raise
        finally:
            render.release(kwargs["view"])

    async def _send(
        self, target: discord.abc.Messageable, kwargs: dict[str, Any], nonce: str | None = None
    ) -> discord.Message:
        try:
            if nonce is not None:
                return await target.send(nonce=nonce, **render.for_send(kwargs))
            return await target.send(**render.for_send(kwargs))
        except discord.HTTPException as exc:
            if permanent(exc):
                channel = getattr(target, "id", None)
                raise PostRefused(str(channel) if channel else None, exc) from None
            raise
        finally:
            render.release(kwargs["view"])
