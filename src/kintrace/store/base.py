"""The declarative base every area's tables share.

One `MetaData` with a naming convention, so that constraint names are the same on SQLite and
PostgreSQL and Alembic migrations written by different areas can refer to them by name.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

KEY = 200  # length of a source name or a record id, wherever a table names a record by key


class Base(DeclarativeBase):
    """Base of every Kintrace table; each area keeps its tables in `store/<area>_tables.py`."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
