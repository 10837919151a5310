"""link_runs: which model scored a run and why; the source kinds it linked with.

A full run scores with a model trained on the registry, the model shipped with Kintrace (a
registry too small or uniform to train, decision 0320) or one given with `--model`:
`model_origin` says which (`trained`, `shipped`, `given`), `model_about` (JSON) its label,
why the shipped model was used, its provenance and the estimates the floors changed.
`source_kinds` (JSON: source -> kind) lets the next run rescore the records of a source whose
kind changed since (`kintrace sources set-kind`). Runs from before this revision have none.

Revision ID: 0006r
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006r"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("link_runs") as batch:
        batch.add_column(sa.Column("model_origin", sa.String(16), nullable=True))
        batch.add_column(sa.Column("model_about", sa.Text(), nullable=True))
        batch.add_column(sa.Column("source_kinds", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_runs") as batch:
        batch.drop_column("source_kinds")
        batch.drop_column("model_about")
        batch.drop_column("model_origin")
