"""Evidence: items, links, the custody log, legal holds, retention rules (issue 14).

Revision ID: 0009e
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009e"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("sha512", sa.String(128), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(512)),
        sa.Column("collected_by", sa.String(200)),
        sa.Column("collected_on", sa.String(10)),
        sa.Column("description", sa.Text),
        sa.Column("ingested_at", sa.String(32), nullable=False),
        sa.Column("ingested_by", sa.String(128), nullable=False),
        sa.Column("erased_at", sa.String(32)),
        sa.UniqueConstraint("sha256", name="uq_evidence_items_sha256"),
    )
    op.create_table(
        "evidence_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("evidence_items.id"), nullable=False),
        sa.Column("target_type", sa.String(8), nullable=False),
        sa.Column("target_id", sa.String(401), nullable=False),
        sa.Column("linked_at", sa.String(32), nullable=False),
        sa.Column("linked_by", sa.String(128), nullable=False),
        sa.UniqueConstraint(
            "item_id",
            "target_type",
            "target_id",
            name="uq_evidence_links_item_id_target_type_target_id",
        ),
        sa.Index("ix_evidence_links_target", "target_type", "target_id"),
    )
    op.create_table(
        "custody_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("evidence_items.id"), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("prev_hash", name="uq_custody_events_prev_hash"),
        sa.UniqueConstraint("hash", name="uq_custody_events_hash"),
        sa.Index("ix_custody_events_item", "item_id", "id"),
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("target_type", sa.String(8), nullable=False),
        sa.Column("target_id", sa.String(401), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("placed_by", sa.String(128), nullable=False),
        sa.Column("placed_at", sa.String(32), nullable=False),
        sa.Column("released_by", sa.String(128)),
        sa.Column("released_at", sa.String(32)),
        sa.Index("ix_legal_holds_target", "target_type", "target_id"),
    )
    op.create_table(
        "retention_rules",
        sa.Column("source", sa.String(200), primary_key=True),
        sa.Column("keep_days", sa.Integer, nullable=False),
        sa.Column("set_by", sa.String(128), nullable=False),
        sa.Column("set_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "retention_rules",
        "legal_holds",
        "custody_events",
        "evidence_links",
        "evidence_items",
    ):
        op.drop_table(table)
