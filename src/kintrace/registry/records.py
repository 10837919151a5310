"""Showing records by reference (SOURCE:ID) with every version.

Finding records is `kintrace.registry.search` (the name-key search), reached through
`kintrace.services.records` by the web, the API and the command line alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.registry.errors import NotFound
from kintrace.registry.scope import record_in_scope
from kintrace.store.registry_tables import ImportBatch, Record, RecordVersion, Source

#: The fields a record version keeps as read from its row (not the birth year, month and day
#: derived from `birth_date`, nor the search text): shown with every version here and written
#: into evidence bundles (`kintrace.evidence.bundle`).
VERSION_FIELDS = (
    "given_name",
    "family_name",
    "patronymic",
    "full_name",
    "sex",
    "birth_date",
    "birth_date_precision",
    "age",
    "observed_on",
    "birth_place",
    "last_known_place",
    "group_id",
    "guardian_name",
    "guardian_contact",
    "notes",
)


@dataclass(frozen=True)
class VersionView:
    version: int
    batch_id: int
    file_name: str
    row_number: int
    imported_at: Any
    content_hash: str
    fields: dict[str, Any]
    extras: dict[str, str]
    raw: dict[str, str]


@dataclass(frozen=True)
class RecordView:
    source: str
    record_id: str
    current_version: int
    versions: list[VersionView] = field(default_factory=list)
    pk: int | None = None  # the record's row id (for the audit entry of a read)


def parse_record_ref(ref: str) -> tuple[str, str]:
    """'SOURCE:ID' -> (source, record_id); the id may itself contain ':'."""
    source, sep, record_id = ref.partition(":")
    if not sep or not source or not record_id:
        raise NotFound(
            f"'{ref}' is not a record reference: write SOURCE:RECORD_ID, e.g. family-reports:17."
        )
    return source, record_id


def show_record(
    session: Session, source: str, record_id: str, *, agency_id: int | None = None
) -> RecordView:
    """A record with all its versions, oldest first. With `agency_id`, a record of another
    agency is not found (as if absent)."""
    query = (
        select(Record)
        .join(Source, Source.id == Record.source_id)
        .where(Source.name == source, Record.record_id == record_id)
    )
    if agency_id is not None:
        query = query.where(record_in_scope(agency_id))
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        raise NotFound(
            f"There is no record {source}:{record_id}. `kintrace records search` finds records."
        )
    rows = session.execute(
        select(RecordVersion, ImportBatch.file_name, ImportBatch.started_at)
        .join(ImportBatch, ImportBatch.id == RecordVersion.batch_id)
        .where(RecordVersion.record_pk == found.id)
        .order_by(RecordVersion.version)
    ).all()
    return RecordView(
        source=source,
        record_id=record_id,
        current_version=found.current_version,
        pk=found.id,
        versions=[
            VersionView(
                version=v.version,
                batch_id=v.batch_id,
                file_name=file_name,
                row_number=v.row_number,
                imported_at=started_at,
                content_hash=v.content_hash,
                fields={name: getattr(v, name) for name in VERSION_FIELDS},
                extras=json.loads(v.extras) if v.extras else {},
                raw=json.loads(v.raw),
            )
            for v, file_name, started_at in rows
        ],
    )
