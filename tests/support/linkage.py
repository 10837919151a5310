"""Rows for the linkage feature table (`kintrace.linkage.features.feature_table`), and a
decision pipeline's working set for driving one rule (synthetic)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import pandas as pd

from kintrace.linkage.decide.rules import State
from kintrace.linkage.features import RECORD_COLUMNS
from kintrace.linkage.spec import ModelSpec, kintrace_spec


def record_row(uid: int, **fields: object) -> dict[str, object]:
    """One registry row in the feature table's input columns: every column empty, source "s",
    kind "family", record id the uid; `fields` fill or override the rest."""
    row: dict[str, object] = dict.fromkeys(RECORD_COLUMNS)
    row.update(uid=uid, source="s", record_id=str(uid), source_kind="family")
    row.update(fields)
    return row


def rule_state(
    pairs: pd.DataFrame,
    *,
    persons: Mapping[Hashable, str] | None = None,
    features: pd.DataFrame | None = None,
    spec: ModelSpec | None = None,
    off: frozenset[str] = frozenset(),
) -> State:
    """A decision pipeline's working set for driving one rule directly: `pairs` (with `uid_l`,
    `uid_r` and a `status` column, or none: all `None`), the persons of the last clustering,
    and a feature table (default: the uids alone)."""
    frame = pairs.reset_index(drop=True).copy()
    frame["key_l"], frame["key_r"] = frame["uid_l"], frame["uid_r"]
    if features is None:
        uids = sorted(set(frame["uid_l"]) | set(frame["uid_r"]) | set(persons or {}))
        features = pd.DataFrame({"uid": uids})
    status = frame["status"].tolist() if "status" in frame else [None] * len(frame)
    people = dict(persons or {})
    return State(
        spec=spec or kintrace_spec(),
        pairs=frame,
        features=features,
        off=off,
        cluster=lambda _state: people,
        status=status,
        rule=[None] * len(frame),
        person_of=people,
    )
