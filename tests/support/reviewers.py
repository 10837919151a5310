"""Many reviewers at once on one queue: the pairs they work through and the loop each runs.

Shared by the concurrency tests and bench/review_bench.py. Record keys are synthetic
("fam:00001"), no names.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from kintrace.cases import RecordKey, ReviewPolicy, Role, Verdict
from kintrace.review import decisions, queue
from kintrace.review.actors import Actor
from kintrace.review.queue import PendingPair


def numbered_pairs(count: int, *, digits: int) -> tuple[list[RecordKey], list[PendingPair]]:
    """fam:i ~ reg:i for i < count, probabilities spread over 0.5-0.95; returns the records'
    keys (all fam, then all reg) and the pairs."""
    left = [RecordKey("fam", f"{i:0{digits}d}") for i in range(count)]
    right = [RecordKey("reg", f"{i:0{digits}d}") for i in range(count)]
    pairs = [
        PendingPair(a, b, 0.5 + 0.45 * (i % 97) / 97)
        for i, (a, b) in enumerate(zip(left, right, strict=True))
    ]
    return left + right, pairs


def review_until_empty(
    begin: Callable[[], AbstractContextManager[Session]],
    *,
    name: str,
    policy: ReviewPolicy,
    agency_ids: set[int] | None = None,
    decided: list[int] | None = None,
) -> None:
    """One reviewer: claim the best pair, then say "different" with its token, each in its own
    transaction, until the queue is empty. The ids of the pairs decided go to `decided`."""
    actor = Actor(name, Role.REVIEWER)
    while True:
        with begin() as s:
            item = queue.claim_next(
                s, reviewer=name, policy=policy, now=datetime.now(UTC), agency_ids=agency_ids
            )
        if item is None:
            return
        with begin() as s:
            decisions.decide(
                s,
                actor=actor,
                left=item.left,
                right=item.right,
                verdict=Verdict.DIFFERENT,
                token=item.token,
                policy=policy,
                now=datetime.now(UTC),
            )
        if decided is not None:
            decided.append(item.id)
