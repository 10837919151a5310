"""Imports from the web: the registry's import service, then the agency scope of the source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.accounts.users import User
from kintrace.registry.errors import RegistryError
from kintrace.registry.importer import import_file
from kintrace.registry.readers import open_reader
from kintrace.store.engine import Store
from kintrace.store.registry_tables import QuarantinedRow, Source
from kintrace.web.workspace import scope, search_index


class UploadRefused(ValueError):
    """The file cannot be imported; the message says why and how to fix it."""


def upload_dir(home: Path) -> Path:
    """Where uploads are kept: inside the data directory, like every imported file."""
    path = home / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_for_agency(
    db: Session,
    *,
    store: Store,
    path: Path,
    display_name: str,
    source: str | None,
    user: User,
) -> dict[str, Any]:
    """Import one file as `user` with the registry's service; sources new with this file go to
    the user's agency. A file naming a source of another agency is refused before any write.

    The registry runs its own transaction, so the caller's session must hold no write lock.
    """
    _refuse_foreign_sources(db, path=path, source=source, agency_id=user.agency_id)
    db.commit()  # release the request's transaction: the import takes the write lock itself
    before = set(db.execute(select(Source.id)).scalars())
    db.commit()
    try:
        summary = import_file(store, path, actor=user.username, source=source)
    except RegistryError as exc:
        raise UploadRefused(str(exc)) from None
    new_sources = set(db.execute(select(Source.id)).scalars()) - before
    for source_id in new_sources:
        scope.assign_source(db, source_id=source_id, agency_id=user.agency_id)
    search_index.refresh(db)
    quarantined = (
        db.execute(select(QuarantinedRow.id).where(QuarantinedRow.batch_id == summary.batch_id))
        .scalars()
        .all()
    )
    return {
        "batch_id": summary.batch_id,
        "file_name": display_name,
        "already_imported": summary.already_imported,
        "rows_read": summary.rows_read,
        "rows_new": summary.new,
        "rows_new_versions": summary.new_versions,
        "rows_unchanged": summary.unchanged,
        "rows_rejected": summary.rejected,
        "rows_resolved": summary.resolved,
        "quarantined_ids": list(quarantined),
    }


def _refuse_foreign_sources(db: Session, *, path: Path, source: str | None, agency_id: int) -> None:
    names = {source} if source else set()
    try:
        reader = open_reader(path)
    except RegistryError as exc:
        raise UploadRefused(str(exc)) from None
    try:
        for row in reader.rows():
            for key, value in row.cells.items():
                if key.strip().lower() == "source" and value.strip():
                    names.add(value.strip())
    finally:
        reader.close()
    if not names:
        return
    foreign = (
        db.execute(
            select(Source.name).where(
                Source.name.in_(names), Source.id.not_in(scope.sources_in_scope(agency_id))
            )
        )
        .scalars()
        .first()
    )
    if foreign is not None:
        raise UploadRefused(
            "The file names a source that is not your agency's. Rename the source in the file "
            "(or with the source field) and upload it again."
        )
