"""`GET /healthz`, `GET /metrics` and the customers' survey page (`/s/...`), on every platform.

Slack's HTTP mode adds the routes to Bolt's own aiohttp app; Socket Mode, Discord and the shell
have no HTTP server of their own, so `serve_http` starts a small one on HOST:PORT.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from adapters.web import add_survey_routes
from bot.clock import Clock, SystemClock
from bot.metrics import METRICS, Metrics
from bot.settings import Settings
from bot.surveys.page import SurveyDesk
from scheduler.claims import due_count
from storage.db import Database

log = logging.getLogger(__name__)

CHECK_SECONDS = 5.0  # a database that does not answer by then is reported down


def add_routes(
    application: web.Application,
    db: Database,
    metrics: Metrics | None = None,
    *,
    settings: Settings | None = None,
    clock: Clock | None = None,
    wake: Callable[[], None] | None = None,
) -> None:
    """`/healthz`: 200 when the database answers, else 503. `/metrics`: Prometheus' text.
    With `settings`, the survey page too; `clock` is the bot's (the shell moves it), and
    `wake` asks this process's scheduler for the work an answer plans at once."""
    instruments = metrics or METRICS

    async def healthz(_request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(CHECK_SECONDS), db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            return web.json_response({"ok": False, "database": type(exc).__name__}, status=503)
        return web.json_response({"ok": True, "database": "ok"})

    async def metrics_page(_request: web.Request) -> web.Response:
        # The queue of due work, counted now (the partial index on pending jobs serves it);
        # a database that is down leaves the last count and the scrape still answers.
        try:
            async with asyncio.timeout(CHECK_SECONDS), db.session() as session:
                instruments.jobs_due.set(await due_count(session, datetime.now(UTC)))
        except Exception as exc:
            log.warning("metrics: due jobs not counted: %s", type(exc).__name__)
        body = generate_latest(instruments.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    application.router.add_get("/healthz", healthz)
    application.router.add_get("/metrics", metrics_page)
    if settings is not None:
        desk = SurveyDesk(db, settings, clock or SystemClock(), wake)
        add_survey_routes(application, desk)


def health_app(
    db: Database,
    metrics: Metrics | None = None,
    *,
    settings: Settings | None = None,
    clock: Clock | None = None,
    wake: Callable[[], None] | None = None,
) -> web.Application:
    application = web.Application()
    add_routes(application, db, metrics, settings=settings, clock=clock, wake=wake)
    return application


async def serve_http(
    db: Database,
    host: str,
    port: int,
    metrics: Metrics | None = None,
    *,
    settings: Settings | None = None,
    clock: Clock | None = None,
    wake: Callable[[], None] | None = None,
) -> web.AppRunner | None:
    """Serves /healthz, /metrics and (with `settings`) the survey page until the returned
    runner is cleaned up. A port already taken (another process on the host) costs the pages,
    not the bot: None, and a warning. No access log: a survey link's token is in its path."""
    application = health_app(db, metrics, settings=settings, clock=clock, wake=wake)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        log.warning(
            "no /healthz, /metrics or survey page: cannot listen on %s:%s (%s)", host, port, exc
        )
        return None
    log.info("HTTP pages on %s:%s", host, port, extra={"host": host, "port": port})
    return runner
