"""Rows the registry rejected, as an agency may see them: a row belongs to the agency of its
source; a row whose source does not exist yet belongs to the agency of whoever imported it.

A quarantined row holds what the file said (names, birth dates), so every read that shows rows -
the quarantine page, `/api/v1/quarantine`, an import's report - is written to the audit log here,
with the ids of the rows shown and where they were shown, never their content (issue 11,
finding 7).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.accounts.actors import Actor
from kintrace.registry.quarantine import QuarantineEntry, export_quarantine, list_quarantine
from kintrace.registry.scope import sources_in_scope
from kintrace.services.access import agency_scope
from kintrace.services.imports import batch_options, import_for_agency, upload_dir
from kintrace.store.engine import Store
from kintrace.store.registry_tables import ImportBatch, QuarantinedRow, Source
from kintrace.store.web_tables import HOME_AGENCY_ID, users

__all__ = ["QuarantineEntry", "QuarantineRow", "correct", "entries", "export_quarantine"]


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


def _rows(
    db: Session, agency_id: int | None, *, row_id: int | None = None, include_resolved: bool = False
) -> list[QuarantineRow]:
    """The rows `agency_id` may see (None: every agency's, for the command line's operator)."""
    scoped_names = set(
        db.execute(select(Source.name).where(Source.id.in_(sources_in_scope(agency_id)))).scalars()
    )
    all_names = set(db.execute(select(Source.name)).scalars())
    agency_of_actor = dict(db.execute(select(users.c.username, users.c.agency_id)).all())
    stmt = (
        select(QuarantinedRow, ImportBatch.actor)
        .join(ImportBatch, ImportBatch.id == QuarantinedRow.batch_id)
        .order_by(QuarantinedRow.id)
    )
    if not include_resolved:
        stmt = stmt.where(QuarantinedRow.resolved_at.is_(None))
    if row_id is not None:
        stmt = stmt.where(QuarantinedRow.id == row_id)
    result = []
    for row, actor in db.execute(stmt):
        if agency_id is None:
            visible = True
        elif row.source_name in all_names:
            visible = row.source_name in scoped_names
        else:
            # "cli:LOGIN as USER" imported in USER's place, for USER's agency (decision 0424)
            importer = str(actor).rsplit(" as ", 1)[-1]
            visible = agency_of_actor.get(importer, HOME_AGENCY_ID) == agency_id
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


#: The audit action of a read that shows quarantined rows; `details.shown_in` says where.
READ_ACTION = "quarantine.read"


def open_rows(db: Session, actor: Actor, *, shown_in: str = "page") -> list[QuarantineRow]:
    """The open rows the actor's agency may see, audited as shown in `shown_in` ("page", "api")."""
    rows = _rows(db, actor.agency_id)
    _audit(db, actor, rows, shown_in=shown_in)
    return rows


def rows_of_import(db: Session, actor: Actor, row_ids: list[int]) -> list[QuarantineRow]:
    """The open rows among `row_ids` (an import's report lists those it held back), audited."""
    wanted = set(row_ids)
    rows = [r for r in _rows(db, actor.agency_id) if r.id in wanted] if wanted else []
    _audit(db, actor, rows, shown_in="import report")
    return rows


def open_row(db: Session, actor: Actor, *, row_id: int) -> QuarantineRow | None:
    """One open row for correcting it (its content goes back into an import, not onto a page:
    the page that follows is audited by `open_rows`)."""
    found = _rows(db, actor.agency_id, row_id=row_id)
    return found[0] if found else None


#: The longest value a corrected cell keeps.
MAX_CORRECTED = 2000


def correct(
    db: Session, *, store: Store, actor: Actor, row_id: int, given: Mapping[str, str]
) -> dict[str, Any] | None:
    """Re-import one held-back row with the values `given` (by the row's column names; a column
    not given keeps the value as written), as a one-row CSV file in the data directory, read
    with the options of the import that held it back; the registry resolves the row it replaces.
    The report is `kintrace.services.imports.import_for_agency`'s (UploadRefused when the file
    is refused); None when the row is not open or not the actor's agency's."""
    row = open_row(db, actor, row_id=row_id)
    if row is None:
        return None
    corrected = {key: str(given.get(key, value))[:MAX_CORRECTED] for key, value in row.raw.items()}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(corrected))
    writer.writeheader()
    writer.writerow(corrected)
    target = upload_dir(store.settings.home) / f"{uuid.uuid4().hex[:12]}-fix-{row_id}.csv"
    target.write_text(buffer.getvalue(), encoding="utf-8")
    return import_for_agency(
        db,
        store=store,
        path=target,
        display_name=row.file_name,
        source=None if any(k.lower() == "source" for k in row.raw) else row.source_name,
        actor=actor,
        read=batch_options(db, row.batch_id),
    )


def entries(
    db: Session,
    actor: Actor,
    *,
    include_resolved: bool = False,
    file_name: str | None = None,
    limit: int | None = None,
    shown_in: str = "command line",
) -> list[QuarantineEntry]:
    """Held-back rows with everything `kintrace quarantine list|export` shows or writes (the
    registry's entries, resolved ones too if asked), of the actor's agency only, by the same
    rule as the web's page (the command line's operator: every agency's, decision 0424);
    audited as shown in `shown_in` ("command line", "export")."""
    scope = agency_scope(actor)
    visible = {r.id for r in _rows(db, scope, include_resolved=include_resolved)}
    found = [
        e
        for e in list_quarantine(db, include_resolved=include_resolved, file_name=file_name)
        if e.id in visible
    ]
    found = found[:limit] if limit is not None else found
    _audit(db, actor, found, shown_in=shown_in)
    return found


def _audit(
    db: Session,
    actor: Actor,
    rows: Sequence[QuarantineRow] | Sequence[QuarantineEntry],
    *,
    shown_in: str,
) -> None:
    """One audit entry naming the rows shown (their ids, never their content) and where."""
    if not rows:
        return  # nothing of a child was shown
    audit.append(
        db,
        actor=actor.name,
        action=READ_ACTION,
        entity_type="quarantined_row",
        entity_id="-",
        details={"shown_in": shown_in, "row_ids": [r.id for r in rows]},
    )
