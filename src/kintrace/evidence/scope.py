"""Which agency may see an evidence item: the agency of anything it is linked to.

An item linked to a record is seen by the agency of the record's source (no row in
`source_agencies`: the home agency); to a person, by the agencies of the person's records; to a
case, by the case's agency (none: the home agency). Out of scope is reported as not found.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kintrace.evidence.errors import EvidenceNotFound
from kintrace.evidence.items import ItemView, Target, TargetType, get_item, items_for
from kintrace.store.linkage_tables import linked_records
from kintrace.store.registry_tables import Source
from kintrace.store.review_tables import cases
from kintrace.store.web_tables import HOME_AGENCY_ID, source_agencies


def _source_agencies(db: Session, source_names: list[str]) -> set[int]:
    if not source_names:
        return set()
    rows = db.execute(
        select(func.coalesce(source_agencies.c.agency_id, HOME_AGENCY_ID))
        .select_from(Source)
        .outerjoin(source_agencies, source_agencies.c.source_id == Source.id)
        .where(Source.name.in_(sorted(set(source_names))))
    ).scalars()
    return {int(a) for a in rows}


def agencies_of(db: Session, target: Target) -> set[int]:
    """The agencies that may see `target`."""
    if target.type is TargetType.RECORD:
        return _source_agencies(db, [target.id.partition(":")[0]])
    if target.type is TargetType.PERSON:
        sources = db.execute(
            select(linked_records.c.source).where(linked_records.c.person_id == target.id)
        ).scalars()
        return _source_agencies(db, list(sources))
    agency = db.execute(
        select(func.coalesce(cases.c.agency_id, HOME_AGENCY_ID)).where(
            and_(cases.c.id == int(target.id))
        )
    ).scalar_one_or_none()
    return set() if agency is None else {int(agency)}


def visible_item(db: Session, *, item_id: int, agency_id: int) -> ItemView:
    """The item if `agency_id` may see it (through any of its links), else EvidenceNotFound."""
    item = get_item(db, item_id)
    if not any(agency_id in agencies_of(db, link) for link in item.links):
        raise EvidenceNotFound(f"There is no evidence item {item_id}.")
    return item


def items_on(db: Session, target: Target, *, agency_id: int) -> list[ItemView]:
    """The items linked to `target`, which the caller already may see."""
    if agency_id not in agencies_of(db, target):
        return []
    return items_for(db, [target])
