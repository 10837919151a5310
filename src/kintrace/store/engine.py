"""Opening the store: engine set-up (SQLite pragmas, PostgreSQL), schema checks, migrations.

`open_store(settings)` is the one entry point; it returns a `Store` whose database is at the newest
schema this code knows (all Alembic heads), or raises a `StoreError` whose message says what is
wrong and how to fix it. Nothing here runs at import time.
"""

from __future__ import annotations

import os
import threading
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
from kintrace.store.errors import ReadOnlyHomeError, SchemaTooNewError, StoreBusy, StoreError
from kintrace.store.migrate import check_schema_known, upgrade_to_heads

__all__ = [
    "ReadOnlyHomeError",
    "SchemaTooNewError",
    "Store",
    "StoreBusy",
    "StoreError",
    "WriteGate",
    "open_store",
]

#: How long a writer waits for another before giving up, unless the store says otherwise
#: (`Store.limit_waits`: the web workspace waits less and answers 503 with Retry-After).
_BUSY_TIMEOUT_MS = 30_000
#: Execution option asking SQLite to take the write lock when the transaction starts.
WRITE_OPTION = "kintrace_write"
#: Keys in a pooled connection's `info`: it holds the gate; the wait it was last given.
_HOLDS_GATE = "kintrace_holds_write_gate"
_WAIT_SET = "kintrace_wait_ms"
#: Connections opened beyond a store's `connections` when more threads need one at once (the
#: web's audit writer and index catch-up beside the request threads); closed after use.
_POOL_OVERFLOW = 10


class WriteGate:
    """One SQLite write transaction at a time inside this process, handed over in turn.

    SQLite has one writer; the others wait in its busy handler, which polls with sleeps of up to
    100 ms. Under many short writers (the web's audited reads) that wastes the lock's idle time
    and can starve one waiter past its time-out. Writers of this process wait on this lock
    instead, taken before `BEGIN IMMEDIATE` and given back when the connection returns to the
    pool after its commit or rollback, so the next one starts as soon as the database is free.
    Other processes (the command line during a web session) still meet SQLite's busy handler,
    with the same time-out.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.timeout_ms: int | None = None  # None: the default, _BUSY_TIMEOUT_MS

    @property
    def wait_ms(self) -> int:
        return self.timeout_ms if self.timeout_ms is not None else _BUSY_TIMEOUT_MS

    def acquire(self) -> None:
        if not self._lock.acquire(timeout=self.wait_ms / 1000):
            raise busy_error(self.wait_ms)

    def release(self) -> None:
        self._lock.release()


def busy_error(wait_ms: int) -> StoreBusy:
    """The refusal for a writer that waited `wait_ms` for another in vain."""
    seconds = max(1, round(wait_ms / 1000))
    return StoreBusy(
        f"The database stayed busy with another writer (an import or another command) for "
        f"{wait_ms / 1000:g} s. Nothing was changed; try again in a few seconds.",
        retry_after_s=seconds,
    )


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
    gate: WriteGate = field(default_factory=WriteGate, repr=False)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        factory = self._write_sessions if write else self._sessions
        with factory.begin() as session:
            yield session

    def limit_waits(self, wait_ms: int) -> None:
        """Wait at most `wait_ms` for another writer (SQLite's busy time-out and the write gate;
        PostgreSQL's lock_timeout), then raise StoreBusy or the driver's lock error."""
        self.gate.timeout_ms = wait_ms

    def close(self) -> None:
        self.engine.dispose()


def open_store(
    settings: Settings, *, migrate: bool = True, connections: int | None = None
) -> Store:
    """Open the database named by the settings, refuse a newer schema, upgrade an older one.

    `connections`: how many connections the store keeps open once it has used them (the web
    server: as many as it runs requests at once, decision 0425); None keeps SQLAlchemy's pool
    (5 kept, 10 more opened and closed as needed), enough for the command line."""
    if settings.is_sqlite:
        _prepare_sqlite_home(settings)
    gate = WriteGate()
    engine = create_store_engine(settings, gate=gate, connections=connections)
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
        settings=settings,
        engine=engine,
        _sessions=sessions,
        _write_sessions=write_sessions,
        gate=gate,
    )


def create_store_engine(
    settings: Settings, *, gate: WriteGate | None = None, connections: int | None = None
) -> Engine:
    """An engine for the settings' URL; on SQLite every connection gets WAL, synchronous=FULL,
    foreign keys on and a busy timeout, transactions are begun explicitly and writers of this
    process take turns through `gate`. On PostgreSQL a connection waits for a lock at most as
    long as `Store.limit_waits` says (lock_timeout), when it was called.

    `connections` (see `open_store`) keeps that many connections open after use, with
    `_POOL_OVERFLOW` more for the moments beyond it. A PostgreSQL connection is a server process:
    opening one costs a fork, authentication and, at its first queries, the server's catalogue
    caches (20-300 ms under load), so a server must not open and close them as its load moves."""
    gate = gate or WriteGate()
    pool: dict[str, Any] = {}
    if connections is not None:
        pool = {"pool_size": connections, "max_overflow": _POOL_OVERFLOW}
    if not settings.is_sqlite:
        engine = create_engine(settings.database_url, pool_pre_ping=True, **pool)
        event.listen(engine, "checkout", _pg_wait_setter(gate))
        return engine
    engine = create_engine(settings.database_url, **pool)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "checkout", _sqlite_wait_setter(gate))
    event.listen(engine, "begin", _sqlite_on_begin(gate))
    event.listen(engine, "checkin", _sqlite_on_checkin(gate))
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module so BEGIN is emitted by `_sqlite_on_begin`.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_wait_setter(gate: WriteGate) -> Any:
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        wait = gate.wait_ms
        if record.info.get(_WAIT_SET) != wait:  # a setting in memory: no I/O
            dbapi_connection.execute(f"PRAGMA busy_timeout = {int(wait)}")
            record.info[_WAIT_SET] = wait

    return on_checkout


def _pg_wait_setter(gate: WriteGate) -> Any:
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        wait = gate.timeout_ms  # only when asked: the command line keeps PostgreSQL's default
        if wait is not None and record.info.get(_WAIT_SET) != wait:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = {int(wait)}")
            dbapi_connection.commit()
            record.info[_WAIT_SET] = wait

    return on_checkout


def _sqlite_on_begin(gate: WriteGate) -> Any:
    def on_begin(connection: Any) -> None:
        if not connection.get_execution_options().get(WRITE_OPTION, False):
            connection.exec_driver_sql("BEGIN")
            return
        if connection.info.get(_HOLDS_GATE):  # a second transaction before the checkin
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        gate.acquire()
        connection.info[_HOLDS_GATE] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            connection.info.pop(_HOLDS_GATE, None)
            gate.release()
            raise

    return on_begin


def _sqlite_on_checkin(gate: WriteGate) -> Any:
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_HOLDS_GATE, False):
            gate.release()

    return on_checkin


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
