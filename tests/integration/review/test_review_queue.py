"""The review queue: order, leases, fencing tokens, expiry (times passed in, never slept)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from review_fixtures import ANN, BOB, POLICY, T0
from sqlalchemy import delete, select, update

from kintrace.cases import DecisionRefused, PairStatus, RecordKey, ReviewPolicy, Verdict
from kintrace.config import load_settings
from kintrace.review import decisions, queue
from kintrace.review.queue import PendingPair
from kintrace.store.engine import Store, open_store
from kintrace.store.linkage_tables import link_pairs, link_runs
from support.seed import add_link_pair, add_link_run, add_records

Registry = Callable[[list[str]], list[RecordKey]]


def _fill(store: Store, registry: Registry, probabilities: list[float]) -> list[RecordKey]:
    keys = registry([f"fam:{i}" for i in range(len(probabilities))] + ["camp:x"])
    with store.session(write=True) as s:
        queue.enqueue(
            s,
            [PendingPair(k, keys[-1], p) for k, p in zip(keys, probabilities, strict=False)],
            policy=POLICY,
            now=T0,
        )
    return keys


def test_claims_come_best_first_and_never_twice(store: Store, registry: Registry) -> None:
    keys = _fill(store, registry, [0.55, 0.72, 0.9])  # the middle of 0.5..0.95 is 0.725
    with store.session(write=True) as s:
        first = queue.claim_next(s, reviewer="ann", policy=POLICY, now=T0)
    with store.session(write=True) as s:
        second = queue.claim_next(s, reviewer="bob", policy=POLICY, now=T0)
    assert first is not None and second is not None
    assert first.left == keys[1] or first.right == keys[1]
    assert second.id != first.id
    with store.session(write=True) as s:  # ann asks again: she gets the pair she holds
        again = queue.claim_next(s, reviewer="ann", policy=POLICY, now=T0)
    assert again is not None and again.id == first.id and again.token == first.token


def test_enqueue_twice_changes_nothing_and_keeps_decided_pairs(
    store: Store, registry: Registry
) -> None:
    keys = _fill(store, registry, [0.6, 0.7])
    with store.session(write=True) as s:
        decisions.decide(
            s,
            actor=ANN,
            left=keys[0],
            right=keys[-1],
            verdict=Verdict.DIFFERENT,
            policy=POLICY,
            now=T0,
        )
    with store.session(write=True) as s:
        added, refreshed = queue.enqueue(
            s,
            [PendingPair(keys[-1], keys[0], 0.8), PendingPair(keys[1], keys[-1], 0.71)],
            policy=POLICY,
            now=T0,
        )
        counts = queue.queue_counts(s)
    assert (added, refreshed) == (0, 1)
    assert counts["rejected"] == 1 and counts["pending"] == 1


def test_expired_lease_returns_the_pair_and_fences_the_old_holder(
    store: Store, registry: Registry
) -> None:
    keys = _fill(store, registry, [0.7])
    with store.session(write=True) as s:
        held = queue.claim_next(s, reviewer="ann", policy=POLICY, now=T0)
    assert held is not None
    with store.session(write=True) as s:
        assert queue.claim_next(s, reviewer="bob", policy=POLICY, now=T0) is None
    later = T0 + timedelta(seconds=POLICY.lease_seconds + 1)
    with store.session(write=True) as s:
        taken = queue.claim_next(s, reviewer="bob", policy=POLICY, now=later)
    assert taken is not None and taken.id == held.id and taken.token == held.token + 1
    with pytest.raises(DecisionRefused, match="no longer valid"), store.session(write=True) as s:
        decisions.decide(
            s,
            actor=ANN,
            left=keys[0],
            right=keys[-1],
            verdict=Verdict.SAME,
            token=held.token,
            policy=POLICY,
            now=later,
        )
    with store.session(write=True) as s:
        done = decisions.decide(
            s,
            actor=BOB,
            left=taken.left,
            right=taken.right,
            verdict=Verdict.SAME,
            token=taken.token,
            policy=POLICY,
            now=later,
        )
    assert done.status is PairStatus.AWAITING_SECOND  # family report x camp list: two people


def test_deciding_a_pair_someone_else_holds_is_refused(store: Store, registry: Registry) -> None:
    keys = _fill(store, registry, [0.7])
    with store.session(write=True) as s:
        queue.claim_next(s, reviewer="ann", policy=POLICY, now=T0)
    with (
        pytest.raises(DecisionRefused, match="another reviewer holds"),
        store.session(write=True) as s,
    ):
        decisions.decide(
            s,
            actor=BOB,
            left=keys[0],
            right=keys[-1],
            verdict=Verdict.SAME,
            policy=POLICY,
            now=T0,
        )


def test_release_gives_the_pair_back(store: Store, registry: Registry) -> None:
    _fill(store, registry, [0.7])
    with store.session(write=True) as s:
        held = queue.claim_next(s, reviewer="ann", policy=POLICY, now=T0)
        assert held is not None
        assert queue.release(s, item_id=held.id, reviewer="ann", token=held.token, now=T0)
    with store.session(write=True) as s:
        other = queue.claim_next(s, reviewer="bob", policy=POLICY, now=T0)
    assert other is not None and other.id == held.id


def test_first_reviewer_never_gets_their_own_pair_back_for_the_second_look(
    store: Store, registry: Registry
) -> None:
    _fill(store, registry, [0.7])
    with store.session(write=True) as s:
        held = queue.claim_next(s, reviewer="ann", policy=POLICY, now=T0)
        assert held is not None
        decisions.decide(
            s,
            actor=ANN,
            left=held.left,
            right=held.right,
            verdict=Verdict.SAME,
            token=held.token,
            policy=POLICY,
            now=T0,
        )
    with store.session(write=True) as s:
        assert queue.claim_next(s, reviewer="ann", policy=POLICY, now=T0) is None
        second = queue.claim_next(s, reviewer="bob", policy=POLICY, now=T0)
    assert second is not None and second.status is PairStatus.AWAITING_SECOND


def _link_run(store: Store, pairs: list[tuple[RecordKey, RecordKey, float]]) -> None:
    """Write a finished link run with these pending pairs, as `kintrace link` would."""
    with store.session(write=True) as s:
        run = add_link_run(s, at=T0, finished=True)
        s.execute(delete(link_pairs))
        for a, b, p in pairs:
            add_link_pair(
                s,
                run_id=run,
                left=(a.source, a.record_id),
                right=(b.source, b.record_id),
                probability=p,
                weight=0.0,
                status="pending",
            )


def test_sync_takes_each_run_once_and_withdraws_what_is_no_longer_pending(
    store: Store, registry: Registry
) -> None:
    a, b, c, d = registry(["fam:1", "camp:1", "camp:2", "camp:3"])
    _link_run(store, [(a, b, 0.7), (a, c, 0.6), (a, d, 0.8)])
    with store.session(write=True) as s:
        assert queue.sync_from_links(s, policy=POLICY, now=T0) == (3, 0, 0)
        assert queue.sync_from_links(s, policy=POLICY, now=T0) == (0, 0, 0)  # same run
        decisions.decide(
            s, actor=ANN, left=a, right=d, verdict=Verdict.DIFFERENT, policy=POLICY, now=T0
        )
    _link_run(store, [(b, a, 0.75)])  # the next run: a-c and a-d no longer pending
    with store.session(write=True) as s:
        assert queue.sync_from_links(s, policy=POLICY, now=T0) == (0, 1, 1)
        counts = queue.queue_counts(s)
    assert counts["pending"] == 1 and counts["rejected"] == 1  # the decided pair stays


@pytest.mark.postgres
def test_concurrent_syncs_queue_each_pair_once(pg_schema_url: str, tmp_path: Path) -> None:
    store = open_store(load_settings(tmp_path, database_url=pg_schema_url, env={}))
    try:
        keys = [RecordKey("fam", str(i)) for i in range(60)] + [RecordKey("camp", "x")]
        with store.session(write=True) as s:
            add_records(s, keys, at=T0)
        _link_run(store, [(k, keys[-1], 0.7) for k in keys[:-1]])
        errors: list[str] = []

        def sync() -> None:
            try:
                with store.session(write=True) as s:
                    queue.sync_from_links(s, policy=POLICY, now=T0)
            except Exception as exc:  # reported below
                errors.append(type(exc).__name__)

        threads = [threading.Thread(target=sync) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with store.session() as s:
            counts = queue.queue_counts(s)
        assert errors == [] and counts["pending"] == 60
    finally:
        store.close()


def test_spot_checks_queue_a_sample_of_automatic_links_after_every_pending_pair(
    store: Store, registry: Registry
) -> None:
    a, b, c = registry(["fam:1", "camp:1", "reg:1"])
    _link_run(store, [(a, b, 0.6)])
    with store.session(write=True) as s:  # the run also linked a-c on its own
        s.execute(update(link_pairs).values(status="pending"))
        run = s.scalar(select(link_runs.c.id))
        add_link_pair(
            s,
            run_id=run,
            left=("fam", "1"),
            right=("reg", "1"),
            probability=0.999,
            weight=10.0,
            status="auto",
        )
    everything = ReviewPolicy(spot_check_rate=1.0, lease_seconds=600)
    with store.session(write=True) as s:
        assert queue.sync_from_links(s, policy=everything, now=T0) == (2, 0, 0)
        first = queue.claim_next(s, reviewer="ann", policy=everything, now=T0)
        second = queue.claim_next(s, reviewer="bob", policy=everything, now=T0)
    assert first is not None and not first.spot_check and {first.left, first.right} == {a, b}
    assert second is not None and second.spot_check and {second.left, second.right} == {a, c}
    with (
        pytest.raises(DecisionRefused, match="auto-link threshold"),
        store.session(write=True) as s,
    ):
        decisions.decide(
            s,
            actor=BOB,
            left=c,
            right=a,
            verdict=Verdict.DIFFERENT,
            token=second.token,
            policy=everything,
            now=T0,
        )
