"""Evidence files as the web pages and `kintrace evidence|retention` ask for them (issue 17).

Every function takes the Actor; the custody log names them as the custodian, in their role (the
command line's operator in the role `operator`). Agency scope is applied here, once: a signed-in
user sees an item, adds to a record, person or case, and reads the items on a page only where
their agency may (`kintrace.evidence.scope`; out of scope is "not found", EvidenceNotFound). The
command line's operator works on the installation and sees every agency's items, as with review
(decision 0510). Which roles may read a working copy or an original is the evidence area's rule
(`kintrace.evidence.items`, `.copies`).

The file store is `EvidenceStore` under the data directory (`files_of(settings)`); the caller
gives the database session and commits, except where a function takes the `Store` to run its
own transactions (fixity checks, bundles, erasure), so files are never copied inside a write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy.orm import Session

from kintrace.accounts.actors import Actor
from kintrace.config import Settings
from kintrace.evidence import copies, retention
from kintrace.evidence.custody import ChainCheck, Custodian, CustodyEvent, verify_chain
from kintrace.evidence.errors import EvidenceNotFound
from kintrace.evidence.items import (
    OPERATOR,
    Added,
    Description,
    FixityResult,
    ItemView,
    Target,
    all_item_ids,
    custody_log,
    get_item,
    ingest_file,
    items_for,
    open_original,
    register,
    require_target,
    verify_fixity,
)
from kintrace.evidence.kinds import SUFFIXES, Kind
from kintrace.evidence.retention import Hold, PlanLine
from kintrace.evidence.scope import agencies_of, visible_item
from kintrace.evidence.storage import EvidenceStore, StoredFile
from kintrace.store.engine import Store

if TYPE_CHECKING:  # a bundle loads the time-stamp client and the signer: only bundles pay
    from kintrace.evidence.bundle import BundleReport

__all__ = [
    "SUFFIXES",
    "Added",
    "BundleReport",
    "ChainCheck",
    "CustodyEvent",
    "Description",
    "EvidenceStore",
    "FixityResult",
    "Hold",
    "ItemView",
    "Kind",
    "PlanLine",
    "StoredFile",
    "Target",
    "WorkingCopy",
    "active_holds",
    "add",
    "apply_retention",
    "bundle",
    "check_targets",
    "custodian_of",
    "erase",
    "events",
    "files_of",
    "ingest",
    "item",
    "items_on",
    "original",
    "place_hold",
    "release_hold",
    "retention_plan",
    "set_retention",
    "verify",
    "working_copy",
]

WorkingCopy = copies.WorkingCopy


def files_of(settings: Settings) -> EvidenceStore:
    """The evidence file store of the data directory."""
    return EvidenceStore.of(settings)


def custodian_of(actor: Actor) -> Custodian:
    """The custody log's custodian: the actor's name, in their role (`operator` for the
    command line's operator)."""
    return Custodian(name=actor.name, role=actor.role.value if actor.role else OPERATOR)


def _every_agency(actor: Actor) -> bool:
    return actor.role is None


def _require_visible_target(db: Session, actor: Actor, target: Target) -> None:
    if not _every_agency(actor) and actor.agency_id not in agencies_of(db, target):
        raise EvidenceNotFound(f"There is no {target.type.value} {target.id}.")


def check_targets(db: Session, actor: Actor, targets: Iterable[Target]) -> None:
    """Each target exists and the actor may see it (EvidenceNotFound otherwise); before any
    file is copied."""
    for target in targets:
        _require_visible_target(db, actor, target)
        require_target(db, target)


def ingest(
    files: EvidenceStore,
    stream: BinaryIO,
    *,
    about: Description,
    progress: Callable[[int], None] | None = None,
) -> StoredFile:
    """Stream a file into the store (no database): hashed while copied, refused when its
    content is not of its kind (EvidenceRefused)."""
    return ingest_file(files, stream, about=about, progress=progress)


def add(
    db: Session,
    actor: Actor,
    stored: StoredFile,
    *,
    about: Description,
    targets: Iterable[Target],
) -> Added:
    """Name a stored file as an item (the same bytes twice are one item) and link it to the
    targets (checked with `check_targets` first): custody events `ingest` and `link`."""
    return register(db, stored, about=about, targets=list(targets), custodian=custodian_of(actor))


def item(db: Session, actor: Actor, item_id: int) -> ItemView:
    """The item, if the actor may see it through any of its links (else EvidenceNotFound)."""
    if _every_agency(actor):
        return get_item(db, item_id)
    return visible_item(db, item_id=item_id, agency_id=actor.agency_id)


def events(db: Session, actor: Actor, item_id: int) -> list[CustodyEvent]:
    """The custody log of one item the actor may see, oldest first."""
    item(db, actor, item_id)
    return custody_log(db, item_id)


def items_on(db: Session, actor: Actor, target: Target) -> list[ItemView]:
    """The items linked to a record, person or case page the actor already may see."""
    if not _every_agency(actor) and actor.agency_id not in agencies_of(db, target):
        return []
    return items_for(db, [target])


def working_copy(
    db: Session, files: EvidenceStore, actor: Actor, item_id: int, *, purpose: str
) -> copies.WorkingCopy:
    """The working copy without metadata (made on first use): a custody event `view`."""
    item(db, actor, item_id)
    return copies.working_copy(
        db, files, item_id=item_id, custodian=custodian_of(actor), purpose=purpose
    )


def original(
    db: Session, files: EvidenceStore, actor: Actor, item_id: int, *, purpose: str
) -> tuple[ItemView, Path]:
    """The original's path, for the roles allowed to read originals (EvidenceRefused for the
    others, or without a purpose): a custody event `download`."""
    item(db, actor, item_id)
    return open_original(db, files, item_id=item_id, custodian=custodian_of(actor), purpose=purpose)


@dataclass(frozen=True)
class Verified:
    """Fixity of each checked original, and the custody chain's check."""

    results: list[FixityResult]
    chain: ChainCheck


def verify(
    store: Store, files: EvidenceStore, actor: Actor, item_ids: list[int] | None
) -> Verified:
    """Re-hash the originals (`None`: every item) and check the custody chain; every check is
    a custody event, in a write transaction of its own."""
    with store.session() as db:
        ids = all_item_ids(db) if item_ids is None else list(item_ids)
    with store.session(write=True) as db:
        results = verify_fixity(db, files, item_ids=ids, custodian=custodian_of(actor))
    with store.session() as db:
        chain = verify_chain(db)
    return Verified(results=results, chain=chain)


def bundle(
    store: Store,
    files: EvidenceStore,
    actor: Actor,
    *,
    case: int | None,
    person: str | None,
    out: Path,
    purpose: str,
    tsa_url: str = "",
) -> BundleReport:
    """Write a court bundle of a case or a person, signed with the installation's key
    (SigningKeyError, OSError) and time-stamped when `tsa_url` is given; the export is a
    custody event of every item in it."""
    from kintrace.evidence.bundle import Scope, build_bundle, record_export
    from kintrace.evidence.timestamp import timestamper_for
    from kintrace.signing import load_or_create_signer

    signer = load_or_create_signer(store.settings.home)
    custodian = custodian_of(actor)
    with store.session() as db:
        report = build_bundle(
            db,
            files,
            scope=Scope(case=case, person=person),
            out=out,
            signer=signer,
            custodian=custodian,
            purpose=purpose,
            timestamper=timestamper_for(tsa_url),
        )
    with store.session(write=True) as db:
        record_export(db, report, custodian=custodian)
    return report


def place_hold(db: Session, actor: Actor, *, target_type: str, target_id: str, reason: str) -> Hold:
    """A legal hold on a record, person, case or item: nothing it reaches is erased."""
    return retention.place_hold(
        db,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        custodian=custodian_of(actor),
    )


def release_hold(db: Session, actor: Actor, hold_id: int) -> Hold:
    return retention.release_hold(db, hold_id=hold_id, custodian=custodian_of(actor))


def active_holds(db: Session) -> list[Hold]:
    return retention.active_holds(db)


def erase(store: Store, files: EvidenceStore, actor: Actor, item_id: int, *, reason: str) -> None:
    """Erase an item's file, copies and descriptive fields; its hashes and custody log stay.
    Refused under a legal hold."""
    with store.session(write=True) as db:
        sha256 = retention.erase(db, item_id=item_id, custodian=custodian_of(actor), reason=reason)
    retention.remove_files(files, [sha256])


def set_retention(db: Session, actor: Actor, *, source: str, keep_days: int) -> None:
    retention.set_rule(db, source=source, keep_days=keep_days, actor=actor.name)


def retention_plan(db: Session) -> list[PlanLine]:
    return retention.plan(db)


def apply_retention(store: Store, files: EvidenceStore, actor: Actor) -> list[PlanLine]:
    """Erase every item whose retention has passed and that no hold reaches."""
    with store.session(write=True) as db:
        lines, gone = retention.apply(db, custodian=custodian_of(actor))
    retention.remove_files(files, gone)
    return lines
