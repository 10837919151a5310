"""The mapping step before an import: how a file would be read, with its first rows, so the user
can correct the header row, a column's field or the date order before anything is written.

The same reading as the import itself (`open_reader`, `map_columns`, `check_columns`), so what
the preview shows is what the import does. Used by the web upload page; `saved_options` gives a
source's last way of reading, offered for its next list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace.registry.columns import Column, MappingError, map_columns
from kintrace.registry.errors import ImportRefused
from kintrace.registry.limits import ImportLimits
from kintrace.registry.mapfile import ReadOptions, options_from_applied
from kintrace.registry.readers import open_reader
from kintrace.registry.validation import check_columns
from kintrace.store.registry_tables import ImportBatch, Source

PREVIEW_ROWS = 5


@dataclass(frozen=True)
class Preview:
    """What the import would do with a file. `problem` is why it would be refused (the user
    can still change the mapping), `rows` the first rows' cells in column order."""

    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int | None
    header_rows: int | None
    header_detected: bool
    columns: list[Column] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    derived_ids: bool = False
    problem: str | None = None
    unmatched: list[tuple[str, str]] = field(default_factory=list)

    @property
    def sources(self) -> set[str]:
        """The values of the source column among the rows shown (the file's sources)."""
        headers = [c.header for c in self.columns if c.target == "source"]
        if not headers:
            return set()
        index = [c.header for c in self.columns].index(headers[0])
        return {cells[index].strip() for _, cells in self.rows if cells[index].strip()}


def preview_file(
    path: Path,
    *,
    read: ReadOptions,
    source: str | None,
    limits: ImportLimits | None = None,
    rows: int = PREVIEW_ROWS,
) -> Preview:
    """Read the header and the first `rows` rows of `path` as `read` says, within `limits`
    (the store's import limits). Raises ImportRefused for a file that cannot be read at all (as
    the import would)."""
    reader = open_reader(
        path,
        sheet=read.sheet,
        header_row=read.header_row,
        header_rows=read.header_rows,
        limits=limits,
    )
    try:
        shown: list[tuple[int, list[str]]] = []
        problem = None
        mapping = None
        if reader.columns is not None:
            try:
                mapping = map_columns(reader.columns, chosen=read.columns)
                check_columns(
                    reader.columns, source_option=source, label=path.name, mapping=mapping
                )
            except (MappingError, ImportRefused) as exc:
                problem = str(exc)
                if mapping is None:
                    mapping = map_columns(reader.columns)
        for raw in reader.rows():
            if len(shown) >= rows:
                break
            names = reader.columns or list(raw.cells)
            shown.append((raw.number, [raw.cells.get(name, "") for name in names]))
        header = reader.header
        return Preview(
            file_format=reader.file_format,
            encoding=reader.encoding,
            delimiter=reader.delimiter,
            sheet=reader.sheet,
            header_row=header.first + 1 if header is not None else None,
            header_rows=header.rows if header is not None else None,
            header_detected=header.detected if header is not None else True,
            columns=list(mapping.columns) if mapping is not None else [],
            rows=shown,
            derived_ids=mapping is not None and mapping.derived_ids,
            problem=problem,
            unmatched=list(mapping.unmatched) if mapping is not None else [],
        )
    finally:
        reader.close()


def saved_options(session: Session, source: str) -> ReadOptions | None:
    """How the last list of `source` was read (column map, header, date order), if it was
    imported since such choices are kept (migration 0007b)."""
    text = session.scalar(
        select(ImportBatch.read_options)
        .join(Source, Source.id == ImportBatch.source_id)
        .where(Source.name == source, ImportBatch.read_options.is_not(None))
        .order_by(ImportBatch.id.desc())
        .limit(1)
    )
    if text is None:
        return None
    saved = options_from_applied(text)
    # the header row of the last file says nothing about the next one: found again
    return ReadOptions(date_order=saved.date_order, columns=saved.columns, source=source)


def batch_options(session: Session, batch_id: int | None) -> ReadOptions:
    """The column map and date order a batch read its file with, for a row of it corrected and
    imported again on its own (its header is then the first row)."""
    text = None
    if batch_id is not None:
        text = session.scalar(select(ImportBatch.read_options).where(ImportBatch.id == batch_id))
    saved = options_from_applied(text)
    return ReadOptions(date_order=saved.date_order, columns=saved.columns)
