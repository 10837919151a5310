"""Reading what linkage needs from the store, and writing a run's results in one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from kintrace.store.linkage_tables import link_pairs, link_runs, linked_records
from kintrace.store.registry_tables import Record, RecordVersion, Source

Key = tuple[str, str]


def load_record_keys(session: Session) -> pd.DataFrame:
    """uid, source, record_id, content hash and source kind (`registry_kind`, as the registry
    holds it) of every record (cheap: no fields)."""
    query = (
        select(Record.id.label("uid"), Source.name.label("source"), Record.record_id,
               Record.content_hash, Source.kind.label("registry_kind"))
        .join(Source, Source.id == Record.source_id)
        .order_by(Record.id)
    )  # fmt: skip
    rows = session.execute(query).all()
    columns = ["uid", "source", "record_id", "content_hash", "registry_kind"]
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def load_records(session: Session, *, uids: Iterable[int] | None = None) -> pd.DataFrame:
    """The current version of every record (or of `uids`), with the columns
    `features.RECORD_COLUMNS` needs and `group_id` (for the feature `group_key`)."""
    query = _records_query()
    columns = list(query.selected_columns.keys())
    if uids is None:
        rows = [tuple(r) for r in session.execute(query)]
    else:
        rows = []
        for chunk in _chunks(list(uids), 900):
            rows.extend(tuple(r) for r in session.execute(query.where(Record.id.in_(chunk))))
        rows.sort(key=lambda row: row[0])
    return pd.DataFrame(rows, columns=columns)


def _records_query() -> Any:
    return (
        select(
            Record.id.label("uid"),
            Source.name.label("source"),
            Record.record_id,
            Source.kind.label("source_kind"),
            Record.content_hash,
            RecordVersion.given_name,
            RecordVersion.family_name,
            RecordVersion.patronymic,
            RecordVersion.full_name,
            RecordVersion.sex,
            RecordVersion.birth_year,
            RecordVersion.birth_month,
            RecordVersion.birth_day,
            RecordVersion.age,
            RecordVersion.observed_on,
            RecordVersion.birth_place,
            RecordVersion.last_known_place,
            RecordVersion.group_id,
        )
        .join(Source, Source.id == Record.source_id)
        .join(
            RecordVersion,
            (RecordVersion.record_pk == Record.id)
            & (RecordVersion.version == Record.current_version),
        )
        .order_by(Record.id)
    )


def source_kinds(session: Session) -> dict[str, str]:
    """Every source's kind as the registry holds it now."""
    return {name: kind for name, kind in session.execute(select(Source.name, Source.kind))}


@dataclass(frozen=True)
class PreviousState:
    """What the last completed runs left: the model (where it came from), linked record
    versions, persons, and the source kinds the last run linked with (None: a run from before
    migration 0006r)."""

    model_run_id: int | None
    model: dict[str, Any] | None
    linked_hash: dict[Key, str]
    person_of: dict[Key, str]
    model_origin: str | None = None
    model_about: dict[str, Any] | None = None
    source_kinds: dict[str, str] | None = None


def _json(text: str | None) -> Any:
    return json.loads(text) if text else None


def previous_state(session: Session) -> PreviousState:
    last_full = session.execute(
        select(
            link_runs.c.id, link_runs.c.model_json, link_runs.c.model_origin,
            link_runs.c.model_about,
        )
        .where(link_runs.c.state == "done", link_runs.c.mode == "full")
        .order_by(link_runs.c.id.desc())
        .limit(1)
    ).first()  # fmt: skip
    last_kinds = session.execute(
        select(link_runs.c.source_kinds)
        .where(link_runs.c.state == "done")
        .order_by(link_runs.c.id.desc())
        .limit(1)
    ).scalar()
    linked: dict[Key, str] = {}
    persons: dict[Key, str] = {}
    for source, record_id, content_hash, person_id in session.execute(
        select(
            linked_records.c.source,
            linked_records.c.record_id,
            linked_records.c.content_hash,
            linked_records.c.person_id,
        )
    ):
        linked[(source, record_id)] = content_hash
        persons[(source, record_id)] = person_id
    return PreviousState(
        model_run_id=last_full.id if last_full else None,
        model=json.loads(last_full.model_json) if last_full and last_full.model_json else None,
        linked_hash=linked,
        person_of=persons,
        model_origin=last_full.model_origin if last_full else None,
        model_about=_json(last_full.model_about) if last_full else None,
        source_kinds=_json(last_kinds),
    )


def stored_auto_links(session: Session) -> list[tuple[Key, Key, float]]:
    rows = session.execute(
        select(
            link_pairs.c.source_l,
            link_pairs.c.record_id_l,
            link_pairs.c.source_r,
            link_pairs.c.record_id_r,
            link_pairs.c.match_probability,
        ).where(link_pairs.c.status == "auto")
    )
    return [((r[0], r[1]), (r[2], r[3]), float(r[4])) for r in rows]


def start_run(session: Session, *, values: Mapping[str, Any]) -> int:
    """Record that a run started (its own small transaction); stale `running` runs fail."""
    session.execute(update(link_runs).where(link_runs.c.state == "running").values(state="failed"))
    result = session.execute(
        insert(link_runs).values(started_at=datetime.now(UTC), state="running", **values)
    )
    return int(result.inserted_primary_key[0])  # type: ignore[attr-defined]


@dataclass
class RunResults:
    """What a run writes, all in one transaction."""

    run_id: int
    full: bool
    replaced: set[Key]  # records whose old pairs are dropped (all, on a full run)
    pairs: list[dict[str, Any]]
    person_of: dict[Key, str]
    content_hash: dict[Key, str]
    previous_person_of: dict[Key, str]
    run_values: dict[str, Any]


def _chunks(items: list[Any], size: int = 5000) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_results(session: Session, results: RunResults) -> None:
    """Replace the pairs and persons the run recomputed; mark the run done."""
    run_id = results.run_id
    if results.full:
        session.execute(delete(link_pairs))
    elif results.replaced:
        keys = list(results.replaced)
        for chunk in _chunks(keys, 400):
            for side in ("l", "r"):
                cols = (link_pairs.c[f"source_{side}"], link_pairs.c[f"record_id_{side}"])
                session.execute(delete(link_pairs).where(tuple_(*cols).in_(chunk)))
    for chunk in _chunks(results.pairs):
        session.execute(insert(link_pairs), [{**p, "run_id": run_id} for p in chunk])
    changed = [
        key
        for key, person in results.person_of.items()
        if results.full or results.previous_person_of.get(key) != person or key in results.replaced
    ]
    if results.full:
        session.execute(delete(linked_records))
    else:
        for chunk in _chunks(changed, 400):
            cols = (linked_records.c.source, linked_records.c.record_id)
            session.execute(delete(linked_records).where(tuple_(*cols).in_(chunk)))
    rows = [
        {
            "source": key[0],
            "record_id": key[1],
            "content_hash": results.content_hash[key],
            "person_id": results.person_of[key],
            "run_id": run_id,
        }
        for key in changed
    ]
    for chunk in _chunks(rows):
        session.execute(insert(linked_records), chunk)
    session.execute(
        update(link_runs)
        .where(link_runs.c.id == run_id)
        .values(state="done", finished_at=datetime.now(UTC), **results.run_values)
    )
