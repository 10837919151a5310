"""Figures: published releases and their files (issue 15).

Revision ID: 0015f
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015f"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "figure_releases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("table_set_version", sa.String(16), nullable=False),
        sa.Column("k", sa.Integer, nullable=False),
        sa.Column("rounding", sa.Integer, nullable=False),
        sa.Column("link_run_id", sa.Integer),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("counts_hmac", sa.String(64), nullable=False),
        sa.Column("counts_key", sa.String(64), nullable=False),
        sa.Column("tables_published", sa.Integer, nullable=False),
        sa.Column("tables_omitted", sa.Integer, nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("manifest", sa.Text, nullable=False),
    )
    op.create_table(
        "figure_release_files",
        sa.Column("release_id", sa.Integer, sa.ForeignKey("figure_releases.id"), primary_key=True),
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("figure_release_files")
    op.drop_table("figure_releases")
