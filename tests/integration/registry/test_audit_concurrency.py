"""Concurrent audit appends never fork the chain (PostgreSQL locks, SQLite has one writer)."""

from __future__ import annotations

import threading

from kintrace import audit
from kintrace.store.engine import Store


def test_concurrent_appends_keep_one_chain(store: Store) -> None:
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            for n in range(15):
                with store.session(write=True) as session:
                    audit.append(
                        session,
                        actor=name,
                        action="test.concurrent",
                        entity_type="thing",
                        entity_id=n,
                        details={"n": n},
                    )
        except BaseException as exc:  # collected and re-raised by the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.session() as session:
        result = audit.verify(session)
    assert result.ok and result.entries == 45
