"""Alembic, driven from code: applied at start-up and by `carebot db upgrade`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


# Tables a platform library defines and owns (Slack's installation and OAuth stores): created
# by a migration, but not described by our models, so autogenerate must not drop them.
LIBRARY_TABLES = ("slack_",)


def include_object(
    _obj: object, name: str | None, kind: str, reflected: bool, _other: object
) -> bool:
    return not (kind == "table" and reflected and (name or "").startswith(LIBRARY_TABLES))


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


async def _run(engine: AsyncEngine, migrate: Callable[[Config], None]) -> None:
    """Runs an Alembic command on the engine's connection, in one transaction."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        migrate(config)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _run(engine, lambda config: command.downgrade(config, revision))
