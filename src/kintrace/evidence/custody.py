"""The custody log: append-only and hash-chained, one chain over every item's events.

Each event's hash is SHA-256 over the canonical JSON of
[id, item_id, at, event, actor, role, purpose, sha256, details, prev_hash] (the audit log's
serialisation, kintrace.audit.canonical_json); the first event's `prev_hash` is 64 zeros. Every
event also appends an audit entry ("evidence.<event>") carrying the event's hash, so the audit
chain - and the signed audit checkpoints, where they exist - vouch for the custody chain too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.store.evidence_tables import custody_events

GENESIS_HASH = "0" * 64
_PG_LOCK_KEY = 0x4B54435553  # "KTCUS": serialises custody appends on PostgreSQL


class Event(StrEnum):
    INGEST = "ingest"
    LINK = "link"
    VIEW = "view"
    DOWNLOAD = "download"
    DERIVE = "derive"
    EXPORT = "export"
    VERIFY = "verify"
    HOLD = "hold"
    RELEASE = "release"
    ERASE = "erase"


@dataclass(frozen=True)
class Custodian:
    """Who acts on evidence, in which role (the command line acts as "operator")."""

    name: str
    role: str


@dataclass(frozen=True)
class CustodyEvent:
    id: int
    item_id: int
    at: str
    event: str
    actor: str
    role: str
    purpose: str
    sha256: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def event_hash(
    *,
    event_id: int,
    item_id: int,
    at: str,
    event: str,
    actor: str,
    role: str,
    purpose: str,
    sha256: str,
    details: str,
    prev_hash: str,
) -> str:
    payload = audit.canonical_json(
        [event_id, item_id, at, event, actor, role, purpose, sha256, details, prev_hash]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    db: Session,
    *,
    item_id: int,
    event: Event,
    custodian: Custodian,
    purpose: str,
    sha256: str,
    details: dict[str, Any] | None = None,
) -> CustodyEvent:
    """Append one event in the caller's transaction (and its audit entry)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    last = db.execute(
        select(custody_events.c.id, custody_events.c.hash)
        .order_by(custody_events.c.id.desc())
        .limit(1)
    ).first()
    event_id = (last.id + 1) if last else 1
    fields: dict[str, Any] = {
        "item_id": item_id,
        "at": now_text(),
        "event": event.value,
        "actor": custodian.name,
        "role": custodian.role,
        "purpose": purpose,
        "sha256": sha256,
        "details": audit.canonical_json(details or {}),
        "prev_hash": last.hash if last else GENESIS_HASH,
    }
    digest = event_hash(event_id=event_id, **fields)
    db.execute(custody_events.insert().values(id=event_id, hash=digest, **fields))
    audit.append(
        db,
        actor=custodian.name,
        action=f"evidence.{event.value}",
        entity_type="evidence_item",
        entity_id=item_id,
        details={"custody_event": event_id, "custody_hash": digest, "sha256": sha256},
    )
    return _event(fields | {"id": event_id, "hash": digest})


def events_of(db: Session, item_ids: list[int] | None = None) -> list[CustodyEvent]:
    """The events of the given items (all items when None), in order."""
    query = select(custody_events).order_by(custody_events.c.id)
    if item_ids is not None:
        query = query.where(custody_events.c.item_id.in_(item_ids))
    return [_event(dict(row._mapping)) for row in db.execute(query)]


def _event(row: dict[str, Any]) -> CustodyEvent:
    details = row["details"]
    return CustodyEvent(
        id=row["id"],
        item_id=row["item_id"],
        at=row["at"],
        event=row["event"],
        actor=row["actor"],
        role=row["role"],
        purpose=row["purpose"],
        sha256=row["sha256"],
        details=json.loads(details) if isinstance(details, str) else details,
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    broken_id: int | None = None
    problem: str | None = None


def verify_chain(db: Session) -> ChainCheck:
    """Recompute the whole custody chain; report the first event that does not fit."""
    prev = GENESIS_HASH
    expected = 1
    count = 0
    for row in db.execute(select(custody_events).order_by(custody_events.c.id)):
        count += 1
        problem = None
        if row.id != expected:
            problem = f"event {expected} is missing (the next event found is {row.id})"
        elif row.prev_hash != prev:
            problem = "its link to the previous event does not match that event's hash"
        else:
            recomputed = event_hash(
                event_id=row.id,
                item_id=row.item_id,
                at=row.at,
                event=row.event,
                actor=row.actor,
                role=row.role,
                purpose=row.purpose,
                sha256=row.sha256,
                details=row.details,
                prev_hash=row.prev_hash,
            )
            if recomputed != row.hash:
                problem = "its content does not match its hash (changed after it was written)"
        if problem is not None:
            return ChainCheck(ok=False, events=count, broken_id=row.id, problem=problem)
        prev = row.hash
        expected = row.id + 1
    return ChainCheck(ok=True, events=count)


def mirror_check(db: Session, entry: Any, details: dict[str, Any]) -> str | None:
    """An audit entry "evidence.<event>" against the custody event it mirrors (a check for
    `kintrace.audit.verify`): the event must still exist with the hash the entry carries, so a
    custody log cut short or re-chained is found by the audit chain and its signed checkpoints."""
    event_id, expected = details.get("custody_event"), details.get("custody_hash")
    if not isinstance(event_id, int) or not isinstance(expected, str):
        return "its details do not name the custody event it mirrors"
    found = db.execute(
        select(custody_events.c.hash).where(custody_events.c.id == event_id)
    ).scalar_one_or_none()
    if found is None:
        return f"custody event {event_id}, which it mirrors, is missing from the custody log"
    if found != expected:
        return (
            f"custody event {event_id} is not the one it mirrors (its hash differs): the custody "
            "log was changed and its chain recomputed"
        )
    return None


#: The audit checks of the evidence area, one per custody event kind.
AUDIT_CHECKS: dict[str, audit.DetailCheck] = {f"evidence.{e.value}": mirror_check for e in Event}
