"""Bolt listeners: Slack payload -> core call -> Block Kit. No business rule lives here.

Ack first, with Bolt's lazy listeners: the app processes before it responds
(`process_before_response`, app.py), so a listener's ack function is awaited inside the
request and its answer goes out as soon as it returns; the work, in its lazy function, starts
only after. Commands, buttons, the shortcut and the Home tab ack and nothing else; a form
submission is validated by the core in its ack function (Slack shows field errors from the
ack), and its posts go out in the lazy function.

What a reply looks like on Slack and how it gets there is answers.py's; who acts, from any
payload, is payloads.py's. Whatever a listener raises reaches the one error boundary
(boundary.py), which tells the person with an error id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from adapters.slack.answers import SlackAnswers
from adapters.slack.boundary import ErrorBoundary
from adapters.slack.outbound import ChannelPacer
from adapters.slack.payloads import actor_from, answer_to
from adapters.slack.profiles import SlackProfiles
from adapters.text import fit
from bot.app import CareBot
from bot.context import Actor
from bot.routes import root
from bot.tree import Command
from bot.ui import Reply

SHORTCUT = "log_as_complaint"  # the message shortcut "Log as complaint" (the manifest's)
HOME_OPENED = "app_home_opened"  # the one event subscribed to


def slash_commands(commands: Mapping[str, Command]) -> tuple[str, ...]:
    """The slash commands Bolt listens to: every top-level command of the tree, as the
    manifest (adapters/slack/manifest.py) declares them to Slack."""
    return tuple(f"/{name}" for name in commands)


COMMANDS = slash_commands(root().commands)

HANDED = "carebot_handed"  # the context key a submission's reply goes by to its lazy function


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


class SlackListeners:
    def __init__(self, bot: CareBot, pacer: ChannelPacer) -> None:
        self.bot = bot
        self.profiles = SlackProfiles(bot.clock)  # locale and admin role, from users.info
        self.answers = SlackAnswers(bot, pacer)
        self.boundary = ErrorBoundary(self.profiles, self.answers)

    def register(self, app: AsyncApp) -> None:
        guarded = self.boundary.guarded
        for command in slash_commands(self.bot.routes.commands):
            app.command(command)(ack=_ack, lazy=[guarded(self.on_command)])
        app.action(re.compile(r".+"))(ack=_ack, lazy=[guarded(self.on_action)])
        app.view_submission(re.compile(r".+"))(
            ack=self.on_submission, lazy=[guarded(self.after_submission)]
        )
        app.shortcut(SHORTCUT)(ack=_ack, lazy=[guarded(self.on_shortcut)])
        app.event(HOME_OPENED)(ack=_ack, lazy=[guarded(self.on_home)])
        app.error(self.boundary.on_error)

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
            await self.answers.sender(client, actor).call(
                "views.publish",
                None,
                user_id=actor.user_id,
                view=blocks.home_view(reply.posts[0].message),
            )

    # --- answering --------------------------------------------------------------------------

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
        await self.answers.render(reply, actor, client, trigger_id, respond)
