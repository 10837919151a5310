"""Tables for people's decisions on pairs, the review queue, and cases.

Records are referenced by their key (source name, record_id) as strings, not by a foreign key:
the key is what reviewers, exports and the linkage tables use, and it stays valid across record
versions. Decisions are never updated or deleted; `review_items` is the queue and the current
state of each pair, recomputed from the decisions (see `kintrace.cases.verdicts.replay`).
Times are stored as UTC; SQLite hands them back naive (`as_utc`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from kintrace.store.base import KEY, Base

metadata = Base.metadata  # one MetaData for every area (naming convention shared)


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _pair_columns() -> list[Column[str]]:
    return [
        Column("source_l", String(KEY), nullable=False),
        Column("record_id_l", String(KEY), nullable=False),
        Column("source_r", String(KEY), nullable=False),
        Column("record_id_r", String(KEY), nullable=False),
    ]


review_items = Table(
    "review_items",
    metadata,
    Column("id", Integer, primary_key=True),
    *_pair_columns(),
    Column("match_probability", Float),
    Column("match_weight", Float),
    Column("status", String(20), nullable=False),  # kintrace.cases.PairStatus
    Column("priority", Float, nullable=False, default=0.0),
    Column("first_reviewer", String(64)),  # first 'same' under the two-person rule
    Column("lease_owner", String(64)),
    Column("lease_expires_at", DateTime(timezone=True)),
    Column("fencing_token", Integer, nullable=False, default=0),  # +1 on every claim
    Column("enqueued_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "source_l", "record_id_l", "source_r", "record_id_r", name="uq_review_items_pair"
    ),
    Index("ix_review_items_queue", "status", "priority"),
    Index("ix_review_items_lease", "lease_owner"),
)

review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("review_items.id"), nullable=False),
    *_pair_columns(),
    Column("verdict", String(16), nullable=False),  # same | different | unsure | undo
    Column("note", Text, nullable=False, default=""),
    Column("reviewer", String(64), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("match_probability", Float),  # the model's score when the verdict was given
    Column("fencing_token", Integer),
    Column("undoes_id", Integer, ForeignKey("review_decisions.id")),  # set on undo rows
    Column("status_after", String(20), nullable=False),
    Index("ix_review_decisions_item", "item_id"),
    Index("ix_review_decisions_reviewer", "reviewer", "id"),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agency_id", Integer),  # the agency that may see the case (web scope); None = home
    Column("subject_source", String(KEY), nullable=False),  # the record the case follows,
    Column("subject_record_id", String(KEY), nullable=False),  # usually a family's report
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("opened_by", String(64), nullable=False),
    Column("assignee", String(64)),
    Column("identity", String(16), nullable=False),
    Column("whereabouts", String(16), nullable=False),
    Column("place", Text),
    Column("place_date", Date),
    Column("return_stage", String(20), nullable=False),
    Column("closed_reason", Text),
    Column("last_progress_at", DateTime(timezone=True), nullable=False),
    Index("ix_cases_subject", "subject_source", "subject_record_id"),
    Index("ix_cases_assignee", "assignee"),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # opened | transition | assigned | seen
    Column("facet", String(16)),
    Column("from_state", String(20)),
    Column("to_state", String(20)),
    Column("note", Text, nullable=False, default=""),
    Column("details", JSON, nullable=False, default=dict),
    Column("decision_id", Integer, ForeignKey("review_decisions.id")),
    Index("ix_case_events_case", "case_id", "id"),
)

case_seen = Table(
    "case_seen",
    metadata,
    Column("case_id", Integer, ForeignKey("cases.id"), primary_key=True),
    Column("username", String(64), primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

review_sync = Table(
    "review_sync",
    metadata,
    Column("id", Integer, primary_key=True),  # one row, id 1
    Column(
        "link_run_id", Integer, nullable=False
    ),  # the last link run whose pending pairs were queued
    Column("synced_at", DateTime(timezone=True), nullable=False),
)
