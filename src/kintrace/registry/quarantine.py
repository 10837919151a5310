"""The quarantine: rows validation refused, kept with file, row number, column, reason and the
verbatim row until a corrected file re-imports them.

A quarantined row is resolved when a later import brings a valid row with the same
(source, record_id), or a valid row that names it in a `quarantine_id` column (the export below
writes that column, so a caseworker can correct the export itself and import it back).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from kintrace.csv_export import csv_writer
from kintrace.registry import reasons
from kintrace.registry.validation import QUARANTINE_COLUMNS, Rejection, canonical_column
from kintrace.store.registry_tables import QuarantinedRow

_TABLE = cast(Table, QuarantinedRow.__table__)
#: Columns the export adds after the row's own columns; the importer ignores them as data.
EXPORT_COLUMNS = QUARANTINE_COLUMNS


class QuarantineBook:
    """The quarantine side of one import run: buffers new rejections, notes resolutions."""

    def __init__(self, session: Session, *, batch_id: int, file_name: str, now: datetime) -> None:
        self.session = session
        self.batch_id = batch_id
        self.file_name = file_name
        self.now = now
        self.rejected = 0
        self.source_names: set[str] = set()  # the sources the rejected rows name
        self._buffer: list[dict[str, Any]] = []
        self._open_by_key: dict[tuple[str, str], list[int]] = {}
        self._open_ids: set[int] = set()
        self._open_signatures: set[tuple[str, str]] = set()
        self._to_resolve: dict[int, tuple[str, str] | None] = {}
        query = select(
            QuarantinedRow.id,
            QuarantinedRow.source_name,
            QuarantinedRow.record_id,
            QuarantinedRow.raw_hash,
            QuarantinedRow.reason,
        ).where(QuarantinedRow.resolved_at.is_(None))
        for entry_id, source, record_id, raw_hash, reason in session.execute(query):
            self._open_ids.add(entry_id)
            self._open_signatures.add((raw_hash, reason))
            if source and record_id:
                self._open_by_key.setdefault((source, record_id), []).append(entry_id)

    def reject(self, number: int, rejection: Rejection) -> None:
        self.rejected += 1
        if rejection.source:
            self.source_names.add(rejection.source)
        raw_hash = hashlib.sha256(rejection.raw_json.encode("utf-8")).hexdigest()
        if (raw_hash, rejection.reason) in self._open_signatures:
            return  # an earlier import already holds this row back for the same reason
        self._buffer.append(
            {
                "batch_id": self.batch_id,
                "file_name": self.file_name,
                "row_number": number,
                "source_name": (rejection.source or "")[:200] or None,
                "record_id": (rejection.record_id or "")[:200] or None,
                "column": rejection.column,
                "reason": rejection.reason,
                "raw": rejection.raw_json,
                "raw_hash": raw_hash,
                "created_at": self.now,
            }
        )

    def reject_written(
        self,
        number: int,
        *,
        source: str,
        record_id: str,
        raw_json: str,
        reason: str | None = None,
    ) -> None:
        """Quarantine a row that had been written before a later row contradicted it."""
        self.reject(
            number,
            Rejection(
                "record_id",
                reason or reasons.DUPLICATE_ID.format(where=reasons.AGAIN_LATER),
                source,
                record_id,
                raw_json,
            ),
        )

    def note_valid(self, source: str, record_id: str, quarantine_id: int | None = None) -> None:
        """A valid row for this key (or naming this quarantine entry) was imported."""
        if quarantine_id is not None and quarantine_id in self._open_ids:
            self._to_resolve[quarantine_id] = (source, record_id)
        if self._open_by_key:
            for entry_id in self._open_by_key.get((source, record_id), ()):
                self._to_resolve[entry_id] = (source, record_id)

    def flush(self) -> None:
        if self._buffer:
            self.session.execute(insert(_TABLE), self._buffer)
            self._buffer.clear()

    def resolve(self, still_valid: Callable[[str | None, str | None], bool], batch_id: int) -> int:
        """Mark the noted entries resolved by this batch (unless their key ended in conflict)."""
        self.flush()
        ids = [i for i, key in self._to_resolve.items() if key is None or still_valid(*key)]
        for start in range(0, len(ids), 5000):
            self.session.execute(
                update(QuarantinedRow)
                .where(QuarantinedRow.id.in_(ids[start : start + 5000]))
                .values(resolved_at=self.now, resolved_by_batch_id=batch_id),
                execution_options={"synchronize_session": False},
            )
        return len(ids)


@dataclass(frozen=True)
class QuarantineEntry:
    id: int
    file_name: str
    row_number: int
    source: str | None
    record_id: str | None
    column: str | None
    reason: str
    batch_id: int
    created_at: datetime
    resolved_at: datetime | None
    resolved_by_batch_id: int | None
    raw: dict[str, str]


def list_quarantine(
    session: Session,
    *,
    include_resolved: bool = False,
    file_name: str | None = None,
    limit: int | None = None,
) -> Iterator[QuarantineEntry]:
    """Quarantined rows, oldest first; open ones only unless `include_resolved`."""
    query = select(QuarantinedRow).order_by(QuarantinedRow.id)
    if not include_resolved:
        query = query.where(QuarantinedRow.resolved_at.is_(None))
    if file_name is not None:
        query = query.where(QuarantinedRow.file_name == file_name)
    if limit is not None:
        query = query.limit(limit)
    for row in session.scalars(query.execution_options(yield_per=1000)):
        yield QuarantineEntry(
            id=row.id,
            file_name=row.file_name,
            row_number=row.row_number,
            source=row.source_name,
            record_id=row.record_id,
            column=row.column,
            reason=row.reason,
            batch_id=row.batch_id,
            created_at=row.created_at,
            resolved_at=row.resolved_at,
            resolved_by_batch_id=row.resolved_by_batch_id,
            raw=json.loads(row.raw),
        )


def export_quarantine(entries: list[QuarantineEntry], out: IO[str], *, raw: bool = False) -> int:
    """Write entries as a records file (UTF-8 CSV): the rows' own columns, then EXPORT_COLUMNS.

    Correct the cells in place and import the file again: each valid row resolves its entry.
    Cells that would start a spreadsheet formula get a leading `'` unless `raw`; the importer
    takes it off again in rows that carry a quarantine_id (kintrace.csv_export).
    """
    columns: list[str] = []
    for entry in entries:
        for name in entry.raw:
            if name not in columns:
                columns.append(name)
    # The key columns are always there (empty cells are not kept in the verbatim row).
    present = {canonical_column(c) for c in columns}
    columns = [c for c in ("source", "record_id") if c not in present] + columns
    writer = csv_writer(out, raw=raw)
    writer.writerow([*columns, *EXPORT_COLUMNS])
    for entry in entries:
        writer.writerow(
            [
                *(entry.raw.get(name, "") for name in columns),
                entry.id,
                entry.file_name,
                entry.row_number,
                entry.column or "",
                entry.reason,
            ]
        )
    return len(entries)
