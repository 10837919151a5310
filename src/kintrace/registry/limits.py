"""How big a records file may be, cell by cell: limits checked while reading, before the work.

A hostile or broken file must cost a bounded amount of memory and time, whatever it claims
about itself: an XLSX workbook is a ZIP archive whose parts can unpack to a thousand times their
size, a CSV line can hold a million columns. Every limit is a setting (an environment variable,
read once by `kintrace.config`) with a default that fits any real list a tracing office receives;
raise one for a trusted file. A file over a limit is refused whole (ImportRefused) with the row
and column where that helps, and nothing of it is written. docs/security.md lists them.

The limits themselves (`ImportLimits`) are settings, defined with the others in kintrace.config;
this module holds the checks and the refusal.
"""

from __future__ import annotations

from kintrace.config import ENV_NAMES, ImportLimits, LimitsError, limits_from_env
from kintrace.registry import reasons
from kintrace.registry.errors import ImportRefused

__all__ = ["ENV_NAMES", "ImportLimits", "LimitsError", "check_row", "limits_from_env", "refuse"]


def refuse(
    label: str, limits: ImportLimits, *, where: str, what: str, limit: str, hint: str = ""
) -> ImportRefused:
    """The refusal for a file over a limit: where, what was found, the limit and its setting."""
    return ImportRefused(
        reasons.OVER_A_LIMIT.format(
            file=label,
            where=where,
            what=what,
            limit=f"{getattr(limits, limit):,}",
            setting=ENV_NAMES[limit],
            hint=hint or reasons.CORRECT_OR_RAISE,
        )
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
                where=reasons.AT_ROW.format(row=f"{number:,}"),
                what=(reasons.HEADER_COLUMNS if header else reasons.ROW_COLUMNS).format(
                    count=f"{width:,}"
                ),
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
                where=reasons.AT_CELL.format(row=f"{number:,}", name=name[:60]),
                what=reasons.VALUE_CHARACTERS.format(count=f"{len(value):,}"),
                limit="max_field_chars",
            )
    if total > limits.max_row_chars:
        raise refuse(
            label,
            limits,
            where=reasons.AT_ROW.format(row=f"{number:,}"),
            what=reasons.ROW_CHARACTERS.format(count=f"{total:,}"),
            limit="max_row_chars",
        )
