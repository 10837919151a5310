"""The migrations are the source of truth for the schema; the table modules every area queries
through must describe exactly what they build (on SQLite and PostgreSQL), on one MetaData."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kintrace.store import (
    audit_tables,
    evidence_tables,
    exchange_tables,
    figures_tables,
    linkage_tables,
    registry_tables,
    review_tables,
    web_tables,
)
from kintrace.store.base import Base
from kintrace.store.engine import Store


def test_every_table_module_shares_the_one_metadata() -> None:
    for module in (
        linkage_tables,
        review_tables,
        web_tables,
        evidence_tables,
        exchange_tables,
        figures_tables,
    ):
        assert module.metadata is Base.metadata, module.__name__
    assert registry_tables.Source.metadata is Base.metadata
    assert audit_tables.AuditEntry.metadata is Base.metadata


def test_the_migrated_schema_is_the_one_the_table_modules_describe(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
