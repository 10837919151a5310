"""Migration 0013h (issue 11, finding 1): quarantined rows held under a source name no source has
yet get their source, owned by the agency of the user who imported them. Synthetic data only."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import insert, select

from kintrace.accounts.roles import Role
from kintrace.store.engine import Store
from kintrace.store.registry_tables import ImportBatch, QuarantinedRow, Source
from kintrace.store.web_tables import agencies, source_agencies
from support.seed import add_user_with_totp

MIGRATION = (
    Path(__file__).parents[3]
    / "src/kintrace/store/migrations/versions/0013h_quarantine_sources_owned.py"
)


def _run_upgrade(store: Store) -> None:
    spec = importlib.util.spec_from_file_location("m0013h", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with (
        store.engine.begin() as connection,
        Operations.context(MigrationContext.configure(connection)),
    ):
        module.upgrade()


def _held(db, *, actor: str, source_name: str, at: datetime) -> None:  # type: ignore[no-untyped-def]
    batch = ImportBatch(
        file_name="synthetic.csv", file_sha256="0" * 64, file_format="csv", actor=actor,
        started_at=at,
    )  # fmt: skip
    db.add(batch)
    db.flush()
    db.execute(
        insert(QuarantinedRow).values(
            batch_id=batch.id, file_name="synthetic.csv", row_number=2, source_name=source_name,
            record_id="r1", column="birth_date", reason="synthetic", raw="{}", raw_hash="1" * 64,
            created_at=at,
        )
    )  # fmt: skip


def test_finding_1_migration_gives_quarantine_only_sources_to_their_importers(
    store: Store,
) -> None:
    now = datetime.now(UTC)
    with store.session(write=True) as db:
        # an explicit id: on PostgreSQL the agencies' sequence does not know of the home agency
        # (0003 inserts it with id 1), so ensure_agency would collide; see the final report
        partner = 2
        db.execute(
            insert(agencies).values(id=partner, code="partner", name="Partner", created_at=now)
        )

        add_user_with_totp(
            db, username="u-partner", password="synthetic password 1", role=Role.CASEWORKER,
            secret="JBSWY3DPEHPK3PXP", at=now, agency_id=partner,
        )  # fmt: skip
        _held(db, actor="cli-user", source_name="held-home", at=now)
        _held(db, actor="u-partner", source_name="held-partner", at=now)
        _held(db, actor="u-partner", source_name="no such name!", at=now)
    _run_upgrade(store)
    with store.session() as db:
        owners = dict(
            db.execute(
                select(Source.name, source_agencies.c.agency_id).join(
                    source_agencies, source_agencies.c.source_id == Source.id
                )
            ).all()
        )
    assert owners == {"held-home": 1, "held-partner": partner}
    _run_upgrade(store)  # a second run finds nothing left to do
