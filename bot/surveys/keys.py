"""Keys carebot keeps for itself: the survey links' signing key (unless SURVEY_SECRET is set)
and the key that hashes opted-out contacts. Generated once, by whichever process needs it
first; every other process reads the same row."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from storage.models import SecretKey

SURVEY_LINKS = "survey_links"
OPT_OUTS = "opt_outs"


async def stored_key(session: AsyncSession, name: str, now: datetime) -> str:
    """The key named `name`, created on first use. Two processes creating it at once both
    insert-or-ignore, then both read the one row that won."""
    found = await session.scalar(select(SecretKey.value).where(SecretKey.name == name))
    if found is not None:
        return found
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(SecretKey)
        .values(name=name, value=secrets.token_urlsafe(48), created_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    value = await session.scalar(select(SecretKey.value).where(SecretKey.name == name))
    assert value is not None
    return value


async def link_key(session: AsyncSession, settings: Settings, now: datetime) -> str:
    if settings.survey_secret is not None and settings.survey_secret.get_secret_value():
        return settings.survey_secret.get_secret_value()
    return await stored_key(session, SURVEY_LINKS, now)
