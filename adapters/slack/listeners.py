"""Bolt listeners: Slack payload -> core call -> Block Kit. No business rule lives here.

Ack first, with Bolt's lazy listeners: the app processes before it responds
(`process_before_response`, app.py), so a listener's ack function is awaited inside the
request and its answer goes out as soon as it returns; the work, in its lazy function, starts
only after. Commands, buttons, the shortcut and the Home tab ack and nothing else; a form
submission is validated by the core in its ack function (Slack shows field errors from the
ack), and its posts go out in the lazy function.

One error boundary (`failed`): whatever a listener raises, in its ack function (Bolt's error
handler) or its lazy function (`guarded`), is logged by type and error id and the person is
told, in their language, with that id.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, words
from adapters.slack.dms import DmChannels
from adapters.slack.outbound import ChannelPacer, Sender
from adapters.slack.profiles import SlackProfiles
from adapters.standing import Where, edit_else_post
from adapters.text import fit
from bot.app import CareBot
from bot.context import Actor
from bot.errors import unexpected
from bot.i18n import Translator, resolve_locale
from bot.routes import root
from bot.tree import Command
from bot.ui import Audience, Form, Message, Post, Reply

log = logging.getLogger(__name__)

CARD_EVENT = "carebot_card"  # the metadata event type that marks a card, with its ref
HISTORY_SEARCHED = 100  # latest messages looked through for a card whose post went unanswered

PLATFORM = "slack"
SHORTCUT = "log_as_complaint"  # the message shortcut "Log as complaint" (the manifest's)
HOME_OPENED = "app_home_opened"  # the one event subscribed to


def slash_commands(commands: Mapping[str, Command]) -> tuple[str, ...]:
    """The slash commands Bolt listens to: every top-level command of the tree, as the
    manifest (adapters/slack/manifest.py) declares them to Slack."""
    return tuple(f"/{name}" for name in commands)


COMMANDS = slash_commands(root().commands)

HANDED = "carebot_handed"  # the context key a submission's reply goes by to its lazy function

# The work after an ack: Bolt passes what a listener asks for by its parameters' names.
Lazy = Callable[[dict[str, Any], AsyncWebClient, AsyncBoltContext, AsyncRespond], Awaitable[None]]


async def _ack(ack: AsyncAck) -> None:
    await ack()


@dataclass(frozen=True)
class Handed:
    """A submission's reply, from its ack function to its lazy function. Bolt deep-copies the
    context for a lazy function; this goes across as is."""

    reply: Reply
    actor: Actor

    def __deepcopy__(self, memo: dict[int, Any]) -> Handed:
        return self


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
    found = body.get("user")
    user: dict[str, Any] = found if isinstance(found, dict) else {}
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
        self._telling: set[asyncio.Task[None]] = set()  # errors told after their ack

    def register(self, app: AsyncApp) -> None:
        for command in slash_commands(self.bot.routes.commands):
            app.command(command)(ack=_ack, lazy=[self.guarded(self.on_command)])
        app.action(re.compile(r".+"))(ack=_ack, lazy=[self.guarded(self.on_action)])
        app.view_submission(re.compile(r".+"))(
            ack=self.on_submission, lazy=[self.guarded(self.after_submission)]
        )
        app.shortcut(SHORTCUT)(ack=_ack, lazy=[self.guarded(self.on_shortcut)])
        app.event(HOME_OPENED)(ack=_ack, lazy=[self.guarded(self.on_home)])
        app.error(self.on_error)

    # --- the error boundary -------------------------------------------------------------------

    def guarded(self, work: Lazy) -> Lazy:
        """`work` with the boundary round it: Bolt only logs what a lazy function raises."""

        async def lazy(
            body: dict[str, Any],
            client: AsyncWebClient,
            context: AsyncBoltContext,
            respond: AsyncRespond,
        ) -> None:
            try:
                await work(body, client, context, respond)
            except Exception as exc:
                await self.failed(exc, body, client, context, respond)

        lazy.__name__ = lazy.__qualname__ = work.__name__  # how Bolt names a lazy function
        return lazy

    async def on_error(
        self,
        error: Exception,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond | None,
        response: BoltResponse | None,
    ) -> BoltResponse | None:
        """Bolt's error handler: an ack function raised. Slack hears an empty 200 (a modal
        closes) rather than a 500 at once, and the person hears from us after it."""
        telling = self.failed(error, body, client, context, respond)
        if response is None:  # the request was answered already: nothing waits on this
            await telling
            return None
        task = asyncio.get_running_loop().create_task(telling)
        self._telling.add(task)  # kept until done: the loop holds tasks only weakly
        task.add_done_callback(self._telling.discard)
        return BoltResponse(status=200, body="")

    async def failed(
        self,
        exc: Exception,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond | None,
    ) -> None:
        """Logs `exc` by type and error id (never its message: it can quote a customer) and
        tells the person, in their language as known now, with the id. The telling may fail
        too (Slack down): that is logged by type only."""
        actor = self.profiles.cached(actor_from(body, context), client)
        t = Translator(resolve_locale(None, actor.locale, None))
        kind = str(body.get("type") or ("slash_command" if body.get("command") else "event"))
        _, text = unexpected(exc, t, f"slack {kind}", logger=log, platform=PLATFORM, kind=kind)
        answer = answer_to(body, respond) if respond is not None else None
        try:
            await self.to_actor(self.sender(client, actor), actor, Message(text=text), answer)
        except Exception as again:
            log.warning("slack.error_not_told error=%s", _error_name(again))

    # --- listeners --------------------------------------------------------------------------

    async def on_command(
        self,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        actor = await self.profiles.fill(actor_from(body, context), client)
        name = str(body.get("command", "")).lstrip("/")
        reply = await self.bot.command(actor, name, str(body.get("text") or ""))
        await self.after_ack(reply, actor, client, body.get("trigger_id"), answer_to(body, respond))

    async def on_action(
        self,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        action = (body.get("actions") or [{}])[0]
        actor = await self.profiles.fill(actor_from(body, context), client)
        name = blocks.action_name(str(action.get("action_id", "")))
        reply = await self.bot.action(
            actor, name, str(action.get("value") or ""), delivery_id=action.get("action_ts")
        )
        answer = answer_to(body, respond)
        await self.after_ack(reply, actor, client, body.get("trigger_id"), answer)

    async def on_shortcut(
        self,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
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
        context[HANDED] = Handed(reply, actor)
        await ack()

    async def after_submission(
        self,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        """A saved submission's posts (none when it was refused, or its ack function failed)."""
        handed = context.get(HANDED)
        if isinstance(handed, Handed):
            await self.after_ack(handed.reply, handed.actor, client, None, None)

    async def on_home(
        self,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        event = body.get("event") or {}
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
            errors[target] = fit(text, 150) if target not in errors else errors[target]
        return errors

    async def after_ack(
        self,
        reply: Reply,
        actor: Actor,
        client: AsyncWebClient,
        trigger_id: str | None,
        respond: AsyncRespond | None,
    ) -> None:
        """Renders a reply once the event is acknowledged; what it raises (a post Slack
        failed after the retries, a timeout) reaches the boundary."""
        await self.render(reply, actor, client, trigger_id, respond)

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
