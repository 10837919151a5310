"""Each agency's sources counted once (`kintrace.registry.sources.count_sources`): the sources page
and the dashboard show the same records and open quarantine rows, on SQLite and PostgreSQL.
Synthetic data only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from kintrace.accounts.actors import Actor
from kintrace.accounts.roles import Role
from kintrace.accounts.users import ensure_agency
from kintrace.registry.scope import assign_source
from kintrace.registry.sources import count_sources
from kintrace.services import dashboard
from kintrace.services import sources as source_service
from kintrace.store.engine import Store
from kintrace.store.registry_tables import Source

from .helpers import child, run_import, write_csv

BAD_DATE = ["fam", "9", "Олена", "Іваненко", "F", "2014-02-30", "SYNTHETIC"]


def test_records_and_open_quarantine_rows_are_counted_per_source_in_the_agency(
    store: Store, tmp_path: Path
) -> None:
    run_import(store, write_csv(tmp_path / "fam.csv", [child(1), child(2), child(3), BAD_DATE]))
    camp = [child(n, source="camp") for n in (1, 2)]
    run_import(store, write_csv(tmp_path / "camp.csv", [*camp, ["camp", "8", *BAD_DATE[2:]]]))
    # camp's bad row corrected: resolved, so no longer open
    fixed = [*camp, child(8, source="camp")]
    run_import(store, write_csv(tmp_path / "camp-fixed.csv", fixed))
    run_import(store, write_csv(tmp_path / "other.csv", [child(n, source="other") for n in (1, 2)]))
    with store.session(write=True) as db:
        partner = ensure_agency(db, code="partner", name="Partner", now=datetime.now(UTC))
        other = db.scalar(select(Source.id).where(Source.name == "other"))
        assert other is not None
        assign_source(db, source_id=other, agency_id=partner)
    with store.session() as db:
        home = [(c.source.name, c.records, c.quarantined_open) for c in count_sources(db, 1)]
        theirs = [
            (c.source.name, c.records, c.quarantined_open) for c in count_sources(db, partner)
        ]
        home_user = Actor("t", role=Role.ANALYST)  # the home agency's (the operator: every one)
        page = source_service.figures(db, home_user)
        board = dashboard.figures(db, home_user)
    assert home == [("camp", 3, 0), ("fam", 3, 1)]
    assert theirs == [("other", 2, 0)]
    assert [(f.name, f.records, f.quarantined_open, f.imports) for f in page] == [
        ("camp", 3, 0, 2),
        ("fam", 3, 1, 1),
    ]
    assert [(s.name, s.records, s.quarantined_open) for s in board.sources] == home
    assert (board.records, board.quarantined_open) == (6, 1)
