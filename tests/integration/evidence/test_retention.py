"""Retention and legal hold (issue 14 acceptance): held items survive `retention apply`; what
expired goes, with a tombstone in the custody and audit logs that holds no personal data; a hold
on a record, person, case or item reaches the items around it. Synthetic data only."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from kintrace import audit
from kintrace.evidence import EvidenceNotFound, EvidenceRefused, retention
from kintrace.evidence.custody import Custodian, verify_chain
from kintrace.evidence.items import (
    Description,
    Target,
    custody_log,
    get_item,
    ingest_file,
    register,
    verify_fixity,
)
from kintrace.evidence.kinds import Kind
from kintrace.evidence.storage import EvidenceStore
from kintrace.store.engine import Store

from .conftest import PERSON, gps_jpeg

OPERATOR = Custodian(name="cli:test", role="operator")
LATER = datetime.now(UTC) + timedelta(days=400)
DESCRIPTION = "Synthetic description naming Олександр Ковальчук"


def _add(registry: Store, seed: int, target: Target) -> int:
    store = EvidenceStore(registry.settings.home)
    about = Description(
        kind=Kind.PHOTO,
        file_name="child-photo.jpg",
        collected_by="Synthetic Person",
        description=DESCRIPTION,
    )
    stored = ingest_file(store, io.BytesIO(gps_jpeg(seed)), about=about)
    with registry.session(write=True) as db:
        return register(db, stored, about=about, targets=[target], custodian=OPERATOR).item.id


def _apply(registry: Store, now: datetime) -> list[retention.PlanLine]:
    with registry.session(write=True) as db:
        lines, gone = retention.apply(db, custodian=OPERATOR, now=now)
    retention.remove_files(EvidenceStore(registry.settings.home), gone)
    return lines


def test_held_items_survive_retention_apply_and_the_rest_goes(registry: Store) -> None:
    on_case = _add(registry, 1, Target.case(1))
    on_r1 = _add(registry, 2, Target.record("list-r:r1"))
    on_a2 = _add(registry, 3, Target.record("list-a:a2"))
    with registry.session(write=True) as db:
        retention.set_rule(db, source="list-a", keep_days=365, actor="test")
        retention.set_rule(db, source="list-r", keep_days=30, actor="test")
        assert retention.plan(db) == []  # nothing has expired yet
        hold = retention.place_hold(
            db, target_type="person", target_id=PERSON, reason="ICC request 7", custodian=OPERATOR
        )
    with registry.session() as db:
        planned = {line.item_id: line for line in retention.plan(db, now=LATER)}
    assert planned[on_a2].action == "erase"
    assert planned[on_case].action == planned[on_r1].action == "held"  # a1 and r1 are PERSON
    assert planned[on_r1].holds == (hold.id,)
    _apply(registry, LATER)
    store = EvidenceStore(registry.settings.home)
    with registry.session(write=True) as db:
        for item_id in (on_case, on_r1):
            item = get_item(db, item_id)
            assert item.erased_at is None
            assert store.original_path(item.sha256).read_bytes() == gps_jpeg(
                1 + (item_id != on_case)
            )
        erased = get_item(db, on_a2)
        assert erased.erased_at is not None and erased.file_name is None
        assert erased.description is None and erased.collected_by is None
        assert not store.original_path(erased.sha256).exists()
        assert [r.ok for r in verify_fixity(db, store, item_ids=[1, 2, 3], custodian=OPERATOR)] == [
            True,
            True,
        ]  # the erased item is not a mismatch
        retention.release_hold(db, hold_id=hold.id, custodian=OPERATOR)
    assert {line.item_id for line in _apply(registry, LATER)} == {on_case, on_r1}
    with registry.session() as db:
        assert get_item(db, on_r1).erased_at is not None
        assert verify_chain(db).ok and audit.verify(db).ok


def test_the_tombstone_holds_no_personal_data(registry: Store) -> None:
    item_id = _add(registry, 4, Target.record("list-a:a2"))
    with registry.session(write=True) as db:
        retention.erase(db, item_id=item_id, custodian=OPERATOR, reason="family asked")
    with registry.session() as db:
        tombstone = custody_log(db, item_id)[-1]
        entries = (
            db.execute(text("SELECT details FROM audit_log WHERE action = 'evidence.erase'"))
            .scalars()
            .all()
        )
        stored = db.execute(text("SELECT * FROM evidence_items")).all()
    assert tombstone.event == "erase" and tombstone.purpose == "family asked"
    everything = json.dumps([entries, tombstone.details, [list(r) for r in stored]])
    for personal in ("Олександр", "Ковальчук", "Synthetic Person", "child-photo"):
        assert personal not in everything


@pytest.mark.parametrize(
    ("target_type", "target_id"),
    [("item", "1"), ("record", "list-a:a1"), ("case", "1"), ("person", PERSON)],
)
def test_a_hold_on_each_kind_of_target_blocks_erasure(
    registry: Store, target_type: str, target_id: str
) -> None:
    item_id = _add(registry, 5, Target.case(1))  # case 1 follows list-a:a1, of PERSON
    with registry.session(write=True) as db:
        retention.place_hold(
            db, target_type=target_type, target_id=target_id, reason="court", custodian=OPERATOR
        )
    with registry.session(write=True) as db, pytest.raises(EvidenceRefused, match="legal hold"):
        retention.erase(db, item_id=item_id, custodian=OPERATOR, reason="test")
    with registry.session() as db:
        assert "hold" in [e.event for e in custody_log(db, item_id)]


def test_bad_holds_and_rules_are_refused(registry: Store) -> None:
    with registry.session(write=True) as db:
        with pytest.raises(EvidenceNotFound):
            retention.place_hold(
                db, target_type="case", target_id="9", reason="x", custodian=OPERATOR
            )
        with pytest.raises(EvidenceRefused, match="reason"):
            retention.place_hold(
                db, target_type="case", target_id="1", reason=" ", custodian=OPERATOR
            )
        with pytest.raises(EvidenceNotFound, match="no source"):
            retention.set_rule(db, source="nope", keep_days=3, actor="t")
        with pytest.raises(EvidenceRefused, match="above 0"):
            retention.set_rule(db, source="list-a", keep_days=0, actor="t")
