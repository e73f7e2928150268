"""Engine and session factory from DATABASE_URL."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_driver


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL + NORMAL keeps commits fast and durable
    # against a process crash; busy_timeout lets a second writer wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Every session ends in a commit or a rollback, so the pool's own reset on return is a
        # wasted round trip through aiosqlite's thread (a third of a simple event's cost);
        # and each statement is one trip, not four (storage.sqlite_driver).
        engine = create_async_engine(url, pool_reset_on_return=None, module=sqlite_driver.dbapi())
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


class Database:
    """One engine and its session factory; sessions do not expire objects on commit."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time. Queued here, a transaction starts the moment the
        # previous one ends; left to SQLite's busy handler, it would sleep and poll (up to
        # 100 ms a try), and under a burst of events acks would miss Slack's 3 seconds.
        self._one_at_a_time = asyncio.Lock() if self.backend == "sqlite" else None

    def session(self) -> AsyncSession:
        return self.sessions()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed when the block ends, rolled back on error."""
        async with contextlib.AsyncExitStack() as stack:
            if self._one_at_a_time is not None:
                await stack.enter_async_context(self._one_at_a_time)
            session = await stack.enter_async_context(self.sessions())
            await stack.enter_async_context(session.begin())
            yield session

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()
