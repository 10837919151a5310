"""List exchange: partners, agreements, exchange references, requests, answers, proposals
(issue 13).

Revision ID: 0015x
Revises: 0014w
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015x"
down_revision: str | Sequence[str] | None = "0014w"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = 200


def upgrade() -> None:
    op.create_table(
        "exchange_partners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("age_recipient", sa.String(100), nullable=False),
        sa.Column("verify_key_pem", sa.Text),
        sa.Column("agency_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.UniqueConstraint("name", name="uq_exchange_partners_name"),
    )
    op.create_table(
        "exchange_agreements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partner_id", sa.Integer, sa.ForeignKey("exchange_partners.id"), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("expires_on", sa.String(10), nullable=False),
        sa.Column("onward_sharing_banned", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("ended_at", sa.String(32)),
        sa.Index("ix_exchange_agreements_partner", "partner_id"),
    )
    op.create_table(
        "exchange_refs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partner_id", sa.Integer, sa.ForeignKey("exchange_partners.id"), nullable=False),
        sa.Column("source", sa.String(KEY), nullable=False),
        sa.Column("record_id", sa.String(KEY), nullable=False),
        sa.Column("ref", sa.String(32), nullable=False),
        sa.UniqueConstraint("ref", name="uq_exchange_refs_ref"),
        sa.UniqueConstraint(
            "partner_id",
            "source",
            "record_id",
            name="uq_exchange_refs_partner_id_source_record_id",
        ),
    )
    op.create_table(
        "exchange_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(32), nullable=False),
        sa.Column("partner_id", sa.Integer, sa.ForeignKey("exchange_partners.id"), nullable=False),
        sa.Column(
            "agreement_id", sa.Integer, sa.ForeignKey("exchange_agreements.id"), nullable=False
        ),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("children", sa.Integer, nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("signer_key_id", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.UniqueConstraint("ref", name="uq_exchange_requests_ref"),
    )
    op.create_table(
        "exchange_request_children",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("exchange_requests.id"), nullable=False),
        sa.Column("child_ref", sa.String(32), nullable=False),
        sa.Column("source", sa.String(KEY), nullable=False),
        sa.Column("record_id", sa.String(KEY), nullable=False),
        sa.Column("case_id", sa.Integer),
        sa.Column("sent", sa.Text, nullable=False),
        sa.UniqueConstraint(
            "request_id",
            "child_ref",
            name="uq_exchange_request_children_request_id_child_ref",
        ),
        sa.Index("ix_exchange_request_children_record", "source", "record_id"),
    )
    op.create_table(
        "exchange_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("exchange_requests.id"), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("signed_by", sa.String(16)),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("imported_by", sa.String(128), nullable=False),
        sa.UniqueConstraint(
            "request_id", "file_sha256", name="uq_exchange_answers_request_id_file_sha256"
        ),
    )
    op.create_table(
        "exchange_answer_rows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("answer_id", sa.Integer, sa.ForeignKey("exchange_answers.id"), nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("given_ref", sa.String(64)),
        sa.Column("child_ref", sa.String(32)),
        sa.Column("matched_by", sa.String(16), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("status_text", sa.Text),
        sa.Column("status", sa.String(16)),
        sa.Column("status_by", sa.String(128)),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("record_id", sa.String(KEY), nullable=False),
        sa.Index("ix_exchange_answer_rows_child", "child_ref"),
    )
    op.create_table(
        "exchange_proposals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "answer_row_id",
            sa.Integer,
            sa.ForeignKey("exchange_answer_rows.id"),
            nullable=False,
        ),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("facet", sa.String(16), nullable=False),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("place", sa.Text),
        sa.Column("on_date", sa.String(10)),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.String(128)),
        sa.Column("decided_at", sa.String(32)),
        sa.Index("ix_exchange_proposals_case", "case_id"),
    )


def downgrade() -> None:
    for table in (
        "exchange_proposals",
        "exchange_answer_rows",
        "exchange_answers",
        "exchange_request_children",
        "exchange_requests",
        "exchange_refs",
        "exchange_agreements",
        "exchange_partners",
    ):
        op.drop_table(table)
