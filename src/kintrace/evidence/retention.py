"""Retention and legal hold of evidence.

A **retention rule** says how many days a source's evidence is kept after it was received. An item
belongs to the sources of the records it is about: those it is linked to, the records of a person
it is linked to, the record a linked case follows. It expires when every one of those sources has a
rule and the longest of them has passed since ingest (a source without a rule keeps its evidence;
an item about no record is kept).

A **legal hold** on a record, person, case or item blocks erasure and expiry of every item it
reaches: the item itself, items linked to the held record, person or case, items linked to a
record of a held person, to a case that follows a held record, or to a record a held case follows.
`plan` says what would go and why, and what is held and by which hold; `apply` erases what the plan
says. Erasure removes the original and its working copies and blanks the item's descriptive fields;
the hashes stay, and the custody event `erase` (mirrored into the audit log) is the tombstone: it
holds the hash, the reason and who erased, never a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.evidence.custody import Custodian, Event, now_text, record
from kintrace.evidence.errors import EvidenceNotFound, EvidenceRefused
from kintrace.evidence.items import (
    ItemView,
    Target,
    TargetType,
    get_item,
    require_target,
)
from kintrace.evidence.storage import EvidenceStore
from kintrace.store.evidence_tables import evidence_items, legal_holds, retention_rules
from kintrace.store.linkage_tables import linked_records
from kintrace.store.registry_tables import Source
from kintrace.store.review_tables import cases

HOLD_TYPES = ("record", "person", "case", "item")


@dataclass(frozen=True)
class Hold:
    id: int
    target_type: str
    target_id: str
    reason: str
    placed_by: str
    placed_at: str


@dataclass(frozen=True)
class PlanLine:
    item_id: int
    action: str  # "erase" | "held"
    why: str
    holds: tuple[int, ...] = ()


# rules ------------------------------------------------------------------------------------------


def set_rule(db: Session, *, source: str, keep_days: int, actor: str) -> None:
    """Keep `source`'s evidence `keep_days` after ingest (replacing an earlier rule)."""
    if keep_days <= 0:
        raise EvidenceRefused("--keep-days must be a whole number of days above 0.")
    if db.execute(select(Source.id).where(Source.name == source)).first() is None:
        raise EvidenceNotFound(f"There is no source {source!r}; `kintrace sources` lists them.")
    db.execute(retention_rules.delete().where(retention_rules.c.source == source))
    db.execute(
        retention_rules.insert().values(
            source=source, keep_days=keep_days, set_by=actor, set_at=now_text()
        )
    )
    audit.append(
        db,
        actor=actor,
        action="evidence.retention_rule",
        entity_type="source",
        entity_id=source,
        details={"keep_days": keep_days},
    )


def rules(db: Session) -> dict[str, int]:
    return {r.source: r.keep_days for r in db.execute(select(retention_rules))}


# holds ------------------------------------------------------------------------------------------


def _hold_target(db: Session, target_type: str, target_id: str) -> Target | None:
    """The target a hold names (None for an item), refusing one that does not exist."""
    if target_type == "item":
        if not target_id.isdigit():
            raise EvidenceRefused("An item is named by its number.")
        get_item(db, int(target_id))
        return None
    if target_type not in HOLD_TYPES:
        raise EvidenceRefused(f"A hold is on one of: {', '.join(HOLD_TYPES)}.")
    maker = {"record": Target.record, "person": Target.person, "case": Target.case}
    target = maker[target_type](target_id)
    require_target(db, target)
    return target


def place_hold(
    db: Session, *, target_type: str, target_id: str, reason: str, custodian: Custodian
) -> Hold:
    """Place a legal hold; every item it reaches now gets a custody event `hold`."""
    if not reason.strip():
        raise EvidenceRefused("A legal hold needs a reason (the order or request behind it).")
    target = _hold_target(db, target_type, target_id)
    hold_id = db.execute(
        legal_holds.insert()
        .values(
            target_type=target_type,
            target_id=target.id if target is not None else str(int(target_id)),
            reason=reason.strip(),
            placed_by=custodian.name,
            placed_at=now_text(),
        )
        .returning(legal_holds.c.id)
    ).scalar_one()
    hold = _hold(db, hold_id)
    audit.append(
        db,
        actor=custodian.name,
        action="evidence.hold",
        entity_type="legal_hold",
        entity_id=hold_id,
        details={"target_type": hold.target_type, "target_id": hold.target_id},
    )
    for item in _items_reached(db, hold):
        record(
            db,
            item_id=item.id,
            event=Event.HOLD,
            custodian=custodian,
            purpose=hold.reason,
            sha256=item.sha256,
            details={"hold": hold_id},
        )
    return hold


def release_hold(db: Session, *, hold_id: int, custodian: Custodian) -> Hold:
    hold = _hold(db, hold_id)
    db.execute(
        update(legal_holds)
        .where(legal_holds.c.id == hold_id, legal_holds.c.released_at.is_(None))
        .values(released_by=custodian.name, released_at=now_text())
    )
    audit.append(
        db,
        actor=custodian.name,
        action="evidence.release",
        entity_type="legal_hold",
        entity_id=hold_id,
        details={},
    )
    for item in _items_reached(db, hold):
        record(
            db,
            item_id=item.id,
            event=Event.RELEASE,
            custodian=custodian,
            purpose="legal hold released",
            sha256=item.sha256,
            details={"hold": hold_id},
        )
    return hold


def _hold(db: Session, hold_id: int) -> Hold:
    row = db.execute(
        select(legal_holds).where(legal_holds.c.id == hold_id, legal_holds.c.released_at.is_(None))
    ).first()
    if row is None:
        raise EvidenceNotFound(f"There is no active legal hold {hold_id}.")
    return Hold(
        id=row.id,
        target_type=row.target_type,
        target_id=row.target_id,
        reason=row.reason,
        placed_by=row.placed_by,
        placed_at=row.placed_at,
    )


def active_holds(db: Session) -> list[Hold]:
    ids = db.scalars(
        select(legal_holds.c.id)
        .where(legal_holds.c.released_at.is_(None))
        .order_by(legal_holds.c.id)
    ).all()
    return [_hold(db, i) for i in ids]


def _items_reached(db: Session, hold: Hold) -> list[ItemView]:
    """The items `hold` reaches (the same rule as `holds_on`, so the two never disagree)."""
    ids = db.scalars(
        select(evidence_items.c.id)
        .where(evidence_items.c.erased_at.is_(None))
        .order_by(evidence_items.c.id)
    ).all()
    items = [get_item(db, i) for i in ids]
    return [item for item in items if holds_on(db, item, [hold])]


def holds_on(db: Session, item: ItemView, holds: list[Hold]) -> tuple[int, ...]:
    """The active holds (of `holds`) that reach `item`."""
    reached = {("item", str(item.id))}
    for link in item.links:
        reached.add((link.type.value, link.id))
        records = []
        if link.type is TargetType.RECORD:
            records.append(link.id)
        elif link.type is TargetType.PERSON:
            records += _person_records(db, link.id)
        else:
            subject = _case_subject(db, int(link.id))
            if subject is not None:
                records.append(subject)
        for key in records:
            reached.add(("record", key))
            person = _person_of(db, key)
            if person is not None:
                reached.add(("person", person))
            reached.update(("case", str(c)) for c in _cases_following(db, key))
    return tuple(h.id for h in holds if (h.target_type, h.target_id) in reached)


def _person_records(db: Session, person_id: str) -> list[str]:
    lr = linked_records.c
    return [
        f"{r.source}:{r.record_id}"
        for r in db.execute(select(lr.source, lr.record_id).where(lr.person_id == person_id))
    ]


def _person_of(db: Session, key: str) -> str | None:
    source, _, record_id = key.partition(":")
    lr = linked_records.c
    found = db.scalar(select(lr.person_id).where(lr.source == source, lr.record_id == record_id))
    return None if found is None else str(found)


def _cases_following(db: Session, key: str) -> list[int]:
    source, _, record_id = key.partition(":")
    return list(
        db.scalars(
            select(cases.c.id).where(
                and_(cases.c.subject_source == source, cases.c.subject_record_id == record_id)
            )
        )
    )


def _case_subject(db: Session, case_id: int) -> str | None:
    row = db.execute(
        select(cases.c.subject_source, cases.c.subject_record_id).where(cases.c.id == case_id)
    ).first()
    return None if row is None else f"{row[0]}:{row[1]}"


# plan and apply --------------------------------------------------------------------------------


def _sources_of(db: Session, item: ItemView) -> set[str]:
    keys: list[str] = []
    for link in item.links:
        if link.type is TargetType.RECORD:
            keys.append(link.id)
        elif link.type is TargetType.PERSON:
            keys += _person_records(db, link.id)
        else:
            subject = _case_subject(db, int(link.id))
            if subject is not None:
                keys.append(subject)
    return {k.partition(":")[0] for k in keys}


def plan(db: Session, *, now: datetime | None = None) -> list[PlanLine]:
    """What `apply` would erase and why, and what a legal hold keeps."""
    now = now or datetime.now(UTC)
    kept_days = rules(db)
    holds = active_holds(db)
    lines = []
    ids = db.scalars(
        select(evidence_items.c.id)
        .where(evidence_items.c.erased_at.is_(None))
        .order_by(evidence_items.c.id)
    ).all()
    for item_id in ids:
        item = get_item(db, item_id)
        sources = _sources_of(db, item)
        if not sources or any(s not in kept_days for s in sources):
            continue
        days = max(kept_days[s] for s in sources)
        ingested = datetime.fromisoformat(item.ingested_at.replace("Z", "+00:00"))
        if now < ingested + timedelta(days=days):
            continue
        longest = max(sources, key=lambda s: kept_days[s])
        why = (
            f"received {item.ingested_at[:10]}; source {longest} keeps evidence {days} days "
            f"(expired {(ingested + timedelta(days=days)).date().isoformat()})"
        )
        held = holds_on(db, item, holds)
        if held:
            lines.append(PlanLine(item_id, "held", why, held))
        else:
            lines.append(PlanLine(item_id, "erase", why))
    return lines


def apply(
    db: Session, *, custodian: Custodian, now: datetime | None = None
) -> tuple[list[PlanLine], list[str]]:
    """Erase (in the database) every item the plan says may go: the plan that was applied and
    the hashes whose files `remove_files` deletes once the transaction is committed."""
    lines = plan(db, now=now)
    gone = [
        erase(db, item_id=line.item_id, custodian=custodian, reason=f"retention: {line.why}")
        for line in lines
        if line.action == "erase"
    ]
    return lines, gone


def remove_files(store: EvidenceStore, hashes: list[str]) -> None:
    """Delete the originals and working copies of erased items (after the erasure committed, so
    a failed transaction never leaves an item without its file)."""
    for sha256 in hashes:
        store.remove(sha256)


def erase(db: Session, *, item_id: int, custodian: Custodian, reason: str) -> str:
    """Erase an item's descriptive fields and log the tombstone, unless a legal hold reaches it;
    return the hash whose files `remove_files` deletes after the commit."""
    item = get_item(db, item_id)
    if item.erased_at is not None:
        raise EvidenceRefused(f"Evidence item {item_id} was already erased.")
    held = holds_on(db, item, active_holds(db))
    if held:
        raise EvidenceRefused(
            f"Evidence item {item_id} is under legal hold {', '.join(map(str, held))}: it cannot "
            "be erased until the hold is released."
        )
    if not reason.strip():
        raise EvidenceRefused("Say why the item is erased (a reason is required).")
    db.execute(
        update(evidence_items)
        .where(evidence_items.c.id == item_id)
        .values(
            erased_at=now_text(),
            file_name=None,
            collected_by=None,
            collected_on=None,
            description=None,
        )
    )
    record(
        db,
        item_id=item_id,
        event=Event.ERASE,
        custodian=custodian,
        purpose=reason.strip(),
        sha256=item.sha256,
        details={"size": item.size, "media_type": item.media_type},
    )
    return item.sha256
