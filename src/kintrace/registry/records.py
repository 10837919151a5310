"""Finding and showing records.

`search_records` takes a `RecordQuery`; today it matches text in the names as written
(case-insensitive, any script). A name-key search (kintrace.names) can be added as another field
of the query without changing callers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from kintrace.registry.errors import NotFound
from kintrace.store.registry_tables import ImportBatch, Record, RecordVersion, Source

SHOWN_FIELDS = (
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
class RecordQuery:
    """What to look for. `text`: words that must all appear in the names as written."""

    text: str = ""
    source: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class RecordHit:
    source: str
    record_id: str
    version: int
    name: str
    sex: str | None
    birth_date: str | None
    age: int | None


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


def display_name(version: RecordVersion) -> str:
    parts = [version.family_name, version.given_name, version.patronymic]
    name = " ".join(p for p in parts if p)
    return name or version.full_name or ""


def search_records(session: Session, query: RecordQuery) -> list[RecordHit]:
    """Current versions whose names contain every word of `query.text` (case-insensitive)."""
    words = [w for w in query.text.casefold().split() if w]
    statement = (
        select(Source.name, Record.record_id, RecordVersion)
        .join(Record, Record.source_id == Source.id)
        .join(
            RecordVersion,
            and_(
                RecordVersion.record_pk == Record.id,
                RecordVersion.version == Record.current_version,
            ),
        )
        .order_by(Source.name, Record.record_id)
        .limit(query.limit)
    )
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(RecordVersion.search_text.like(f"%{escaped}%", escape="\\"))
    if query.source:
        statement = statement.where(Source.name == query.source)
    return [
        RecordHit(
            source=source,
            record_id=record_id,
            version=version.version,
            name=display_name(version),
            sex=version.sex,
            birth_date=version.birth_date,
            age=version.age,
        )
        for source, record_id, version in session.execute(statement)
    ]


def parse_record_ref(ref: str) -> tuple[str, str]:
    """'SOURCE:ID' -> (source, record_id); the id may itself contain ':'."""
    source, sep, record_id = ref.partition(":")
    if not sep or not source or not record_id:
        raise NotFound(
            f"'{ref}' is not a record reference: write SOURCE:RECORD_ID, e.g. family-reports:17."
        )
    return source, record_id


def show_record(session: Session, source: str, record_id: str) -> RecordView:
    """A record with all its versions, oldest first."""
    found = session.execute(
        select(Record)
        .join(Source, Source.id == Record.source_id)
        .where(Source.name == source, Record.record_id == record_id)
    ).scalar_one_or_none()
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
        versions=[
            VersionView(
                version=v.version,
                batch_id=v.batch_id,
                file_name=file_name,
                row_number=v.row_number,
                imported_at=started_at,
                content_hash=v.content_hash,
                fields={name: getattr(v, name) for name in SHOWN_FIELDS},
                extras=json.loads(v.extras) if v.extras else {},
                raw=json.loads(v.raw),
            )
            for v, file_name, started_at in rows
        ],
    )
