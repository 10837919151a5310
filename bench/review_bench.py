"""Review queue benchmark: claim + decide (+ audit) per pair with many reviewers at once.

Usage: nice .venv/bin/python bench/review_bench.py [--pairs 1000] [--pg-workers 16]
       [--sqlite-workers 4] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Each reviewer is a thread with its own connection and loops: claim the best pair (a lease and a
fencing token; PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at a time), then give a
verdict with the token, each in its own transaction, until the queue is empty. Measured on
PostgreSQL (a throwaway schema) and SQLite, each as:
  all      the queue as the command line sees it
  agency   the web's claim, restricted to pairs whose two records belong to the reviewer's agency
  one      the peer: a single reviewer doing the same work (no contention)
Prints pairs per second and the ratios agency/all and all/one. Every pair is checked decided
exactly once. Record keys are synthetic ("fam:000001"), no names.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from kintrace.cases import ReviewPolicy
from kintrace.config import load_settings
from kintrace.review import queue
from kintrace.store.engine import Store, open_store
from kintrace.store.review_tables import review_decisions

# the synthetic-data builders shared with the tests (tests/support/)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.pg import scratch_schema
from support.reviewers import numbered_pairs, review_until_empty
from support.seed import add_records

POLICY = ReviewPolicy(two_person_rule=False)


def _seed(store: Store, pairs: int) -> None:
    now = datetime.now(UTC)
    keys, pending = numbered_pairs(pairs, digits=6)
    with store.session(write=True) as s:
        add_records(s, keys, at=now)
        queue.enqueue(s, pending, policy=POLICY, now=now)


def _drain(
    begin: Callable[[], AbstractContextManager[Session]], workers: int, scoped: bool
) -> float:
    agency_ids = {1} if scoped else None

    def work(name: str) -> None:
        review_until_empty(begin, name=name, policy=POLICY, agency_ids=agency_ids)

    threads = [threading.Thread(target=work, args=(f"r{i}",)) for i in range(workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def _begin_for(
    store: Store, engine: Engine | None
) -> Callable[[], AbstractContextManager[Session]]:
    """A transaction per call: on PostgreSQL from a pool sized for the reviewers; on SQLite the
    store's write session (BEGIN IMMEDIATE), as the command line and the web use it."""
    if engine is None:
        return lambda: store.session(write=True)
    factory = sessionmaker(engine)
    return factory.begin


def _measure(label: str, *, url: str | None, pairs: int, workers: int) -> dict[str, float]:
    rates: dict[str, float] = {}
    for mode, n, scoped in (("all", workers, False), ("agency", workers, True), ("one", 1, False)):
        with (
            tempfile.TemporaryDirectory(prefix="kt-review-bench-") as tmp,
            scratch_schema(url, prefix="kt_bench_") if url else nullcontext() as run_url,
        ):
            store = open_store(load_settings(Path(tmp), database_url=run_url, env={}))
            _seed(store, pairs)
            engine = create_engine(run_url, pool_size=n, max_overflow=4) if run_url else None
            begin = _begin_for(store, engine)
            seconds = _drain(begin, n, scoped)
            with store.session() as s:
                decided = s.scalar(select(func.count(func.distinct(review_decisions.c.item_id))))
                total = s.scalar(select(func.count()).select_from(review_decisions))
            assert decided == pairs == total, (decided, total, pairs)
            rates[mode] = pairs / seconds
            print(
                f"{label:<10} {mode:<7} {n:>2} reviewer(s), {pairs} pairs: {seconds:6.1f} s, "
                f"{pairs / seconds:6.0f} pairs/s (each decided exactly once)"
            )
            if engine is not None:
                engine.dispose()
            store.close()
    print(
        f"{label:<10} ratio agency/all {rates['agency'] / rates['all']:.2f}, "
        f"all/one {rates['all'] / rates['one']:.2f}"
    )
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--pg-workers", type=int, default=16)
    parser.add_argument("--sqlite-workers", type=int, default=4)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.pg_url:
        _measure("postgresql", url=args.pg_url, pairs=args.pairs, workers=args.pg_workers)
    _measure("sqlite", url=None, pairs=args.pairs, workers=args.sqlite_workers)


if __name__ == "__main__":
    main()
