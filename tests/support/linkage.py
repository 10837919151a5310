"""Rows for the linkage feature table (`kintrace.linkage.features.feature_table`), synthetic."""

from __future__ import annotations

from kintrace.linkage.features import RECORD_COLUMNS


def record_row(uid: int, **fields: object) -> dict[str, object]:
    """One registry row in the feature table's input columns: every column empty, source "s",
    kind "family", record id the uid; `fields` fill or override the rest."""
    row: dict[str, object] = dict.fromkeys(RECORD_COLUMNS)
    row.update(uid=uid, source="s", record_id=str(uid), source_kind="family")
    row.update(fields)
    return row
