"""Review decisions, the review queue and cases.

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
KEY = 200


def _pair() -> list[sa.Column[str]]:
    return [
        sa.Column("source_l", sa.String(KEY), nullable=False),
        sa.Column("record_id_l", sa.String(KEY), nullable=False),
        sa.Column("source_r", sa.String(KEY), nullable=False),
        sa.Column("record_id_r", sa.String(KEY), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer, nullable=False),
        *_pair(),
        sa.Column("match_probability", sa.Float),
        sa.Column("match_weight", sa.Float),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("priority", sa.Float, nullable=False),
        sa.Column("first_reviewer", sa.String(64)),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_expires_at", TZ),
        sa.Column("fencing_token", sa.Integer, nullable=False),
        sa.Column("enqueued_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_items"),
        sa.UniqueConstraint(
            "source_l", "record_id_l", "source_r", "record_id_r", name="uq_review_items_pair"
        ),
    )
    op.create_index("ix_review_items_queue", "review_items", ["status", "priority"])
    op.create_index("ix_review_items_lease", "review_items", ["lease_owner"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        *_pair(),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("decided_at", TZ, nullable=False),
        sa.Column("match_probability", sa.Float),
        sa.Column("fencing_token", sa.Integer),
        sa.Column("undoes_id", sa.Integer),
        sa.Column("status_after", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_decisions"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["review_items.id"], name="fk_review_decisions_item_id_review_items"
        ),
        sa.ForeignKeyConstraint(
            ["undoes_id"],
            ["review_decisions.id"],
            name="fk_review_decisions_undoes_id_review_decisions",
        ),
    )
    op.create_index("ix_review_decisions_item", "review_decisions", ["item_id"])
    op.create_index("ix_review_decisions_reviewer", "review_decisions", ["reviewer", "id"])
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("agency_id", sa.Integer),
        sa.Column("subject_source", sa.String(KEY), nullable=False),
        sa.Column("subject_record_id", sa.String(KEY), nullable=False),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("assignee", sa.String(64)),
        sa.Column("identity", sa.String(16), nullable=False),
        sa.Column("whereabouts", sa.String(16), nullable=False),
        sa.Column("place", sa.Text),
        sa.Column("place_date", sa.Date),
        sa.Column("return_stage", sa.String(20), nullable=False),
        sa.Column("closed_reason", sa.Text),
        sa.Column("last_progress_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
    )
    op.create_index("ix_cases_subject", "cases", ["subject_source", "subject_record_id"])
    op.create_index("ix_cases_assignee", "cases", ["assignee"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("facet", sa.String(16)),
        sa.Column("from_state", sa.String(20)),
        sa.Column("to_state", sa.String(20)),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("decision_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_case_events"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_events_case_id_cases"),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["review_decisions.id"],
            name="fk_case_events_decision_id_review_decisions",
        ),
    )
    op.create_index("ix_case_events_case", "case_events", ["case_id", "id"])
    op.create_table(
        "case_seen",
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("seen_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("case_id", "username", name="pk_case_seen"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_case_seen_case_id_cases"),
    )
    op.create_table(
        "review_sync",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("link_run_id", sa.Integer, nullable=False),
        sa.Column("synced_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_sync"),
    )


def downgrade() -> None:
    # Decisions and cases are people's work: a downgrade that drops them would lose it.
    raise RuntimeError(
        "Refusing to downgrade revision 0004: it would delete review decisions and cases. "
        "Restore a backup taken before the upgrade instead."
    )
