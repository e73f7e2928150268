"""The Alembic history builds exactly the schema the models describe, and unwinds cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from storage.db import Database
from storage.migrate import downgrade, include_object, upgrade
from storage.models import Base


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": include_object}
    )
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_match_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        assert await connection.run_sync(_diff) == []


async def test_downgrade_to_nothing_and_back(db: Database) -> None:
    await downgrade(db.engine, "base")
    async with db.engine.connect() as connection:
        assert await connection.run_sync(_tables) <= {"alembic_version"}
    await upgrade(db.engine)
    async with db.engine.connect() as connection:
        assert {"complaints", "members", "workspaces", "follow_ups"} <= await connection.run_sync(
            _tables
        )
        assert await connection.run_sync(_diff) == []
