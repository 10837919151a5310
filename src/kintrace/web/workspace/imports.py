"""Imports from the web: the registry's import service, then the agency scope of the source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.accounts.users import User
from kintrace.store.registry_tables import ImportBatch, QuarantinedRow, Source
from kintrace.web.workspace import scope, search_index


class UploadRefused(ValueError):
    """The file cannot be imported; the message says why and how to fix it."""


def upload_dir(home: Path) -> Path:
    """Where uploads are kept: inside the data directory, like every imported file."""
    path = home / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_for_agency(
    db: Session, *, path: Path, display_name: str, source: str | None, user: User
) -> dict[str, Any]:
    """Import one file as `user`; a source new with this file goes to the user's agency.

    A file naming a source that belongs to another agency is refused before anything is written.
    """
    before = set(db.execute(select(Source.id)).scalars())
    batch_id = _registry_import(db, path=path, source=source, actor=user.username)
    batch = db.get(ImportBatch, batch_id)
    assert batch is not None
    new_sources = set(db.execute(select(Source.id)).scalars()) - before
    for source_id in new_sources:
        scope.assign_source(db, source_id=source_id, agency_id=user.agency_id)
    search_index.refresh(db)
    quarantined = db.execute(
        select(QuarantinedRow.id).where(QuarantinedRow.batch_id == batch_id)
    ).scalars().all()
    return {
        "batch_id": batch_id,
        "file_name": display_name,
        "rows_read": batch.rows_read,
        "rows_new": batch.rows_new,
        "rows_new_versions": batch.rows_new_versions,
        "rows_unchanged": batch.rows_unchanged,
        "rows_rejected": batch.rows_rejected,
        "quarantined_ids": list(quarantined),
    }


def _registry_import(db: Session, *, path: Path, source: str | None, actor: str) -> int:
    """Call the registry's import service; return the import batch id."""
    raise UploadRefused("Importing from the web is not available yet in this version.")
