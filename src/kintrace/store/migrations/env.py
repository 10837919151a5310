"""Alembic environment: runs on the connection kintrace.store.migrate hands over."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - Kintrace always passes a connection
    raise RuntimeError("Kintrace migrations run through kintrace.store.engine.open_store().")

context.configure(connection=connection, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
