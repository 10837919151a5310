"""Shared fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL comes from KINTRACE_TEST_PG_URL (default: the local server the Makefile and CI use).
Each PostgreSQL test gets a fresh schema, dropped afterwards. If the server is unreachable the
test FAILS with a message; to run without PostgreSQL on a workstation set KINTRACE_TEST_PG_URL to
an empty string, and the PostgreSQL half is skipped with a visible reason. Under CI=true an empty
or missing URL fails; outside CI a missing one means the local default server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kintrace.config import Settings, load_settings
from kintrace.store.engine import Store, open_store
from support.pg import scratch_schema

PG_ENV = "KINTRACE_TEST_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def pg_admin_url() -> str:
    """The PostgreSQL URL to test against, or skip/fail as the module docstring says."""
    url = os.environ.get(PG_ENV)
    in_ci = os.environ.get("CI", "").lower() == "true"
    if url is None:
        if in_ci:
            pytest.fail(f"CI=true but {PG_ENV} is not set: the PostgreSQL tests must run in CI.")
        url = DEFAULT_PG_URL
    if not url:
        if in_ci:
            pytest.fail(f"CI=true but {PG_ENV} is empty: the PostgreSQL tests must run in CI.")
        pytest.skip(f"PostgreSQL tests skipped: {PG_ENV} is set to an empty string.")
    problem = _pg_problem(url)
    if problem:
        pytest.fail(
            f"PostgreSQL at {make_url(url).render_as_string(hide_password=True)} is unreachable "
            f"({problem}). Start it, fix {PG_ENV}, or set {PG_ENV}= (empty) to skip locally."
        )
    return url


@cache
def _pg_problem(url: str) -> str | None:
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to reach the server is reported, never skipped
        return type(exc).__name__
    return None


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh, empty PostgreSQL schema (dropped afterwards)."""
    with scratch_schema(pg_admin_url(), prefix="kt_") as url:
        yield url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def settings(backend: str, home: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for a fresh, empty database on the parametrised backend."""
    if backend == "postgresql":
        url = request.getfixturevalue("pg_schema_url")
        return load_settings(home, database_url=url, env={})
    return load_settings(home, env={})


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """An open, migrated store on the parametrised backend."""
    opened = open_store(settings)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_settings(home: Path) -> Settings:
    return load_settings(home, env={})


@pytest.fixture
def sqlite_store(sqlite_settings: Settings) -> Iterator[Store]:
    opened = open_store(sqlite_settings)
    try:
        yield opened
    finally:
        opened.close()
