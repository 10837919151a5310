"""Importing one records file: one transaction, streamed, idempotent, versioned, audited.

How it stays fast and bounded on a million rows (see docs/decisions/0001-import-design.md):
rows are streamed and written in chunks with Core executemany; the only per-record state kept in
memory is, per source, record_id -> a 62-bit prefix of the content hash plus a "seen in this file"
bit; everything else (record ids, versions) is fetched per chunk for the rows that need it.
One audit entry per import carries the counts and a digest of the versions the batch wrote;
every version carries its batch id, so `audit verify` can recompute that digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kintrace import audit, audit_checkpoint
from kintrace.registry import reasons
from kintrace.registry.bulk import BulkWriter
from kintrace.registry.columns import ColumnMapping, map_columns
from kintrace.registry.dates import DAY_FIRST, MONTH_FIRST
from kintrace.registry.errors import ImportRefused, RegistryError
from kintrace.registry.mapfile import ReadOptions, applied, applied_json
from kintrace.registry.ownership import give_new, refuse_foreign
from kintrace.registry.quarantine import QuarantineBook
from kintrace.registry.readers import RowReader, open_reader
from kintrace.registry.sources import SourceDetails, ensure_source
from kintrace.registry.validation import (
    DERIVED_ID_PREFIX,
    FIELD_COLUMNS,
    SOURCE_NAME,
    ParsedRow,
    Rejection,
    RowValidator,
    check_columns,
)
from kintrace.store.engine import Store
from kintrace.store.registry_tables import ImportBatch, Record, RecordVersion, Source
from kintrace.store.web_tables import HOME_AGENCY_ID

ProgressFn = Callable[[int, int], None]
CHUNK_ROWS = 5000
IMPORT_ACTION = "registry.import"
_SOURCES = cast(Table, Source.__table__)
RECORD_COLUMNS = (
    "id",
    "source_id",
    "record_id",
    "current_version",
    "content_hash",
    "created_at",
    "updated_at",
)
VERSION_COLUMNS = (
    "record_pk",
    "version",
    "batch_id",
    "row_number",
    "content_hash",
    "raw",
    *FIELD_COLUMNS,
)
_SEEN = 1


@dataclass
class ImportSummary:
    """What one file did to the registry."""

    file_name: str
    batch_id: int | None = None
    already_imported: bool = False
    file_format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    rows_read: int = 0
    new: int = 0
    unchanged: int = 0
    new_versions: int = 0
    rejected: int = 0
    resolved: int = 0
    sources: list[str] = field(default_factory=list)
    # how the file was read (CSV, XLSX): the header (1-based row, rows) and each column's field
    header_row: int | None = None
    header_rows: int | None = None
    mapping: ColumnMapping | None = None
    derived_ids: bool = False  # no id column: ids derived from each row (decision 0003)
    repeated: int = 0  # rows identical to an earlier row of the file (counted once)


@dataclass
class _SourceState:
    source_id: int
    keys: dict[str, int]
    conflicts: set[str] = field(default_factory=set)
    ids: str | None = None  # "derived", "given" or "mixed" (records made before 0007b), or None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    store: Store,
    path: Path,
    *,
    actor: str,
    source: str | None = None,
    sheet: str | None = None,
    details: SourceDetails | None = None,
    today: date | None = None,
    progress: ProgressFn | None = None,
    read: ReadOptions | None = None,
    agency_id: int = HOME_AGENCY_ID,
) -> ImportSummary:
    """Import one file in one transaction. Raises ImportRefused (nothing written) for a file that
    cannot be imported at all; rows that break a rule go to the quarantine.

    The import is made for `agency_id` (the home agency from the command line): a source it
    declares first, with accepted or quarantined rows alike, becomes that agency's; a file that
    names another agency's source is refused whole (kintrace.registry.ownership, finding 1).

    `read` says how to read the file (header row, column map, date order; a map file or the web
    mapping step); what it leaves open is found in the file (kintrace.registry.columns).
    """
    read = read or ReadOptions()
    if read.source is not None and source is not None and read.source != source:
        raise ImportRefused(
            reasons.MAP_FOR_ANOTHER_SOURCE.format(
                file=path.name, value=read.source[:64], option=source[:64]
            )
        )
    source = source or read.source
    reader = open_reader(
        path,
        sheet=sheet or read.sheet,
        header_row=read.header_row,
        header_rows=read.header_rows,
        limits=store.settings.import_limits,
    )
    try:
        mapping = None
        if reader.columns is not None:
            mapping = map_columns(reader.columns, chosen=read.columns)
            check_columns(reader.columns, source_option=source, label=path.name, mapping=mapping)
        header_row = reader.header.first + 1 if reader.header is not None else None
        header_rows = reader.header.rows if reader.header is not None else None
        how = applied_json(
            applied(read, mapping=mapping, header_row=header_row, header_rows=header_rows)
        )
        sha = file_sha256(path)
        with store.session() as session:
            previous = session.scalars(
                select(ImportBatch.id).where(
                    ImportBatch.file_sha256 == sha,
                    _same(ImportBatch.source_option, source),
                    _same(ImportBatch.sheet, reader.sheet),
                    ImportBatch.read_options == how,
                )
            ).first()
        if previous is not None:
            return ImportSummary(
                file_name=path.name, batch_id=previous, already_imported=True,
                file_format=reader.file_format, mapping=mapping,
                derived_ids=mapping is not None and mapping.derived_ids,
            )  # fmt: skip
        with store.session(write=True) as session:
            run = _ImportRun(
                session,
                reader=reader,
                actor=actor,
                source_option=source,
                details=details,
                agency_id=agency_id,
                today=today or date.today(),
                progress=progress,
                validator=RowValidator(
                    source_option=source,
                    today=today or date.today(),
                    mapping=mapping,
                    date_order=read.date_order,
                ),
            )
            run.summary.header_row, run.summary.header_rows = header_row, header_rows
            run.summary.mapping = mapping
            summary = run.execute(sha, read_options=how, explicit_order=read.date_order)
            # The import's audit entries, vouched for by a signed checkpoint (decision 0415).
            audit_checkpoint.write_after_run(session, store.settings.home)
            return summary
    except OperationalError as exc:
        if "locked" in str(exc.orig) or "busy" in str(exc.orig):
            raise RegistryError(reasons.DATABASE_BUSY.format(file=path.name)) from None
        raise
    finally:
        reader.close()


def _same(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


class _ImportRun:
    def __init__(
        self,
        session: Session,
        *,
        reader: RowReader,
        actor: str,
        source_option: str | None,
        details: SourceDetails | None,
        today: date,
        progress: ProgressFn | None,
        validator: RowValidator,
        agency_id: int = HOME_AGENCY_ID,
    ) -> None:
        self.session = session
        self.agency_id = agency_id
        self.declared: dict[str, int] = {}  # sources named by quarantined rows only
        self.validator = validator
        self.derive_ids = validator.derive_ids
        self.reader = reader
        self.actor = actor
        self.source_option = source_option
        self.details = details
        self.today = today
        self.progress = progress
        self.states: dict[str, _SourceState] = {}
        self.deferred_audit: list[dict[str, Any]] = []
        # Digest of the versions written, in insertion (= id) order; see versions_digest().
        self.digest = hashlib.sha256()
        self.digest_count = 0
        self.new_rows: list[tuple[int, ParsedRow, int]] = []
        self.repeats: dict[tuple[int, str], list[int]] = {}
        self.changed_rows: list[tuple[int, ParsedRow, int]] = []
        self.now = datetime.now(UTC)
        self.summary = ImportSummary(
            file_name=reader.path.name,
            file_format=reader.file_format,
            encoding=reader.encoding,
            delimiter=reader.delimiter,
            sheet=reader.sheet,
        )

    def execute(
        self, sha: str, *, read_options: str | None = None, explicit_order: str | None = None
    ) -> ImportSummary:
        self.summary.derived_ids = self.derive_ids
        batch = ImportBatch(
            file_name=self.reader.path.name,
            file_sha256=sha,
            file_format=self.reader.file_format,
            encoding=self.reader.encoding,
            delimiter=self.reader.delimiter,
            sheet=self.reader.sheet,
            source_option=self.source_option,
            actor=self.actor,
            started_at=self.now,
            rows_read=0, rows_new=0, rows_unchanged=0, rows_new_versions=0,
            rows_rejected=0, rows_resolved=0, read_options=read_options,
        )  # fmt: skip
        self.bulk = BulkWriter(self.session, now=self.now)
        self.session.add(batch)
        self.session.flush()
        self.batch_id = batch.id
        self.quarantine = QuarantineBook(
            self.session, batch_id=batch.id, file_name=batch.file_name, now=self.now
        )
        validator = self.validator
        for raw in self.reader.rows():
            self.summary.rows_read += 1
            result = validator.parse(raw.cells, raw.problem, number=raw.number)
            if isinstance(result, Rejection):
                self.quarantine.reject(raw.number, result)
            else:
                self._accept(raw.number, result)
            if len(self.new_rows) + len(self.changed_rows) >= CHUNK_ROWS:
                self._flush()
        self._flush()
        if self.summary.rows_read == 0:
            raise ImportRefused(reasons.NO_ROWS.format(file=batch.file_name))
        if explicit_order is None:
            _refuse_month_first(batch.file_name, validator.order_evidence)
        self._undo_conflicts()
        self._declare_quarantined_sources()
        self.summary.rejected = self.quarantine.rejected
        self.summary.resolved = self.quarantine.resolve(self._valid_key, self.batch_id)
        self._finish(batch, sha)
        return self.summary

    # --- classification ------------------------------------------------------------------

    def _accept(self, number: int, row: ParsedRow) -> None:
        state = self._state(row.source)
        if not self._same_kind_of_ids(state, row):
            self.quarantine.reject(
                number,
                Rejection("record_id", reasons.EMPTY_ID, row.source, None, row.raw_json),
            )
            return
        key = row.record_id
        if key in state.conflicts:
            self.quarantine.reject(
                number, _duplicate(row, reasons.MORE_THAN_ONCE, derived=self.derive_ids)
            )
            return
        marker = (int(row.content_hash[:16], 16) >> 2) << 1 | _SEEN
        known = state.keys.get(key)
        if known is None:
            state.keys[key] = marker
            self.new_rows.append((state.source_id, row, number))
        elif known & _SEEN:
            if known == marker:
                # The same row twice: nothing new, but remember where, in case a third row
                # contradicts them and they all have to be held back.
                self.summary.unchanged += 1
                self.summary.repeated += 1
                self.repeats.setdefault((state.source_id, key), []).append(number)
            else:
                state.conflicts.add(key)
                self.quarantine.reject(
                    number, _duplicate(row, reasons.EARLIER, derived=self.derive_ids)
                )
        elif known | _SEEN == marker:
            state.keys[key] = marker
            self.summary.unchanged += 1
            self.quarantine.note_valid(row.source, key, row.quarantine_id)
        else:
            state.keys[key] = marker
            self.changed_rows.append((state.source_id, row, number))

    def _same_kind_of_ids(self, state: _SourceState, row: ParsedRow) -> bool:
        """A source's ids come all from an id column or all derived from the rows (decision
        0003): a file of the other kind is refused whole (it would register every child of the
        list a second time); a quarantine-export row without an id, for a source with ids, is
        held back again (it needs its id)."""
        kind = "derived" if row.derived else "given"
        if state.ids is None:
            state.ids = kind
        if state.ids in (kind, "mixed"):
            return True
        label, name = self.reader.path.name, row.source
        if self.derive_ids:
            raise ImportRefused(reasons.IDS_FROM_A_COLUMN.format(file=label, name=name))
        if row.derived:
            return False
        raise ImportRefused(reasons.IDS_DERIVED.format(file=label, name=name))

    def _own_source(self, name: str) -> Source:
        """The source `name`, created for this import's agency if new; refused (the whole file)
        if it is another agency's."""
        known = self.session.scalars(select(Source.id).where(Source.name == name)).one_or_none()
        if known is not None:
            refuse_foreign(
                self.session,
                source_id=known,
                name=name,
                agency_id=self.agency_id,
                label=self.reader.path.name,
            )
        details = self.details if name == self.source_option else None
        source = ensure_source(
            self.session,
            name,
            actor=self.actor,
            details=details,
            deferred_audit=self.deferred_audit,
        )
        if known is None:
            give_new(self.session, source_id=source.id, agency_id=self.agency_id)
        return source

    def _declare_quarantined_sources(self) -> None:
        """A source named only by rows that went to the quarantine is declared all the same:
        it exists and is this agency's from now on, so no other agency can claim it (and see
        the rows, or their records once corrected). Names no source may have are left out (the
        rows say why); no other agency can create a source of that name either."""
        for name in sorted(self.quarantine.source_names - set(self.states)):
            if SOURCE_NAME.match(name):
                self.declared[name] = self._own_source(name).id

    def _state(self, name: str) -> _SourceState:
        state = self.states.get(name)
        if state is None:
            source = self._own_source(name)
            keys = {
                record_id: (int(content_hash[:16], 16) >> 2) << 1
                for record_id, content_hash in self.session.execute(
                    select(Record.record_id, Record.content_hash).where(
                        Record.source_id == source.id
                    )
                )
            }
            state = self.states[name] = _SourceState(source.id, keys, ids=_id_kind(keys))
            self.summary.sources.append(name)
        return state

    def _valid_key(self, source: str | None, record_id: str | None) -> bool:
        state = self.states.get(source or "")
        if state is None or record_id is None or record_id in state.conflicts:
            return False
        return bool(state.keys.get(record_id, 0) & _SEEN)

    # --- writing -------------------------------------------------------------------------

    def _flush(self) -> None:
        versions: list[tuple[Any, ...]] = []
        bulk = self.bulk
        if self.new_rows:
            ids = bulk.allocate_record_ids(len(self.new_rows))
            records = []
            for pk, (source_id, row, number) in zip(ids, self.new_rows, strict=True):
                records.append(
                    (pk, source_id, row.record_id, 1, row.content_hash, bulk.now, bulk.now)
                )
                versions.append(self._version(pk, 1, row, number))
                self.quarantine.note_valid(row.source, row.record_id, row.quarantine_id)
            bulk.insert("records", RECORD_COLUMNS, records)
            self.summary.new += len(self.new_rows)
        if self.changed_rows:
            updates = []
            for pk, current, (_, row, number) in self._current_versions(self.changed_rows):
                versions.append(self._version(pk, current + 1, row, number))
                updates.append((current + 1, row.content_hash, pk))
                self.quarantine.note_valid(row.source, row.record_id, row.quarantine_id)
            bulk.update_current_versions(updates)
            self.summary.new_versions += len(self.changed_rows)
        bulk.insert("record_versions", VERSION_COLUMNS, versions)
        self.quarantine.flush()
        self.new_rows.clear()
        self.changed_rows.clear()
        if self.progress is not None:
            self.progress(self.reader.done(), self.reader.total)

    def _current_versions(
        self, rows: list[tuple[int, ParsedRow, int]]
    ) -> list[tuple[int, int, tuple[int, ParsedRow, int]]]:
        by_source: dict[int, list[str]] = {}
        for source_id, row, _ in rows:
            by_source.setdefault(source_id, []).append(row.record_id)
        found: dict[tuple[int, str], tuple[int, int]] = {}
        for source_id, keys in by_source.items():
            query = select(Record.id, Record.record_id, Record.current_version).where(
                Record.source_id == source_id, Record.record_id.in_(keys)
            )
            for pk, record_id, current in self.session.execute(query):
                found[(source_id, record_id)] = (pk, current)
        return [(*found[(item[0], item[1].record_id)], item) for item in rows]

    def _version(self, pk: int, version: int, row: ParsedRow, number: int) -> tuple[Any, ...]:
        self.digest.update(f"{pk}:{version}:{row.content_hash}\n".encode())
        self.digest_count += 1
        return (pk, version, self.batch_id, number, row.content_hash, row.raw_json, *row.values)

    def _undo_conflicts(self) -> None:
        """Take back the first row of every key that appeared with different contents: nobody
        can tell which row is right, so all of them go to the quarantine."""
        for name, state in self.states.items():
            if not state.conflicts:
                continue
            query = (
                select(RecordVersion, Record)
                .join(Record, Record.id == RecordVersion.record_pk)
                .where(
                    RecordVersion.batch_id == self.batch_id,
                    Record.source_id == state.source_id,
                    Record.record_id.in_(sorted(state.conflicts)),
                )
            )
            for version, record in self.session.execute(query).all():
                repeated = self.repeats.get((state.source_id, record.record_id), [])
                for number in (version.row_number, *repeated):
                    self.quarantine.reject_written(
                        number,
                        source=name,
                        record_id=record.record_id,
                        raw_json=version.raw,
                        reason=reasons.DERIVED_DUPLICATE if self.derive_ids else None,
                    )
                self.summary.unchanged -= len(repeated)
                self.session.execute(delete(RecordVersion).where(RecordVersion.id == version.id))
                if version.version == 1:
                    self.session.execute(delete(Record).where(Record.id == record.id))
                    self.summary.new -= 1
                else:
                    previous = self.session.execute(
                        select(RecordVersion.content_hash).where(
                            RecordVersion.record_pk == record.id,
                            RecordVersion.version == version.version - 1,
                        )
                    ).scalar_one()
                    self.session.execute(
                        update(Record)
                        .where(Record.id == record.id)
                        .values(current_version=version.version - 1, content_hash=previous),
                        execution_options={"synchronize_session": False},
                    )
                    self.summary.new_versions -= 1
        self.quarantine.flush()

    def _finish(self, batch: ImportBatch, sha: str) -> None:
        if any(state.conflicts for state in self.states.values()):
            digest, count = versions_digest(self.session, self.batch_id)  # some were taken back
        else:
            digest, count = self.digest.hexdigest(), self.digest_count
        s = self.summary
        batch.finished_at = datetime.now(UTC)
        batch.rows_read, batch.rows_new, batch.rows_unchanged = s.rows_read, s.new, s.unchanged
        batch.rows_new_versions, batch.rows_rejected = s.new_versions, s.rejected
        batch.rows_resolved, batch.versions_digest = s.resolved, digest
        if len(self.states) == 1:
            batch.source_id = next(iter(self.states.values())).source_id
        elif not self.states and len(self.declared) == 1:
            batch.source_id = next(iter(self.declared.values()))
        for state in self.states.values():
            self.session.execute(
                update(_SOURCES).where(_SOURCES.c.id == state.source_id).values(file_sha256=sha)
            )
        self.session.flush()
        # Audit entries last: on PostgreSQL the audit lock is then held only until the commit.
        for entry in self.deferred_audit:
            audit.append(self.session, **entry)
        audit.append(
            self.session,
            actor=self.actor,
            action=IMPORT_ACTION,
            entity_type="import_batch",
            entity_id=batch.id,
            details={
                "file_name": batch.file_name,
                "file_sha256": sha,
                "format": batch.file_format,
                "sources": sorted(self.states),
                "rows_read": s.rows_read,
                "new": s.new,
                "unchanged": s.unchanged,
                "new_versions": s.new_versions,
                "rejected": s.rejected,
                "resolved": s.resolved,
                "versions": count,
                "versions_digest": digest,
            },
        )
        s.batch_id = batch.id


def _duplicate(row: ParsedRow, where: str, *, derived: bool = False) -> Rejection:
    reason = reasons.DERIVED_DUPLICATE if derived else reasons.DUPLICATE_ID.format(where=where)
    return Rejection("record_id", reason, row.source, row.record_id, row.raw_json)


def _is_derived(record_id: str) -> bool:
    return record_id.startswith(DERIVED_ID_PREFIX) and len(record_id) == 23


def _id_kind(keys: dict[str, int]) -> str | None:
    """How a source's records got their ids: "derived", "given", "mixed", or None (none yet)."""
    if not keys:
        return None
    derived = sum(1 for k in keys if _is_derived(k))
    return "derived" if derived == len(keys) else "given" if derived == 0 else "mixed"


def _refuse_month_first(label: str, evidence: dict[str, int]) -> None:
    """A file whose slashed dates read month-first only, and never day-first only, is a US-order
    list: reading its other dates day-first would swap day and month, so it is refused whole."""
    if MONTH_FIRST in evidence and DAY_FIRST not in evidence:
        raise ImportRefused(reasons.MONTH_FIRST_FILE.format(file=label, row=evidence[MONTH_FIRST]))


def versions_digest(session: Session, batch_id: int) -> tuple[str, int]:
    """SHA-256 over 'record_pk:version:content_hash' lines of the batch's versions, in id order."""
    digest = hashlib.sha256()
    count = 0
    query = (
        select(RecordVersion.record_pk, RecordVersion.version, RecordVersion.content_hash)
        .where(RecordVersion.batch_id == batch_id)
        .order_by(RecordVersion.id)
        .execution_options(yield_per=20000)
    )
    for pk, version, content_hash in session.execute(query):
        digest.update(f"{pk}:{version}:{content_hash}\n".encode())
        count += 1
    return digest.hexdigest(), count
