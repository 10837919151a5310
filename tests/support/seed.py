"""Rows a test or benchmark needs in a store: records, link runs and pairs, queue items, users.

Rows are written straight into the tables (the import, linkage and review services are tested
on their own), as the service that owns them would leave them. All data here is synthetic.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kintrace.accounts import users
from kintrace.accounts.roles import Role
from kintrace.cases import RecordKey
from kintrace.store.linkage_tables import link_pairs, link_runs, linked_records
from kintrace.store.registry_tables import Record, Source
from kintrace.store.review_tables import review_items
from kintrace.store.web_tables import users as user_rows

RECORD_COLUMNS = ("source", "record_id", "given_name", "family_name", "birth_date", "birth_place")
SOURCE_KINDS = {"fam": "family", "camp": "camp", "adopt": "adoption_listing", "reg": "registry"}


def write_records_csv(path: Path, rows: Iterable[tuple[str, ...]]) -> Path:
    """A CSV of records in the import's columns (RECORD_COLUMNS), for `import_file`."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(RECORD_COLUMNS)
        writer.writerows(rows)
    return path


def key(text: str) -> RecordKey:
    """ "fam:1" -> RecordKey("fam", "1")."""
    source, _, rid = text.partition(":")
    return RecordKey(source, rid)


def add_records(session: Session, keys: list[RecordKey], *, at: datetime) -> None:
    """Insert the sources (kinds from SOURCE_KINDS) and records the keys name, if missing."""
    for name in dict.fromkeys(k.source for k in keys):  # in order of first appearance
        if session.scalar(select(Source.id).where(Source.name == name)) is None:
            session.execute(
                insert(Source).values(
                    name=name, kind=SOURCE_KINDS.get(name, "unknown"), created_at=at
                )
            )
    ids = {r.name: r.id for r in session.execute(select(Source.name, Source.id))}
    session.execute(
        insert(Record),
        [
            {
                "source_id": ids[k.source],
                "record_id": k.record_id,
                "current_version": 1,
                "content_hash": "0" * 64,
                "created_at": at,
                "updated_at": at,
            }
            for k in keys
        ],
    )


def minimal_model(columns: Iterable[str]) -> dict[str, Any]:
    """A minimal trained-model document (synthetic): for each comparison column a null, an
    "exact" and an "all other" level, enough for the level labels of a pair's waterfall."""
    return {
        "probability_two_random_records_match": 0.001,
        "comparisons": [
            {
                "output_column_name": name,
                "comparison_levels": [
                    {"is_null_level": True, "label_for_charts": "null"},
                    {"label_for_charts": "exact", "m_probability": 0.9, "u_probability": 0.01},
                    {"label_for_charts": "all other", "m_probability": 0.1, "u_probability": 0.99},
                ],
            }
            for name in columns
        ],
    }


def add_link_run(
    session: Session,
    *,
    at: datetime,
    model_name: str = "test",
    model_json: str | None = None,
    finished: bool = False,
) -> int:
    """A link run in state "done" (auto-link 0.99, review floor 0.5); returns its id."""
    values: dict[str, Any] = {
        "started_at": at,
        "state": "done",
        "mode": "full",
        "engine": "duckdb",
        "model_name": model_name,
        "auto_link": 0.99,
        "review_floor": 0.5,
    }
    if finished:
        values["finished_at"] = at
    if model_json is not None:
        values["model_json"] = model_json
    return int(session.execute(insert(link_runs).values(**values)).inserted_primary_key[0])


def link_pair_row(
    *,
    run_id: int,
    left: tuple[str, str],
    right: tuple[str, str],
    probability: float,
    weight: float,
    status: str,
    weights: str = "{}",
    rule: str | None = None,
) -> dict[str, Any]:
    """One link_pairs row (left and right as (source, record_id)); `rule` is the decision
    rule that set the status (`kintrace.linkage.decide`)."""
    return {
        "run_id": run_id,
        "source_l": left[0],
        "record_id_l": left[1],
        "source_r": right[0],
        "record_id_r": right[1],
        "match_probability": probability,
        "match_weight": weight,
        "status": status,
        "weights": weights,
        "rule": rule,
    }


def add_link_pair(
    session: Session,
    *,
    run_id: int,
    left: tuple[str, str],
    right: tuple[str, str],
    probability: float,
    weight: float,
    status: str,
    weights: str = "{}",
    rule: str | None = None,
) -> None:
    """Insert one link_pairs row (see link_pair_row)."""
    session.execute(
        insert(link_pairs).values(
            **link_pair_row(
                run_id=run_id,
                left=left,
                right=right,
                probability=probability,
                weight=weight,
                status=status,
                weights=weights,
                rule=rule,
            )
        )
    )


def add_linked_records(
    session: Session,
    *,
    run_id: int,
    members: Iterable[tuple[str, str, str]],
    content_hash: str = "x",
) -> None:
    """Persons as a finished link run writes them: members are (source, record_id, person_id)."""
    rows = [
        {
            "source": source,
            "record_id": record_id,
            "content_hash": content_hash,
            "person_id": person,
            "run_id": run_id,
        }
        for source, record_id, person in members
    ]
    if rows:
        session.execute(insert(linked_records), rows)


def add_review_item(
    session: Session,
    *,
    left: tuple[str, str],
    right: tuple[str, str],
    probability: float,
    status: str,
    at: datetime,
    **columns: Any,
) -> int:
    """A review_items row (other columns, e.g. priority, as keywords); returns its id."""
    values = {
        "source_l": left[0],
        "record_id_l": left[1],
        "source_r": right[0],
        "record_id_r": right[1],
        "match_probability": probability,
        "status": status,
        "enqueued_at": at,
        "updated_at": at,
        **columns,
    }
    return int(session.execute(insert(review_items).values(**values)).inserted_primary_key[0])


def add_user_row(session: Session, *, username: str, role: str, at: datetime) -> None:
    """A bare account row in agency 1 (no usable password): enough for assignment checks."""
    session.execute(
        insert(user_rows).values(
            username=username,
            display_name=username,
            agency_id=1,
            role=role,
            password_hash="x",
            language="en",
            disabled=False,
            created_at=at,
            password_changed_at=at,
        )
    )


def add_user_with_totp(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    secret: str | None,
    at: datetime,
    agency_id: int = 1,
    language: str = "en",
) -> users.User:
    """An account through the accounts service, with a known TOTP secret (None: no second
    factor set up yet)."""
    user = users.add_user(
        session,
        username=username,
        password=password,
        role=role,
        agency_id=agency_id,
        now=at,
        language=language,
    )
    if secret is not None:
        users.set_totp_secret_for_demo(session, user_id=user.id, secret=secret)
    return user
