"""Registry and audit log: sources, import batches, records, record versions, quarantine, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Other areas add their revisions with down_revision="0001"; the app upgrades to all heads.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("file_sha256", sa.String(64), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("name", name="uq_sources_name"),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(512), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("file_format", sa.String(8), nullable=False),
        sa.Column("encoding", sa.String(32), nullable=True),
        sa.Column("delimiter", sa.String(4), nullable=True),
        sa.Column("sheet", sa.String(128), nullable=True),
        sa.Column("source_option", sa.String(64), nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_new", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("rows_new_versions", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("rows_resolved", sa.Integer(), nullable=False),
        sa.Column("versions_digest", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_import_batches_source_id_sources"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_import_batches"),
    )
    op.create_index("ix_import_batches_file_sha256", "import_batches", ["file_sha256"])
    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_records_source_id_sources"),
        sa.PrimaryKeyConstraint("id", name="pk_records"),
        sa.UniqueConstraint("source_id", "record_id", name="uq_records_source_id_record_id"),
    )
    op.create_table(
        "record_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_pk", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("given_name", sa.Text(), nullable=True),
        sa.Column("family_name", sa.Text(), nullable=True),
        sa.Column("patronymic", sa.Text(), nullable=True),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("sex", sa.String(1), nullable=True),
        sa.Column("birth_date", sa.String(10), nullable=True),
        sa.Column("birth_date_precision", sa.String(5), nullable=True),
        sa.Column("birth_year", sa.SmallInteger(), nullable=True),
        sa.Column("birth_month", sa.SmallInteger(), nullable=True),
        sa.Column("birth_day", sa.SmallInteger(), nullable=True),
        sa.Column("age", sa.SmallInteger(), nullable=True),
        sa.Column("observed_on", sa.String(10), nullable=True),
        sa.Column("birth_place", sa.Text(), nullable=True),
        sa.Column("last_known_place", sa.Text(), nullable=True),
        sa.Column("group_id", sa.Text(), nullable=True),
        sa.Column("guardian_name", sa.Text(), nullable=True),
        sa.Column("guardian_contact", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("extras", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_pk"], ["records.id"], name="fk_record_versions_record_pk_records"
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name="fk_record_versions_batch_id_import_batches"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_record_versions"),
        sa.UniqueConstraint("record_pk", "version", name="uq_record_versions_record_pk_version"),
    )
    op.create_index("ix_record_versions_batch_id", "record_versions", ["batch_id"])
    op.create_table(
        "quarantined_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(512), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(200), nullable=True),
        sa.Column("record_id", sa.String(200), nullable=True),
        sa.Column("column", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("raw_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("resolved_at", TZ, nullable=True),
        sa.Column("resolved_by_batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name="fk_quarantined_rows_batch_id_import_batches"
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_batch_id"],
            ["import_batches.id"],
            name="fk_quarantined_rows_resolved_by_batch_id_import_batches",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_quarantined_rows"),
    )
    op.create_index("ix_quarantined_rows_key", "quarantined_rows", ["source_name", "record_id"])
    op.create_index("ix_quarantined_rows_raw_hash", "quarantined_rows", ["raw_hash"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity_type", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.UniqueConstraint("prev_hash", name="uq_audit_log_prev_hash"),
        sa.UniqueConstraint("hash", name="uq_audit_log_hash"),
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "quarantined_rows",
        "record_versions",
        "records",
        "import_batches",
        "sources",
    ):
        op.drop_table(table)
