"""Imports: the registry's import service, for the actor's agency.

From the web and the API (`import_for_agency`), sources new with the file are given to the
actor's agency before any record goes in; a file naming another agency's source is refused whole
(decision 0411). `kintrace import` runs the same registry import (`import_file_as`) for the agency
given by `--agency` (the actor from `kintrace.services.accounts.agency_actor`), which refuses such
a file whole too; its manifest and column-map files are read and written here as well.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kintrace.accounts.actors import Actor
from kintrace.messages import N_
from kintrace.registry import name_index, scope
from kintrace.registry.columns import EXTRA, FIELDS, IGNORE, SYNONYMS, MappingError, map_columns
from kintrace.registry.dates import DATE_ORDERS
from kintrace.registry.errors import RegistryError
from kintrace.registry.importer import ImportSummary, import_file
from kintrace.registry.manifest import ManifestEntry, read_manifest
from kintrace.registry.mapfile import ReadOptions, read_map_file, write_map_file
from kintrace.registry.preview import Preview, batch_options, preview_file, saved_options
from kintrace.registry.readers import open_reader
from kintrace.registry.sources import SOURCE_KINDS, SourceDetails, ensure_source
from kintrace.registry.uploads import StagedUpload, stage_upload, staged_upload, upload_dir
from kintrace.registry.validation import SOURCE_NAME
from kintrace.store.engine import Store, StoreBusy
from kintrace.store.registry_tables import QuarantinedRow, Source

_log = logging.getLogger(__name__)


#: An upload's own refusals (the registry's are in kintrace.registry.reasons); the web translates
#: them by template (kintrace.web.problems, through kintrace.services.reasons).
TOO_LARGE = N_("The file is larger than {size} MiB; split it into smaller files.")
NOT_YOUR_SOURCE = N_(
    "The file names a source that is not your agency's. Rename the source in the file (or with "
    "the source field) and upload it again."
)
REFUSALS = (TOO_LARGE, NOT_YOUR_SOURCE)


class UploadRefused(ValueError):
    """The file cannot be imported; the message says why and how to fix it."""


# With the import itself: the mapping step of the web's import (the upload kept until its
# columns are confirmed, read as the import will read it, with the options of the source's or
# the quarantined row's import) and the column targets the help page lists.
__all__ = [
    "DATE_ORDERS",
    "EXTRA",
    "FIELDS",
    "IGNORE",
    "SOURCE_KINDS",
    "SYNONYMS",
    "ImportSummary",
    "ManifestEntry",
    "Preview",
    "ReadOptions",
    "SourceDetails",
    "StagedUpload",
    "UploadRefused",
    "batch_options",
    "import_file_as",
    "import_for_agency",
    "import_upload",
    "index_names",
    "preview_file",
    "read_manifest",
    "read_map_file",
    "saved_options",
    "stage_limited",
    "stage_upload",
    "staged_upload",
    "upload_dir",
    "write_map_file",
]


def stage_limited(
    home: Path,
    stream: BinaryIO,
    *,
    max_bytes: int,
    name: str | None,
    user_id: int,
    source: str | None,
) -> StagedUpload:
    """Keep an uploaded file (read from `stream`) for its mapping step (`stage_upload`); a file
    larger than `max_bytes` is refused (UploadRefused) and not kept."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(TOO_LARGE.format(size=max_bytes // (1 << 20)))
    return stage_upload(home, data=data, name=name, user_id=user_id, source=source)


def import_upload(
    db: Session,
    *,
    store: Store,
    actor: Actor,
    user_id: int,
    stream: BinaryIO,
    name: str | None,
    source: str | None,
    max_bytes: int = 50 << 20,
) -> dict[str, Any]:
    """Keep an uploaded file in the data directory and import it for the actor's agency with
    the columns found in it, without a mapping step (the JSON API): `import_for_agency`."""
    staged = stage_limited(
        store.settings.home, stream, max_bytes=max_bytes, name=name, user_id=user_id, source=source
    )
    return import_for_agency(
        db,
        store=store,
        path=staged.path,
        display_name=staged.display_name,
        source=source,
        actor=actor,
    )


def import_file_as(
    store: Store,
    actor: Actor,
    path: Path,
    *,
    source: str | None = None,
    sheet: str | None = None,
    details: SourceDetails | None = None,
    read: ReadOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import one file (`kintrace import`) as `actor`, for `actor`'s agency, in the registry's
    own transaction, audited there. A file naming another agency's source is refused whole
    (ImportRefused); sources new with it become the agency's. The new records are then indexed
    for search, in short transactions after the import's commit (decision 0420)."""
    summary = import_file(
        store,
        path,
        actor=actor.name,
        source=source,
        sheet=sheet,
        details=details,
        read=read,
        progress=progress,
        agency_id=actor.agency_id,
    )
    index_names(store)
    return summary


def index_names(store: Store) -> int:
    """Bring the name index up to date after an import's commit (`name_index.catch_up`);
    returns the records indexed. A busy database must not turn an import that went in into a
    failure: nothing is lost, the warning is logged and the next search catches up."""
    try:
        return name_index.catch_up(store)
    except (StoreBusy, OperationalError) as exc:
        _log.warning("name index not brought up to date after the import: %s", type(exc).__name__)
        return 0


def import_for_agency(
    db: Session,
    *,
    store: Store,
    path: Path,
    display_name: str,
    source: str | None,
    actor: Actor,
    read: ReadOptions | None = None,
) -> dict[str, Any]:
    """Import one file as `actor` with the registry's service; sources new with this file go to
    the actor's agency. A file naming a source of another agency is refused before any write.

    New sources are created and given to the agency first, in their own transaction, so no other
    agency can see the records for a moment between the import and the assignment. The registry
    runs its own transaction, so the caller's session must hold no write lock while it does.
    """
    read = read or ReadOptions()
    names = _source_names(path, source, read, store)
    _refuse_foreign_sources(db, names=names, agency_id=actor.agency_id)
    existing = set(db.execute(select(Source.name).where(Source.name.in_(names))).scalars())
    for name in sorted(names - existing):
        if not _valid_source_name(name):
            continue  # the registry rejects the rows and says why
        created = ensure_source(db, name, actor=actor.name)
        scope.assign_source(db, source_id=created.id, agency_id=actor.agency_id)
    db.commit()  # release the request's transaction: the import takes the write lock itself
    try:
        summary = import_file(
            store,
            path,
            actor=actor.name,
            source=source,
            read=read,
            agency_id=actor.agency_id,
        )
    except (RegistryError, MappingError) as exc:
        raise UploadRefused(str(exc)) from None
    index_names(store)  # searchable now, in short writes after the import's commit
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
        "changed": summary.new + summary.new_versions + summary.resolved,
        "derived_ids": summary.derived_ids,
        "rows_repeated": summary.repeated,
        "header_row": summary.header_row,
        "header_rows": summary.header_rows,
    }


def _valid_source_name(name: str) -> bool:
    return SOURCE_NAME.match(name) is not None


def _source_names(path: Path, source: str | None, read: ReadOptions, store: Store) -> set[str]:
    """The sources a file will write to: the `source` option, else its source column (as the
    import will map it)."""
    if source or read.source:
        return {source or read.source or ""}
    names: set[str] = set()
    try:
        reader = open_reader(
            path,
            sheet=read.sheet,
            header_row=read.header_row,
            header_rows=read.header_rows,
            limits=store.settings.import_limits,
        )
    except RegistryError as exc:
        raise UploadRefused(str(exc)) from None
    try:
        if reader.columns is not None:
            mapping = map_columns(reader.columns, chosen=read.columns)
            keys = {mapping.fields["source"]} if "source" in mapping.fields else set()
        else:
            keys = {"source"}
        for row in reader.rows():
            for key, value in row.cells.items():
                if (key in keys or key.strip().lower() == "source") and value.strip():
                    names.add(value.strip())
    except (RegistryError, MappingError) as exc:  # also what the reader finds late: a bad
        raise UploadRefused(str(exc)) from None  # byte, a cell over the limit
    finally:
        reader.close()
    return names


def _refuse_foreign_sources(db: Session, *, names: set[str], agency_id: int) -> None:
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
        raise UploadRefused(NOT_YOUR_SOURCE)
