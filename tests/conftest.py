"""Fixtures: every database test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

PostgreSQL tests get a database of their own for the session (created, migrated, dropped), so
parallel runs never meet; each test starts from empty tables.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import CareBot
from bot.clock import ManualClock
from bot.context import Actor, Role
from bot.logs import CHATTY
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base
from storage.scratch import autocommit

# The privacy guard: every test's channel posts are checked for customers' personal data.
from tests.privacy_guard import (  # noqa: F401
    _privacy_guard,
    pytest_terminal_summary,
    read_database,
)

PG_URL = os.environ.get("TEST_DATABASE_URL")
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday morning


async def _migrate(url: str) -> None:
    db = Database(url)
    try:
        await upgrade(db.engine)
    finally:
        await db.dispose()


@pytest.fixture(
    scope="session",
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set"),
        ),
    ],
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database for the session, per backend."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "carebot.db"
        url = f"sqlite+aiosqlite:///{path}"
        asyncio.run(_migrate(url))
        yield url
        return
    assert PG_URL is not None
    # An unreachable server fails the run loudly: it is an error here, never a skip.
    name = f"carebot_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(autocommit(PG_URL, f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        asyncio.run(_migrate(url))
        yield url
    finally:
        asyncio.run(autocommit(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _empty_tables(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with db.engine.begin() as connection:
        if db.backend == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await _empty_tables(database)
    try:
        yield database
        await read_database(database)  # what the test left there, for the privacy guard
    finally:
        await database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url, default_phone_region="IN")  # type: ignore[call-arg]


@pytest.fixture
def carebot(db: Database, settings: Settings, clock: ManualClock) -> CareBot:
    return CareBot(db, settings, clock)


def person(name: str, role: Role | None = None, workspace: str = "T1") -> Actor:
    return Actor("console", workspace, name.lower(), name, channel_id="C1", platform_role=role)


@pytest.fixture
def asha() -> Actor:
    """The first person the bot meets: the workspace's admin."""
    return person("Asha", Role.ADMIN)


@pytest.fixture
def bob() -> Actor:
    return person("Bob", Role.AGENT)


@pytest.fixture
def meera() -> Actor:
    return person("Meera", Role.MANAGER)


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """`bot.logs.configure` (run by entry points under test) changes the process's logging:
    each test gets back the handlers and levels it started with."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    libraries = {name: logging.getLogger(name).level for name in CHATTY}
    yield
    for handler in [h for h in root.handlers if h.get_name() == "carebot" and h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    for name, was in libraries.items():
        logging.getLogger(name).setLevel(was)
