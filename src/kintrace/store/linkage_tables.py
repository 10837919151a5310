"""Tables of link runs: the runs with their trained models, scored pairs, and persons.

Records are referenced by their key (source name, record_id), as in the review tables: the key is
what reviewers and exports use. A run writes everything in one transaction at its end, so an
interrupted run leaves the previous results as they were (its `link_runs` row, written when it
started, stays `running` and is marked `failed` by the next run).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
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

link_runs = Table(
    "link_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("state", String(16), nullable=False),  # running | done | failed
    Column("mode", String(16), nullable=False),  # full | incremental
    Column("engine", String(16), nullable=False),  # duckdb | spark
    Column("model_name", String(64), nullable=False),
    Column("model_json", Text),  # the trained Splink model (full runs)
    Column("model_run_id", Integer),  # the full run whose model scored this run
    Column("auto_link", Float, nullable=False),
    Column("review_floor", Float, nullable=False),
    Column("records_total", Integer, nullable=False, default=0),
    Column("records_new", Integer, nullable=False, default=0),
    Column("pairs_scored", Integer, nullable=False, default=0),
    Column("pairs_stored", Integer, nullable=False, default=0),
    Column("persons", Integer, nullable=False, default=0),
    Column("actor", String(128), nullable=False, default=""),
    # trained | shipped | given: which model scored the run (migration 0006r, decision 0320)
    Column("model_origin", String(16)),
    Column("model_about", Text),  # JSON: label, why the shipped model, provenance, floors
    Column("source_kinds", Text),  # JSON: source -> kind when the run read the registry
)

link_pairs = Table(
    "link_pairs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("link_runs.id"), nullable=False),
    Column("source_l", String(KEY), nullable=False),
    Column("record_id_l", String(KEY), nullable=False),
    Column("source_r", String(KEY), nullable=False),
    Column("record_id_r", String(KEY), nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("match_weight", Float, nullable=False),
    Column("status", String(16), nullable=False),  # auto | pending (the model's verdict)
    Column("weights", Text, nullable=False),  # JSON: comparison -> match weight
    # the decision rule that set the status (`kintrace.linkage.decide`), e.g. "0311-sibling-offers"
    Column("rule", String(48)),
    UniqueConstraint("source_l", "record_id_l", "source_r", "record_id_r", name="uq_link_pairs"),
    Index("ix_link_pairs_right", "source_r", "record_id_r"),
    Index("ix_link_pairs_status", "status"),
)

linked_records = Table(
    "linked_records",
    metadata,
    Column("source", String(KEY), primary_key=True),
    Column("record_id", String(KEY), primary_key=True),
    Column("content_hash", String(64), nullable=False),  # the version that was linked
    Column("person_id", String(32), nullable=False),
    Column("run_id", Integer, ForeignKey("link_runs.id"), nullable=False),
    Index("ix_linked_records_person", "person_id"),
)
