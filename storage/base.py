"""The declarative base every table shares: one metadata, stable constraint names."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from storage.types import UTCDateTime

# Stable constraint names, so Alembic migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements on hot paths (no ORM unit of work around them)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
