"""Opening the registry for the web app and the command line: the one factory they use.

The web app and the CLI never build an engine or a session themselves, nor import the store or
SQLAlchemy (import-linter contract in pyproject.toml). They open the registry here, take a unit
of work from it (`Store.session()`, or the web's per-request factories from `sessions_for`)
and hand it to the services, which hold the queries. `Session` is re-exported only as the type
of that unit of work, so a route or a command can name what it passes on.

A web request that only reads defers its audit entries (`defer_audit`) and writes them after its
read in a short write transaction shared with the other requests reading at the time
(`take_deferred_audit`, `DeferredAuditWriter`), before the page is sent (kintrace.audit,
decisions 0402 and 0421).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kintrace.audit import DeferredWriter as DeferredAuditWriter
from kintrace.audit import defer as defer_audit
from kintrace.audit import take_deferred as take_deferred_audit
from kintrace.audit import write_deferred as write_deferred_audit
from kintrace.store.engine import WRITE_OPTION, Store, open_store
from kintrace.store.errors import StoreBusy, StoreError
from kintrace.store.web_tables import HOME_AGENCY_ID

__all__ = [
    "COLLISIONS",
    "HOME_AGENCY_ID",
    "DeferredAuditWriter",
    "DriverError",
    "Session",
    "Sessions",
    "Store",
    "StoreBusy",
    "StoreError",
    "collision_name",
    "database_busy",
    "defer_audit",
    "open_store",
    "sessions_for",
    "take_deferred_audit",
    "write_deferred_audit",
]

#: The driver's operational error (a lock time-out, a lost connection) as SQLAlchemy raises it:
#: the web answers the busy ones with 503 (`database_busy`), the others as internal errors.
DriverError = OperationalError
#: What a write raises when another writer's change collided with it (the same row created at
#: the same moment, a lock wait that timed out): nothing was written and a retry is safe.
COLLISIONS: tuple[type[Exception], ...] = (IntegrityError, OperationalError)


def collision_name(exc: Exception) -> str:
    """The driver's name for a collision (e.g. UniqueViolation), without its message (which may
    quote the values that collided)."""
    return type(getattr(exc, "orig", exc)).__name__


@dataclass(frozen=True)
class Sessions:
    """Session factories of one store: `read()` for reading requests, `write()` for requests
    that change something (its transaction takes SQLite's write lock when it begins)."""

    read: sessionmaker[Session]
    write: sessionmaker[Session]


def sessions_for(store: Store) -> Sessions:
    """The web app's per-request session factories (objects stay usable after the commit)."""
    return Sessions(
        read=sessionmaker(store.engine, expire_on_commit=False),
        write=sessionmaker(
            store.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        ),
    )


def database_busy(exc: BaseException) -> bool:
    """A store refusal that a retry cures: our StoreBusy, SQLite's busy/locked (after its
    time-out), PostgreSQL's lock time-out, deadlock or serialisation failure."""
    if isinstance(exc, StoreBusy):
        return True
    if not isinstance(exc, OperationalError):
        return False
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)  # SQLITE_BUSY (and its extended codes), SQLITE_LOCKED
    return getattr(exc.orig, "sqlstate", None) in ("55P03", "40P01", "40001")
