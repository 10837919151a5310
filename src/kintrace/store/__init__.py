"""The store: SQLAlchemy tables per area, Alembic migrations, engine set-up.

Other areas build on `kintrace.store.engine.open_store(settings) -> Store` and
`Store.session()`; their tables subclass `kintrace.store.base.Base`.
"""
