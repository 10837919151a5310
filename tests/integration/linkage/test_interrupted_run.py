"""A link run that dies half-way leaves the previous results exactly as they were."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kintrace.linkage import service
from kintrace.services.linkage import link
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_pairs, link_runs, linked_records

from .synthetic import insert_rows, make_children, make_rows


def _snapshot(store: Store) -> tuple[list[tuple], list[tuple]]:  # type: ignore[type-arg]
    with store.session() as session:
        pairs = sorted(tuple(r) for r in session.execute(select(link_pairs)).all())
        persons = sorted(tuple(r) for r in session.execute(select(linked_records)).all())
    return pairs, persons


@pytest.mark.slow
def test_a_crash_while_writing_leaves_the_previous_results(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert_rows(sqlite_store, make_rows(make_children(60)))
    link(sqlite_store)
    before = _snapshot(sqlite_store)
    assert before[0] and before[1]

    real_write = service.write_results

    def write_then_die(session, results):  # type: ignore[no-untyped-def]
        real_write(session, results)  # everything written inside the transaction ...
        raise KeyboardInterrupt  # ... then the process is interrupted before the commit

    monkeypatch.setattr(service, "write_results", write_then_die)
    with pytest.raises(KeyboardInterrupt):
        link(sqlite_store, options=service.LinkOptions(full=True))
    assert _snapshot(sqlite_store) == before

    monkeypatch.setattr(service, "write_results", real_write)
    link(sqlite_store, options=service.LinkOptions(full=True))
    with sqlite_store.session() as session:
        states = [s for (s,) in session.execute(select(link_runs.c.state).order_by(link_runs.c.id))]
    assert states == ["done", "failed", "done"]  # the interrupted run is marked, not left running
