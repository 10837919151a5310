"""One link run at a time per registry (issue 12, finding 4): a second run waits for the first,
in another thread or another process, on SQLite and PostgreSQL; two imports at once each get
their records linked, by runs that never overlap. Synthetic data only."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kintrace.config import Settings
from kintrace.linkage import service
from kintrace.registry.importer import import_file
from kintrace.review.policy import default_policy
from kintrace.services.linkruns import link_and_queue
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_pairs, linked_records
from kintrace.store.locks import link_run_lock
from kintrace.store.review_tables import review_items
from support.bureau import camp_list_csv, children, family_list_csv


def test_a_second_holder_waits_for_the_first(store: Store) -> None:
    held, release, waited, acquired = (threading.Event() for _ in range(4))

    def first() -> None:
        with link_run_lock(store):
            held.set()
            release.wait(60)

    def second() -> None:
        with link_run_lock(store, waiting=waited.set):
            acquired.set()

    a = threading.Thread(target=first)
    a.start()
    assert held.wait(60)
    b = threading.Thread(target=second)
    b.start()
    assert waited.wait(60), "the second run should have been told it waits"
    assert not acquired.is_set()
    release.set()
    assert acquired.wait(60)
    a.join(60)
    b.join(60)


_HOLDER = """
import sys, time
from pathlib import Path
from kintrace.config import load_settings
from kintrace.store.engine import open_store
from kintrace.store.locks import link_run_lock
home = Path(sys.argv[1])
store = open_store(load_settings(home, env={}))
with link_run_lock(store):
    (home / "locked").write_text("1")
    while not (home / "release").exists():
        time.sleep(0.05)
store.close()
"""


def test_a_run_in_another_process_is_waited_for(
    sqlite_store: Store, sqlite_settings: Settings
) -> None:
    home = sqlite_settings.home
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(home)])
    try:
        deadline = time.monotonic() + 180  # a busy shared machine starts Python slowly
        while not (home / "locked").exists() and holder.poll() is None:
            assert time.monotonic() < deadline, "the other process did not take the lock"
            time.sleep(0.05)
        assert (home / "locked").exists(), f"the other process ended ({holder.returncode})"
        waited, acquired = threading.Event(), threading.Event()

        def mine() -> None:
            with link_run_lock(sqlite_store, waiting=waited.set):
                acquired.set()

        thread = threading.Thread(target=mine)
        thread.start()
        assert waited.wait(60) and not acquired.is_set()
        (home / "release").write_text("1")
        assert acquired.wait(60)
        thread.join(60)
    finally:
        (home / "release").write_text("1")
        try:
            holder.wait(120)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait(10)


@pytest.mark.slow
def test_two_imports_at_once_are_linked_by_runs_that_never_overlap(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kids = children(70)
    import_file(
        sqlite_store,
        family_list_csv(tmp_path / "family.csv", kids[:60]),
        actor="t",
        source="family",
    )
    camp = camp_list_csv(tmp_path / "camp.csv", kids[10:40])
    camp_later = camp_list_csv(tmp_path / "camp-later.csv", kids[40:])
    real = service.link
    spans: list[tuple[float, float]] = []

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.monotonic()
        try:
            return real(*args, **kwargs)
        finally:
            spans.append((start, time.monotonic()))

    monkeypatch.setattr(service, "link", timed)
    errors: list[BaseException] = []

    def upload(path: Path, source: str) -> None:
        try:
            import_file(sqlite_store, path, actor=source, source=source)
            link_and_queue(sqlite_store, policy=default_policy())
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=upload, args=(camp, "camp")),
        threading.Thread(target=upload, args=(camp_later, "camp-later")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert errors == []
    assert len(spans) == 2
    first, second = sorted(spans)
    assert first[1] <= second[0], "two link runs overlapped"
    with sqlite_store.session() as session:
        linked = session.scalar(select(func.count()).select_from(linked_records))
        pending = session.scalar(select(func.count()).where(link_pairs.c.status == "pending"))
        queued = session.scalar(select(func.count()).select_from(review_items))
    assert linked == 60 + 30 + 30  # every record of both uploads is linked
    assert queued == pending
