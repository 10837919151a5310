"""One link run at a time per registry, across processes (the web app, the command line).

Two uploads a minute apart must not run two link runs side by side on one registry: each reads
the last run's state and writes its own results, and the later writer would undo the other's
view. A second run waits for the first (it never fails): on SQLite with a lock file in the data
directory (`flock`, released by the kernel if the process dies), on PostgreSQL with a session
advisory lock, which also holds between machines sharing the database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import text

from kintrace.store.engine import Store

#: Arbitrary constant naming the PostgreSQL advisory lock of link runs ("KTLK").
LINK_LOCK_KEY = 0x4B54_4C4B
LOCK_FILE = "link.lock"


@contextmanager
def link_run_lock(store: Store, *, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the registry's link-run lock; `waiting` is called once if another run holds it."""
    if store.engine.dialect.name == "postgresql":
        with _advisory(store, waiting):
            yield
    else:
        with _file_lock(store, waiting):
            yield


@contextmanager
def _advisory(store: Store, waiting: Callable[[], None] | None) -> Iterator[None]:
    with store.engine.connect() as connection:
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": LINK_LOCK_KEY}
        ).scalar_one()
        connection.commit()
        if not got:
            if waiting is not None:
                waiting()
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LINK_LOCK_KEY})
            connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LINK_LOCK_KEY})
            connection.commit()


@contextmanager
def _file_lock(store: Store, waiting: Callable[[], None] | None) -> Iterator[None]:
    import fcntl  # POSIX; Kintrace's SQLite deployments run on Linux servers and laptops

    home = store.settings.home
    home.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(home / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
