"""A store with synthetic children followed by cases, a partner with an agreement, and the
partner's own age identity. All names are synthetic test data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyrage
import pytest
from sqlalchemy import insert

from kintrace.accounts.actors import Actor
from kintrace.cases.facets import CaseState
from kintrace.registry.importer import import_file
from kintrace.services import exchange as service
from kintrace.store.engine import Store
from kintrace.store.review_tables import cases
from support.seed import write_records_csv

TODAY = date(2026, 12, 6)
OPERATOR = Actor(name="test")
ROWS = [  # (source, record_id, given, family, birth_date, birth_place) - synthetic
    ("family-reports", "f1", "Олександр", "Білоус", "2012-03-14", "Бахмут"),
    ("family-reports", "f2", "Марія", "Ковальова", "2010-07-01", "Маріуполь"),
    ("family-reports", "f3", "Іван", "Шевченко", "2015-01-20", "Херсон"),
]


def open_cases(store: Store, keys: list[tuple[str, str]]) -> None:
    now = datetime.now(UTC)
    state = CaseState()
    with store.session(write=True) as db:
        for number, (source, record_id) in enumerate(keys, start=1):
            db.execute(
                insert(cases).values(
                    id=number,
                    subject_source=source,
                    subject_record_id=record_id,
                    opened_at=now,
                    opened_by="test",
                    identity=state.identity.value,
                    whereabouts=state.whereabouts.value,
                    return_stage=state.return_stage.value,
                    last_progress_at=now,
                )
            )


@pytest.fixture
def partner_identity() -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.generate()


@pytest.fixture
def exchange_store(store: Store, tmp_path: Path, partner_identity: pyrage.x25519.Identity) -> Store:
    import_file(store, write_records_csv(tmp_path / "lists.csv", ROWS), actor="test")
    open_cases(store, [(s, r) for s, r, *_ in ROWS])
    with store.session(write=True) as db:
        service.add_partner(
            db, OPERATOR, name="mediator", age_recipient=str(partner_identity.to_public())
        )
        service.add_agreement(
            db,
            OPERATOR,
            partner_name="mediator",
            purpose="return of children",
            fields=("family_name", "given_name", "birth_date", "birth_place"),
            expires_on=TODAY + timedelta(days=90),
            today=TODAY,
        )
    return store
