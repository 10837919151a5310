"""`link` never fails on a plausible registry (issue 10, decision 0320; SYNTHETIC rows).

A registry too small, of one list, of unknown kinds or of one repeated name is linked, with
the shipped model when it cannot train its own, and the run says which model and why; a source
of unknown kind is named with the command that sets it; a changed kind rescores its source.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from kintrace.linkage.feature_cache import cache_path, registry_features
from kintrace.linkage.service import LinkOptions
from kintrace.linkage.spec import kintrace_spec
from kintrace.linkage.spec.base import TrainingCriteria
from kintrace.linkage.store_io import previous_state
from kintrace.registry.sources import set_source_kind
from kintrace.services.linkage import link
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_runs

from .synthetic import insert_rows, make_children, make_rows

UNKNOWN = {"family-reports": "unknown", "camp-list": "unknown", "registry": "unknown"}


def _run_row(store: Store, run_id: int | None) -> dict[str, object]:
    with store.session() as session:
        row = session.execute(select(link_runs).where(link_runs.c.id == run_id)).one()
    return dict(row._mapping)


@pytest.mark.slow
def test_a_small_registry_of_unknown_kinds_links_with_the_shipped_model(store: Store) -> None:
    rows = make_rows(make_children(120, twins=4))
    insert_rows(store, rows, kinds=UNKNOWN)
    report = link(store)
    assert report.mode == "full" and report.records_total == len(rows)
    assert report.model_origin == "shipped"
    assert report.model_label.startswith("kintrace-fallback v")
    assert any(f"{len(rows)} records; training needs at least 1,000" in r
               for r in report.model_reasons)  # fmt: skip
    assert "synthetic lists" in report.model_about
    assert report.persons < len(rows)  # it linked
    # one warning names every source of unknown kind with the command that sets it
    (warning,) = report.warnings
    for source in UNKNOWN:
        assert f"kintrace sources set-kind {source}" in warning
    stored = _run_row(store, report.run_id)
    assert stored["model_origin"] == "shipped"
    about = json.loads(str(stored["model_about"]))
    assert about["label"] == report.model_label and about["provenance"]["synthetic"] is True
    assert json.loads(str(stored["source_kinds"])) == UNKNOWN

    # a later run scores with the same model and says so
    extra = [{**rows[0], "source": "partner", "record_id": "P1"}]
    insert_rows(store, extra, kinds={"partner": "partner"})
    later = link(store)
    assert later.mode == "incremental" and later.model_origin == "shipped"
    assert later.model_run_id == report.run_id and later.model_label == report.model_label
    assert _run_row(store, later.run_id)["model_origin"] == "shipped"


@pytest.mark.slow
def test_a_single_source_registry_links_with_the_shipped_model(sqlite_store: Store) -> None:
    rows = [r for r in make_rows(make_children(80)) if r["source"] == "family-reports"]
    rows += [{**rows[0], "record_id": "F-again"}]  # the list repeats one child
    insert_rows(sqlite_store, rows, kinds={"family-reports": "family"})
    report = link(sqlite_store)
    assert report.model_origin == "shipped" and report.warnings == ()
    assert any("1 source(s)" in r for r in report.model_reasons)
    assert report.pairs_auto >= 1


@pytest.mark.slow
def test_a_source_whose_every_name_is_the_same_links(sqlite_store: Store) -> None:
    """A list that gives every child one placeholder name (dates differ) next to an ordinary
    one: no crash, and the placeholder name alone links nobody."""
    rows = make_rows(make_children(60))
    born = date(2010, 1, 1)
    rows += [
        {"source": "placeholder", "record_id": f"X{i}", "given_name": "Іван",
         "family_name": "Іванов", "sex": "M",
         "birth_date": (born + timedelta(days=37 * i)).isoformat()}
        for i in range(40)
    ]  # fmt: skip
    insert_rows(sqlite_store, rows)
    report = link(sqlite_store)
    assert report.mode == "full"
    with sqlite_store.session() as session:
        person_of = previous_state(session).person_of
    placeholder = [person_of[("placeholder", f"X{i}")] for i in range(40)]
    assert len(set(placeholder)) == 40  # forty different children, none merged by name alone


@pytest.mark.slow
def test_a_registry_that_meets_the_criteria_trains_its_own_model(sqlite_store: Store) -> None:
    rows = make_rows(make_children(120, twins=4))
    insert_rows(sqlite_store, rows)
    spec = kintrace_spec()
    spec = replace(
        spec, training=replace(spec.training, criteria=TrainingCriteria(min_records=100,
                                                                         min_em_pairs=50))
    )  # fmt: skip
    report = link(sqlite_store, spec=spec)
    assert report.model_origin == "trained" and report.model_reasons == ()
    assert _run_row(sqlite_store, report.run_id)["model_origin"] == "trained"


@pytest.mark.slow
def test_changing_a_kind_rescores_that_source_and_its_cached_features(
    sqlite_store: Store,
) -> None:
    rows = make_rows(make_children(60))
    insert_rows(sqlite_store, rows, kinds=UNKNOWN)
    link(sqlite_store)
    with sqlite_store.session(write=True) as session:
        change = set_source_kind(session, "camp-list", "camp", actor="test")
    assert (change.previous, change.kind) == ("unknown", "camp")
    later = link(sqlite_store, options=LinkOptions())
    camp = sum(r["source"] == "camp-list" for r in rows)
    assert later.mode == "incremental" and later.records_new == camp
    assert any("rescored the records of 'camp-list'" in w for w in later.warnings)
    assert "set-kind camp-list" not in " ".join(later.warnings)  # no longer unknown
    with sqlite_store.session() as session:
        keys, features = registry_features(
            session, cache=cache_path(sqlite_store.settings.home), use_cache=True
        )
    kinds = dict(zip(keys["source"], features["source_kind"], strict=True))
    assert kinds["camp-list"] == "camp" and kinds["family-reports"] == "unknown"
    assert link(sqlite_store).mode == "nothing-new"


@pytest.mark.slow
def test_a_registry_of_one_surname_links_with_its_big_blocks_capped_and_reported(
    store: Store,
) -> None:
    """The bad input "a block of 200,000 equal surnames", at a small scale: the cap triggers,
    the run links and its summary names the capped rules (the 200,000 itself is measured by
    bench/linkage_scale_bench.py --dense --one-surname)."""
    children = [c | {"surname": make_children(1)[0]["surname"]} for c in make_children(150)]
    rows = make_rows(children)
    insert_rows(store, rows, kinds=UNKNOWN)
    report = link(store, options=LinkOptions(block_cap=20))
    assert report.mode == "full" and report.persons < len(rows)
    capped = [w for w in report.warnings if w.startswith("blocking rule ")]
    assert any(w.startswith("blocking rule family_stem+birth_year:") for w in capped), capped
    assert all("left out of this rule" in w for w in capped)
    surname_forms = set(make_children(1)[0]["surname"])
    assert not any(form in w for w in capped for form in surname_forms)
    # uncapped, the same registry compares more pairs
    uncapped = link(store, options=LinkOptions(full=True, block_cap=10**6))
    assert not any(w.startswith("blocking rule ") for w in uncapped.warnings)
    assert uncapped.pairs_scored >= report.pairs_scored
