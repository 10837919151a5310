"""The `registry` fixture for the review and case tests (actors and policy in review_fixtures.py,
row builders in tests/support/seed.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from review_fixtures import T0

from kintrace.cases import RecordKey
from kintrace.store.engine import Store
from support.seed import add_records, key


@pytest.fixture
def registry(store: Store) -> Callable[[list[str]], list[RecordKey]]:
    """Call with ["fam:1", "camp:7", ...] to put those records in the registry."""

    def make(texts: list[str], at: datetime = T0) -> list[RecordKey]:
        keys = [key(t) for t in texts]
        with store.session(write=True) as session:
            add_records(session, keys, at=at)
        return keys

    return make
