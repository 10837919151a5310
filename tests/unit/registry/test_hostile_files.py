"""Regression tests of issue 11, findings 4 (XLSX bomb) and 8 (a million columns, a 16 MiB field):
with the default limits such files are refused while they are read, with a clear message and
bounded memory. Only APIs that existed before the fix are used, so this file runs against the old
code too (where it fails). Synthetic filler only; the generators are in tests/support/hostile.py.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from kintrace.registry.errors import ImportRefused
from kintrace.registry.readers import RawRow, open_reader
from support import hostile


def read_all(path: Path) -> list[RawRow]:
    reader = open_reader(path)
    try:
        return list(reader.rows())
    finally:
        reader.close()


def refusal_and_peak(read: Callable[[], object]) -> tuple[str, int]:
    """The refusal's message and the peak memory (bytes, traced) it took to get there."""
    import openpyxl.reader.excel  # noqa: F401  (loaded before tracing: modules are not the file)

    tracemalloc.start()
    try:
        with pytest.raises(ImportRefused) as refused:
            read()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return str(refused.value), peak


def test_xlsx_bomb_one_huge_shared_string_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    """Finding 4: a 300 KB workbook with one 300 MiB shared string (here 24 MiB)."""
    path = hostile.one_huge_shared_string(tmp_path / "bomb.xlsx", mebibytes=24)
    assert path.stat().st_size < 100_000
    message, peak = refusal_and_peak(lambda: read_all(path))
    assert "shared string no. 1" in message and "KINTRACE_IMPORT_MAX_FIELD_CHARS" in message
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB"


def test_xlsx_bomb_millions_of_short_shared_strings_is_refused_early(tmp_path: Path) -> None:
    """Finding 4: ten million one-letter shared strings (here 1.2 million, the count declared)."""
    path = hostile.many_short_shared_strings(tmp_path / "bomb.xlsx", count=1_200_000)
    message, peak = refusal_and_peak(lambda: read_all(path))
    assert "shared-string table" in message and "KINTRACE_XLSX_MAX_SHARED_STRINGS" in message
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB"


def test_xlsx_bomb_in_an_inline_cell_is_refused_while_the_sheet_streams(tmp_path: Path) -> None:
    path = hostile.huge_inline_cell(tmp_path / "bomb.xlsx", mebibytes=8)
    message, peak = refusal_and_peak(lambda: read_all(path))
    assert "row 2 of the sheet" in message and "KINTRACE_IMPORT_MAX_FIELD_CHARS" in message
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB"


def test_a_csv_with_a_million_columns_is_refused(tmp_path: Path) -> None:
    """Finding 8: a 1,000,000-column CSV was accepted (its record page was 91 MB)."""
    path = hostile.wide_csv(tmp_path / "wide.csv", columns=1_000_000)
    message, peak = refusal_and_peak(lambda: read_all(path))
    assert message.startswith("wide.csv: row 1:") and "KINTRACE_IMPORT_MAX_ROW_CHARS" in message
    assert peak < 16 << 20, f"peak {peak / 2**20:.1f} MiB"


def test_a_csv_field_of_16_mib_is_refused_and_a_long_field_is_named(tmp_path: Path) -> None:
    """Finding 8: a 16 MiB field was accepted by the registry."""
    path = hostile.long_field_csv(tmp_path / "long.csv", mebibytes=16)
    message, peak = refusal_and_peak(lambda: read_all(path))
    assert message.startswith("long.csv: row 2:") and "limit is 1,048,576" in message
    assert peak < 16 << 20, f"peak {peak / 2**20:.1f} MiB"
    path.write_text("record_id,notes\nr1," + "n" * 70_000 + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"row 2, column 'notes': the value has 70,000 char"):
        read_all(path)
