"""Opening an XLSX workbook so that what it unpacks to stays within the import limits.

An XLSX file is a ZIP archive of XML parts, and a part can unpack to a thousand times its packed
size (a 300 KB upload held one 300 MiB shared string). Two checks, both before the work:

1. Before anything is unpacked: the archive's entry count (read from its end record, before
   `zipfile` builds an object per entry) and the sum of the sizes its parts declare.
2. While unpacking: openpyxl reads every part through `ZipFile.open`/`read`; here it gets a
   ZipFile whose parts are streams that count and scan the bytes they hand over, so reading
   stops at a limit whatever the archive declared. Parts read whole (shared strings, styles,
   workbook) stop at `xlsx_max_part_bytes`; worksheets, which openpyxl streams row by row, at
   `xlsx_max_unpacked_bytes`. The scan also bounds one cell's text (the longest run of bytes
   without a '<'; XML escapes every '<' in text and attributes), one row's XML, and counts the
   shared strings.

The scan works on bytes, so its cell and row bounds are loose (an XML character takes at most
ten bytes, `&#x10FFFF;`); the readers then check the exact characters of every cell.

openpyxl's `ExcelReader` is what `openpyxl.load_workbook` runs; it is used directly here to hand
it the guarded archive (its `archive` attribute). tests/unit/registry/test_reader_limits.py
breaks if a new openpyxl reads parts another way.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO, Any, Literal

from kintrace.registry import reasons
from kintrace.registry.errors import ImportRefused
from kintrace.registry.limits import ImportLimits, refuse

#: Entries in the archive: an Excel workbook has tens; a ZIP of millions of empty entries costs
#: memory in `zipfile` before any part is read. Not a setting: no real workbook comes near.
MAX_PARTS = 10_000
#: Bytes per read while streaming a part.
_CHUNK = 64 * 1024
#: Bytes one character may take in XML text (`&#x10FFFF;`), and a tag's own bytes around a text.
_XML_CHAR_BYTES = 10
_TAG_SLACK = 1024
#: XML bytes of a cell's markup (`<c r="XFD1048576" s="12" t="s"><v>`...) per column allowed.
_CELL_MARKUP = 64
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_SI_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
_SST_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst[\s>/]")
_UNIQUE_COUNT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*?\buniqueCount=[\"'](\d{1,18})[\"']")
_TAG_CARRY = 64


class XlsxLimitExceeded(Exception):
    """A part went over a limit while being read. Not a ValueError: openpyxl wraps those."""

    def __init__(self, refusal: ImportRefused) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


def open_workbook(path: Path, *, limits: ImportLimits) -> Any:
    """The workbook (openpyxl, read-only, values only), its parts guarded. Raises ImportRefused
    for a workbook over a limit and zipfile/openpyxl errors for one that is broken."""
    from openpyxl.reader.excel import ExcelReader  # only XLSX imports pay for openpyxl

    check_archive(path, limits=limits)
    reader = ExcelReader(str(path), read_only=True, data_only=True)
    reader.archive.close()
    reader.archive = GuardedZip(path, limits=limits, label=path.name)
    reader.valid_files = reader.archive.namelist()
    try:
        reader.read()
    except XlsxLimitExceeded as exc:
        reader.archive.close()
        raise exc.refusal from None
    except BaseException:
        reader.archive.close()
        raise
    return reader.wb


def check_archive(path: Path, *, limits: ImportLimits) -> None:
    """Refuse, before unpacking anything, an archive with too many entries or declared sizes
    over the limit. A file that is no ZIP archive raises zipfile.BadZipFile."""
    entries = _declared_entries(path)
    if entries > MAX_PARTS:
        raise ImportRefused(
            reasons.TOO_MANY_ENTRIES.format(
                file=path.name, entries=f"{entries:,}", most=f"{MAX_PARTS:,}"
            )
        )
    with zipfile.ZipFile(path) as archive:
        declared = sum(info.file_size for info in archive.infolist())
    if declared > limits.xlsx_max_unpacked_bytes:
        raise refuse(
            path.name,
            limits,
            where="",
            what=reasons.PARTS_DECLARE.format(count=f"{declared:,}"),
            limit="xlsx_max_unpacked_bytes",
            hint=reasons.SAVE_AS_CSV_OR_RAISE,
        )


def _declared_entries(path: Path) -> int:
    """The entry count the ZIP end record declares (ZIP64 aware), read from the file's tail."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - (65535 + 22)))
        tail = handle.read()
        end = tail.rfind(b"PK\x05\x06")
        if end < 0 or len(tail) - end < 22:
            raise zipfile.BadZipFile("no end of central directory")
        entries = int.from_bytes(tail[end + 10 : end + 12], "little")
        locator = end - 20
        if entries == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
            handle.seek(int.from_bytes(tail[locator + 8 : locator + 16], "little"))
            record = handle.read(56)
            if record[:4] == b"PK\x06\x06":
                entries = int.from_bytes(record[32:40], "little")
    return entries


class GuardedZip(zipfile.ZipFile):
    """A ZipFile whose parts, opened for reading, are `GuardedPart` streams."""

    def __init__(self, path: Path, *, limits: ImportLimits, label: str) -> None:
        super().__init__(path)
        self.limits = limits
        self.label = label

    def open(
        self, name: Any, mode: Literal["r", "w"] = "r", pwd: bytes | None = None, *,
        force_zip64: bool = False,
    ) -> Any:  # fmt: skip
        raw = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return raw
        part = name.filename if isinstance(name, zipfile.ZipInfo) else str(name)
        return GuardedPart(raw, scanner=PartScanner(part, limits=self.limits, label=self.label))

    def read(self, name: Any, pwd: bytes | None = None) -> bytes:
        with self.open(name, "r", pwd) as part:
            return part.read()


class GuardedPart:
    """A part's byte stream that scans every chunk it hands over (see PartScanner)."""

    def __init__(self, raw: IO[bytes], *, scanner: PartScanner) -> None:
        self.raw = raw
        self.scanner = scanner

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:  # read whole: the caller holds the part in memory
            self.scanner.whole = True
            chunks = []
            while chunk := self._read(_CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
        return self._read(min(size, _CHUNK) or _CHUNK)

    def _read(self, size: int) -> bytes:
        data = self.raw.read(size)
        if data:
            self.scanner.feed(data)
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> GuardedPart:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PartScanner:
    """Counts and scans the bytes of one part; raises XlsxLimitExceeded at the first limit."""

    def __init__(self, part: str, *, limits: ImportLimits, label: str) -> None:
        self.part = part
        self.limits = limits
        self.label = label
        self.whole = False
        self.shared_strings = False
        self.total = 0
        self.gap = 0  # bytes since the last '<'
        self.rows = 0
        self.row_bytes = 0  # bytes since the last <row
        self.strings = 0
        self._head = b""
        self._carry = b""
        self.max_gap = _XML_CHAR_BYTES * limits.max_field_chars + _TAG_SLACK
        self.max_row = _XML_CHAR_BYTES * limits.max_row_chars + _CELL_MARKUP * 16384
        self._long_text = re.compile(rb"[^<]{%d}" % (self.max_gap + 1))

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        if len(self._head) < 4096:
            self._head += data[: 4096 - len(self._head)]
            if not self.shared_strings and _SST_TAG.search(self._head):
                self.shared_strings = True
                declared = _UNIQUE_COUNT.search(self._head)
                if declared and int(declared.group(1)) > self.limits.xlsx_max_shared_strings:
                    raise self._too_many_strings()  # what it says; the count below checks it
        in_memory = self.whole or self.shared_strings
        limit = "xlsx_max_part_bytes" if in_memory else "xlsx_max_unpacked_bytes"
        if self.total > getattr(self.limits, limit):
            raise self._refused(
                where="",
                what=reasons.PART_UNPACKS.format(part=self.part[:80]),
                limit=limit,
                hint=reasons.SAVE_AS_CSV_OR_RAISE,
            )
        self._scan_gaps(data)
        buffer = self._carry + data
        if self.shared_strings:
            self._count_strings(buffer)
        else:
            self._scan_rows(buffer)
        self._carry = buffer[-_TAG_CARRY:]

    def _scan_gaps(self, data: bytes) -> None:
        first = data.find(b"<")
        if first < 0:
            self.gap += len(data)
            longest = self.gap
        else:
            longest = self.gap + first
            last = data.rfind(b"<")
            if last > first and len(data) > self.max_gap:
                inner = self._long_text.search(data, first + 1)
                if inner is not None and inner.start() < last:
                    longest = self.max_gap + 1
            self.gap = len(data) - last - 1
        if longest > self.max_gap:
            place = (
                reasons.IN_SHARED_STRING.format(number=f"{self.strings:,}")
                if self.shared_strings
                else reasons.IN_SHEET_ROW.format(row=f"{self.rows:,}", part=self.part[:80])
            )
            raise self._refused(
                where=place,
                what=reasons.CELL_TOO_LONG,
                limit="max_field_chars",
            )

    def _count_strings(self, buffer: bytes) -> None:
        skip = len(self._carry)
        found = sum(1 for m in _SI_TAG.finditer(buffer) if m.end() > skip)
        self.strings += found
        if self.strings > self.limits.xlsx_max_shared_strings:
            raise self._too_many_strings()

    def _too_many_strings(self) -> XlsxLimitExceeded:
        return self._refused(
            where="",
            what=reasons.TOO_MANY_SHARED_STRINGS,
            limit="xlsx_max_shared_strings",
            hint=reasons.SAVE_AS_CSV_OR_RAISE,
        )

    def _scan_rows(self, buffer: bytes) -> None:
        skip = len(self._carry)
        position = 0
        for match in _ROW_TAG.finditer(buffer):
            if match.end() <= skip:
                continue
            self.row_bytes += max(0, match.start() - max(position, skip))
            self._check_row()
            self.rows += 1
            self.row_bytes = 0
            position = match.start()
        self.row_bytes += len(buffer) - max(position, skip)
        self._check_row()

    def _check_row(self) -> None:
        if self.row_bytes > self.max_row:
            raise self._refused(
                where=reasons.AT_SHEET_ROW.format(row=f"{self.rows:,}", part=self.part[:80]),
                what=reasons.SHEET_ROW_TOO_LONG,
                limit="max_row_chars",
            )

    def _refused(self, *, where: str, what: str, limit: str, hint: str = "") -> XlsxLimitExceeded:
        return XlsxLimitExceeded(
            refuse(self.label, self.limits, where=where, what=what, limit=limit, hint=hint)
        )
