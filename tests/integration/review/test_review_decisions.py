"""Decisions: kept, audited, undone by a new decision, and handed to clustering."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from review_fixtures import ADMIN, ANN, BOB, CASEY, POLICY, T0
from sqlalchemy import func, select

from kintrace import audit
from kintrace.cases import DecisionRefused, PairStatus, RecordKey, ReviewPolicy, Verdict
from kintrace.review import decisions, queue
from kintrace.review.queue import PendingPair
from kintrace.review.records import UnknownRecord
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store
from kintrace.store.review_tables import review_decisions

Registry = Callable[[list[str]], list[RecordKey]]
S, D, U = Verdict.SAME, Verdict.DIFFERENT, Verdict.UNSURE


def _decide(store: Store, actor, a: RecordKey, b: RecordKey, verdict: Verdict, **kw):  # type: ignore[no-untyped-def]
    policy = kw.pop("policy", POLICY)
    with store.session(write=True) as s:
        return decisions.decide(
            s, actor=actor, left=a, right=b, verdict=verdict, policy=policy, now=T0, **kw
        )


def test_two_person_rule_for_a_family_report_against_the_other_side(
    store: Store, registry: Registry
) -> None:
    fam, camp, reg = registry(["fam:1", "camp:1", "reg:1"])
    assert _decide(store, ANN, fam, camp, S).status is PairStatus.AWAITING_SECOND
    with pytest.raises(DecisionRefused, match="second, different reviewer"):
        _decide(store, ANN, camp, fam, S)
    assert _decide(store, BOB, camp, fam, S).status is PairStatus.CONFIRMED
    # a family report against the Ukrainian registry is not "the other side": one person suffices
    assert _decide(store, ANN, fam, reg, S).status is PairStatus.CONFIRMED
    off = ReviewPolicy(auto_link_threshold=0.95, two_person_rule=False)
    adopt = registry(["adopt:1"])[0]
    assert _decide(store, ANN, fam, adopt, S, policy=off).status is PairStatus.CONFIRMED


def test_rejecting_above_the_auto_link_threshold_needs_a_reason(
    store: Store, registry: Registry
) -> None:
    fam, camp = registry(["fam:1", "camp:1"])
    with store.session(write=True) as s:
        queue.enqueue(s, [PendingPair(fam, camp, 0.97)], policy=POLICY, now=T0)
    with pytest.raises(DecisionRefused, match="auto-link threshold"):
        _decide(store, ANN, fam, camp, D)
    assert _decide(store, ANN, fam, camp, D, note="different mothers").status is PairStatus.REJECTED


def test_only_reviewers_and_admins_decide(store: Store, registry: Registry) -> None:
    fam, camp = registry(["fam:1", "camp:1"])
    with pytest.raises(DecisionRefused, match="role 'caseworker' may not decide"):
        _decide(store, CASEY, fam, camp, S)


def test_unknown_record_is_refused_with_the_key(store: Store, registry: Registry) -> None:
    (fam,) = registry(["fam:1"])
    with pytest.raises(UnknownRecord, match="No record camp:404"):
        _decide(store, ANN, fam, RecordKey("camp", "404"), S)


def test_undo_supersedes_keeps_every_row_and_is_audited(store: Store, registry: Registry) -> None:
    fam, camp, reg = registry(["fam:1", "camp:1", "reg:1"])
    _decide(store, ANN, fam, camp, S)
    _decide(store, BOB, fam, camp, S)
    _decide(store, ANN, fam, reg, D)
    with store.session(write=True) as s:
        assert decisions.constraints(s).must_link == {(camp, fam)}
        undone = decisions.undo(s, actor=BOB, policy=POLICY, now=T0)
    assert undone.status is PairStatus.AWAITING_SECOND  # ann's first confirmation still stands
    with store.session(write=True) as s:
        c = decisions.constraints(s)
        assert c.must_link == frozenset() and c.cannot_link == {(fam, reg)}
        again = decisions.undo(s, actor=ANN, policy=POLICY, now=T0)  # her latest: the rejection
        assert again.status is PairStatus.PENDING
        assert decisions.constraints(s).cannot_link == frozenset()
        rows = s.scalar(select(func.count()).select_from(review_decisions))
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert audit.verify(s).ok
    assert rows == 5  # three verdicts and two undos, nothing deleted
    assert actions == ["review.decide"] * 3 + ["review.undo"] * 2


def test_undo_of_another_reviewers_decision_needs_admin(store: Store, registry: Registry) -> None:
    fam, reg = registry(["fam:1", "reg:1"])
    done = _decide(store, ANN, fam, reg, S)
    with (
        pytest.raises(DecisionRefused, match="only they or an admin"),
        store.session(write=True) as s,
    ):
        decisions.undo(s, actor=BOB, decision_id=done.decision_id, policy=POLICY, now=T0)
    with store.session(write=True) as s:
        assert (
            decisions.undo(
                s, actor=ADMIN, decision_id=done.decision_id, policy=POLICY, now=T0
            ).status
            is PairStatus.PENDING
        )
    with pytest.raises(DecisionRefused, match="already undone"), store.session(write=True) as s:
        decisions.undo(s, actor=ADMIN, decision_id=done.decision_id, policy=POLICY, now=T0)


def test_changing_a_settled_pair_needs_a_note(store: Store, registry: Registry) -> None:
    fam, reg = registry(["fam:1", "reg:1"])
    _decide(store, ANN, fam, reg, S)
    with pytest.raises(DecisionRefused, match="already confirmed"):
        _decide(store, BOB, fam, reg, D)
    assert _decide(store, BOB, fam, reg, D, note="birth certificate differs").status is (
        PairStatus.REJECTED
    )


def test_notes_stay_out_of_the_audit_log(store: Store, registry: Registry) -> None:
    fam, reg = registry(["fam:1", "reg:1"])
    secret = "Synthetic-Name-Never-Logged"
    _decide(store, ANN, fam, reg, U, note=secret)
    with store.session() as s:
        details = " ".join(s.scalars(select(AuditEntry.details)))
        kept = s.scalar(select(review_decisions.c.note))
    assert secret not in details and kept == secret
