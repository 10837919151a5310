"""Hostile records files, built byte by byte: XLSX bombs, very wide and very long CSV.

Used by the regression tests of issue 11 (findings 4 and 8) and by bench/hostile_files_bench.py,
which measures the memory an import takes on each. Every value is synthetic filler (letters),
never a name.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_OOXML = "http://schemas.openxmlformats.org"
_SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_RELS = f"{_OOXML}/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEETML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SHEETML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SHEETML}.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="{_OOXML}/spreadsheetml/2006/main" xmlns:r="{_RELS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_CHUNK = 1 << 20


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _sheet_xml(data_cells: str) -> str:
    header = _inline("A1", "record_id") + _inline("B1", "given_name") + _inline("C1", "notes")
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}><sheetData>'
        f'<row r="1">{header}</row><row r="2">{data_cells}</row></sheetData></worksheet>'
    )


def _write_parts(
    path: Path,
    *,
    sheet: str | Iterable[bytes],
    shared: Iterable[bytes],
    declared: dict[str, int] | None = None,
) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        parts = (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared))
        for name, content in parts:
            with zf.open(name, "w", force_zip64=True) as part:
                if isinstance(content, str):
                    part.write(content.encode())
                else:
                    for chunk in content:
                        part.write(chunk)
    if declared:
        _lie_about_sizes(path, declared)
    return path


def _lie_about_sizes(path: Path, declared: dict[str, int]) -> None:
    """Rewrite the central directory's uncompressed sizes (the local headers keep the truth)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        infos = {i.filename: i for i in zf.infolist()}
    eocd = data.rfind(b"PK\x05\x06")
    offset = int.from_bytes(data[eocd + 16 : eocd + 20], "little")
    while data[offset : offset + 4] == b"PK\x01\x02":
        name_len = int.from_bytes(data[offset + 28 : offset + 30], "little")
        extra_len = int.from_bytes(data[offset + 30 : offset + 32], "little")
        comment_len = int.from_bytes(data[offset + 32 : offset + 34], "little")
        name = data[offset + 46 : offset + 46 + name_len].decode()
        if name in declared and infos[name].file_size < 0xFFFFFFFF:
            size = int(declared[name])
            data[offset + 24 : offset + 28] = size.to_bytes(4, "little")
            extra_start = offset + 46 + name_len
            extra = data[extra_start : extra_start + extra_len]
            if extra[:2] == b"\x01\x00":  # zip64 extra field: uncompressed size comes first
                data[extra_start + 4 : extra_start + 12] = size.to_bytes(8, "little")
        offset += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def one_huge_shared_string(path: Path, *, mebibytes: int = 300) -> Path:
    """Finding 4: a workbook of about 300 KB whose one shared string unpacks to 300 MiB."""

    def shared() -> Iterable[bytes]:
        yield f'{_XML}<sst {_NS} count="1" uniqueCount="1"><si><t>'.encode()
        block = b"A" * _CHUNK
        for _ in range(mebibytes):
            yield block
        yield b"</t></si></sst>"

    cells = '<c r="A2" t="inlineStr"><is><t>r1</t></is></c><c r="B2" t="s"><v>0</v></c>'
    return _write_parts(path, sheet=_sheet_xml(cells), shared=shared())


def many_short_shared_strings(path: Path, *, count: int = 10_000_000) -> Path:
    """Finding 4: a workbook of about 500 KB listing ten million one-letter shared strings."""

    def shared() -> Iterable[bytes]:
        yield (
            f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="{count}" '
            f'uniqueCount="{count}">'
        ).encode()
        block = b"<si><t>a</t></si>" * 10_000
        for _ in range(count // 10_000):
            yield block
        yield b"<si><t>a</t></si>" * (count % 10_000)
        yield b"</sst>"

    cells = '<c r="A2" t="inlineStr"><is><t>r1</t></is></c><c r="B2" t="s"><v>0</v></c>'
    return _write_parts(path, sheet=_sheet_xml(cells), shared=shared())


def huge_inline_cell(path: Path, *, mebibytes: int = 64) -> Path:
    """A workbook whose one inline cell (no shared string) unpacks to `mebibytes` MiB."""

    def sheet() -> Iterable[bytes]:
        yield _sheet_xml("@@").split("@@")[0].encode()
        yield b'<c r="A2" t="inlineStr"><is><t>r1</t></is></c><c r="B2" t="inlineStr"><is><t>'
        block = b"B" * _CHUNK
        for _ in range(mebibytes):
            yield block
        yield b"</t></is></c>"
        yield _sheet_xml("@@").split("@@")[1].encode()

    return _write_parts(path, sheet=sheet(), shared=[f"<sst {_NS}/>".encode()])


def lying_sizes(path: Path, *, mebibytes: int = 64) -> Path:
    """A workbook whose central directory says every part is tiny while its shared strings
    unpack to `mebibytes` MiB (Python's zipfile would stop at the declared size)."""
    one_huge_shared_string(path, mebibytes=mebibytes)
    _lie_about_sizes(path, {"xl/sharedStrings.xml": 1000, "xl/worksheets/sheet1.xml": 1000})
    return path


def wide_csv(path: Path, *, columns: int = 1_000_000) -> Path:
    """Finding 8: a CSV whose header names a million columns (c1..cN) and one row fills them."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("record_id,given_name," + ",".join(f"c{i}" for i in range(columns)) + "\n")
        handle.write("r1,Anna," + ",".join("x" for _ in range(columns)) + "\n")
    return path


def long_field_csv(path: Path, *, mebibytes: int = 16) -> Path:
    """Finding 8: a CSV whose one field is `mebibytes` MiB long."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("record_id,given_name,notes\n")
        handle.write("r1,Anna,")
        handle.write("N" * (mebibytes << 20))
        handle.write("\n")
    return path
