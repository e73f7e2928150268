"""Slack's side of the wire: signed requests to the real AsyncApp served over HTTP.

Requests are built as Slack builds them (form-encoded commands and interactions, JSON events)
and signed with slack_sdk's SignatureVerifier; the app talks to a local fake Web API.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientResponse, ClientSession
from aiohttp.test_utils import TestServer
from slack_sdk.signature import SignatureVerifier

from adapters.slack.app import build_app, web_app
from adapters.slack.deliver import SlackDeliverer
from adapters.slack.outbound import ChannelPacer
from adapters.slack.settings import SlackSettings
from adapters.web import DUE_AT_ONCE
from bot.app import CareBot
from bot.clock import Clock
from bot.settings import Settings
from bot.tree import Router
from scheduler.engine import Engine
from scheduler.runner import Runner
from storage.db import Database
from tests.slack_fake import FakeSlack

# Bolt's tasks round a listener: its ack function (apps that respond first) and a lazy function.
LISTENERS = ("run_ack_function_asynchronously", "to_runnable_function")
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test"
_ids = itertools.count(1)


def listener_tasks() -> list[asyncio.Task[object]]:
    """The listeners' work Bolt is running in this event loop (after the acks)."""
    return [
        task
        for task in asyncio.all_tasks()
        if any(name in repr(task.get_coro()) for name in LISTENERS)
    ]


class SlackClientSide:
    """Sends what Slack would send, and reads what the app answered."""

    def __init__(self, base: str, session: ClientSession, slack: FakeSlack, secret: str = SECRET):
        self.base = base
        self.session = session
        self.slack = slack
        self.verifier = SignatureVerifier(secret)
        self.outbox: Runner | None = None  # the app's outbox, woken after each event

    async def delivered(self) -> None:
        """Waits until the cards the app's events recorded so far were delivered (or put off)."""
        if self.outbox is not None:
            await self.outbox.drained()

    async def raw(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        signed: bool = True,
        headers: dict[str, str] | None = None,
    ) -> ClientResponse:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        sent = {"Content-Type": content_type, **(headers or {})}
        if signed:
            sent["X-Slack-Request-Timestamp"] = stamp
            sent["X-Slack-Signature"] = signature or self.verifier.generate_signature(
                timestamp=stamp, body=body
            )
        response = await self.session.post(f"{self.base}/slack/events", data=body, headers=sent)
        await response.read()
        return response

    async def command(
        self,
        text: str = "",
        *,
        command: str = "/complaint",
        user: str = "U1",
        name: str = "asha",
        team: str = "T1",
        channel: str = "C1",
    ) -> tuple[ClientResponse, str]:
        trigger = self.slack.new_trigger()
        body = urlencode(
            {
                "token": "legacy",
                "team_id": team,
                "team_domain": "acme",
                "channel_id": channel,
                "channel_name": "directmessage" if channel.startswith("D") else "support",
                "user_id": user,
                "user_name": name,
                "command": command,
                "text": text,
                "api_app_id": "A1",
                "response_url": self.slack.response_url(),
                "trigger_id": trigger,
            }
        )
        return await self.raw(body, "application/x-www-form-urlencoded"), trigger

    async def interaction(self, payload: dict[str, Any], **kwargs: Any) -> ClientResponse:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.raw(body, "application/x-www-form-urlencoded", **kwargs)

    async def event(
        self, event: dict[str, Any], *, team: str = "T1", retry: int | None = None
    ) -> ClientResponse:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": team,
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": f"Ev{next(_ids)}",
                "event_time": int(time.time()),
                "event": event,
            }
        )
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else None
        )
        return await self.raw(body, "application/json", headers=headers)

    # --- interactions as Slack shapes them --------------------------------------------------

    def user(self, user: str = "U1", name: str = "asha", team: str = "T1") -> dict[str, Any]:
        return {"id": user, "username": name, "name": name, "team_id": team}

    async def press(
        self,
        button: dict[str, Any],
        *,
        user: str = "U1",
        name: str = "asha",
        team: str = "T1",
        channel: str = "C1",
        message_ts: str = "1700000000.000100",
    ) -> ClientResponse:
        """Clicks a button element taken from a message the app posted."""
        payload = {
            "type": "block_actions",
            "team": {"id": team, "domain": "acme"},
            "user": self.user(user, name, team),
            "api_app_id": "A1",
            "trigger_id": self.slack.new_trigger(),
            "channel": {"id": channel, "name": "support"},
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "response_url": self.slack.response_url(),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "b",
                    "value": button.get("value", ""),
                    "action_ts": str(time.time()),
                }
            ],
        }
        return await self.interaction(payload)

    async def submit(
        self,
        view: dict[str, Any],
        answers: dict[str, Any],
        *,
        user: str = "U1",
        name: str = "asha",
        team: str = "T1",
        view_id: str | None = None,
        **kwargs: Any,
    ) -> ClientResponse:
        """Submits a modal the app opened, with `answers` by block id (typed as Slack sends)."""
        values: dict[str, Any] = {}
        for block in view["blocks"]:
            if block["type"] != "input":
                continue
            element = block["element"]
            state: dict[str, Any] = {"type": element["type"]}
            answer = answers.get(block["block_id"])
            if element["type"] == "static_select":
                options = element.get("options") or [
                    o for group in element.get("option_groups", []) for o in group["options"]
                ]
                option = next((o for o in options if o["value"] == answer), None)
                state["selected_option"] = option
            elif element["type"] == "datetimepicker":
                state["selected_date_time"] = answer
            elif element["type"] == "users_select":
                state["selected_user"] = answer
            else:
                state["value"] = answer
            values[block["block_id"]] = {element["action_id"]: state}
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "acme"},
            "user": self.user(user, name, team),
            "api_app_id": "A1",
            "view": {
                **view,
                "id": view_id or view.get("id") or f"V{next(_ids)}",
                "team_id": team,
                "state": {"values": values},
                "hash": "h",
            },
        }
        return await self.interaction(payload, **kwargs)


def slack_settings(slack: FakeSlack, **fields: Any) -> SlackSettings:
    """The Slack adapter's settings for the fake Web API: a bot token unless OAuth's client."""
    mine: dict[str, Any] = {
        "slack_signing_secret": SECRET,
        "slack_api_url": slack.base_url,
        "slack_channel_interval": 0.0,
    }
    if "slack_client_id" not in fields:
        mine["slack_bot_token"] = TOKEN
    return SlackSettings(_env_file=None, **(mine | fields))  # type: ignore[call-arg]


def split_settings(
    settings: Settings, slack: FakeSlack, overrides: dict[str, Any]
) -> tuple[Settings, SlackSettings]:
    """The core's settings (the test's, with its overrides) and the Slack adapter's."""
    own = {k: v for k, v in overrides.items() if k in SlackSettings.model_fields}
    core = {k: v for k, v in overrides.items() if k not in own}
    config = Settings(_env_file=None, **(settings.model_dump() | core))  # type: ignore[call-arg]
    return config, slack_settings(slack, **own)


@asynccontextmanager
async def slack_app(
    db: Database,
    settings: Settings,
    clock: Clock,
    slack: FakeSlack,
    pacer: ChannelPacer | None = None,
    routes: Router | None = None,
    **overrides: Any,
) -> AsyncIterator[SlackClientSide]:
    """The real app, served on a loopback port, talking to the fake Web API. `overrides` are
    settings of the core's or of the Slack adapter's (slack_*); `routes`: a command tree other
    than carebot's own."""
    config, own = split_settings(settings, slack, overrides)
    bot = CareBot(db, config, clock, routes=routes)
    pacer = pacer or ChannelPacer(own.slack_channel_interval)
    app = build_app(bot, db, own, pacer)
    # As `carebot run` does: the outbox (cards) is delivered by the scheduler, woken after
    # each event; its periodic ticks are the tests' to run (`slack_scheduler`).
    outbox = Runner(Engine(db, config, clock, {"slack": SlackDeliverer(bot, own, db, pacer)}))
    bot.wake = outbox.wake
    application = web_app(
        app, db, 0, settings=config, clock=clock, wake=lambda: outbox.wake(DUE_AT_ONCE)
    )
    server = TestServer(application, host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as session:
            side = SlackClientSide(str(server.make_url("")).rstrip("/"), session, slack)
            side.outbox = outbox
            yield side
    finally:
        await server.close()
        await outbox.stop()


def slack_scheduler(
    db: Database, settings: Settings, clock: Clock, slack: FakeSlack, **overrides: Any
) -> Engine:
    """The scheduler with the Slack deliverer, against the fake Web API."""
    config, own = split_settings(settings, slack, overrides)
    deliverer = SlackDeliverer(CareBot(db, config, clock), own, db)
    return Engine(db, config, clock, {"slack": deliverer})
