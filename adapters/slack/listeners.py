"""Bolt listeners: Slack payload -> core call -> Block Kit. No business rule lives here.

Ack first: commands and buttons are acknowledged before any work; a form submission is
validated by the core before its ack (Slack shows field errors from the ack), and its posts
go out after it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, words
from adapters.slack.dms import DmChannels
from adapters.slack.outbound import ChannelPacer, Sender
from adapters.slack.profiles import SlackProfiles
from bot.app import CareBot
from bot.context import Actor
from bot.i18n import Translator, resolve_locale
from bot.ui import Audience, Form, Message, Post, Reply

log = logging.getLogger(__name__)

CARD_EVENT = "carebot_card"  # the metadata event type that marks a card, with its ref
HISTORY_SEARCHED = 100  # latest messages looked through for a card whose post went unanswered

PLATFORM = "slack"
SHORTCUT = "log_as_complaint"
COMMANDS = (
    "/complaint",
    "/help",
    "/home",
    "/assessment",
    "/goal",
    "/metric",
    "/digest",
    "/language",
    "/carebot",
    "/policy",
    "/report",
)


# Bolt sends an ack once its runner, polling every 10 ms, sees it: work started at once after
# ack() would hold the event loop through that poll, and under a burst every ack waits behind
# the work of the others. A pause just past the poll lets the answer go out first.
ACK_POLL = 0.011


async def _ack_sent() -> None:
    await asyncio.sleep(ACK_POLL)


def _error_name(exc: Exception) -> str:
    """Slack's error code (never the response, which can quote what was sent), else the type."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or type(exc).__name__)
    return type(exc).__name__


def _team(body: dict[str, Any], context: AsyncBoltContext) -> str:
    team, user = body.get("team"), body.get("user")
    return str(
        context.team_id
        or (team.get("id") if isinstance(team, dict) else team)
        or body.get("team_id")
        # a malformed payload may carry "user" as a string: no team in it, not a crash
        or (user.get("team_id") if isinstance(user, dict) else None)
        or ""
    )


def actor_from(
    body: dict[str, Any], context: AsyncBoltContext, channel: str | None = None
) -> Actor:
    """Who acts and where, from any payload (command, interaction, event)."""
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    user_id = str(context.user_id or user.get("id") or body.get("user_id") or "")
    name = str(user.get("username") or user.get("name") or body.get("user_name") or user_id)
    if channel is None:
        raw = body.get("channel")
        channel = raw.get("id") if isinstance(raw, dict) else body.get("channel_id")
    return Actor(
        platform=PLATFORM,
        workspace_id=_team(body, context),
        user_id=user_id,
        display_name=name,
        channel_id=channel,
        is_dm=bool(channel and channel.startswith("D")),
        locale=user.get("locale"),
    )


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


def answer_to(body: dict[str, Any], respond: AsyncRespond) -> AsyncRespond | None:
    """Bolt's `respond` posts to the payload's response_url: only when that is an http(s) URL,
    since a malformed one would fail after the ack; without it the answer goes another way
    (an ephemeral message, or a DM)."""
    url = body.get("response_url")
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return respond if parts.scheme in ("http", "https") and parts.netloc else None


class SlackListeners:
    def __init__(self, bot: CareBot, pacer: ChannelPacer) -> None:
        self.bot = bot
        self.pacer = pacer
        self.profiles = SlackProfiles(bot.clock)  # locale and admin role, from users.info
        self.dms = DmChannels()
        self._posting: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    def register(self, app: AsyncApp) -> None:
        for command in COMMANDS:
            app.command(command)(self.on_command)
        app.action(re.compile(r".+"))(self.on_action)
        app.view_submission(re.compile(r".+"))(self.on_submission)
        app.shortcut(SHORTCUT)(self.on_shortcut)
        app.event("app_home_opened")(self.on_home)

    # --- listeners --------------------------------------------------------------------------

    async def on_command(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        await _ack_sent()
        actor = await self.profiles.fill(actor_from(body, context), client)
        name = str(body.get("command", "")).lstrip("/")
        reply = await self.bot.command(actor, name, str(body.get("text") or ""))
        await self.after_ack(reply, actor, client, body.get("trigger_id"), answer_to(body, respond))

    async def on_action(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        await _ack_sent()
        action = (body.get("actions") or [{}])[0]
        actor = await self.profiles.fill(actor_from(body, context), client)
        name = blocks.action_name(str(action.get("action_id", "")))
        reply = await self.bot.action(
            actor, name, str(action.get("value") or ""), delivery_id=action.get("action_ts")
        )
        answer = answer_to(body, respond)
        await self.after_ack(reply, actor, client, body.get("trigger_id"), answer)

    async def on_shortcut(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await ack()
        await _ack_sent()
        actor = await self.profiles.fill(actor_from(body, context), client)
        text = str((body.get("message") or {}).get("text") or "")
        reply = await self.bot.action(actor, "complaint.from_message", text)
        await self.after_ack(reply, actor, client, body.get("trigger_id"), None)

    async def on_submission(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        view = body.get("view") or {}
        state, channel = blocks.metadata(view)
        # Before the ack nothing may wait on Slack: the profile as kept (users.info, rate
        # limited, would outlast the 3 seconds Slack gives an answer).
        actor = self.profiles.cached(actor_from(body, context, channel), client)
        reply = await self.bot.submit(
            actor,
            str(view.get("callback_id", "")),
            blocks.values(view),
            state,
            delivery_id=f"slack-view:{view.get('id')}" if view.get("id") else None,
        )
        if reply.errors is not None:
            await ack(response_action="errors", errors=self.inline_errors(view, reply))
            return
        await ack()
        await _ack_sent()
        await self.after_ack(reply, actor, client, None, None)

    async def on_home(
        self,
        body: dict[str, Any],
        event: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        actor = await self.profiles.fill(
            actor_from({**body, "user_id": event.get("user")}, context), client
        )
        reply = await self.bot.command(actor, "home")
        if reply.posts:
            await self.sender(client, actor).call(
                "views.publish",
                None,
                user_id=actor.user_id,
                view=blocks.home_view(reply.posts[0].message),
            )

    # --- rendering --------------------------------------------------------------------------

    @staticmethod
    def inline_errors(view: dict[str, Any], reply: Reply) -> dict[str, str]:
        assert reply.errors is not None
        block_ids = [b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"]
        errors: dict[str, str] = {}
        for name, text in reply.errors.errors.items():
            target = name if name in block_ids else (block_ids[0] if block_ids else name)
            errors[target] = blocks.fit(text, 150) if target not in errors else errors[target]
        return errors

    async def after_ack(
        self,
        reply: Reply,
        actor: Actor,
        client: AsyncWebClient,
        trigger_id: str | None,
        respond: AsyncRespond | None,
    ) -> None:
        """Renders a reply once the event is acknowledged. A post Slack failed (5xx, timeout)
        is logged here, never raised: Bolt takes an ack back when the listener raises before
        its 10 ms poll saw it, and Slack would hear 404 after 3 s for an event we handled."""
        try:
            await self.render(reply, actor, client, trigger_id, respond)
        except Exception:
            log.exception("slack.reply_failed platform=%s", PLATFORM)

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
            log.warning("slack views.open failed: %s", _error_name(exc))
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
        posted = post.posted
        if posted is None and post.recover and ref is not None:
            posted = await self.find_card(sender, channel or actor.user_id, ref)
        if posted is not None:
            where, ts = posted
            if await sender.call("chat.update", where, channel=where, ts=ts, **payload):
                if posted is not post.posted and ref is not None:  # found again: remembered now
                    await self.bot.remember_post(actor, ref, where, ts)
                return where
            if channel is None:  # a DM post: find the DM only now that it is needed
                channel = await self.dm_channel(sender, actor)
        if channel is None:
            return None
        if ref is not None and post.to is Audience.CHANNEL:  # a card
            payload["metadata"] = {"event_type": CARD_EVENT, "event_payload": {"ref": ref}}
            sender = Sender(once(sender.client), sender.pacer, sender.on_failure)
        answer = await sender.call("chat.postMessage", channel, channel=channel, **payload)
        if not answer:
            return None
        where = str(answer["channel"])
        if ref is not None:
            await self.bot.remember_post(actor, ref, where, str(answer["ts"]))
        return where

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
