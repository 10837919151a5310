"""Acceptance: many reviewers at once, every pair decided exactly once; a reviewer killed
mid-review loses the pair to the queue when the lease runs out (the clock is passed in, so
expiry is shown without sleeping)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from review_fixtures import T0
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from kintrace import audit
from kintrace.cases import ReviewPolicy, Role, Verdict
from kintrace.config import load_settings
from kintrace.review import decisions, queue
from kintrace.review.actors import Actor
from kintrace.store.engine import Store, open_store
from kintrace.store.review_tables import review_decisions, review_items
from support.reviewers import numbered_pairs, review_until_empty
from support.seed import add_records

POLICY = ReviewPolicy(two_person_rule=False, lease_seconds=300)

KILLED_WORKER = """
import sys, time
from datetime import UTC, datetime
from kintrace.config import load_settings
from kintrace.review import queue
from kintrace.cases import ReviewPolicy
from kintrace.store.engine import open_store
store = open_store(load_settings(sys.argv[1], database_url=sys.argv[2], env={}))
with store.session(write=True) as s:
    item = queue.claim_next(s, reviewer="doomed", policy=ReviewPolicy(lease_seconds=300),
                            now=datetime.now(UTC))
print(item.id, flush=True)
time.sleep(600)
"""


def _fill(store: Store, n: int) -> None:
    keys, pairs = numbered_pairs(n, digits=5)
    with store.session(write=True) as s:
        add_records(s, keys, at=T0)
        queue.enqueue(s, pairs, policy=POLICY, now=datetime.now(UTC))


def _work(
    sessions: sessionmaker[Session], name: str, decided: list[int], errors: list[str]
) -> None:
    try:
        review_until_empty(sessions.begin, name=name, policy=POLICY, decided=decided)
    except Exception as exc:  # reported by the test, with the worker's name
        errors.append(f"{name}: {type(exc).__name__}: {exc}")


def _run_workers(sessions: sessionmaker[Session], workers: int) -> list[list[int]]:
    results: list[list[int]] = [[] for _ in range(workers)]
    errors: list[str] = []
    threads = [
        threading.Thread(target=_work, args=(sessions, f"rev{i:02d}", results[i], errors))
        for i in range(workers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def _assert_each_decided_once(store: Store, results: list[list[int]], expected: int) -> None:
    flat = [i for r in results for i in r]
    assert len(flat) == len(set(flat)) == expected
    with store.session() as s:
        per_item = s.execute(
            select(review_decisions.c.item_id, func.count()).group_by(review_decisions.c.item_id)
        ).all()
        assert audit.verify(s).ok
    assert len(per_item) == expected and {n for _, n in per_item} == {1}


@pytest.mark.postgres
@pytest.mark.slow
def test_sixteen_reviewers_thousand_pairs_and_a_killed_reviewer(
    pg_schema_url: str, tmp_path: Path
) -> None:
    settings = load_settings(tmp_path, database_url=pg_schema_url, env={})
    store = open_store(settings)
    try:
        _fill(store, 1000)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        doomed = subprocess.Popen(
            [sys.executable, "-c", KILLED_WORKER, str(tmp_path), pg_schema_url],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert doomed.stdout is not None
        held_id = int(doomed.stdout.readline())
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()

        engine = create_engine(pg_schema_url, pool_size=16, max_overflow=4)
        sessions = sessionmaker(engine, expire_on_commit=False)
        results = _run_workers(sessions, 16)
        assert sum(1 for r in results if r) > 1  # the work was really shared
        _assert_each_decided_once(store, results, 999)  # all but the killed reviewer's pair
        with store.session() as s:
            held = s.execute(select(review_items).where(review_items.c.id == held_id)).one()
        assert (held.status, held.lease_owner) == ("pending", "doomed")

        later = datetime.now(UTC) + timedelta(seconds=POLICY.lease_seconds + 1)
        with sessions.begin() as s:
            back = queue.claim_next(s, reviewer="rev99", policy=POLICY, now=later)
        assert back is not None and back.id == held_id and back.token == held.fencing_token + 1
        with sessions.begin() as s:
            decisions.decide(
                s,
                actor=Actor("rev99", Role.REVIEWER),
                left=back.left,
                right=back.right,
                verdict=Verdict.SAME,
                token=back.token,
                policy=POLICY,
                now=later,
            )
        _assert_each_decided_once(store, [*results, [held_id]], 1000)
        engine.dispose()
    finally:
        store.close()


def test_four_reviewers_on_sqlite_one_writer(sqlite_store: Store) -> None:
    _fill(sqlite_store, 120)

    class _Sessions:
        """The store's write sessions (BEGIN IMMEDIATE) behind the sessionmaker.begin() shape."""

        def begin(self):  # type: ignore[no-untyped-def]
            return sqlite_store.session(write=True)

    results = _run_workers(_Sessions(), 4)  # type: ignore[arg-type]
    _assert_each_decided_once(sqlite_store, results, 120)
