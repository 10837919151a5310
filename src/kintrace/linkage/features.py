"""Feature columns from records: name keys and classes (via `kintrace.names`), dates as integers.

Everything the model compares across scripts is computed here, before Splink sees the data:
DuckDB's string functions score a Cyrillic name against its Latin spelling as 0.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import pandas as pd

from kintrace.linkage.dates import date_columns
from kintrace.linkage.spec import FEATURE_COLUMNS, SourceKind
from kintrace.names.places import place_key

#: Columns a records frame must have (one row per current record version). `group_id` (rows
#: the source lists together) is optional: without it every `group_key` is None.
RECORD_COLUMNS = (
    "uid",
    "source",
    "record_id",
    "source_kind",
    "given_name",
    "family_name",
    "patronymic",
    "full_name",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "age",
    "observed_on",
    "birth_place",
    "last_known_place",
)

NAME_FEATURES = (
    "given_key",
    "given_class",
    "given_classes",
    "given_is_dim",
    "family_key",
    "family_stem",
    "patronymic_key",
    "patronymic_class",
)


def _resolve_class(classes: frozenset[str], sex: str | None) -> str | None:
    """One class for the record: the one matching its sex when a form has several (Саша)."""
    if not classes:
        return None
    ordered = sorted(classes)
    if sex and len(ordered) > 1:
        wanted = f":{sex.lower()}"
        for cls in ordered:
            if cls.endswith(wanted):
                return cls
    return ordered[0]


@lru_cache(maxsize=500_000)
def _name_row(
    given: str | None, family: str | None, patronymic: str | None, full: str | None, sex: str | None
) -> tuple[object, ...]:
    """The model's name columns plus the sex (the record's, else the one its name parts tell)."""
    from kintrace.names import record_name_features

    found = record_name_features(
        given=given, family=family, patronymic=patronymic, full_name=full, sex=sex
    )
    sex_value = found["sex"] or (
        found["name_gender"] if found["name_gender"] in ("M", "F") else None
    )
    listed = found["given_classes"]
    classes = frozenset(
        c for c in (listed if isinstance(listed, list) else ()) if isinstance(c, str)
    )
    known = frozenset(c for c in classes if ":" in c)
    given_key = found["given_key"]
    every = sorted(known or classes)
    return (
        given_key,
        _resolve_class(known or classes, sex_value if isinstance(sex_value, str) else None),
        ("|" + "|".join(every) + "|") if every else None,
        None if given_key is None else int(bool(found["given_is_diminutive"])),
        found["family_key"],
        found["family_stem"],
        found["patronymic_key"],
        found["patronymic_class"],
        sex_value,
    )


def group_key(source: str, group_id: str | None) -> str | None:
    """A derived key for the rows one source lists together (`group_id`), None without one.

    Derived rather than the value as written, because the feature cache holds only derived keys;
    the source is part of it, since two sources' group numbers mean nothing to each other.
    """
    if not group_id:
        return None
    return hashlib.sha256(f"{source}\x1f{group_id}".encode()).hexdigest()[:16]


def _kind(value: object) -> str:
    """The source kind as the registry names it (`SourceKind`); the demo generator's longer
    names map onto it, anything else is `unknown`."""
    return SourceKind.parse(value).value


def _text(series: pd.Series) -> list[str | None]:
    """Trimmed strings, with every kind of missing (None, NaN, NA, "") as None."""
    return [
        (str(v).strip() or None) if v is not None and not pd.isna(v) else None
        for v in series.to_numpy(dtype=object)
    ]


def feature_table(records: pd.DataFrame) -> pd.DataFrame:
    """One row per record with exactly the model's feature columns (`FEATURE_COLUMNS`).

    Missing values stay missing (None / NA): the model treats them as no evidence.
    """
    missing = [c for c in RECORD_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"records frame lacks columns {missing}; expected {list(RECORD_COLUMNS)}")
    frame = records.reset_index(drop=True)
    text = {c: _text(frame[c]) for c in ("given_name", "family_name", "patronymic", "full_name")}
    rows = [
        _name_row(g, f, p, n, s)
        for g, f, p, n, s in zip(
            text["given_name"],
            text["family_name"],
            text["patronymic"],
            text["full_name"],
            _text(frame["sex"]),
            strict=True,
        )
    ]
    out = pd.DataFrame(rows, columns=[*NAME_FEATURES, "sex"])
    out.insert(0, "uid", frame["uid"].astype("int64").to_numpy())
    out.insert(1, "source", frame["source"].astype(str).to_numpy())
    out.insert(2, "source_kind", [_kind(v) for v in frame["source_kind"]])
    observed_year = pd.to_numeric(
        frame["observed_on"].astype("string").str.slice(0, 4), errors="coerce"
    )
    dates = date_columns(
        frame["birth_year"],
        frame["birth_month"],
        frame["birth_day"],
        age=frame["age"],
        observed_year=observed_year,
    )
    for column in dates.columns:
        out[column] = dates[column].array
    out["birth_place_key"] = [place_key(p) for p in _text(frame["birth_place"])]
    out["last_place_key"] = [place_key(p) for p in _text(frame["last_known_place"])]
    # optional: a records frame without `group_id` (older callers, benches) has no groups
    groups = _text(frame["group_id"]) if "group_id" in frame.columns else [None] * len(frame)
    out["group_key"] = [
        group_key(source, group) for source, group in zip(out["source"], groups, strict=True)
    ]
    return out[list(FEATURE_COLUMNS)]
