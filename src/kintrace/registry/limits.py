"""How big a records file may be, cell by cell: limits checked while reading, before the work.

A hostile or broken file must cost a bounded amount of memory and time, whatever it claims
about itself: an XLSX workbook is a ZIP archive whose parts can unpack to a thousand times their
size, a CSV line can hold a million columns. Every limit is a setting (an environment variable,
read once by `kintrace.config`) with a default that fits any real list a tracing office receives;
raise one for a trusted file. A file over a limit is refused whole (ImportRefused) with the row
and column where that helps, and nothing of it is written. docs/security.md lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from kintrace.registry.errors import ImportRefused


@dataclass(frozen=True)
class ImportLimits:
    """The limits one import runs under (defaults are the safe values)."""

    #: Columns in the header or in any row (the last non-empty cell counts; XLSX rows padded
    #: with empty cells are fine).
    max_columns: int = 500
    #: Characters in one cell.
    max_field_chars: int = 65_536
    #: Characters in one row, all cells together (also bounds a CSV record or a JSON line while
    #: it is being read, before it is split into cells).
    max_row_chars: int = 1_048_576
    #: Bytes an XLSX workbook unpacks to: the sum its parts declare, and what each part really
    #: gives while it is streamed (declared sizes can lie).
    xlsx_max_unpacked_bytes: int = 512 << 20
    #: Bytes of any XLSX part other than a worksheet (shared strings, styles, workbook): these
    #: are held in memory whole while the workbook is opened.
    xlsx_max_part_bytes: int = 64 << 20
    #: Distinct texts in the workbook's shared-string table (each is held in memory).
    xlsx_max_shared_strings: int = 1_000_000


#: The environment variable that sets each limit.
ENV_NAMES: Mapping[str, str] = {
    "max_columns": "KINTRACE_IMPORT_MAX_COLUMNS",
    "max_field_chars": "KINTRACE_IMPORT_MAX_FIELD_CHARS",
    "max_row_chars": "KINTRACE_IMPORT_MAX_ROW_CHARS",
    "xlsx_max_unpacked_bytes": "KINTRACE_XLSX_MAX_UNPACKED_BYTES",
    "xlsx_max_part_bytes": "KINTRACE_XLSX_MAX_PART_BYTES",
    "xlsx_max_shared_strings": "KINTRACE_XLSX_MAX_SHARED_STRINGS",
}


class LimitsError(ValueError):
    """A limit setting that is not a positive whole number; the message names it."""


def limits_from_env(env: Mapping[str, str]) -> ImportLimits:
    """ImportLimits from the environment; unset variables keep their defaults."""
    values: dict[str, int] = {}
    for item in fields(ImportLimits):
        name = ENV_NAMES[item.name]
        raw = env.get(name, "").strip()
        if not raw:
            continue
        try:
            value = int(raw.replace("_", ""))
        except ValueError:
            value = 0
        if value <= 0:
            raise LimitsError(
                f"{name}={raw[:40]!r} is not a positive whole number (e.g. {item.default}). "
                "Fix or unset it."
            )
        values[item.name] = value
    limits = ImportLimits(**values)
    if limits.max_row_chars < limits.max_field_chars:
        raise LimitsError(
            f"{ENV_NAMES['max_row_chars']} ({limits.max_row_chars}) is smaller than "
            f"{ENV_NAMES['max_field_chars']} ({limits.max_field_chars}): a row holds its cells."
        )
    return limits


def refuse(
    label: str, limits: ImportLimits, *, where: str, what: str, limit: str, hint: str = ""
) -> ImportRefused:
    """The refusal for a file over a limit: where, what was found, the limit and its setting."""
    return ImportRefused(
        f"{label}: {where}{what}; the limit is {getattr(limits, limit):,} ({ENV_NAMES[limit]}). "
        "Nothing of this file was imported. "
        + (hint or "Correct the file, or raise the limit if the file is trusted.")
    )


def check_row(
    label: str,
    limits: ImportLimits,
    *,
    number: int,
    cells: list[str],
    columns: list[str],
    header: bool = False,
) -> None:
    """Refuse the file if this row (as cells in column order) is over a limit.

    Cheap for ordinary rows: one sum of lengths; the cells are walked only when that sum is
    over the field limit or the row is wider than the column limit.
    """
    if len(cells) > limits.max_columns:
        width = len(cells)
        while width and not cells[width - 1]:
            width -= 1
        if width > limits.max_columns:
            raise refuse(
                label,
                limits,
                where=f"row {number:,}: ",
                what=f"the header names {width:,} columns"
                if header
                else f"the row has values in {width:,} columns",
                limit="max_columns",
            )
    total = sum(map(len, cells))
    if total <= limits.max_field_chars:
        return
    for index, value in enumerate(cells):
        if len(value) > limits.max_field_chars:
            name = columns[index] if index < len(columns) else f"column_{index + 1}"
            raise refuse(
                label,
                limits,
                where=f"row {number:,}, column '{name[:60]}': ",
                what=f"the value has {len(value):,} characters",
                limit="max_field_chars",
            )
    if total > limits.max_row_chars:
        raise refuse(
            label,
            limits,
            where=f"row {number:,}: ",
            what=f"the row has {total:,} characters",
            limit="max_row_chars",
        )
