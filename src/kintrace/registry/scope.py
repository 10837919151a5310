"""Agency scope: a source belongs to one agency; its records are seen by that agency only.

A source with no row in `source_agencies` belongs to the home agency (lists imported from the
command line). Everything outside the user's agency is reported as "not found".
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from kintrace.store.registry_tables import Record, Source
from kintrace.store.web_tables import HOME_AGENCY_ID, record_name_keys, source_agencies


def source_agency():
    """SQL expression: the agency of `Source` (join `source_agencies` outer first)."""
    return func.coalesce(source_agencies.c.agency_id, HOME_AGENCY_ID)


def sources_in_scope(agency_id: int | None):
    """Select of the ids of the sources `agency_id` may see (None: every source, for the
    command line's operator)."""
    if agency_id is None:
        return select(Source.id)
    return (
        select(Source.id)
        .outerjoin(source_agencies, source_agencies.c.source_id == Source.id)
        .where(source_agency() == agency_id)
    )


def record_in_scope(agency_id: int | None) -> ColumnElement[bool]:
    return Record.source_id.in_(sources_in_scope(agency_id))


def agency_of_source(db: Session, source_id: int) -> int:
    found = db.execute(
        select(source_agencies.c.agency_id).where(source_agencies.c.source_id == source_id)
    ).scalar_one_or_none()
    return int(found) if found is not None else HOME_AGENCY_ID


def assign_source(db: Session, *, source_id: int, agency_id: int) -> None:
    """Give a source (and so its records, and their search keys) to an agency."""
    db.execute(source_agencies.delete().where(source_agencies.c.source_id == source_id))
    db.execute(source_agencies.insert().values(source_id=source_id, agency_id=agency_id))
    records = select(Record.id).where(Record.source_id == source_id)
    db.execute(
        update(record_name_keys)
        .where(record_name_keys.c.record_pk.in_(records))
        .values(agency_id=agency_id)
    )
