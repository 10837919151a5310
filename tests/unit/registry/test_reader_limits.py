"""Import limits (issue 11, findings 4 and 8): hostile files are refused while they are read,
with a clear message and bounded memory, before anything is written. Synthetic filler only."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from kintrace.config import load_settings
from kintrace.registry.errors import ImportRefused
from kintrace.registry.limits import ENV_NAMES, ImportLimits, LimitsError, limits_from_env
from kintrace.registry.readers import RawRow, open_reader
from support import hostile


def read_all(path: Path, limits: ImportLimits | None = None) -> list[RawRow]:
    reader = open_reader(path, limits=limits) if limits else open_reader(path)
    try:
        return list(reader.rows())
    finally:
        reader.close()


def test_a_lying_shared_string_count_is_caught_while_streaming(tmp_path: Path) -> None:
    path = hostile.many_short_shared_strings(tmp_path / "bomb.xlsx", count=30_000)
    _rewrite_part(path, "xl/sharedStrings.xml", b'uniqueCount="30000"', b'uniqueCount="3"')
    with pytest.raises(ImportRefused, match="shared-string table"):
        read_all(path, ImportLimits(xlsx_max_shared_strings=20_000))
    assert read_all(path, ImportLimits(xlsx_max_shared_strings=30_000))  # at the limit: read


def test_xlsx_declared_sizes_over_the_limit_are_refused_before_unpacking(tmp_path: Path) -> None:
    path = hostile.one_huge_shared_string(tmp_path / "big.xlsx", mebibytes=3)
    with pytest.raises(ImportRefused, match=r"declare .* bytes unpacked.*XLSX_MAX_UNPACKED"):
        read_all(path, ImportLimits(xlsx_max_unpacked_bytes=2 << 20))


def test_xlsx_parts_that_unpack_past_their_declared_size_are_cut_off(tmp_path: Path) -> None:
    """Declared sizes can lie: the streams count what they really hand over."""
    path = hostile.lying_sizes(tmp_path / "lying.xlsx", mebibytes=4)
    with pytest.raises(ImportRefused):
        read_all(path)


def test_a_part_read_whole_stops_at_the_part_limit(tmp_path: Path) -> None:
    path = hostile.one_huge_shared_string(tmp_path / "part.xlsx", mebibytes=3)
    limits = ImportLimits(
        xlsx_max_part_bytes=1 << 20, max_field_chars=8 << 20, max_row_chars=8 << 20
    )
    with pytest.raises(ImportRefused, match=r"sharedStrings\.xml unpacks to more.*XLSX_MAX_PART"):
        read_all(path, limits)


def test_an_archive_with_too_many_entries_is_refused_before_it_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(10_001):
            archive.writestr(f"x/{index}", b"")
    with pytest.raises(ImportRefused, match="10,001 entries"):
        read_all(path)


def test_an_ordinary_workbook_still_reads_through_the_guard(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "list.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["record_id", "given_name", "notes"])
    for index in range(300):
        sheet.append([f"r{index}", "Олена", "примітка " * 20])
    workbook.save(path)
    rows = read_all(path, ImportLimits(xlsx_max_shared_strings=400))
    assert len(rows) == 300 and rows[-1].cells["record_id"] == "r299"


def test_too_many_columns_name_the_limit(tmp_path: Path) -> None:
    path = hostile.wide_csv(tmp_path / "wide.csv", columns=600)
    with pytest.raises(ImportRefused, match=r"header names 602 columns.*IMPORT_MAX_COLUMNS"):
        read_all(path)
    path.write_text("record_id,given_name\nr1,Anna" + ",x" * 600 + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"row 2: the row has values in 602 columns"):
        read_all(path)
    path.write_text("record_id,given_name\nr1,Anna" + "," * 900 + "\n", encoding="utf-8")
    assert read_all(path)[0].cells == {"record_id": "r1", "given_name": "Anna"}  # empty cells


def test_an_unclosed_quote_is_refused_at_the_row_limit(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('record_id,notes\nr1,"open\n' + "r2,text\n" * 1000, encoding="utf-8")
    with pytest.raises(ImportRefused, match="a quote is never closed"):
        read_all(path, ImportLimits(max_field_chars=1000, max_row_chars=4000))


def test_json_lines_over_the_limits_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"record_id": "r1", "notes": "n" * 3000}) + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="line 1: the line is longer"):
        read_all(path, ImportLimits(max_field_chars=1000, max_row_chars=2000))
    wide = {"record_id": "r1", **{f"c{i}": "x" for i in range(600)}}
    path.write_text(json.dumps(wide) + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="row 1: the row has values in 601 columns"):
        read_all(path)


def test_limits_are_settings_from_the_environment() -> None:
    assert limits_from_env({}) == ImportLimits()
    env = {ENV_NAMES["max_columns"]: "1_000", ENV_NAMES["xlsx_max_shared_strings"]: " 5 "}
    assert limits_from_env(env) == ImportLimits(max_columns=1000, xlsx_max_shared_strings=5)
    settings = load_settings("home", env={ENV_NAMES["max_field_chars"]: "10"})
    assert settings.import_limits.max_field_chars == 10
    for bad in ("0", "-3", "lots", "1.5"):
        with pytest.raises(LimitsError, match="KINTRACE_IMPORT_MAX_COLUMNS"):
            limits_from_env({ENV_NAMES["max_columns"]: bad})
    with pytest.raises(LimitsError, match="a row holds its cells"):
        limits_from_env({ENV_NAMES["max_field_chars"]: "2000000"})


def _rewrite_part(path: Path, name: str, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[name] = parts[name].replace(old, new, 1)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
