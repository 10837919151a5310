"""Readers for the records file formats (CONTRACT §1): CSV, XLSX, JSON Lines.

Each reader streams: it holds one row at a time, whatever the size of the file, and reports how
far it has read for the progress bar. Rows come out verbatim, as {column as written: text}.
File-level problems (empty, not what the extension says, unknown encoding, duplicate columns)
raise ImportRefused before anything is written. So does a file over one of the import limits
(registry/limits.py): every row is checked as it is read, and a CSV record, a JSON line or an
XLSX part is cut off at its limit while it is being read, so no file costs more than the limits
allow (registry/xlsx_guard.py for workbooks).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from kintrace.registry import reasons
from kintrace.registry.encoding import detect_encoding
from kintrace.registry.errors import ImportRefused
from kintrace.registry.header import SCAN_ROWS, HeaderChoice, choose_header
from kintrace.registry.limits import ImportLimits, check_row, refuse
from kintrace.registry.xlsx_guard import XlsxLimitExceeded, open_workbook

SAMPLE_BYTES = 1024 * 1024
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
_MAGIC = (
    (b"PK\x03\x04", reasons.ZIP_FILE),
    (b"\xd0\xcf\x11\xe0", reasons.OLD_OFFICE_FILE),
    (b"%PDF", reasons.PDF_FILE),
)


@dataclass(slots=True)
class RawRow:
    """One row as written. `problem` is set when the row cannot even be read as cells."""

    number: int
    cells: dict[str, str]
    problem: str | None = None


@dataclass
class RowReader:
    """An open file being read; `rows()` may be iterated once."""

    path: Path
    file_format: str
    rows_iter: Iterator[RawRow]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    columns: list[str] | None = None
    total: int = 0
    header: HeaderChoice | None = None  # where the header is (CSV, XLSX)
    _position: Any = field(default=None, repr=False)
    _closers: list[Any] = field(default_factory=list, repr=False)

    def rows(self) -> Iterator[RawRow]:
        return self.rows_iter

    def done(self) -> int:
        """How far reading has got, in the unit of `total` (bytes, or rows for XLSX)."""
        return int(self._position()) if self._position is not None else 0

    def close(self) -> None:
        for closer in self._closers:
            closer()


def open_reader(
    path: Path,
    *,
    sheet: str | None = None,
    limits: ImportLimits | None = None,
    header_row: int | None = None,
    header_rows: int | None = None,
) -> RowReader:
    """Open a records file for streaming, choosing the reader by extension and checking content.

    `limits` (default: the safe defaults) bound every row and, for XLSX, the unpacked workbook.
    `header_row` (1-based, as a spreadsheet numbers rows) and `header_rows` (1 or 2) say where
    the header of a CSV or XLSX file is; without them it is found (kintrace.registry.header).
    """
    where = {"header_row": header_row, "header_rows": header_rows}
    label = path.name
    limits = limits or ImportLimits()
    if not path.is_file():
        raise ImportRefused(reasons.NO_SUCH_FILE.format(file=label))
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
    except OSError as exc:
        raise ImportRefused(reasons.FILE_UNREADABLE.format(file=label, why=exc.strerror)) from None
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused(reasons.FILE_EMPTY.format(file=label))
    if suffix == ".xls":
        raise ImportRefused(reasons.OLD_EXCEL.format(file=label))
    if suffix in XLSX_SUFFIXES:
        if not head.startswith(b"PK\x03\x04"):
            raise ImportRefused(reasons.NOT_A_WORKBOOK.format(file=label, looks=_looks_like(head)))
        return _open_xlsx(path, sheet, limits, **where)
    if suffix in CSV_SUFFIXES | JSONL_SUFFIXES:
        for magic, what in _MAGIC:
            if head.startswith(magic):
                raise ImportRefused(
                    reasons.TEXT_IS_NOT_TEXT.format(file=label, suffix=suffix, what=what)
                )
        if suffix in JSONL_SUFFIXES:
            return _open_jsonl(path, head, limits)
        return _open_csv(path, head, limits, **where)
    raise ImportRefused(reasons.UNKNOWN_FILE_TYPE.format(file=label, suffix=suffix or "(none)"))


def _looks_like(head: bytes) -> str:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return reasons.LOOKS_LIKE.format(what=what)
    return reasons.LOOKS_LIKE_TEXT if b"\x00" not in head[:4096] else ""


# --- CSV ---------------------------------------------------------------------------------------


class _RecordGuard:
    """The lines of a CSV file, for `csv.reader`, cut off when one record (which may span
    lines) passes `limit` characters: the record is refused before it is split into cells."""

    def __init__(self, text: IO[str], *, limit: int) -> None:
        self.text = text
        self.limit = limit
        self.pending = 0  # characters of the record being read; the caller resets it

    def __iter__(self) -> _RecordGuard:
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.limit + 1 - self.pending)
        if not line:
            raise StopIteration
        self.pending += len(line)
        if self.pending > self.limit:
            raise _RecordTooLong
        return line


class _RecordTooLong(Exception):
    """A CSV record passed the row limit while being read."""


def _open_csv(
    path: Path,
    head: bytes,
    limits: ImportLimits,
    *,
    header_row: int | None = None,
    header_rows: int | None = None,
) -> RowReader:
    encoding = detect_encoding(head, file_label=path.name)
    delimiter = _sniff_delimiter(head[:65536].decode(encoding, errors="ignore"))
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")
    # Records are cut at max_row_chars by the guard; a field can be no longer than its record.
    csv.field_size_limit(max(limits.max_row_chars + 2, csv.field_size_limit()))
    lines = _RecordGuard(text, limit=limits.max_row_chars)
    reader = csv.reader(lines, delimiter=delimiter)
    top: list[list[str]] = []  # the first rows, where the header is looked for
    try:
        lines.pending = 0
        for cells in reader:
            lines.pending = 0
            top.append(cells)
            if len(top) >= max(SCAN_ROWS, (header_row or 0) + 1):
                break
    except _RecordTooLong:
        text.close()
        raise _record_too_long(path.name, limits, len(top) + 1) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        text.close()
        raise ImportRefused(reasons.HEADER_UNREADABLE.format(file=path.name, why=exc)) from None
    try:
        choice = _choose_header(top, path.name, limits, header_row, header_rows)
        columns = _header(choice.names, path.name)
    except ImportRefused:
        text.close()
        raise
    rest = itertools.chain(top[choice.last + 1 :], reader)
    return RowReader(
        path=path,
        file_format="csv",
        rows_iter=_csv_rows(
            rest, columns, path.name, lines=lines, limits=limits, start=choice.last + 1
        ),
        encoding=encoding,
        delimiter=delimiter,
        columns=columns,
        total=path.stat().st_size,
        header=choice,
        _position=raw.tell,
        _closers=[text.close],
    )


def _choose_header(
    top: list[list[str]],
    label: str,
    limits: ImportLimits,
    header_row: int | None,
    header_rows: int | None,
) -> HeaderChoice:
    """The header among the first rows, within the limits: a row wider than the column limit is
    refused before the header is looked for (never searched cell by cell); the header rows and
    the title rows above them are checked with them (the rows under the header are checked as
    they are read, with the header's names)."""
    seen_filled = False
    for index, cells in enumerate(top):
        if len(cells) > limits.max_columns:
            check_row(label, limits, number=index + 1, cells=cells, columns=[],
                      header=not seen_filled)  # fmt: skip
        seen_filled = seen_filled or any(c.strip() for c in cells)
    choice = choose_header(top, label=label, header_row=header_row, header_rows=header_rows)
    for index in range(choice.last + 1):
        cells = top[index]
        header = index >= choice.first
        check_row(label, limits, number=index + 1, cells=cells,
                  columns=cells if header else [], header=header)  # fmt: skip
    return choice


def _sniff_delimiter(sample: str) -> str:
    """The delimiter found in the same number on most of the first lines (a title line above
    the header, or a comma inside a quoted name, does not decide); else the first line's."""
    lines = [line for line in sample.lstrip("\ufeff").split("\n")[:SCAN_ROWS] if line.strip()]
    if len(sample) >= 65536 and len(lines) > 1:
        lines = lines[:-1]  # the sample may end inside a line
    first = lines[0] if lines else ""
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    steady: dict[str, tuple[int, int]] = {}
    for d in counts:
        seen = [line.count(d) for line in lines if line.count(d)]
        if seen:
            mode = max(set(seen), key=seen.count)
            steady[d] = (seen.count(mode), mode)
    if steady:
        return max(steady, key=lambda d: (steady[d], counts[d]))
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(cells: list[str], label: str) -> list[str]:
    columns: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells, start=1):
        name = (cell or "").strip().lstrip("\ufeff").strip()
        if not name:
            name = f"column_{index}"
        key = name.lower()
        if key in seen:
            raise ImportRefused(
                reasons.COLUMN_TWICE.format(file=label, name=name, first=seen[key], second=index)
            )
        seen[key] = index
        columns.append(name)
    if all(c.startswith("column_") for c in columns):
        raise ImportRefused(reasons.HEADER_LINE_EMPTY.format(file=label))
    return columns


def _record_too_long(label: str, limits: ImportLimits, number: int) -> ImportRefused:
    return refuse(
        label,
        limits,
        where=reasons.AT_ROW.format(row=f"{number:,}"),
        what=reasons.RECORD_TOO_LONG,
        limit="max_row_chars",
    )


def _csv_rows(
    reader: Any,
    columns: list[str],
    label: str,
    *,
    lines: _RecordGuard,
    limits: ImportLimits,
    start: int = 1,
) -> Iterator[RawRow]:
    width = len(columns)
    number = start
    try:
        lines.pending = 0
        for cells in reader:
            lines.pending = 0
            number += 1
            check_row(label, limits, number=number, cells=cells, columns=columns)
            if not "".join(cells).strip():
                continue  # a blank row
            if len(cells) > width and "".join(cells[width:]).strip():
                row = dict(zip(columns, cells, strict=False))
                for extra, value in enumerate(cells[width:], start=width + 1):
                    row[f"column_{extra}"] = value
                yield RawRow(
                    number,
                    _non_empty(row),
                    problem=reasons.ROW_TOO_WIDE.format(cells=len(cells), width=width),
                )
                continue
            yield RawRow(number, {k: v for k, v in zip(columns, cells, strict=False) if v})
    except UnicodeDecodeError:
        raise ImportRefused(reasons.ENCODING_CHANGES.format(file=label, row=number - 1)) from None
    except _RecordTooLong:
        raise _record_too_long(label, limits, number + 1) from None
    except csv.Error as exc:
        raise ImportRefused(
            reasons.ROW_UNREADABLE.format(file=label, row=number + 1, why=exc)
        ) from None


def _non_empty(row: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in row.items() if v != ""}


# --- XLSX --------------------------------------------------------------------------------------


#: What a broken workbook raises from zipfile, zlib, the XML parser or openpyxl.
_BROKEN_XLSX = (zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError, EOFError, zlib.error)


def _open_xlsx(
    path: Path,
    sheet: str | None,
    limits: ImportLimits,
    *,
    header_row: int | None = None,
    header_rows: int | None = None,
) -> RowReader:
    try:
        workbook = open_workbook(path, limits=limits)
    except _BROKEN_XLSX as exc:
        raise ImportRefused(
            reasons.NOT_OPENED_AS_WORKBOOK.format(file=path.name, why=type(exc).__name__)
        ) from None
    if sheet is not None and sheet not in workbook.sheetnames:
        names = ", ".join(workbook.sheetnames)
        workbook.close()
        raise ImportRefused(reasons.NO_SUCH_SHEET.format(file=path.name, sheet=sheet, names=names))
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    values = _guarded(worksheet.iter_rows(values_only=True), workbook, label=path.name)
    counter = {"row": 0}
    top: list[list[str]] = []  # the first rows, where the header is looked for
    for cells in values:
        counter["row"] += 1
        top.append([_cell_text(c) for c in cells])
        if len(top) >= max(SCAN_ROWS, (header_row or 0) + 1):
            break
    if not any(any(t.strip() for t in row) for row in top):
        workbook.close()
        raise ImportRefused(reasons.SHEET_EMPTY.format(file=path.name, sheet=worksheet.title))
    try:
        choice = _choose_header(top, path.name, limits, header_row, header_rows)
        columns = _header(choice.names, path.name)
    except ImportRefused:
        workbook.close()
        raise
    counter["row"] = choice.last + 1
    rest = itertools.chain(top[choice.last + 1 :], values)
    return RowReader(
        path=path,
        file_format="xlsx",
        rows_iter=_xlsx_rows(rest, columns, counter, label=path.name, limits=limits),
        sheet=worksheet.title,
        columns=columns,
        total=int(worksheet.max_row or 0),
        header=choice,
        _position=lambda: counter["row"],
        _closers=[workbook.close],
    )


def _guarded(values: Iterator[Any], workbook: Any, *, label: str) -> Iterator[Any]:
    """The sheet's rows; a part over a limit, or broken, while streaming ends them with a
    refusal (the import then writes nothing)."""
    count = 0
    try:
        for row in values:
            count += 1
            yield row
    except XlsxLimitExceeded as exc:
        workbook.close()
        raise exc.refusal from None
    except _BROKEN_XLSX as exc:
        workbook.close()
        raise ImportRefused(
            reasons.SHEET_DAMAGED.format(file=label, row=f"{count:,}", why=type(exc).__name__)
        ) from None


def _xlsx_rows(
    values: Iterator[Any],
    columns: list[str],
    counter: dict[str, int],
    *,
    label: str,
    limits: ImportLimits,
) -> Iterator[RawRow]:
    width = len(columns)
    for cells in values:
        counter["row"] += 1
        texts = [_cell_text(c) for c in cells]
        check_row(label, limits, number=counter["row"], cells=texts, columns=columns)
        if not any(t.strip() for t in texts):
            continue
        row = dict(zip(columns, texts, strict=False))
        if len(texts) > width and any(t.strip() for t in texts[width:]):
            for extra, value in enumerate(texts[width:], start=width + 1):
                row[f"column_{extra}"] = value
            yield RawRow(
                counter["row"],
                _non_empty(row),
                problem=reasons.ROW_VALUES_OUTSIDE_HEADER,
            )
            continue
        yield RawRow(counter["row"], _non_empty(row))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- JSON Lines --------------------------------------------------------------------------------


def _open_jsonl(path: Path, head: bytes, limits: ImportLimits) -> RowReader:
    try:
        encoding = "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
        first = head.decode(encoding, errors="strict" if len(head) < SAMPLE_BYTES else "ignore")
    except UnicodeDecodeError:
        raise ImportRefused(reasons.JSONL_NOT_UTF8.format(file=path.name)) from None
    stripped = first.lstrip()
    if stripped.startswith("["):
        raise ImportRefused(reasons.JSON_ARRAY.format(file=path.name))
    if not stripped.startswith("{"):
        raise ImportRefused(reasons.JSONL_NOT_AN_OBJECT.format(file=path.name))
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding, errors="strict")
    return RowReader(
        path=path,
        file_format="jsonl",
        rows_iter=_jsonl_rows(text, path.name, limits),
        encoding=encoding,
        total=path.stat().st_size,
        _position=raw.tell,
        _closers=[text.close],
    )


def _jsonl_rows(text: IO[str], label: str, limits: ImportLimits) -> Iterator[RawRow]:
    number = 0
    while True:
        try:
            line = text.readline(limits.max_row_chars + 1)
        except UnicodeDecodeError:
            raise ImportRefused(reasons.LINE_NOT_UTF8.format(file=label, line=number + 1)) from None
        if not line:
            return
        number += 1
        if len(line) > limits.max_row_chars:
            raise refuse(
                label,
                limits,
                where=reasons.AT_LINE.format(line=f"{number:,}"),
                what=reasons.LINE_TOO_LONG,
                limit="max_row_chars",
            )
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            problem = reasons.NOT_VALID_JSON.format(why=exc.msg)
            yield RawRow(number, {"line": line.rstrip("\r\n")}, problem=problem)
            continue
        if not isinstance(value, dict):
            yield RawRow(number, {"line": line.rstrip("\r\n")}, problem=reasons.NOT_A_JSON_OBJECT)
            continue
        cells = {str(k): _json_text(v) for k, v in value.items()}
        names = list(cells)
        check_row(label, limits, number=number, cells=list(cells.values()), columns=names)
        yield RawRow(number, _non_empty(cells))


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
