"""Alembic, driven from inside the package: no alembic.ini on the user's side.

Several areas add their own revisions on top of "0001" (linkage, web, ...), so the schema can
have several heads; the app always upgrades to all of them ("heads").
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from kintrace.store.errors import SchemaTooNewError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration for the package's migrations (and a connection, if given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revisions(connection: Connection) -> tuple[str, ...]:
    return tuple(MigrationContext.configure(connection).get_current_heads())


def check_schema_known(connection: Connection) -> None:
    """Refuse a database stamped with a revision this code does not know (a newer schema)."""
    unknown = sorted(set(current_revisions(connection)) - known_revisions())
    if unknown:
        raise SchemaTooNewError(
            f"This database has schema revision {', '.join(unknown)}, which this version of "
            "Kintrace does not know: it was written by a newer Kintrace. It was not changed. "
            "Upgrade Kintrace, or point --home / KINTRACE_DATABASE_URL at another database."
        )


def upgrade_to_heads(connection: Connection) -> None:
    """Bring the schema to every head, inside the caller's transaction."""
    command.upgrade(alembic_config(connection), "heads")
