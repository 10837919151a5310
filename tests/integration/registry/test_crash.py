"""A crash mid-file leaves the registry as it was: the import runs in a child process that is
killed with SIGKILL while it writes; then the registry is unchanged and the audit log verifies.
Synthetic data only."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from kintrace.config import Settings
from kintrace.registry.integrity import verify_registry_audit
from kintrace.store.engine import Store

from .helpers import child, counts, run_import, write_csv

CHILD = """
import sys
from pathlib import Path
from kintrace.config import load_settings
from kintrace.registry.importer import import_file
from kintrace.store.engine import open_store
store = open_store(load_settings(sys.argv[1], database_url=sys.argv[2], env={}))
import_file(store, Path(sys.argv[3]), actor="test")
print("finished")
"""


def _writing(store: Store, settings: Settings, application: str) -> bool:
    """True once the child is inside its import transaction and has written rows."""
    if settings.is_sqlite:
        # The import holds SQLite's write lock from its first write to its commit.
        probe = sqlite3.connect(settings.home / "kintrace.db", timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    # The import takes its advisory lock when its transaction starts; look for the child's own
    # connection (other test runs may import on the same server at the same time).
    with store.engine.connect() as connection:
        held = connection.execute(
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = :name"
            ),
            {"name": application},
        ).scalar_one()
    return bool(held)


@pytest.mark.slow
def test_sigkill_mid_file_leaves_the_registry_unchanged(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    run_import(store, write_csv(tmp_path / "before.csv", [child(n) for n in range(1, 4)]))
    before = counts(store)
    big = write_csv(tmp_path / "big.csv", [child(n) for n in range(10, 150_010)])
    application = f"kintrace-crash-{uuid.uuid4().hex[:8]}"
    url = settings.database_url
    if not settings.is_sqlite:
        url = (
            make_url(url)
            .update_query_dict({"application_name": application})
            .render_as_string(hide_password=False)
        )
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(settings.home), url, str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while not _writing(store, settings, application):
            assert process.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.05)
        time.sleep(1.0)  # let it write a few chunks
        assert process.poll() is None, "the import finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert counts(store) == before
    with store.session() as session:
        assert verify_registry_audit(session).ok
    # and the registry still takes imports afterwards
    assert run_import(store, write_csv(tmp_path / "after.csv", [child(99)])).new == 1
