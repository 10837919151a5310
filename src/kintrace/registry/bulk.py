"""Bulk writes for the importer: plain executemany on the driver, ids allocated up front.

SQLAlchemy's per-row parameter processing cost more than the database itself on a million rows,
and SQLite cannot return the ids of an executemany in order; so the importer allocates record
ids itself (under SQLite's write lock, or from the PostgreSQL sequence) and hands the driver
ready tuples. Only the importer's hot path uses this; everything else goes through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

#: Advisory lock serialising imports on PostgreSQL (SQLite's write lock does this there).
_PG_IMPORT_LOCK = 0x4B494D50  # "KIMP"


class BulkWriter:
    def __init__(self, session: Session, *, now: datetime) -> None:
        self.connection = session.connection()
        self.is_sqlite = self.connection.dialect.name == "sqlite"
        self.mark = "?" if self.is_sqlite else "%s"
        # SQLAlchemy's SQLite DateTime storage format; PostgreSQL takes the aware datetime.
        self.now: Any = now.strftime("%Y-%m-%d %H:%M:%S.%f") if self.is_sqlite else now
        self._next_id: int | None = None
        if self.is_sqlite:
            # A bigger page cache for this connection keeps the indexes of a million-row import
            # in memory instead of re-reading them from the WAL.
            self.connection.exec_driver_sql("PRAGMA cache_size = -131072")
        else:
            self.connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_IMPORT_LOCK}
            )

    def allocate_record_ids(self, count: int) -> list[int]:
        if count == 0:
            return []
        if not self.is_sqlite:
            result = self.connection.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('records', 'id')) "
                f"FROM generate_series(1, {int(count)})"
            )
            return [int(row[0]) for row in result]
        if self._next_id is None:
            top = self.connection.exec_driver_sql("SELECT max(id) FROM records").scalar()
            self._next_id = int(top or 0) + 1
        start = self._next_id
        self._next_id += count
        return list(range(start, start + count))

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join([self.mark] * len(columns))
        self.connection.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)

    def update_current_versions(self, rows: list[tuple[int, str, int]]) -> None:
        """rows: (new current_version, content_hash, record id)."""
        if not rows:
            return
        m = self.mark
        self.connection.exec_driver_sql(
            f"UPDATE records SET current_version = {m}, content_hash = {m}, updated_at = {m} "
            f"WHERE id = {m}",
            [(version, content_hash, self.now, pk) for version, content_hash, pk in rows],
        )
