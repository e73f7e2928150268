"""Throw-away PostgreSQL databases, for the test suite and the benchmarks: created with a
unique name on a server, handed over as a URL, dropped afterwards whatever happened."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


async def autocommit(url: str, statement: str) -> None:
    """A statement that cannot run in a transaction (CREATE DATABASE, VACUUM)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def scratch_database(server_url: str, prefix: str = "carebot_scratch") -> AsyncIterator[str]:
    """A new empty database on the server of `server_url`; its URL, then it is dropped."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    await autocommit(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await autocommit(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
