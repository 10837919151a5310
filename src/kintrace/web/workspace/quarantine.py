"""Rows the registry rejected, as an agency may see them: a row belongs to the agency of its
source; a row whose source does not exist yet belongs to the agency of whoever imported it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.registry.scope import sources_in_scope
from kintrace.store.registry_tables import ImportBatch, QuarantinedRow, Source
from kintrace.store.web_tables import HOME_AGENCY_ID, users


@dataclass(frozen=True)
class QuarantineRow:
    id: int
    file_name: str
    row_number: int
    source_name: str | None
    record_id: str | None
    column: str | None
    reason: str
    raw: dict[str, Any]
    batch_id: int | None = None  # the import that held it back (how its file was read)


def _rows(db: Session, agency_id: int, *, row_id: int | None = None) -> list[QuarantineRow]:
    scoped_names = set(
        db.execute(select(Source.name).where(Source.id.in_(sources_in_scope(agency_id)))).scalars()
    )
    all_names = set(db.execute(select(Source.name)).scalars())
    agency_of_actor = dict(db.execute(select(users.c.username, users.c.agency_id)).all())
    stmt = (
        select(QuarantinedRow, ImportBatch.actor)
        .join(ImportBatch, ImportBatch.id == QuarantinedRow.batch_id)
        .where(QuarantinedRow.resolved_at.is_(None))
        .order_by(QuarantinedRow.id)
    )
    if row_id is not None:
        stmt = stmt.where(QuarantinedRow.id == row_id)
    result = []
    for row, actor in db.execute(stmt):
        if row.source_name in all_names:
            visible = row.source_name in scoped_names
        else:
            visible = agency_of_actor.get(actor, HOME_AGENCY_ID) == agency_id
        if not visible:
            continue
        try:
            raw = json.loads(row.raw)
        except ValueError:
            raw = {}
        result.append(
            QuarantineRow(
                id=row.id,
                file_name=row.file_name,
                row_number=row.row_number,
                source_name=row.source_name,
                record_id=row.record_id,
                column=row.column,
                reason=row.reason,
                raw=raw if isinstance(raw, dict) else {},
                batch_id=row.batch_id,
            )
        )
    return result


def open_rows(db: Session, *, agency_id: int) -> list[QuarantineRow]:
    return _rows(db, agency_id)


def open_row(db: Session, *, agency_id: int, row_id: int) -> QuarantineRow | None:
    found = _rows(db, agency_id, row_id=row_id)
    return found[0] if found else None
