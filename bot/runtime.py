"""Start-up shared by every adapter: open the database and bring its schema up to date."""

from __future__ import annotations

from bot.clock import SystemClock
from bot.privacy.planning import plan_all
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade


async def open_database(settings: Settings) -> Database:
    db = Database(settings.database_url)
    await upgrade(db.engine)
    # Every workspace's retention job, so a newly set PERSONAL_DATA_RETENTION_DAYS applies.
    await plan_all(db, settings, SystemClock().now())
    return db
