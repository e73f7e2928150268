"""Metrics of the core, /healthz and /metrics over HTTP, and the server Socket Mode and Discord
start for them (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

import adapters.discord as discord_adapter
from adapters.discord.settings import DiscordSettings
from adapters.health import health_app, serve_http
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.metrics import Metrics
from bot.settings import Settings
from storage.db import Database
from tests.factories import log_complaint
from tests.scheduler.conftest import add_jobs, add_workspace

UNREACHABLE = "postgresql+asyncpg://carebot@127.0.0.1:1/carebot"


def samples(page: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """A /metrics page as {(sample name, labels): value}."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
    }


def value(page: str, name: str, **labels: str) -> float:
    return samples(page).get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def metrics() -> Metrics:
    return Metrics(CollectorRegistry())


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[tuple[ClientSession, str]]:
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as session:
            yield session, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_the_core_counts_and_times_events_by_kind_and_outcome(
    db: Database, settings: Settings, clock: ManualClock, asha: Actor, metrics: Metrics
) -> None:
    carebot = CareBot(db, settings, clock, metrics)
    await carebot.command(asha, "help")
    await carebot.command(asha, "complaint", "list")
    await carebot.command(asha, "no-such-command")
    await log_complaint(carebot, asha)
    await log_complaint(carebot, asha, customer_phone="12")  # refused, field by field
    await carebot.action(asha, "no.such.action")

    def count(kind: str, outcome: str) -> float | None:
        labels = {"kind": kind, "outcome": outcome}
        return metrics.registry.get_sample_value("carebot_events_total", labels)

    assert count("command", "ok") == 2 and count("command", "refused") == 1
    assert count("submit", "ok") == 1 and count("submit", "refused") == 1
    assert count("action", "refused") == 1 and count("command", "error") is None
    timed = metrics.registry.get_sample_value(
        "carebot_event_duration_seconds_count", {"kind": "command"}
    )
    assert timed == 3


async def test_healthz_and_metrics_answer_with_the_database_up(
    db: Database, clock: ManualClock, metrics: Metrics
) -> None:
    # Due work is counted against the real clock: jobs long due, and one in the future.
    past = datetime(2020, 1, 1, 9, tzinfo=UTC)
    ws = await add_workspace(db, past)
    await add_jobs(
        db, ws, [past, past + timedelta(hours=1), datetime(2100, 1, 1, tzinfo=UTC)], past
    )

    async with serve(health_app(db, metrics)) as (session, base):
        healthy = await session.get(f"{base}/healthz")
        assert healthy.status == 200
        assert await healthy.json() == {"ok": True, "database": "ok"}
        page = await session.get(f"{base}/metrics")
        assert page.status == 200 and page.headers["Content-Type"].startswith("text/plain")
        text = await page.text()
        assert value(text, "carebot_jobs_due") == 2
        assert "# HELP carebot_events_total" in text
        assert "# HELP carebot_scheduler_tick_duration_seconds" in text


async def test_healthz_is_503_when_the_database_is_unreachable(
    metrics: Metrics, caplog: pytest.LogCaptureFixture
) -> None:
    down = Database(UNREACHABLE)
    try:
        async with serve(health_app(down, metrics)) as (session, base):
            sick = await session.get(f"{base}/healthz")
            assert sick.status == 503
            answer = await sick.json()
            assert answer["ok"] is False and answer["database"] != "ok"
            # /metrics still answers: the queue's count is what it was, with a warning.
            with caplog.at_level(logging.WARNING, logger="adapters.health"):
                page = await session.get(f"{base}/metrics")
            assert page.status == 200 and "carebot_jobs_due 0.0" in await page.text()
            assert "due jobs not counted" in caplog.text
    finally:
        await down.dispose()


async def test_socket_mode_and_discord_serve_both_pages_on_a_port_of_their_own(
    db: Database, metrics: Metrics, caplog: pytest.LogCaptureFixture
) -> None:
    runner = await serve_http(db, "127.0.0.1", 0, metrics)
    assert runner is not None
    try:
        host, port = runner.addresses[0][:2]
        async with ClientSession() as session:
            assert (await session.get(f"http://{host}:{port}/healthz")).status == 200
            page = await session.get(f"http://{host}:{port}/metrics")
            assert "carebot_jobs_due" in await page.text()
        # A second process on the same port goes on without the pages, and says so.
        with caplog.at_level(logging.WARNING, logger="adapters.health"):
            assert await serve_http(db, host, port, metrics) is None
        assert f"cannot listen on {host}:{port}" in caplog.text
    finally:
        await runner.cleanup()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def pages(port: int) -> tuple[int, str]:
    async with ClientSession() as session:
        health = await session.get(f"http://127.0.0.1:{port}/healthz")
        return health.status, await (await session.get(f"http://127.0.0.1:{port}/metrics")).text()


async def test_the_discord_adapter_serves_both_pages_while_it_runs(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, seen = free_port(), []

    class Gateway:  # stands in for discord.py's bot: "connected" until it has looked
        async def __aenter__(self) -> Gateway:
            return self

        async def __aexit__(self, *_exc: object) -> None:
            return None

        async def start(self, _token: str) -> None:
            seen.append(await pages(port))

    monkeypatch.setattr(discord_adapter, "build_bot", lambda *_args, **_kw: Gateway())
    config = settings.model_copy(update={"host": "127.0.0.1", "port": port})
    own = DiscordSettings(_env_file=None, discord_token=SecretStr("token"))  # type: ignore[call-arg]
    await discord_adapter.serve(config, own)

    ((status, text),) = seen
    assert status == 200 and "carebot_events_total" in text
    with pytest.raises(OSError):  # and the port is free again
        await asyncio.open_connection("127.0.0.1", port)
