"""Start-up shared by every adapter: open the database and bring its schema up to date."""

from __future__ import annotations

from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade


async def open_database(settings: Settings) -> Database:
    db = Database(settings.database_url)
    await upgrade(db.engine)
    return db
