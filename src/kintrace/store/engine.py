"""Opening the store: engine set-up (SQLite pragmas, PostgreSQL), schema checks, migrations.

`open_store(settings)` is the one entry point; it returns a `Store` whose database is at the newest
schema this code knows (all Alembic heads), or raises a `StoreError` whose message says what is
wrong and how to fix it. Nothing here runs at import time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kintrace.config import Settings
from kintrace.store.errors import ReadOnlyHomeError, SchemaTooNewError, StoreError
from kintrace.store.migrate import check_schema_known, upgrade_to_heads

__all__ = ["ReadOnlyHomeError", "SchemaTooNewError", "Store", "StoreError", "open_store"]

#: How long a SQLite connection waits for another writer before giving up.
_BUSY_TIMEOUT_MS = 30_000
#: Execution option asking SQLite to take the write lock when the transaction starts.
WRITE_OPTION = "kintrace_write"


@dataclass
class Store:
    """An open, migrated database: the engine and a session factory.

    Use `with store.session() as session:` for one transaction (committed at the end of the
    block, rolled back on an exception). `write=True` takes SQLite's write lock at the start, so a
    long transaction cannot fail half-way because another writer committed first.
    """

    settings: Settings
    engine: Engine
    _sessions: sessionmaker[Session] = field(repr=False)
    _write_sessions: sessionmaker[Session] = field(repr=False)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        factory = self._write_sessions if write else self._sessions
        with factory.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(settings: Settings, *, migrate: bool = True) -> Store:
    """Open the database named by the settings, refuse a newer schema, upgrade an older one."""
    if settings.is_sqlite:
        _prepare_sqlite_home(settings)
    engine = create_store_engine(settings)
    try:
        with engine.begin() as connection:
            check_schema_known(connection)
            if migrate:
                upgrade_to_heads(connection)
    except StoreError:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(_connection_message(settings, exc)) from None
    except DatabaseError as exc:
        engine.dispose()
        raise StoreError(
            f"The file at {_safe_url(settings)} is not a Kintrace database "
            f"({type(exc.orig).__name__}). Choose another --home, or move the file away."
        ) from None
    sessions = sessionmaker(engine, expire_on_commit=False)
    write_sessions = sessionmaker(
        engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
    )
    return Store(
        settings=settings, engine=engine, _sessions=sessions, _write_sessions=write_sessions
    )


def create_store_engine(settings: Settings) -> Engine:
    """An engine for the settings' URL; on SQLite every connection gets WAL, synchronous=FULL,
    foreign keys on and a busy timeout, and transactions are begun explicitly."""
    if not settings.is_sqlite:
        return create_engine(settings.database_url, pool_pre_ping=True)
    engine = create_engine(settings.database_url)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module so BEGIN is emitted by `_sqlite_on_begin`.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_MS)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _prepare_sqlite_home(settings: Settings) -> None:
    home = settings.home
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReadOnlyHomeError(
            f"Cannot create the data directory {home} ({exc.strerror}). "
            "Choose a writable directory with --home or KINTRACE_HOME."
        ) from None
    database = Path(make_url(settings.database_url).database or "")
    directory = database.parent if database.name else home
    if not _writable(directory) or (database.exists() and not _writable(database)):
        raise ReadOnlyHomeError(
            f"The data directory {directory} is read-only: Kintrace needs to write its database "
            "there. Choose a writable directory with --home or KINTRACE_HOME, or fix its "
            "permissions."
        )


def _writable(path: Path) -> bool:
    if not os.access(path, os.W_OK):
        return False
    if path.is_dir():
        # os.access says yes to root even on a read-only mount; try for real.
        probe = path / f".kintrace-write-probe-{os.getpid()}"
        try:
            probe.touch()
            probe.unlink()
        except OSError:
            return False
    return True


def _safe_url(settings: Settings) -> str:
    return make_url(settings.database_url).render_as_string(hide_password=True)


def _connection_message(settings: Settings, exc: OperationalError) -> str:
    first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
    if settings.is_sqlite:
        return (
            f"Cannot open the database {_safe_url(settings)}: {first_line}. Check that the data "
            "directory (--home) is writable and not on a read-only disk."
        )
    return (
        f"Cannot connect to the database {_safe_url(settings)}: {first_line}. Check "
        "KINTRACE_DATABASE_URL and that the PostgreSQL server is running."
    )
