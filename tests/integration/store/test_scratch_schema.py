"""The PostgreSQL scratch schema every PostgreSQL test and benchmark works in
(`support.pg.scratch_schema`): tables land in it, and it is gone afterwards, even after a
failure inside."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from tests.conftest import pg_admin_url

from support.pg import scratch_schema

PREFIX = "kt_scratch_test_"


def _exists(admin_url: str, schema: str) -> bool:
    engine = create_engine(admin_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT count(*) FROM information_schema.schemata WHERE schema_name = :s"),
                {"s": schema},
            ).scalar_one()
        return bool(found)
    finally:
        engine.dispose()


def _make_a_table(url: str) -> str:
    """Create a table through `url`; the schema it landed in."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE probe (n integer)"))
            return str(connection.execute(text("SELECT current_schema()")).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_tables_land_in_the_schema_and_it_is_dropped_afterwards() -> None:
    admin_url = pg_admin_url()
    with scratch_schema(admin_url, prefix=PREFIX) as url:
        schema = _make_a_table(url)
        assert schema.startswith(PREFIX) and _exists(admin_url, schema)
    assert not _exists(admin_url, schema)
    failed: list[str] = []
    with (
        pytest.raises(RuntimeError, match="inside"),
        scratch_schema(admin_url, prefix=PREFIX) as url,
    ):
        failed.append(_make_a_table(url))
        raise RuntimeError("a failure inside")
    assert failed and failed[0] != schema and not _exists(admin_url, failed[0])
