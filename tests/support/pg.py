"""A fresh PostgreSQL schema for one test or one benchmark run, dropped afterwards.

The tests' `pg_schema_url` fixture and the import, review and load benchmarks all work in a
schema of their own on the shared server, so that runs side by side never see each other's
tables and nothing is left behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_schema(admin_url: str, *, prefix: str) -> Iterator[str]:
    """A URL whose connections use a new, empty schema (`prefix` and a random suffix) in the
    database of `admin_url`; the schema and everything in it is dropped on leaving."""
    schema = f"{prefix}{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={schema}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()
