"""Helpers for the review and case services: a registry of a few synthetic records.

Records are inserted straight into the registry tables (the import service is tested on its
own); only what review and cases read is filled in. All names here are synthetic keys.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kintrace.cases import RecordKey, ReviewPolicy, Role
from kintrace.review.actors import Actor
from kintrace.store.registry_tables import Record, Source

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

SOURCES = {
    "fam": "family",
    "camp": "camp",
    "adopt": "adoption_listing",
    "reg": "registry",
}

ADMIN = Actor("admin1", Role.ADMIN)
ANN = Actor("ann", Role.REVIEWER)
BOB = Actor("bob", Role.REVIEWER)
CASEY = Actor("casey", Role.CASEWORKER)
POLICY = ReviewPolicy(auto_link_threshold=0.95, review_floor=0.5, lease_seconds=600)


def add_records(session: Session, keys: list[RecordKey], *, at: datetime = T0) -> None:
    """Insert the sources (with their kinds) and records the keys name, if missing."""
    for name in {k.source for k in keys}:
        if session.scalar(select(Source.id).where(Source.name == name)) is None:
            session.execute(
                insert(Source).values(name=name, kind=SOURCES.get(name, "unknown"), created_at=at)
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


def key(text: str) -> RecordKey:
    source, _, rid = text.partition(":")
    return RecordKey(source, rid)
