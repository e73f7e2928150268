"""The Slack app: Bolt's AsyncApp wired to the core, for one workspace or many (OAuth)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from adapters.health import add_routes
from adapters.slack.gate import gate
from adapters.slack.listeners import SlackListeners
from adapters.slack.outbound import ChannelPacer, secret, web_client
from adapters.slack.settings import SlackSettings
from bot.app import CareBot
from bot.clock import Clock
from bot.logs import HTTP_SERVER, headlined, quiet_client_errors
from bot.metrics import Metrics
from bot.settings import Settings
from storage.db import Database

EVENTS_PATH = "/slack/events"
OAUTH_STATE_SECONDS = 600


async def skip_event_retries(
    req: AsyncBoltRequest, resp: BoltResponse, next: Any
) -> BoltResponse | None:
    """Slack re-sends an event it thinks we missed; the first delivery did the work."""
    if req.headers.get("x-slack-retry-num") and req.body.get("type") == "event_callback":
        return BoltResponse(status=200, body="")
    return await next()  # type: ignore[no-any-return]


class SlackApp(AsyncApp):
    """Bolt's app, with its signature check left to the gate (gate.py), which refuses a request
    before anything of it is parsed or logged: serve it with `web_app`. (Socket Mode has no
    signatures: Slack's own connection carries the events.) Bolt logs through `slack_bolt`,
    cut to headlines: its messages can quote a payload.

    It processes before it responds: every listener's ack function is awaited inside the
    request and its work runs in a lazy function after the answer (listeners.py), Bolt's way
    of acking first without its runner polling for the ack."""

    def __init__(self, *, signing_secret: str | None, **kwargs: Any) -> None:
        super().__init__(
            signing_secret=signing_secret,
            request_verification_enabled=False,
            process_before_response=True,
            logger=headlined(logging.getLogger("slack_bolt")),
            **kwargs,
        )
        self.gate_secret = signing_secret


def build_app(
    bot: CareBot, db: Database, settings: SlackSettings, pacer: ChannelPacer | None = None
) -> SlackApp:
    """`pacer` is shared with the scheduler's deliverer: one pace per channel per process."""
    client = web_client(settings.slack_api_url)
    signing_secret = secret(settings.slack_signing_secret)
    if settings.slack_client_id:
        client_id = settings.slack_client_id
        app = SlackApp(
            signing_secret=signing_secret,
            client=client,
            installation_store=AsyncSQLAlchemyInstallationStore(client_id, db.engine),
            oauth_settings=AsyncOAuthSettings(
                client_id=client_id,
                client_secret=secret(settings.slack_client_secret),
                scopes=settings.slack_scopes,
                state_store=AsyncSQLAlchemyOAuthStateStore(OAUTH_STATE_SECONDS, db.engine),
            ),
        )
    else:
        client.token = secret(settings.slack_bot_token)
        app = SlackApp(signing_secret=signing_secret, client=client)
    app.middleware(skip_event_retries)
    SlackListeners(bot, pacer or ChannelPacer(settings.slack_channel_interval)).register(app)
    return app


def web_app(
    app: SlackApp,
    db: Database,
    port: int,
    metrics: Metrics | None = None,
    *,
    settings: Settings | None = None,
    clock: Clock | None = None,
    wake: Callable[[], None] | None = None,
) -> web.Application:
    """Bolt's aiohttp routes (events, and the OAuth install pages), /healthz, /metrics and
    (with `settings`) the customers' survey page; events pass the gate first (size, signature,
    shape: 413, 401, 400, never Bolt's 500). The gate checks only POSTs to EVENTS_PATH: the
    survey page is for customers, who sign nothing, and keeps its own body limit."""
    application = app.server(port=port, path=EVENTS_PATH).web_app
    application.middlewares.append(gate(EVENTS_PATH, app.gate_secret))
    quiet_client_errors(logging.getLogger(HTTP_SERVER))  # not HTTP at all: 400, one line
    add_routes(application, db, metrics, settings=settings, clock=clock, wake=wake)
    return application
