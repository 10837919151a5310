"""A source belongs to the agency that first declared it, quarantine included (issue 11, finding 1).

Before this revision an import whose every row went to the quarantine left its rows under a
source name that did not exist yet, and a partner agency could create a source of that name as
its own (and so see the rows, and later the records). From now on the importer creates such a
source and gives it to the importing agency. This backfill does the same for the quarantined
rows already held: each source name that quarantined rows name and no source has yet (and that
a source may have: letters, digits, '.', '-', '_', at most 64) becomes a source, owned by the
agency of the user who imported the earliest such row (the home agency for the command line or
an unknown actor). Sources without an owner row keep belonging to the home agency, as before.
The schema does not change, so the downgrade leaves the sources in place.

Revision ID: 0013h
Revises: 0003
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0013h"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOME_AGENCY_ID = 1
SOURCE_NAME = re.compile(r"^[\w.-]{1,64}$")


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT q.source_name, b.actor FROM quarantined_rows q "
            "JOIN import_batches b ON b.id = q.batch_id "
            "WHERE q.source_name IS NOT NULL "
            "AND q.source_name NOT IN (SELECT name FROM sources) "
            "ORDER BY q.id"
        )
    ).all()
    first_actor: dict[str, str] = {}
    for name, actor in rows:
        if SOURCE_NAME.match(name) and name not in first_actor:
            first_actor[name] = actor
    if not first_actor:
        return
    agency_of = {
        username: agency for username, agency in bind.execute(
            sa.text("SELECT username, agency_id FROM users")
        ).all()
    }  # fmt: skip
    now = datetime.now(UTC)
    for name, actor in sorted(first_actor.items()):
        bind.execute(
            sa.text("INSERT INTO sources (name, kind, created_at) VALUES (:name, 'unknown', :now)"),
            {"name": name, "now": now},
        )
        source_id = bind.execute(
            sa.text("SELECT id FROM sources WHERE name = :name"), {"name": name}
        ).scalar_one()
        bind.execute(
            sa.text("INSERT INTO source_agencies (source_id, agency_id) VALUES (:s, :a)"),
            {"s": source_id, "a": int(agency_of.get(actor, HOME_AGENCY_ID))},
        )


def downgrade() -> None:
    pass
