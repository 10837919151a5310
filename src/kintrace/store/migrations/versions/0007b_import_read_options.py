"""How each import read its file: header row, column map, date order.

Revision ID: 0007b
Revises: 0001

The importer compares it when a file comes again (the same file read another way is a new
import) and the web mapping step offers a source's last map for its next list.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007b"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_batches") as batch:
        batch.add_column(sa.Column("read_options", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_batches") as batch:
        batch.drop_column("read_options")
