"""The Slack adapter: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode otherwise."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from adapters import process
from adapters.health import serve_http
from adapters.slack.app import build_app, web_app
from adapters.slack.deliver import SlackDeliverer
from adapters.slack.outbound import ChannelPacer
from adapters.slack.settings import SlackSettings
from adapters.web import DUE_AT_ONCE
from bot.app import CareBot
from bot.plugins import Adapter
from bot.runtime import open_database
from bot.settings import Settings
from scheduler.engine import Engine
from scheduler.runner import Runner

log = logging.getLogger(__name__)


async def serve(settings: Settings, slack: SlackSettings | None = None) -> None:
    slack = slack or SlackSettings()
    db = await open_database(settings)
    bot = CareBot(db, settings)
    pacer = ChannelPacer(slack.slack_channel_interval)
    app = build_app(bot, db, slack, pacer)
    # Reminders, retention checks, escalations and digests: claimed from the database.
    deliverers = {"slack": SlackDeliverer(bot, slack, db, pacer)}
    runner = Runner(Engine(db, settings, bot.clock, deliverers))
    bot.wake = runner.wake  # the cards an event recorded go out right after its ack
    runner.start()

    def survey_answered() -> None:  # a low answer's alert goes to the agent at once
        runner.wake(DUE_AT_ONCE)

    server: web.AppRunner | None = None
    try:
        if slack.slack_app_token is not None:
            handler = AsyncSocketModeHandler(app, slack.slack_app_token.get_secret_value())
            # No HTTP server of Slack's in Socket Mode: one of our own for /healthz, /metrics
            # and the survey page.
            server = await serve_http(
                db,
                settings.host,
                settings.port,
                settings=settings,
                clock=bot.clock,
                wake=survey_answered,
            )
            log.info("carebot on Slack, Socket Mode", extra={"platform": "slack"})
            # slack_bolt leaves this method unannotated.
            await handler.start_async()  # type: ignore[no-untyped-call]
            return
        application = web_app(
            app, db, settings.port, settings=settings, clock=bot.clock, wake=survey_answered
        )
        server = web.AppRunner(application)  # its access log masks survey tokens (bot/logs.py)
        await server.setup()
        await web.TCPSite(server, settings.host, settings.port).start()
        log.info(
            "carebot on Slack, HTTP mode on %s:%s",
            settings.host,
            settings.port,
            extra={"platform": "slack"},
        )
        await asyncio.Event().wait()  # until the process is stopped
    finally:
        await runner.stop(grace=10)
        if server is not None:
            await server.cleanup()
        await db.dispose()


def _start(settings: Settings) -> int:
    return process.run(settings, SlackSettings(), serve)


def _configured() -> bool:
    return SlackSettings().configured()


run = Adapter(start=_start, configured=_configured)
