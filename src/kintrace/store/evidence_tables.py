"""Tables of the evidence area: items (content-addressed files), their links to records, persons
and cases, the hash-chained custody log, legal holds and per-source retention rules.

The files themselves live in the data directory (`kintrace.evidence.storage`); a row names its
file by SHA-256. Custody events are never updated or deleted; each carries the hash of the one
before it (`prev_hash` unique: the chain cannot fork). Times are ISO 8601 UTC text, so the hashes
are the same on SQLite and PostgreSQL. See docs/evidence.md and docs/data-model.md.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
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

evidence_items = Table(
    "evidence_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("sha512", String(128), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(100), nullable=False),  # found from the content, not the name
    Column("kind", String(16), nullable=False),  # document|photo|video|audio|testimony|capture
    Column("file_name", String(512)),  # as received; NULL once erased
    Column("collected_by", String(200)),
    Column("collected_on", String(10)),  # ISO date as given
    Column("description", Text),
    Column("ingested_at", String(32), nullable=False),
    Column("ingested_by", String(128), nullable=False),
    Column("erased_at", String(32)),  # the file and descriptive fields are gone; hashes stay
)

evidence_links = Table(
    "evidence_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("evidence_items.id"), nullable=False),
    Column("target_type", String(8), nullable=False),  # record | person | case
    Column("target_id", String(KEY * 2 + 1), nullable=False),  # SOURCE:ID | person id | case id
    Column("linked_at", String(32), nullable=False),
    Column("linked_by", String(128), nullable=False),
    UniqueConstraint("item_id", "target_type", "target_id"),
    Index("ix_evidence_links_target", "target_type", "target_id"),
)

custody_events = Table(
    "custody_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("evidence_items.id"), nullable=False),
    Column("at", String(32), nullable=False),
    # ingest | link | view | download | derive | export | verify | hold | release | erase
    Column("event", String(16), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("sha256", String(64), nullable=False),  # the file's hash at that moment
    Column("details", Text, nullable=False),  # canonical JSON, no personal data
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_custody_events_item", "item_id", "id"),
)

legal_holds = Table(
    "legal_holds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("target_type", String(8), nullable=False),  # record | person | case | item
    Column("target_id", String(KEY * 2 + 1), nullable=False),
    Column("reason", Text, nullable=False),
    Column("placed_by", String(128), nullable=False),
    Column("placed_at", String(32), nullable=False),
    Column("released_by", String(128)),
    Column("released_at", String(32)),
    Index("ix_legal_holds_target", "target_type", "target_id"),
)

retention_rules = Table(
    "retention_rules",
    metadata,
    Column("source", String(KEY), primary_key=True),
    Column("keep_days", Integer, nullable=False),
    Column("set_by", String(128), nullable=False),
    Column("set_at", String(32), nullable=False),
)
