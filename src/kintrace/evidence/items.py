"""Evidence items: adding files and linking them to records, persons and cases; the custody log
of an item; originals for investigators; fixity.

An item is one content (one SHA-256). Adding bytes already kept adds a link, not an item: the
same photo sent for two children is one item with two links. The file is in the store before
the row that names it is written, so a transaction that fails leaves at most an unnamed file,
which the next upload of the same bytes adopts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath
from typing import BinaryIO

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kintrace.evidence.custody import Custodian, CustodyEvent, Event, events_of, now_text, record
from kintrace.evidence.errors import EvidenceNotFound, EvidenceRefused, OriginalDamaged
from kintrace.evidence.kinds import Kind, check_kind
from kintrace.evidence.storage import EvidenceStore, StoredFile
from kintrace.store.evidence_tables import evidence_items, evidence_links
from kintrace.store.linkage_tables import linked_records
from kintrace.store.registry_tables import Record, Source
from kintrace.store.review_tables import cases

#: Roles that may read an original (the web's investigator; the command line's operator).
ORIGINAL_READERS = frozenset({"investigator", "operator"})
OPERATOR = "operator"


class TargetType(StrEnum):
    RECORD = "record"
    PERSON = "person"
    CASE = "case"


@dataclass(frozen=True)
class Target:
    """What an item is linked to: a record (SOURCE:ID), a person id or a case number."""

    type: TargetType
    id: str

    @classmethod
    def record(cls, key: str) -> Target:
        source, sep, record_id = key.partition(":")
        if not sep or not source or not record_id:
            raise EvidenceRefused(
                "A record is named SOURCE:ID (the source's name, a colon, the record's id in "
                "that source), e.g. --record camp-list:17."
            )
        return cls(TargetType.RECORD, key)

    @classmethod
    def case(cls, number: int | str) -> Target:
        text = str(number).strip()
        if not text.isdigit() or int(text) <= 0:
            raise EvidenceRefused("A case is named by its number, a whole number above 0.")
        return cls(TargetType.CASE, str(int(text)))

    @classmethod
    def person(cls, person_id: str) -> Target:
        if not person_id.strip():
            raise EvidenceRefused("A person is named by its id, as the person page shows it.")
        return cls(TargetType.PERSON, person_id.strip())

    def label(self) -> str:
        return f"{self.type.value} {self.id}"


@dataclass(frozen=True)
class ItemView:
    id: int
    sha256: str
    sha512: str
    size: int
    media_type: str
    kind: str
    file_name: str | None
    collected_by: str | None
    collected_on: str | None
    description: str | None
    ingested_at: str
    ingested_by: str
    erased_at: str | None
    links: tuple[Target, ...] = ()


@dataclass(frozen=True)
class Added:
    """One added file: its item, whether the item is new, and the links it gained."""

    item: ItemView
    new_item: bool
    new_links: tuple[Target, ...]


@dataclass(frozen=True)
class Description:
    kind: Kind
    file_name: str | None = None
    collected_by: str | None = None
    collected_on: str | None = None
    description: str | None = None


def ingest_file(
    store: EvidenceStore,
    stream: BinaryIO,
    *,
    about: Description,
    progress: Callable[[int], None] | None = None,
) -> StoredFile:
    """Stream a file into the store (no database), refusing content its kind does not accept
    before it is kept."""
    _check_day(about.collected_on)
    return store.ingest(
        stream,
        progress=progress,
        check=lambda media_type: check_kind(
            kind=about.kind, media_type=media_type, file_name=about.file_name
        ),
    )


def register(
    db: Session,
    stored: StoredFile,
    *,
    about: Description,
    targets: Iterable[Target],
    custodian: Custodian,
    purpose: str = "ingest",
) -> Added:
    """Name a stored file as an item (or find the item of the same bytes) and link it."""
    targets = tuple(dict.fromkeys(targets))
    _check_day(about.collected_on)
    if not targets:
        raise EvidenceRefused(
            "An item must be linked to something: give --record SOURCE:ID, --person P or --case N."
        )
    for target in targets:
        require_target(db, target)
    row = db.execute(select(evidence_items).where(evidence_items.c.sha256 == stored.sha256)).first()
    new_item = row is None
    if row is not None and row.erased_at is not None:
        raise EvidenceRefused(
            f"These bytes were evidence item {row.id}, erased on {row.erased_at[:10]}; an erased "
            "item is not brought back. Ask the registry's administrator."
        )
    if row is None:
        item_id = db.execute(
            evidence_items.insert()
            .values(
                sha256=stored.sha256,
                sha512=stored.sha512,
                size=stored.size,
                media_type=stored.media_type,
                kind=about.kind.value,
                file_name=_base_name(about.file_name),
                collected_by=about.collected_by or None,
                collected_on=about.collected_on or None,
                description=about.description or None,
                ingested_at=now_text(),
                ingested_by=custodian.name,
            )
            .returning(evidence_items.c.id)
        ).scalar_one()
        record(
            db,
            item_id=item_id,
            event=Event.INGEST,
            custodian=custodian,
            purpose=purpose,
            sha256=stored.sha256,
            details={"size": stored.size, "sha512": stored.sha512, "media_type": stored.media_type},
        )
    else:
        item_id = row.id
    added: list[Target] = []
    for target in targets:
        if _link(db, item_id=item_id, target=target, custodian=custodian):
            record(
                db,
                item_id=item_id,
                event=Event.LINK,
                custodian=custodian,
                purpose=purpose,
                sha256=stored.sha256,
                details={"target_type": target.type.value, "target_id": target.id},
            )
            added.append(target)
    return Added(item=get_item(db, item_id), new_item=new_item, new_links=tuple(added))


def _check_day(text: str | None) -> None:
    """A collection date is a calendar day, YYYY-MM-DD, not in the future."""
    if not text:
        return
    from datetime import UTC, date, datetime

    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or len(text) != 10 or day > datetime.now(UTC).date():
        raise EvidenceRefused(
            "The collection date must be a day in the form YYYY-MM-DD, not in the future."
        )


def _base_name(name: str | None) -> str | None:
    """Only the last part of a name as sent (a browser may send a whole path)."""
    if not name:
        return None
    return PurePath(name.replace("\\", "/")).name[:512] or None


def _link(db: Session, *, item_id: int, target: Target, custodian: Custodian) -> bool:
    exists = db.execute(
        select(evidence_links.c.id).where(
            evidence_links.c.item_id == item_id,
            evidence_links.c.target_type == target.type.value,
            evidence_links.c.target_id == target.id,
        )
    ).first()
    if exists:
        return False
    db.execute(
        evidence_links.insert().values(
            item_id=item_id,
            target_type=target.type.value,
            target_id=target.id,
            linked_at=now_text(),
            linked_by=custodian.name,
        )
    )
    return True


def require_target(db: Session, target: Target) -> None:
    """Refuse a record, person or case that does not exist."""
    if target.type is TargetType.RECORD:
        source, _, record_id = target.id.partition(":")
        found = db.execute(
            select(Record.id)
            .join(Source, Source.id == Record.source_id)
            .where(Source.name == source, Record.record_id == record_id)
        ).first()
    elif target.type is TargetType.PERSON:
        found = db.execute(
            select(linked_records.c.person_id)
            .where(linked_records.c.person_id == target.id)
            .limit(1)
        ).first()
    else:
        found = db.execute(select(cases.c.id).where(cases.c.id == int(target.id))).first()
    if found is None:
        raise EvidenceNotFound(f"There is no {target.label()}: check it and try again.")


def get_item(db: Session, item_id: int) -> ItemView:
    row = db.execute(select(evidence_items).where(evidence_items.c.id == item_id)).first()
    if row is None:
        raise EvidenceNotFound(f"There is no evidence item {item_id}.")
    links = db.execute(
        select(evidence_links.c.target_type, evidence_links.c.target_id)
        .where(evidence_links.c.item_id == item_id)
        .order_by(evidence_links.c.id)
    ).all()
    values = dict(row._mapping)
    return ItemView(**values, links=tuple(Target(TargetType(t), i) for t, i in links))


def items_for(db: Session, targets: Iterable[Target]) -> list[ItemView]:
    """The items linked to any of `targets`, in id order."""
    conditions = [
        and_(evidence_links.c.target_type == t.type.value, evidence_links.c.target_id == t.id)
        for t in targets
    ]
    if not conditions:
        return []
    ids = db.scalars(select(evidence_links.c.item_id).where(or_(*conditions)).distinct()).all()
    return [get_item(db, item_id) for item_id in sorted(ids)]


def all_item_ids(db: Session) -> list[int]:
    return list(db.scalars(select(evidence_items.c.id).order_by(evidence_items.c.id)))


def custody_log(db: Session, item_id: int) -> list[CustodyEvent]:
    get_item(db, item_id)
    return events_of(db, [item_id])


def open_original(
    db: Session, store: EvidenceStore, *, item_id: int, custodian: Custodian, purpose: str
) -> tuple[ItemView, Path]:
    """The original's path, for a role allowed to read originals; the download is a custody
    event (with the hash the file has now, so a tampered file shows in the log)."""
    if custodian.role not in ORIGINAL_READERS:
        raise EvidenceRefused(
            "Originals are given to the investigator role only; other roles see the working "
            "copy without metadata."
        )
    if not purpose.strip():
        raise EvidenceRefused("Say why the original is downloaded (a purpose is required).")
    item = get_item(db, item_id)
    if item.erased_at is not None:
        raise EvidenceNotFound(f"Evidence item {item_id} was erased on {item.erased_at[:10]}.")
    fixity = store.fixity(item.sha256)
    if fixity.sha256 != item.sha256:
        record(
            db,
            item_id=item_id,
            event=Event.VERIFY,
            custodian=custodian,
            purpose="check before download",
            sha256=fixity.sha256 or "",
            details={"ok": False, "problem": fixity.problem or "hash mismatch"},
        )
        raise OriginalDamaged(
            f"The original of item {item_id} no longer matches its SHA-256 "
            f"({fixity.problem or 'its bytes changed'}); it was not given out. Run "
            "`kintrace evidence verify --all` and tell the registry's administrator."
        )
    record(
        db,
        item_id=item_id,
        event=Event.DOWNLOAD,
        custodian=custodian,
        purpose=purpose.strip(),
        sha256=fixity.sha256,
    )
    return item, store.original_path(item.sha256)


@dataclass(frozen=True)
class FixityResult:
    item_id: int
    ok: bool
    expected: str
    found: str | None
    problem: str | None = None


def verify_fixity(
    db: Session,
    store: EvidenceStore,
    *,
    item_ids: Iterable[int],
    custodian: Custodian,
    progress: Callable[[int], None] | None = None,
) -> list[FixityResult]:
    """Re-hash each original (SHA-256 and SHA-512); every check is a custody event, and a
    mismatch says what was found. Erased items are skipped."""
    results = []
    for item_id in item_ids:
        item = get_item(db, item_id)
        if item.erased_at is not None:
            continue
        fixity = store.fixity(item.sha256)
        problem = fixity.problem
        if problem is None and (fixity.sha256 != item.sha256 or fixity.sha512 != item.sha512):
            problem = "the file's bytes no longer match the hashes taken at ingest"
        results.append(
            FixityResult(
                item_id=item_id,
                ok=problem is None,
                expected=item.sha256,
                found=fixity.sha256,
                problem=problem,
            )
        )
        record(
            db,
            item_id=item_id,
            event=Event.VERIFY,
            custodian=custodian,
            purpose="fixity check",
            sha256=fixity.sha256 or "",
            details={"ok": problem is None, **({"problem": problem} if problem else {})},
        )
        if progress is not None:
            progress(1)
    return results
