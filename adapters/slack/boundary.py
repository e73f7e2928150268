"""The one error boundary of the Slack listeners: whatever a listener raises, in its ack
function (Bolt's error handler, `on_error`) or its lazy function (`guarded`), is logged by type
and error id and the person is told, in their language, with that id (`failed`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.answers import SlackAnswers, error_name
from adapters.slack.payloads import PLATFORM, actor_from, answer_to
from adapters.slack.profiles import SlackProfiles
from bot.errors import unexpected
from bot.i18n import Translator, resolve_locale
from bot.ui import Message

log = logging.getLogger(__name__)

# The work after an ack: Bolt passes what a listener asks for by its parameters' names.
Lazy = Callable[[dict[str, Any], AsyncWebClient, AsyncBoltContext, AsyncRespond], Awaitable[None]]


class ErrorBoundary:
    def __init__(self, profiles: SlackProfiles, answers: SlackAnswers) -> None:
        self.profiles = profiles
        self.answers = answers
        self._telling: set[asyncio.Task[None]] = set()  # errors told after their ack

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
            await self.answers.to_actor(
                self.answers.sender(client, actor), actor, Message(text=text), answer
            )
        except Exception as again:
            log.warning("slack.error_not_told error=%s", error_name(again))
