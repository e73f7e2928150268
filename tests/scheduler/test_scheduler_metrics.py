"""What a tick did, by job kind, on /metrics; the queue of due work; the tick's log line."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from prometheus_client import CollectorRegistry

from adapters.health import health_app
from bot.clock import ManualClock
from bot.logs import configure
from bot.metrics import Metrics
from bot.scheduled import DeliveryDeferred, DeliveryRefused
from bot.settings import Settings
from scheduler.engine import Engine
from storage.db import Database
from tests.scheduler.conftest import KIND, PLATFORM, EchoKind, Recorder, add_jobs, add_workspace
from tests.test_operations import value

# Long past, so the real clock that /metrics counts due work with agrees with the engine's.
PAST = datetime(2020, 1, 6, 9, tzinfo=UTC)
FUTURE = datetime(2100, 1, 4, 9, tzinfo=UTC)


async def test_a_tick_shows_on_metrics_by_kind_and_outcome(
    db: Database, settings: Settings, kind: EchoKind, recorder: Recorder
) -> None:
    metrics = Metrics(CollectorRegistry())
    clock = ManualClock(PAST)
    engine = Engine(db, settings, clock, {PLATFORM: recorder}, metrics)
    ws = await add_workspace(db, PAST)
    await add_jobs(db, ws, [PAST] * 4 + [FUTURE], PAST)
    other = await add_workspace(db, PAST, name="T2")  # job keys are per workspace
    await add_jobs(db, other, [PAST], PAST, kind="no_such_kind")
    recorder.raises = [DeliveryRefused("channel_not_found", "C9"), DeliveryDeferred("busy")]
    stream = io.StringIO()
    configure(settings.model_copy(update={"log_format": "json"}), stream=stream)

    server = TestServer(health_app(db, metrics), host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as session:
            url = str(server.make_url("/metrics"))
            before = await (await session.get(url)).text()
            report = await engine.tick()
            after = await (await session.get(url)).text()
    finally:
        await server.close()

    assert (report.claimed, report.sent, report.retried, report.failed) == (5, 2, 1, 2)
    assert value(before, "carebot_jobs_due") == 5  # the job of 2100 is not due yet
    assert value(before, "carebot_jobs_claimed_total", kind=KIND) == 0
    assert value(after, "carebot_jobs_claimed_total", kind=KIND) == 4
    assert value(after, "carebot_jobs_claimed_total", kind="no_such_kind") == 1
    assert value(after, "carebot_jobs_total", kind=KIND, outcome="sent") == 2
    assert value(after, "carebot_jobs_total", kind=KIND, outcome="retried") == 1
    assert value(after, "carebot_jobs_total", kind=KIND, outcome="failed") == 1
    assert value(after, "carebot_jobs_total", kind="no_such_kind", outcome="failed") == 1
    assert value(after, "carebot_scheduler_tick_duration_seconds_count") == 1
    # The retried job is due again 30 s later, which the real clock has long passed.
    assert value(after, "carebot_jobs_due") == 1

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    (tick,) = [line for line in lines if line.get("event") == "scheduler.tick"]
    assert (tick["claimed"], tick["sent"], tick["retried"], tick["failed"]) == (5, 2, 1, 2)
    assert tick["level"] == "INFO" and isinstance(tick["duration"], float)
    deferred = [line for line in lines if line.get("event") == "scheduler.job_deferred"]
    assert [(line["kind"], line["attempts"]) for line in deferred] == [(KIND, 1)]
    assert isinstance(deferred[0]["job_id"], int)
    failed = {line["error"] for line in lines if line.get("event") == "scheduler.job_failed"}
    assert failed == {"refused", "unknown_kind"}
    assert logging.getLogger().level == logging.INFO
