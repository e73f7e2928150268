"""SQLite through storage.sqlite_driver: one trip to aiosqlite's thread per statement, and
everything SQLAlchemy reads from a cursor still right (rows, rowcount, lastrowid, errors)."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import Database


@pytest.fixture
async def sqlite(tmp_path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    return db


async def test_each_statement_is_one_trip_to_the_thread(
    sqlite: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips: list[str] = []
    real = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: object, *args: object) -> object:
        trips.append(getattr(fn, "__name__", "?"))
        return await real(self, fn, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    async with sqlite.transaction() as session:
        trips.clear()
        await session.execute(text("INSERT INTO t (name) VALUES ('a')"))
        await session.execute(text("SELECT name FROM t"))
        assert trips == ["_execute", "_execute"]
    await sqlite.dispose()


async def test_rows_counts_ids_and_errors_come_back_as_sqlalchemy_expects(
    sqlite: Database,
) -> None:
    async with sqlite.transaction() as session:
        inserted = await session.execute(text("INSERT INTO t (name) VALUES ('a')"))
        assert inserted.lastrowid == 1  # type: ignore[attr-defined]
        await session.execute(text("INSERT INTO t (name) VALUES (:n)"), [{"n": "b"}, {"n": "c"}])
        updated = await session.execute(text("UPDATE t SET name = name || '!' WHERE id > 1"))
        assert updated.rowcount == 2  # type: ignore[attr-defined]
        rows = (await session.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b!"), (3, "c!")]
    with pytest.raises(IntegrityError):
        async with sqlite.transaction() as session:
            await session.execute(text("INSERT INTO t (name) VALUES ('a')"))
    async with sqlite.transaction() as session:  # the failed transaction left nothing behind
        assert await session.scalar(text("SELECT count(*) FROM t")) == 3
    await sqlite.dispose()
