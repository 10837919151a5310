"""One record as the workspace shows it: every version verbatim, its source, its quarantine.

Scoped to an agency here; read through `kintrace.services.records.read`, which audits the read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kintrace.registry.scope import record_in_scope
from kintrace.store.registry_tables import (
    ImportBatch,
    QuarantinedRow,
    Record,
    RecordVersion,
    Source,
)

FIELDS = (
    "given_name", "family_name", "patronymic", "full_name", "sex", "birth_date", "age",
    "observed_on", "birth_place", "last_known_place", "group_id", "guardian_name",
    "guardian_contact", "notes",
)  # fmt: skip


class RecordNotFound(LookupError):
    """No such record in the user's agency (whether it exists elsewhere is not said)."""


@dataclass(frozen=True)
class VersionView:
    version: int
    fields: dict[str, Any]
    raw: dict[str, Any]
    extras: dict[str, Any]
    file_name: str
    row_number: int
    imported_at: str


@dataclass(frozen=True)
class RecordView:
    pk: int
    source_id: int
    source: str
    record_id: str
    current_version: int
    versions: list[VersionView]
    quarantine: list[dict[str, Any]]

    @property
    def current(self) -> VersionView:
        return next(v for v in self.versions if v.version == self.current_version)


def _loads(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"_": text}
    return value if isinstance(value, dict) else {"_": value}


def load_record(db: Session, *, agency_id: int, record_pk: int) -> RecordView:
    """The record if the agency may see it, else RecordNotFound. Does not audit (see `read`)."""
    found = load_records(db, agency_id=agency_id, record_pks=[record_pk])
    if not found:
        raise RecordNotFound()
    return found[0]


def load_records(db: Session, *, agency_id: int, record_pks: Sequence[int]) -> list[RecordView]:
    """The records among `record_pks` the agency may see, by pk, in three queries whatever
    their number (a person's records: one round trip per table, not per record). Does not
    audit."""
    if not record_pks:
        return []
    rows = db.execute(
        select(Record, Source.name)
        .join(Source, Source.id == Record.source_id)
        .where(Record.id.in_(sorted(set(record_pks))), record_in_scope(agency_id))
        .order_by(Record.id)
    ).all()
    if not rows:
        return []
    records: list[tuple[Record, str]] = [(row[0], row[1]) for row in rows]
    versions: dict[int, list[VersionView]] = {record.id: [] for record, _ in records}
    for v, file_name, started in db.execute(
        select(RecordVersion, ImportBatch.file_name, ImportBatch.started_at)
        .join(ImportBatch, ImportBatch.id == RecordVersion.batch_id)
        .where(RecordVersion.record_pk.in_(list(versions)))
        .order_by(RecordVersion.record_pk, RecordVersion.version.desc())
    ).all():
        versions[v.record_pk].append(
            VersionView(
                version=v.version,
                fields={f: getattr(v, f) for f in FIELDS},
                raw=_loads(v.raw),
                extras=_loads(v.extras),
                file_name=file_name,
                row_number=v.row_number,
                imported_at=str(started)[:19],
            )
        )
    quarantine: dict[tuple[str | None, str | None], list[dict[str, Any]]] = {
        (source, record.record_id): [] for record, source in records
    }
    for q in db.execute(
        select(QuarantinedRow)
        .where(
            or_(
                *[
                    and_(QuarantinedRow.source_name == source, QuarantinedRow.record_id == rid)
                    for source, rid in quarantine
                ]
            )
        )
        .order_by(QuarantinedRow.id)
    ).scalars():
        quarantine[(q.source_name, q.record_id)].append(
            {
                "row_number": q.row_number,
                "file_name": q.file_name,
                "column": q.column,
                "reason": q.reason,
                "resolved": q.resolved_at is not None,
            }
        )
    return [
        RecordView(
            pk=record.id,
            source_id=record.source_id,
            source=source,
            record_id=record.record_id,
            current_version=record.current_version,
            versions=versions[record.id],
            quarantine=quarantine[(source, record.record_id)],
        )
        for record, source in records
    ]
