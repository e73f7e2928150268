"""The Discord adapter: a discord.py bot over the gateway, with the scheduler beside it."""

from __future__ import annotations

import logging

from adapters import process
from adapters.discord.client import build_bot
from adapters.discord.deliver import DiscordDeliverer
from adapters.discord.settings import DiscordSettings
from adapters.health import serve_http
from adapters.web import DUE_AT_ONCE
from bot.app import CareBot
from bot.plugins import Adapter
from bot.runtime import open_database
from bot.settings import Settings
from scheduler.engine import Engine
from scheduler.runner import Runner

log = logging.getLogger(__name__)


async def serve(settings: Settings, own: DiscordSettings | None = None) -> None:
    own = own or DiscordSettings()
    if own.discord_token is None:
        raise SystemExit("carebot: DISCORD_TOKEN is not set")
    token = own.discord_token.get_secret_value()
    db = await open_database(settings)
    core = CareBot(db, settings)
    runner: Runner | None = None

    def start_scheduler() -> None:
        # After login: the deliverer posts through this bot's REST session. Each shard-group
        # process runs one; the database's claims keep them from sending anything twice.
        nonlocal runner
        if runner is None:
            runner = Runner(Engine(db, settings, core.clock, {"discord": deliverer}))
            runner.start()

    bot = build_bot(core, own, on_login=start_scheduler)
    deliverer = DiscordDeliverer(core, bot)
    # The gateway needs no HTTP server: one of our own for /healthz, /metrics and the survey
    # page, whose answers wake the outbox for a low answer's alert.
    server = await serve_http(
        db,
        settings.host,
        settings.port,
        settings=settings,
        clock=core.clock,
        wake=lambda: bot.outbox.wake(DUE_AT_ONCE),
    )
    try:
        async with bot:
            log.info("carebot on Discord", extra={"platform": "discord"})
            try:
                await bot.start(token)
            finally:  # the tick in progress ends while the bot's session is still open
                if runner is not None:
                    await runner.stop(grace=10)
    finally:
        if server is not None:
            await server.cleanup()
        await db.dispose()


def _start(settings: Settings) -> int:
    return process.run(settings, DiscordSettings(), serve)


def _configured() -> bool:
    return DiscordSettings().configured()


run = Adapter(start=_start, configured=_configured)
