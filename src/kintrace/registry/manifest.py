"""A manifest names the lists in a delivery and says what each one is.

Partners and the demo generator deliver several files at once; a manifest (`sources.json`)
gives each file its source id, kind and description, so that `kintrace import --manifest FILE`
registers them with their provenance in one step instead of one call per file.
The format is in docs/formats.md §"Manifest".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kintrace.registry.errors import ImportRefused
from kintrace.registry.sources import SOURCE_KINDS, SourceDetails


@dataclass(frozen=True)
class ManifestEntry:
    """One file of a manifest, with what to tell the importer about its source."""

    path: Path
    source: str
    sheet: str | None
    details: SourceDetails
    map_file: Path | None = None  # a column map (docs/formats.md, "Column map file")


def read_manifest(path: Path) -> list[ManifestEntry]:
    """Parse a manifest; relative file names are read against the manifest's folder.

    Raises ImportRefused with the entry number and the field at fault; nothing is imported then.
    """
    label = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportRefused(f"{label}: the manifest file does not exist.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused(
            f"{label}: not a JSON manifest ({type(exc).__name__}); expected an object with a "
            '"sources" list, see docs/formats.md.'
        ) from None
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ImportRefused(
            f'{label}: expected an object with a non-empty "sources" list, see docs/formats.md.'
        )
    return [
        _entry(item, number, label=label, folder=path.parent)
        for number, item in enumerate(entries, start=1)
    ]


def _entry(item: Any, number: int, *, label: str, folder: Path) -> ManifestEntry:
    where = f"{label}, source {number}"
    if not isinstance(item, dict):
        raise ImportRefused(f"{where}: expected an object with name and file.")
    name, file = item.get("name"), item.get("file")
    if not isinstance(name, str) or not name.strip():
        raise ImportRefused(f'{where}: "name" (the source id) is missing.')
    if not isinstance(file, str) or not file.strip():
        raise ImportRefused(f'{where}: "file" is missing.')
    kind = item.get("kind")
    if kind is not None and kind not in SOURCE_KINDS:
        raise ImportRefused(f"{where}: kind '{kind}' is not one of: {', '.join(SOURCE_KINDS)}.")
    received_raw = item.get("received_on")
    try:
        received = date.fromisoformat(received_raw) if received_raw else None
    except (TypeError, ValueError):
        raise ImportRefused(f"{where}: received_on is not a date like 2026-11-29.") from None
    description = item.get("description")
    sheet = item.get("sheet")
    file_path = Path(file)
    map_name = item.get("map")
    if map_name is not None and (not isinstance(map_name, str) or not map_name.strip()):
        raise ImportRefused(f'{where}: "map" must name a column map file.')
    map_path = Path(map_name) if map_name else None
    if map_path is not None and not map_path.is_absolute():
        map_path = folder / map_path
    return ManifestEntry(
        map_file=map_path,
        path=file_path if file_path.is_absolute() else folder / file_path,
        source=name.strip(),
        sheet=sheet if isinstance(sheet, str) else None,
        details=SourceDetails(
            kind=kind,
            description=description if isinstance(description, str) else None,
            received_on=received,
        ),
    )
