"""link_pairs.rule: which decision rule set a stored pair's status.

The decision pipeline (`kintrace.linkage.decide`) records, for every pair it stores, the id of
the rule that set its status (`0301-thresholds` for the probability's own, `0311-sibling-offers`
for an offer below the floor, `0312-kept-identity` for a renamed record linked ...), so the
review page and `kintrace explain` can say why without re-running the rules. Pairs stored
before this revision have none (NULL) until the next run.

Revision ID: 0006d
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006d"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("link_pairs") as batch:
        batch.add_column(sa.Column("rule", sa.String(48), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_pairs") as batch:
        batch.drop_column("rule")
