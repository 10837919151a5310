"""Cases: opening, transitions (audited, refused with a message), assignment, timeline, work
lists. The transition table itself is tested in tests/unit/cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from review_fixtures import ADMIN, ANN, BOB, CASEY, POLICY, T0
from sqlalchemy import select

from kintrace import audit
from kintrace.cases import (
    Change,
    Facet,
    RecordKey,
    Role,
    TransitionRefused,
    Verdict,
    WorkflowRefused,
)
from kintrace.review import casework, decisions, queue, worklists
from kintrace.review.actors import Actor
from kintrace.review.queue import PendingPair
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store
from support.seed import add_link_run, add_linked_records, add_records, add_user_row

Registry = Callable[[list[str]], list[RecordKey]]
ANALYST = Actor("ana", Role.ANALYST)


def _open(store: Store, subject: RecordKey, actor: Actor = CASEY) -> int:
    with store.session(write=True) as s:
        return casework.open_case(s, actor=actor, subject=subject, now=T0, policy=POLICY).id


def _set(store: Store, case_id: int, change: Change, actor: Actor = CASEY, days: int = 1):  # type: ignore[no-untyped-def]
    with store.session(write=True) as s:
        return casework.set_facet(
            s,
            actor=actor,
            case_id=case_id,
            change=change,
            now=T0 + timedelta(days=days),
            policy=POLICY,
        )


def test_a_case_from_report_to_return_with_every_step_audited(
    store: Store, registry: Registry
) -> None:
    fam, camp = registry(["fam:1", "camp:1"])
    case_id = _open(store, fam)
    with store.session(write=True) as s:
        decisions.decide(
            s, actor=ANN, left=fam, right=camp, verdict=Verdict.SAME, policy=POLICY, now=T0
        )
        confirmed = decisions.decide(
            s, actor=BOB, left=fam, right=camp, verdict=Verdict.SAME, policy=POLICY, now=T0
        )
    _set(store, case_id, Change(Facet.IDENTITY, "verified", decision_id=confirmed.decision_id))
    _set(
        store,
        case_id,
        Change(Facet.WHEREABOUTS, "known", place="(synthetic)", on=date(2026, 10, 1)),
    )
    for stage in ("requested", "in_negotiation", "in_progress", "returned"):
        _set(store, case_id, Change(Facet.RETURN, stage))
    view = _set(store, case_id, Change(Facet.RETURN, "closed", reason="reunited"))
    assert view.state.return_stage.value == "closed" and view.state.closed_reason == "reunited"
    with store.session() as s:
        events = casework.timeline(s, case_id)
        actions = [a for a in s.scalars(select(AuditEntry.action)) if a.startswith("case.")]
        assert audit.verify(s).ok
    assert [e.kind for e in events] == ["opened"] + ["transition"] * 7
    assert events[1].decision_id == confirmed.decision_id
    assert actions == ["case.open"] + ["case.transition"] * 7


def test_forbidden_transition_is_refused_and_changes_nothing(
    store: Store, registry: Registry
) -> None:
    (fam,) = registry(["fam:1"])
    case_id = _open(store, fam)
    with pytest.raises(TransitionRefused, match="identity must be verified"):
        _set(store, case_id, Change(Facet.RETURN, "requested"))
    with pytest.raises(TransitionRefused, match="role 'reviewer'"):
        _set(store, case_id, Change(Facet.IDENTITY, "verified", note="x"), actor=ANN)
    with store.session() as s:
        assert len(casework.timeline(s, case_id)) == 1
        assert casework.get_case(s, case_id).state.return_stage.value == "not_started"


def test_a_decision_as_basis_must_be_a_standing_confirmation_of_this_case(
    store: Store, registry: Registry
) -> None:
    fam, camp, other, reg = registry(["fam:1", "camp:1", "fam:2", "reg:2"])
    case_id = _open(store, fam)
    with store.session(write=True) as s:
        first = decisions.decide(
            s, actor=ANN, left=fam, right=camp, verdict=Verdict.SAME, policy=POLICY, now=T0
        )
        elsewhere = decisions.decide(
            s, actor=ANN, left=other, right=reg, verdict=Verdict.SAME, policy=POLICY, now=T0
        )
    with pytest.raises(TransitionRefused, match="second reviewer"):
        _set(store, case_id, Change(Facet.IDENTITY, "verified", decision_id=first.decision_id))
    with pytest.raises(TransitionRefused, match="not part of case"):
        _set(store, case_id, Change(Facet.IDENTITY, "verified", decision_id=elsewhere.decision_id))


def test_one_open_case_per_record_and_only_caseworkers_open(
    store: Store, registry: Registry
) -> None:
    (fam,) = registry(["fam:1"])
    _open(store, fam)
    with pytest.raises(WorkflowRefused, match="already follows"):
        _open(store, fam)
    with pytest.raises(WorkflowRefused, match="may not open cases"):
        _open(store, fam, actor=ANN)


def test_assignment_checks_the_assignees_role(store: Store, registry: Registry) -> None:
    (fam,) = registry(["fam:1"])
    with store.session(write=True) as s:
        for name, role in (("casey", "caseworker"), ("ann", "reviewer")):
            add_user_row(s, username=name, role=role, at=T0)
    case_id = _open(store, fam)
    with store.session(write=True) as s:
        with pytest.raises(WorkflowRefused, match="only to a caseworker"):
            casework.assign(s, actor=ADMIN, case_id=case_id, assignee="ann", now=T0)
        assert casework.assign(
            s, actor=CASEY, case_id=case_id, assignee="casey", now=T0
        ).assignee == ("casey")


def test_work_lists(store: Store, registry: Registry) -> None:
    fam1, fam2, reg = registry(["fam:1", "fam:2", "reg:1"])
    mine, theirs = _open(store, fam1), _open(store, fam2)
    with store.session(write=True) as s:
        s.execute(
            casework.cases.update().where(casework.cases.c.id == mine).values(assignee="casey")
        )
    _set(store, theirs, Change(Facet.RETURN, "closed", reason="duplicate"), actor=ADMIN, days=0)
    now = T0 + timedelta(days=30)
    with store.session(write=True) as s:

        def ids(**kw: object) -> list[int]:
            lines = worklists.list_cases(s, actor=CASEY, now=now, **kw)  # type: ignore[arg-type]
            return [line.case.id for line in lines]

        assert ids(mine=True) == [mine]
        assert ids(stalled_days=14) == [mine]  # the closed one is not a work item
        assert ids(stalled_days=60) == []
        assert ids(include_closed=True) == [mine, theirs]
        casework.mark_seen(s, actor=CASEY, case_id=mine, now=T0 + timedelta(days=1))
        assert ids(new_records=True) == []
        # a new record joins the case by a confirmed decision after casey last looked
        decisions.decide(
            s,
            actor=ANN,
            left=fam1,
            right=reg,
            verdict=Verdict.SAME,
            policy=POLICY,
            now=T0 + timedelta(days=2),
        )
        lines = worklists.list_cases(s, actor=CASEY, now=now, new_records=True)
        assert [(line.case.id, line.new_records) for line in lines] == [(mine, (reg,))]
        casework.mark_seen(s, actor=CASEY, case_id=mine, now=T0 + timedelta(days=3))
        assert ids(new_records=True) == []
        with pytest.raises(WorkflowRefused, match="analysts see aggregate"):
            worklists.list_cases(s, actor=ANALYST, now=now)


def test_a_confirmation_awaiting_its_second_reviewer_brings_no_new_record(
    store: Store, registry: Registry
) -> None:
    fam, camp = registry(["fam:1", "camp:1"])
    case_id = _open(store, fam)
    seen_at = T0 + timedelta(days=1)
    with store.session(write=True) as s:
        casework.mark_seen(s, actor=CASEY, case_id=case_id, now=seen_at)
        for actor, day in ((ANN, 2), (BOB, 3)):
            decisions.decide(
                s,
                actor=actor,
                left=fam,
                right=camp,
                verdict=Verdict.SAME,
                policy=POLICY,
                now=T0 + timedelta(days=day),
            )
            view = casework.get_case(s, case_id)
            fresh = worklists.new_records_since(s, view, seen_at)
            assert fresh == ([] if actor is ANN else [camp])


def _persons(store: Store, members: dict[str, list[RecordKey]]) -> None:
    """Write persons as a finished link run would (linked_records)."""
    with store.session(write=True) as s:
        run = add_link_run(s, at=T0, finished=True)
        add_linked_records(
            s,
            run_id=run,
            members=[
                (k.source, k.record_id, person) for person, keys in members.items() for k in keys
            ],
            content_hash="0" * 64,
        )


def test_a_case_on_a_person_follows_its_family_report_and_shows_linked_records(
    store: Store, registry: Registry
) -> None:
    camp, fam, reg = registry(["camp:1", "fam:1", "reg:1"])
    _persons(store, {"P1": [camp, fam, reg]})
    with store.session(write=True) as s:
        subject = casework.subject_for_person(s, "P1")
        assert subject == fam  # the family is who is searching
        with pytest.raises(WorkflowRefused, match="no person P404"):
            casework.subject_for_person(s, "P404")
        view = casework.open_case(s, actor=CASEY, subject=subject, now=T0, policy=POLICY)
        records = {r.key: r.how for r in casework.case_records(s, view)}
        assert records == {fam: "subject", camp: "linked", reg: "linked"}
        # an automatic link shows the record but changes no fact of the case
        assert view.state.identity.value == "reported"


def test_a_record_arriving_in_the_person_after_my_last_look_is_new(
    store: Store, registry: Registry
) -> None:
    (fam,) = registry(["fam:1"])
    late = RecordKey("camp", "late")
    with store.session(write=True) as s:
        add_records(s, [late], at=T0 + timedelta(days=5))
    _persons(store, {"P1": [fam, late]})
    case_id = _open(store, fam)
    with store.session(write=True) as s:
        view = casework.get_case(s, case_id)
        assert worklists.new_records_since(s, view, T0 + timedelta(days=1)) == [late]
        assert worklists.new_records_since(s, view, T0 + timedelta(days=6)) == []


def test_a_case_carries_its_records_agency_and_is_absent_outside_it(
    store: Store, registry: Registry
) -> None:
    (fam,) = registry(["fam:1"])
    case_id = _open(store, fam)
    with store.session() as s:
        assert casework.get_case(s, case_id).agency_id == 1  # the home agency
        assert casework.get_case(s, case_id, agency_ids={1}).id == case_id
        with pytest.raises(casework.CaseNotFound, match=f"no case {case_id}"):
            casework.get_case(s, case_id, agency_ids={2})


def test_opening_a_case_puts_its_pairs_first_and_closing_it_puts_them_back(
    store: Store, registry: Registry
) -> None:
    fam, camp, other, reg = registry(["fam:1", "camp:1", "fam:2", "reg:2"])
    with store.session(write=True) as s:
        queue.enqueue(
            s,
            [PendingPair(fam, camp, 0.9), PendingPair(other, reg, 0.725)],
            policy=POLICY,
            now=T0,
        )

    def first() -> set[RecordKey]:
        with store.session(write=True) as s:
            item = queue.claim_next(s, reviewer="probe", policy=POLICY, now=T0)
            assert item is not None
            queue.release(s, item_id=item.id, reviewer="probe", token=item.token, now=T0)
            return {item.left, item.right}

    assert first() == {other, reg}  # closest to the middle of the band
    case_id = _open(store, fam)
    assert first() == {fam, camp}  # touches an open case
    _set(store, case_id, Change(Facet.RETURN, "closed", reason="duplicate"), actor=ADMIN)
    assert first() == {other, reg}
