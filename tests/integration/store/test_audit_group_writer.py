"""Read-audit entries of requests reading at the same time go into the log together: one write
transaction for all who waited, none lost, each request back only once its own entries are
committed (decision 0421). Both backends. Entries hold ids only; nothing here is personal."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import event, func, select

from kintrace import audit
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store


def _entry(n: int) -> list[dict[str, Any]]:
    return [
        {
            "actor": f"reader-{n}",
            "action": "records.read",
            "entity_type": "record",
            "entity_id": n,
            "details": {},
        }
    ]


def _count(store: Store) -> int:
    with store.session() as db:
        return int(db.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_load_requests_waiting_for_the_writer_share_one_transaction(store: Store) -> None:
    writer = audit.DeferredWriter(lambda: store.session(write=True))
    before = _count(store)
    errors: list[BaseException] = []

    def read_and_audit(n: int) -> None:
        try:
            writer.write(_entry(n))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    first = threading.Thread(target=read_and_audit, args=(0,))
    with writer._turn:  # a batch is being written: the others queue behind it
        writer._writing = True
    first.start()
    others = [threading.Thread(target=read_and_audit, args=(n,)) for n in range(1, 8)]
    for thread in others:
        thread.start()
    _wait_for(lambda: writer.queued == 8, "eight requests queued")
    assert _count(store) == before  # nobody is back before their entries are committed
    with writer._turn:  # the batch in progress ends
        writer._writing = False
        writer._turn.notify_all()
    for thread in [first, *others]:
        thread.join(30)
    assert errors == []
    assert writer.batches == 1  # eight requests, one transaction
    assert _count(store) == before + 8
    with store.session() as db:
        actors = set(db.scalars(select(AuditEntry.actor).where(AuditEntry.id > before)))
        assert audit.verify(db).ok
    assert actors == {f"reader-{n}" for n in range(8)}


def test_load_a_busy_database_fails_its_batch_and_a_bad_entry_only_its_own_request(
    store: Store,
) -> None:
    writer = audit.DeferredWriter(lambda: store.session(write=True))
    before = _count(store)
    bad = _entry(1)
    bad[0]["details"] = {"not json": object()}  # a bug in one route must not cost the others
    batch = [audit._Ticket(_entry(0)), audit._Ticket(bad), audit._Ticket(_entry(2))]
    writer._write_batch(batch)
    assert [t.error is None for t in batch] == [True, False, True]
    assert _count(store) == before + 2

    refusals = 0

    def refuse(*_args: Any) -> None:
        nonlocal refusals
        refusals += 1
        raise audit.StoreBusy("busy", retry_after_s=1)

    event.listen(store.engine, "begin", refuse)
    try:
        busy = [audit._Ticket(_entry(3)), audit._Ticket(_entry(4))]
        writer._write_batch(busy)
    finally:
        event.remove(store.engine, "begin", refuse)
    assert refusals == 1  # not retried entry by entry: the database as a whole said no
    assert all(isinstance(t.error, audit.StoreBusy) for t in busy)
    assert _count(store) == before + 2
