"""Linkage: link runs (with the trained model), scored pairs, records resolved to persons.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
KEY = 200


def upgrade() -> None:
    op.create_table(
        "link_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("model_name", sa.String(64), nullable=False),
        sa.Column("model_json", sa.Text(), nullable=True),
        sa.Column("model_run_id", sa.Integer(), nullable=True),
        sa.Column("auto_link", sa.Float(), nullable=False),
        sa.Column("review_floor", sa.Float(), nullable=False),
        sa.Column("records_total", sa.Integer(), nullable=False),
        sa.Column("records_new", sa.Integer(), nullable=False),
        sa.Column("pairs_scored", sa.Integer(), nullable=False),
        sa.Column("pairs_stored", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_link_runs"),
    )
    op.create_table(
        "link_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_l", sa.String(KEY), nullable=False),
        sa.Column("record_id_l", sa.String(KEY), nullable=False),
        sa.Column("source_r", sa.String(KEY), nullable=False),
        sa.Column("record_id_r", sa.String(KEY), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("weights", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_link_pairs"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["link_runs.id"], name="fk_link_pairs_run_id_link_runs"
        ),
        sa.UniqueConstraint(
            "source_l", "record_id_l", "source_r", "record_id_r", name="uq_link_pairs"
        ),
    )
    op.create_index("ix_link_pairs_right", "link_pairs", ["source_r", "record_id_r"])
    op.create_index("ix_link_pairs_status", "link_pairs", ["status"])
    op.create_table(
        "linked_records",
        sa.Column("source", sa.String(KEY), nullable=False),
        sa.Column("record_id", sa.String(KEY), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(32), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "record_id", name="pk_linked_records"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["link_runs.id"], name="fk_linked_records_run_id_link_runs"
        ),
    )
    op.create_index("ix_linked_records_person", "linked_records", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_linked_records_person", table_name="linked_records")
    op.drop_table("linked_records")
    op.drop_index("ix_link_pairs_status", table_name="link_pairs")
    op.drop_index("ix_link_pairs_right", table_name="link_pairs")
    op.drop_table("link_pairs")
    op.drop_table("link_runs")
