"""The survey page served by a real aiohttp server on a loopback port, as every platform
serves it (adapters/health.py), with the core's SurveyDesk behind it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.health import health_app
from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor
from bot.settings import Settings
from storage.db import Database
from tests.web.surveys import path_of, survey_link


class Wakes:
    """Stands in for the scheduler's wake-up: counts the calls."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def wakes() -> Wakes:
    return Wakes()


@pytest.fixture
async def client(
    db: Database, settings: Settings, clock: ManualClock, wakes: Wakes
) -> AsyncIterator[TestClient]:
    app = health_app(db, settings=settings, clock=clock, wake=wakes)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


@pytest.fixture
async def link(
    carebot: CareBot, db: Database, settings: Settings, clock: ManualClock, asha: Actor
) -> str:
    """The path of a fresh resolution survey's page (/s/TOKEN), in English."""
    return path_of(await survey_link(carebot, db, settings, clock, asha))
