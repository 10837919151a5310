"""`set_source_kind`: audited, refuses an unknown source or kind with a clear message, changes
nothing when the kind is the same (SYNTHETIC rows), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from kintrace.registry.errors import NotFound
from kintrace.registry.integrity import verify_registry_audit
from kintrace.registry.sources import UnknownKind, get_source, set_source_kind
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store

from .helpers import child, run_import, write_csv


def _kind_entries(store: Store) -> list[AuditEntry]:
    with store.session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == "registry.source.set_kind")
            )
        )


def test_setting_a_kind_is_audited_and_the_same_kind_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    run_import(store, write_csv(tmp_path / "a.csv", [child(1), child(2)]))
    with store.session(write=True) as session:
        change = set_source_kind(session, "fam", " Adoption ", actor="cli:tester")
    assert (change.source, change.previous, change.kind, change.changed) == (
        "fam", "unknown", "adoption", True
    )  # fmt: skip
    with store.session() as session:
        assert get_source(session, "fam").kind == "adoption"
    (entry,) = _kind_entries(store)
    assert entry.actor == "cli:tester" and entry.entity_type == "source"
    assert json.loads(entry.details) == {
        "name": "fam", "kind": "adoption", "previous_kind": "unknown"
    }  # fmt: skip
    with store.session(write=True) as session:
        again = set_source_kind(session, "fam", "adoption", actor="cli:tester")
    assert not again.changed and len(_kind_entries(store)) == 1
    with store.session() as session:
        assert verify_registry_audit(session).ok


def test_an_unknown_source_or_kind_is_refused_clearly(store: Store, tmp_path: Path) -> None:
    run_import(store, write_csv(tmp_path / "a.csv", [child(1)]))
    with store.session(write=True) as session, pytest.raises(NotFound, match="no source 'x'"):
        set_source_kind(session, "x", "camp", actor="t")
    with store.session(write=True) as session, pytest.raises(UnknownKind) as caught:
        set_source_kind(session, "fam", "orphanage", actor="t")
    assert "'orphanage' is not a source kind; use one of: family, registry" in str(caught.value)
    assert _kind_entries(store) == []
