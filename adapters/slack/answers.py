"""How a reply reaches Slack: the person's ephemeral answer or DM, channel posts, cards edited
where they stand (found again by their metadata when a post's answer was lost), forms opened
as modals, files uploaded. Used by the listeners after the ack and by the scheduler's
deliverer (deliver.py) alike."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, words
from adapters.slack.dms import DmChannels
from adapters.slack.outbound import ChannelPacer, Sender
from adapters.standing import Where, edit_else_post
from bot.app import CareBot
from bot.context import Actor
from bot.i18n import Translator, resolve_locale
from bot.ui import Audience, Form, Message, Post, Reply

log = logging.getLogger(__name__)

CARD_EVENT = "carebot_card"  # the metadata event type that marks a card, with its ref
HISTORY_SEARCHED = 100  # latest messages looked through for a card whose post went unanswered


def error_name(exc: Exception) -> str:
    """Slack's error code (never the response, which can quote what was sent), else the type."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or type(exc).__name__)
    return type(exc).__name__


def once(client: AsyncWebClient) -> AsyncWebClient:
    """The client without its retries of a 5xx or a dropped connection, which may follow a
    post that landed: a card's post is tried again by the scheduler, after looking for it.
    A 429 is still waited out here (Slack did nothing with the request)."""
    single = AsyncWebClient(
        token=client.token, base_url=client.base_url, timeout=client.timeout, session=client.session
    )
    single.retry_handlers = [
        h for h in client.retry_handlers if isinstance(h, AsyncRateLimitErrorRetryHandler)
    ]
    return single


class SlackAnswers:
    def __init__(self, bot: CareBot, pacer: ChannelPacer) -> None:
        self.bot = bot
        self.pacer = pacer
        self.dms = DmChannels()
        self._posting: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    def sender(self, client: AsyncWebClient, actor: Actor) -> Sender:
        async def failed(channel: str | None, error: str) -> None:
            await self.bot.record_failure(actor, channel, error)

        return Sender(client, self.pacer, failed)

    async def render(
        self,
        reply: Reply,
        actor: Actor,
        client: AsyncWebClient,
        trigger_id: str | None,
        respond: AsyncRespond | None,
        sender: Sender | None = None,
    ) -> None:
        """Posts a reply; `sender` (for scheduled work) decides what a refusal means."""
        sender = sender or self.sender(client, actor)
        if reply.form is not None and trigger_id:
            await self.open_form(sender, actor, reply.form, trigger_id, respond)
        for post in reply.posts:
            if post.queued:
                continue  # a card in the outbox: the scheduler posts it, woken by the core
            if post.to is Audience.CHANNEL:
                channel = await self.to_channel(sender, actor, post)
            elif post.to is Audience.DM:
                channel = await self.to_dm(sender, actor, post)
            else:
                await self.to_actor(sender, actor, post.message, respond)
                # An ephemeral message cannot carry files: they go to the actor's DM.
                channel = await self.dm_channel(sender, actor) if post.message.files else None
            if channel is not None:
                for file in post.message.files:
                    await sender.upload(
                        channel, content=file.content, filename=file.filename, title=file.title
                    )

    async def open_form(
        self,
        sender: Sender,
        actor: Actor,
        form: Form,
        trigger_id: str,
        respond: AsyncRespond | None,
    ) -> None:
        """Opens the form's modal; if Slack would not (an expired trigger, a 5xx after the
        retries, a timeout), the person is told so rather than left with nothing."""
        view = blocks.modal(form, actor.channel_id)
        try:
            opened = await sender.call("views.open", None, trigger_id=trigger_id, view=view)
        except Exception as exc:  # whatever it was, the person hears of it
            log.warning("slack views.open failed: %s", error_name(exc))
            opened = None
        if opened is None:
            t = Translator(resolve_locale(None, actor.locale, None))
            await self.to_actor(sender, actor, Message(text=t(words.FORM_NOT_OPENED)), respond)

    async def to_actor(
        self,
        sender: Sender,
        actor: Actor,
        message: Message,
        respond: Callable[..., Awaitable[Any]] | None,
    ) -> None:
        """Only the person who acted sees it: the command's response URL, else an ephemeral
        message in the channel, else their DM with the bot."""
        payload = blocks.message_payload(message)
        if respond is not None:
            await respond(response_type="ephemeral", replace_original=False, **payload)
        elif actor.channel_id and not actor.is_dm:
            channel = actor.channel_id
            await sender.call(
                "chat.postEphemeral", channel, channel=channel, user=actor.user_id, **payload
            )
        else:
            await sender.call("chat.postMessage", actor.user_id, channel=actor.user_id, **payload)

    async def to_channel(self, sender: Sender, actor: Actor, post: Post) -> str | None:
        """A channel post; a message with a ref (a complaint card) is edited where it stands.
        Returns the channel the message stands in, or None if Slack refused it."""
        channel = post.channel or actor.channel_id or actor.user_id
        return await self.post_or_update(sender, actor, post, channel)

    async def to_dm(self, sender: Sender, actor: Actor, post: Post) -> str | None:
        """The actor's DM with the bot, wherever they typed; edited in place like a card."""
        if post.posted is not None:
            return await self.post_or_update(sender, actor, post, None)
        channel = await self.dm_channel(sender, actor)
        if channel is None:
            return None
        where = await self.post_or_update(sender, actor, post, channel)
        if where is None:
            self.dms.forget(actor.workspace_id, actor.user_id)
        return where

    async def dm_channel(self, sender: Sender, actor: Actor) -> str | None:
        """The bot's DM with the actor, opened with conversations.open (never the channel the
        actor typed in: a command used in a DM between people carries that DM's id, where the
        bot cannot post); Slack answers the same id each time, so it is asked once."""

        async def open_dm() -> str | None:
            answer = await sender.call("conversations.open", None, users=actor.user_id)
            return str(answer["channel"]["id"]) if answer else None

        return await self.dms.get(actor.workspace_id, actor.user_id, open_dm)

    async def post_or_update(
        self, sender: Sender, actor: Actor, post: Post, channel: str | None
    ) -> str | None:
        """Edits the message where it stands (`post.posted`); posts to `channel` if there is none
        or Slack refused the edit (message deleted), and remembers the new one by its ref.

        A message with a ref carries it in its metadata, so a post whose answer was lost (a
        500 after it landed, a timeout, a crash) is found again instead of posted twice."""
        ref = post.message.ref
        if ref is None:
            return await self._post_or_update(sender, actor, post, channel)
        # One post of a card at a time in this process: a second delivery of it (a change
        # made while the first was under way) looks for the first one's card, then edits it.
        key = (actor.workspace_id, ref)
        lock, waiting = self._posting.get(key, (asyncio.Lock(), 0))
        self._posting[key] = (lock, waiting + 1)
        try:
            async with lock:
                return await self._post_or_update(sender, actor, post, channel)
        finally:
            lock, waiting = self._posting[key]
            if waiting > 1:
                self._posting[key] = (lock, waiting - 1)
            else:
                del self._posting[key]

    async def _post_or_update(
        self, sender: Sender, actor: Actor, post: Post, channel: str | None
    ) -> str | None:
        payload = blocks.message_payload(post.message)
        ref = post.message.ref
        standing = post.posted
        if standing is None and post.recover and ref is not None:
            standing = await self.find_card(sender, channel or actor.user_id, ref)

        async def edit(where: Where) -> Where | None:
            updated = await sender.call(
                "chat.update", where[0], channel=where[0], ts=where[1], **payload
            )
            return where if updated else None

        async def send() -> Where | None:
            target = channel or await self.dm_channel(sender, actor)  # a DM's, only if needed
            if target is None:
                return None
            poster, sent = sender, payload
            if ref is not None and post.to is Audience.CHANNEL:  # a card
                metadata = {"event_type": CARD_EVENT, "event_payload": {"ref": ref}}
                poster = Sender(once(sender.client), sender.pacer, sender.on_failure)
                sent = {**payload, "metadata": metadata}
            answer = await poster.call("chat.postMessage", target, channel=target, **sent)
            return (str(answer["channel"]), str(answer["ts"])) if answer else None

        async def remember(where: Where) -> None:
            if ref is not None:
                await self.bot.remember_post(actor, ref, *where)

        # A card found again by its metadata is remembered there as soon as it is edited.
        found = standing is not None and standing is not post.posted
        where = await edit_else_post(standing, edit, send, remember, found=found)
        return where[0] if where is not None else None

    async def find_card(self, sender: Sender, channel: str, ref: str) -> tuple[str, str] | None:
        """The message with this ref among the channel's latest, by its metadata; None when not
        there or Slack would not say (then it is posted: a card twice beats no card)."""
        try:
            answer = await sender.client.conversations_history(
                channel=channel, limit=HISTORY_SEARCHED, include_all_metadata=True
            )
        except SlackApiError as exc:
            log.warning("slack.card_search_failed error=%s", exc.response.get("error"))
            return None
        for message in answer.get("messages") or []:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == CARD_EVENT
                and (metadata.get("event_payload") or {}).get("ref") == ref
            ):
                return channel, str(message["ts"])
        return None
