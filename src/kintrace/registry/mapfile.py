"""How to read a source's lists (header row, column map, date order), and the map file that
keeps it: `kintrace import FILE --map MAP.toml`, `--save-map MAP.toml` (docs/formats.md,
"Column map file").

A bureau's lists keep their layout from one delivery to the next, so the choices made once
(which column is the surname, where the header is, which order the dates are in) are saved per
source and given again. The same `ReadOptions` is what the web mapping step fills in, and what
each import batch records (`import_batches.read_options`), so a file read another way counts as
a new import.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kintrace.registry import reasons
from kintrace.registry.columns import TARGETS, ColumnMapping
from kintrace.registry.dates import DATE_ORDERS, DateOrder
from kintrace.registry.errors import ImportRefused

MAP_FILE_TABLES = ("file", "columns")
FILE_KEYS = ("source", "sheet", "header_row", "header_rows", "date_order")


@dataclass(frozen=True)
class ReadOptions:
    """What the user said about a list; anything left None is found in the file."""

    sheet: str | None = None
    header_row: int | None = None  # 1-based, as a spreadsheet numbers rows
    header_rows: int | None = None  # 1 or 2
    date_order: DateOrder | None = None  # None: day-first, refusing a month-first file
    columns: Mapping[str, str] = field(default_factory=dict)  # header -> field/extra/ignore
    source: str | None = None  # the source the map is for (a map file may say)

    def __post_init__(self) -> None:
        if self.header_row is not None and self.header_row < 1:
            raise ImportRefused(reasons.HEADER_ROW_GIVEN.format(row=self.header_row))
        if self.header_rows not in (None, 1, 2):
            raise ImportRefused(reasons.HEADER_ROWS_GIVEN.format(rows=self.header_rows))
        if self.date_order not in (None, *DATE_ORDERS):
            raise ImportRefused(
                f"the date order is {' or '.join(DATE_ORDERS)}; got '{self.date_order}'."
            )


def applied(
    options: ReadOptions,
    *,
    mapping: ColumnMapping | None,
    header_row: int | None,
    header_rows: int | None,
) -> dict[str, Any]:
    """What an import did with a file, as kept with the batch: the header found or given, the
    map of every column and the date order. Comparing it tells a re-read from a re-import."""
    return {
        "header_row": header_row,
        "header_rows": header_rows,
        "date_order": options.date_order,
        "columns": mapping.chosen() if mapping is not None else dict(options.columns),
    }


def applied_json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def options_from_applied(text: str | None, *, sheet: str | None = None) -> ReadOptions:
    """The options that read a file the way a batch did (`import_batches.read_options`)."""
    if not text:
        return ReadOptions(sheet=sheet)
    data = json.loads(text)
    return ReadOptions(
        sheet=sheet,
        header_row=data.get("header_row"),
        header_rows=data.get("header_rows"),
        date_order=data.get("date_order"),
        columns=dict(data.get("columns") or {}),
    )


# --- the map file ------------------------------------------------------------------------------


def read_map_file(path: Path) -> ReadOptions:
    """Parse a map file; raises ImportRefused naming the key at fault (nothing is imported)."""
    label = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ImportRefused(f"{label}: the map file does not exist.") from None
    except OSError as exc:
        raise ImportRefused(f"{label}: the map file cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise ImportRefused(f"{label}: the map file is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ImportRefused(
            f"{label}: not a TOML map file ({exc}); see docs/formats.md, 'Column map file'."
        ) from None
    unknown = sorted(set(data) - set(MAP_FILE_TABLES))
    if unknown:
        raise ImportRefused(
            f"{label}: unknown section [{unknown[0]}]; a map file has [file] and [columns]."
        )
    file_part = data.get("file", {})
    columns = data.get("columns", {})
    if not isinstance(file_part, dict) or not isinstance(columns, dict):
        raise ImportRefused(f"{label}: [file] and [columns] must be tables.")
    for key in file_part:
        if key not in FILE_KEYS:
            raise ImportRefused(
                f"{label}: unknown key '{key}' in [file]; known keys: {', '.join(FILE_KEYS)}."
            )
    for key in ("source", "sheet", "date_order"):
        if key in file_part and not isinstance(file_part[key], str):
            raise ImportRefused(f"{label}: [file] {key} must be text in quotes.")
    for key in ("header_row", "header_rows"):
        value = file_part.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise ImportRefused(f"{label}: [file] {key} must be a whole number.")
    for header, target in columns.items():
        if not isinstance(target, str) or target not in TARGETS:
            raise ImportRefused(
                f"{label}: [columns] '{header[:80]}' = {target!r} is not a field; use one of: "
                f"{', '.join(TARGETS)}."
            )
    try:
        return ReadOptions(
            sheet=file_part.get("sheet"),
            header_row=file_part.get("header_row"),
            header_rows=file_part.get("header_rows"),
            date_order=file_part.get("date_order"),
            columns=dict(columns),
            source=file_part.get("source"),
        )
    except ImportRefused as exc:
        raise ImportRefused(f"{label}: {exc}") from None


def map_file_text(options: ReadOptions, *, comment: str | None = None) -> str:
    """The map file for `options` (what `read_map_file` reads back to the same options)."""
    lines = ["# Kintrace column map: how to read this source's lists (docs/formats.md)."]
    if comment:
        lines += [f"# {line}" for line in comment.splitlines()]
    lines += ["", "[file]"]
    for key in FILE_KEYS:
        value = getattr(options, key)
        if value is not None:
            lines.append(f"{key} = {value}" if isinstance(value, int) else f"{key} = {_q(value)}")
    lines += ["", "[columns]"]
    lines += [f"{_q(header)} = {_q(target)}" for header, target in options.columns.items()]
    return "\n".join(lines) + "\n"


def write_map_file(path: Path, options: ReadOptions, *, comment: str | None = None) -> None:
    try:
        path.write_text(map_file_text(options, comment=comment), encoding="utf-8")
    except OSError as exc:
        raise ImportRefused(f"{path.name}: cannot write the map file ({exc.strerror}).") from None


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _q(text: str) -> str:
    """A TOML basic string."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
