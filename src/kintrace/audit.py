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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kintrace.store.audit_tables import AuditEntry

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
