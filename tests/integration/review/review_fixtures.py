"""Constants for the review and case tests: a fixed time, synthetic actors, a policy.

The registry rows themselves are built by tests/support/seed.py (`add_records`, `key`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from kintrace.cases import ReviewPolicy, Role
from kintrace.review.actors import Actor

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

ADMIN = Actor("admin1", Role.ADMIN)
ANN = Actor("ann", Role.REVIEWER)
BOB = Actor("bob", Role.REVIEWER)
CASEY = Actor("casey", Role.CASEWORKER)
POLICY = ReviewPolicy(auto_link_threshold=0.95, review_floor=0.5, lease_seconds=600)
