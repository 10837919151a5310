"""Opening the store: migrations to all heads, SQLite pragmas, refusals with clear messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from kintrace.config import Settings, load_settings
from kintrace.store.engine import open_store
from kintrace.store.errors import ReadOnlyHomeError, SchemaTooNewError, StoreError
from kintrace.store.migrate import known_revisions

REGISTRY_TABLES = {
    "sources",
    "import_batches",
    "records",
    "record_versions",
    "quarantined_rows",
    "audit_log",
}


def test_fresh_database_is_migrated_to_every_head(settings: Settings) -> None:
    store = open_store(settings)
    try:
        tables = set(inspect(store.engine).get_table_names())
        with store.engine.connect() as connection:
            stamped = {row[0] for row in connection.execute(text("SELECT * FROM alembic_version"))}
    finally:
        store.close()
    assert tables >= REGISTRY_TABLES
    assert "0001" in known_revisions()
    assert stamped and stamped <= known_revisions()


def test_reopening_keeps_the_data(settings: Settings) -> None:
    store = open_store(settings)
    with store.session() as session:
        session.execute(
            text("INSERT INTO sources (name, kind, created_at) VALUES ('s1', 'test', :t)"),
            {"t": "2026-01-01 00:00:00"},
        )
    store.close()
    store = open_store(settings)
    try:
        with store.session() as session:
            assert session.execute(text("SELECT name FROM sources")).scalars().all() == ["s1"]
    finally:
        store.close()


def test_newer_schema_is_refused_and_left_untouched(settings: Settings) -> None:
    store = open_store(settings)
    with store.session() as session:
        session.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999_future')"))
    store.close()
    with pytest.raises(SchemaTooNewError, match="newer Kintrace") as caught:
        open_store(settings)
    assert "9999_future" in str(caught.value) and "not changed" in str(caught.value)
    raw = open_store.__globals__["create_store_engine"](settings)
    with raw.connect() as connection:
        stamped = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        assert "9999_future" in set(stamped)
    raw.dispose()


def test_sqlite_connections_get_wal_full_sync_and_foreign_keys(sqlite_settings: Settings) -> None:
    store = open_store(sqlite_settings)
    try:
        with store.engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys")
            }
    finally:
        store.close()
    assert pragma == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    assert (sqlite_settings.home / "kintrace.db").exists()


def test_home_that_cannot_be_created_gives_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(ReadOnlyHomeError, match="Cannot create the data directory"):
        open_store(load_settings(blocker / "home", env={}))


def test_read_only_home_gives_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o555)
    if os.geteuid() == 0:
        # root writes through permission bits; simulate the read-only mount it would meet.
        real_access = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda p, m: False if Path(p) == home and m & os.W_OK else real_access(p, m),
        )
    try:
        with pytest.raises(ReadOnlyHomeError, match="read-only"):
            open_store(load_settings(home, env={}))
    finally:
        home.chmod(0o755)
    assert not (home / "kintrace.db").exists()


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "kintrace.db").write_bytes(b"this is not sqlite " * 200)
    with pytest.raises(StoreError, match="not a Kintrace database"):
        open_store(load_settings(home, env={}))


def test_unreachable_postgresql_gives_a_clear_message(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2"
    with pytest.raises(StoreError, match="Cannot connect") as caught:
        open_store(load_settings(tmp_path, database_url=url, env={}))
    assert "secret" not in str(caught.value)


def test_an_old_database_is_upgraded_on_open_and_keeps_its_data(settings: Settings) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from kintrace.store.engine import create_store_engine
    from kintrace.store.migrate import alembic_config, current_revisions

    settings.home.mkdir(parents=True, exist_ok=True)
    engine = create_store_engine(settings)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")  # the first release's schema
        connection.execute(
            text("INSERT INTO sources (name, kind, created_at) VALUES ('old', 'test', :t)"),
            {"t": "2026-01-01 00:00:00"},
        )
        assert current_revisions(connection) == ("0001",)
    engine.dispose()
    store = open_store(settings)
    try:
        with store.engine.connect() as connection:
            heads = set(current_revisions(connection))
            names = connection.execute(text("SELECT name FROM sources")).scalars().all()
    finally:
        store.close()
    assert heads == set(ScriptDirectory.from_config(alembic_config()).get_heads())
    assert names == ["old"]
