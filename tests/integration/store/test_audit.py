"""The audit log: chained, verifiable, tamper-evident, unforkable (on both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from kintrace import audit
from kintrace.store.engine import Store


def _append_three(store: Store) -> None:
    with store.session(write=True) as session:
        for n in range(3):
            audit.append(
                session,
                actor="tester",
                action="test.action",
                entity_type="thing",
                entity_id=n,
                details={"n": n, "note": "синтетичні дані"},
            )


def test_empty_log_verifies(store: Store) -> None:
    with store.session() as session:
        result = audit.verify(session)
    assert result.ok and result.entries == 0


def test_chain_verifies_and_links(store: Store) -> None:
    _append_three(store)
    with store.session() as session:
        result = audit.verify(session)
        rows = session.execute(text("SELECT id, prev_hash, hash FROM audit_log ORDER BY id")).all()
    assert result.ok and result.entries == 3
    assert rows[0].prev_hash == audit.GENESIS_HASH
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash


@pytest.mark.parametrize(
    ("statement", "broken", "words"),
    [
        ("UPDATE audit_log SET details = '[9]' WHERE id = 2", 2, "does not match its hash"),
        ("UPDATE audit_log SET actor = 'someone' WHERE id = 1", 1, "does not match its hash"),
        ("DELETE FROM audit_log WHERE id = 2", 3, "entry 2 is missing"),
        ("UPDATE audit_log SET prev_hash = hash WHERE id = 3", 3, "link to the previous"),
    ],
    ids=["details-changed", "actor-changed", "entry-deleted", "link-changed"],
)
def test_tampering_is_found_at_the_first_broken_entry(
    store: Store, statement: str, broken: int, words: str
) -> None:
    _append_three(store)
    with store.session() as session:
        session.execute(text(statement))
    with store.session() as session:
        result = audit.verify(session)
    assert not result.ok
    assert result.broken_id == broken
    assert result.problem is not None and words in result.problem


def test_a_second_entry_on_the_same_predecessor_is_refused(store: Store) -> None:
    _append_three(store)
    with pytest.raises(IntegrityError), store.session() as session:
        head = session.execute(text("SELECT prev_hash FROM audit_log WHERE id = 3")).scalar_one()
        session.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, action, entity_type, entity_id, details,"
                " prev_hash, hash) VALUES (99, 'x', 'a', 'b', 'c', 'd', '{}', :p, :h)"
            ),
            {"p": head, "h": "f" * 64},
        )
