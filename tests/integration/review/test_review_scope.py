"""Agency scope of the queue and of cases (the web's view), on SQLite and PostgreSQL: a
reviewer is handed only pairs whose two records belong to their agency. Synthetic keys only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from review_fixtures import ADMIN, ANN, POLICY, T0
from sqlalchemy import insert, select

from kintrace.cases import RecordKey
from kintrace.review import casework, queue, worklists
from kintrace.review.queue import PendingPair
from kintrace.store.engine import Store
from kintrace.store.registry_tables import Source
from kintrace.store.web_tables import agencies, source_agencies

Registry = Callable[[list[str]], list[RecordKey]]
HOME, PARTNER = {1}, {2}


def _two_agencies(store: Store, registry: Registry) -> dict[str, tuple[RecordKey, RecordKey]]:
    keys = dict(
        zip(
            ["f1", "c1", "p1", "p2"],
            registry(["fam:1", "camp:1", "adopt:1", "adopt:2"]),
            strict=True,
        )
    )
    with store.session(write=True) as s:
        if s.scalar(select(agencies.c.id).where(agencies.c.id == 2)) is None:
            s.execute(insert(agencies).values(id=2, code="partner", name="Partner", created_at=T0))
        adopt = s.scalar(select(Source.id).where(Source.name == "adopt"))
        s.execute(insert(source_agencies).values(source_id=adopt, agency_id=2))
        pairs = {
            "home": (keys["f1"], keys["c1"]),
            "partner": (keys["p1"], keys["p2"]),
            "cross": (keys["c1"], keys["p1"]),
        }
        queue.enqueue(
            s,
            [
                PendingPair(a, b, p)
                for (a, b), p in zip(pairs.values(), (0.6, 0.7, 0.72), strict=True)
            ],
            policy=POLICY,
            now=T0,
        )
    return pairs


def test_claims_and_counts_stay_inside_the_agency(store: Store, registry: Registry) -> None:
    pairs = _two_agencies(store, registry)
    with store.session(write=True) as s:
        first = queue.claim_next(s, reviewer="ann", policy=POLICY, now=T0, agency_ids=HOME)
    with store.session(write=True) as s:
        second = queue.claim_next(s, reviewer="bob", policy=POLICY, now=T0, agency_ids=HOME)
    assert first is not None and (first.left, first.right) == tuple(sorted(pairs["home"]))
    assert second is None  # the cross-agency pair is never handed to either agency
    with store.session(write=True) as s:
        other = queue.claim_next(s, reviewer="pat", policy=POLICY, now=T0, agency_ids=PARTNER)
        assert other is not None and {other.left, other.right} == set(pairs["partner"])
        assert queue.queue_counts(s, agency_ids=HOME)["pending"] == 1
        assert queue.queue_counts(s)["pending"] == 3
        assert queue.get_item(s, other.id, agency_ids=HOME) is None
        assert queue.get_item(s, other.id, agency_ids=PARTNER) is not None
        assert [i.id for i in queue.waiting(s, agency_ids=PARTNER)] == [other.id]


def test_cases_of_another_agency_look_absent(store: Store, registry: Registry) -> None:
    pairs = _two_agencies(store, registry)
    with store.session(write=True) as s:
        home_case = casework.open_case(
            s, actor=ADMIN, subject=pairs["home"][0], now=T0, policy=POLICY
        )
        partner_case = casework.open_case(
            s, actor=ADMIN, subject=pairs["partner"][0], now=T0, policy=POLICY
        )
        assert partner_case.agency_id == 2 and home_case.agency_id == 1
        listed = worklists.list_cases(s, actor=ANN, now=T0, agency_ids=HOME)
        assert [line.case.id for line in listed] == [home_case.id]
        with pytest.raises(casework.CaseNotFound):
            casework.get_case(s, partner_case.id, agency_ids=HOME)
