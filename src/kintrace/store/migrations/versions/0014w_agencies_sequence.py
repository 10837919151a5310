"""PostgreSQL: the agencies' id sequence moved past the home agency.

Migration 0003 inserts the home agency with the explicit id 1, which does not advance
PostgreSQL's serial sequence: the first agency created afterwards (`kintrace users add --agency`,
the demo's partner agency) was given id 1 again and failed on the primary key. SQLite takes the
next id from the table and needs nothing.

Revision ID: 0014w
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014w"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "SELECT setval(pg_get_serial_sequence('agencies', 'id'), "
        "(SELECT coalesce(max(id), 1) FROM agencies))"
    )


def downgrade() -> None:
    """Nothing to undo: the sequence stays past the ids in use."""
