"""The audit log: append-only and hash-chained.

Each entry's hash is SHA-256 over a canonical JSON serialisation of
[id, at, actor, action, entity_type, entity_id, details, prev_hash], where `details` is itself
canonical JSON (sorted keys, no spaces, UTF-8). The first entry's `prev_hash` is 64 zeros.
`verify` recomputes the chain from the start and reports the first entry that does not fit.

Forks are impossible: `prev_hash` is unique in the table, and on PostgreSQL appends are serialised
by a transaction-scoped advisory lock (SQLite has one writer at a time anyway).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kintrace.store.audit_tables import AuditEntry
from kintrace.store.errors import StoreBusy

GENESIS_HASH = "0" * 64
#: Key in a session's `info`: the entries it collects instead of writing them (see `defer`).
_DEFERRED = "kintrace.audit.deferred"
#: Arbitrary constant naming the advisory lock that serialises appends on PostgreSQL.
_PG_LOCK_KEY = 0x4B494E5452  # "KINTR"

#: A check a later area can register to recompute what an entry's details vouch for
#: (e.g. the digest of the record versions of an import batch). It gets the entry (an object
#: with the AuditEntry attributes) and its parsed details, and returns a problem or None.
DetailCheck = Callable[[Session, Any, dict[str, Any]], str | None]


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_json(value: Any) -> str:
    """The one serialisation hashes are computed on: sorted keys, no spaces, UTF-8 kept."""
    return _CANONICAL.encode(value)


def entry_hash(
    *,
    entry_id: int,
    at: str,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    details: str,
    prev_hash: str,
) -> str:
    payload = canonical_json(
        [entry_id, at, actor, action, entity_type, entity_id, details, prev_hash]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def now_text() -> str:
    """Now, as the log writes times: ISO 8601 UTC with microseconds and a Z."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def defer(session: Session) -> None:
    """Make `append` collect this session's entries instead of writing them; the caller writes
    them with `write_deferred` in a transaction of its own, before it shows what was read.

    For read-only transactions (a page that shows a record writes who read it): on SQLite a read
    transaction cannot become a write once another writer has committed since it began, and on
    PostgreSQL the append would hold the audit lock until the read ends.
    """
    session.info[_DEFERRED] = []


def take_deferred(session: Session) -> list[dict[str, Any]]:
    """The entries `session` collected since `defer` (collection goes on, from empty)."""
    entries: list[dict[str, Any]] = session.info.get(_DEFERRED) or []
    if _DEFERRED in session.info:
        session.info[_DEFERRED] = []
    return entries


def write_deferred(session: Session, entries: list[dict[str, Any]]) -> None:
    """Append entries collected by a deferring session, in `session`'s transaction."""
    for entry in entries:
        append(session, **entry)


@dataclass
class _Ticket:
    entries: list[dict[str, Any]]
    finished: bool = False
    error: BaseException | None = None


class DeferredWriter:
    """Deferred entries of many requests written together: one write transaction (one commit,
    one fsync on SQLite, one audit lock on PostgreSQL) for every request waiting at the time.

    Each request waits for its own entries to be committed before its page leaves (nothing is
    shown without its audit entry), and no request waits for more than two transactions: while
    one batch is written the others queue, and the first to queue after it writes the next
    batch itself (there is no writer thread to lose entries with). A batch that cannot be
    written because the database stays busy fails for each of its requests alike (503 with
    Retry-After); any other failure is retried entry by entry, so one request's problem is its
    own. `begin` opens a write transaction (a sessionmaker's `begin`).
    """

    def __init__(self, begin: Callable[[], AbstractContextManager[Session]]) -> None:
        self._begin = begin
        self._turn = threading.Condition()
        self._queue: list[_Ticket] = []
        self._writing = False
        self.batches = 0  # transactions written (figures for tests and benches)

    @property
    def queued(self) -> int:
        """Requests waiting for the next batch."""
        with self._turn:
            return len(self._queue)

    def write(self, entries: list[dict[str, Any]]) -> None:
        """Append `entries` (from `take_deferred`) and return once they are committed."""
        if not entries:
            return
        mine = _Ticket(list(entries))
        with self._turn:
            self._queue.append(mine)
            while self._writing and not mine.finished:
                self._turn.wait()
            if mine.finished:
                if mine.error is not None:
                    raise mine.error
                return
            self._writing = True
            batch, self._queue = self._queue, []
        try:
            self._write_batch(batch)
        finally:
            with self._turn:
                self._writing = False
                for ticket in batch:
                    ticket.finished = True
                self._turn.notify_all()
        if mine.error is not None:
            raise mine.error

    def _write_batch(self, batch: list[_Ticket]) -> None:
        try:
            with self._begin() as session:
                for ticket in batch:
                    write_deferred(session, ticket.entries)
            self.batches += 1
            return
        except BaseException as exc:
            if len(batch) == 1 or _busy(exc):
                for ticket in batch:
                    ticket.error = exc
                return
        for ticket in batch:  # not the database's business: each request on its own
            try:
                with self._begin() as session:
                    write_deferred(session, ticket.entries)
                self.batches += 1
            except BaseException as exc:
                ticket.error = exc


def _busy(exc: BaseException) -> bool:
    """A refusal of the database as a whole (busy, locked, lock time-out), not of an entry."""
    if isinstance(exc, StoreBusy):
        return True
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)
    return getattr(orig, "sqlstate", None) in ("55P03", "40P01", "40001")


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry | None:
    """Append one entry in the caller's transaction (it is committed or rolled back with it).
    A session under `defer` only collects the entry (and None is returned).

    `details` must be JSON-serialisable and must not hold a child's personal data beyond ids.
    """
    pending = session.info.get(_DEFERRED)
    if pending is not None:
        pending.append(
            {
                "actor": actor,
                "action": action,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "details": dict(details or {}),
            }
        )
        return None
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    entry_id = (last.id + 1) if last else 1
    prev_hash = last.hash if last else GENESIS_HASH
    fields = {
        "at": now_text(),
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "details": canonical_json(dict(details or {})),
        "prev_hash": prev_hash,
    }
    entry = AuditEntry(id=entry_id, hash=entry_hash(entry_id=entry_id, **fields), **fields)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of `verify`: `ok`, how many entries were checked, and the first broken one."""

    ok: bool
    entries: int
    broken_id: int | None = None
    problem: str | None = None


def verify(
    session: Session,
    *,
    checks: Mapping[str, DetailCheck] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyResult:
    """Recompute the chain; report the first entry whose hash, link or id sequence is wrong.

    `checks` maps an action name to a function that recomputes what that entry's details vouch
    for (the registry registers one for imports), so tampering with the data itself is found too.
    """
    total = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    prev_hash = GENESIS_HASH
    expected_id = 1
    count = 0
    for entry in _entries(session):
        count += 1
        problem = _check_entry(entry, expected_id=expected_id, prev_hash=prev_hash)
        if problem is None and checks and entry.action in checks:
            problem = checks[entry.action](session, entry, json.loads(entry.details))
        if problem is not None:
            return VerifyResult(ok=False, entries=count, broken_id=entry.id, problem=problem)
        prev_hash = entry.hash
        expected_id = entry.id + 1
        if progress is not None:
            progress(count, total)
    return VerifyResult(ok=True, entries=count)


def _entries(session: Session, page: int = 1000) -> Iterator[Any]:
    """All entries (plain rows with the entry's attributes) in id order, a page at a time: the
    log can be long, nothing is kept in the session, and checks may query in between."""
    table = AuditEntry.__table__
    last = 0
    while True:
        batch = session.execute(
            select(table).where(table.c.id > last).order_by(table.c.id).limit(page)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def _check_entry(entry: Any, *, expected_id: int, prev_hash: str) -> str | None:
    if entry.id != expected_id:
        return f"entry {expected_id} is missing (the next entry found is {entry.id})"
    if entry.prev_hash != prev_hash:
        return "its link to the previous entry does not match the previous entry's hash"
    try:
        json.loads(entry.details)
    except ValueError:
        return "its details are not valid JSON"
    recomputed = entry_hash(
        entry_id=entry.id,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        details=entry.details,
        prev_hash=entry.prev_hash,
    )
    if recomputed != entry.hash:
        return "its content does not match its hash (the entry was changed after it was written)"
    return None
