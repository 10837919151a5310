"""`link` end to end on a small synthetic registry (SQLite and PostgreSQL)."""

from __future__ import annotations

from itertools import combinations

import pytest
from sqlalchemy import func, select

from kintrace.linkage.service import LinkInputError
from kintrace.services.linkage import link
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_pairs, link_runs, linked_records

from .synthetic import insert_rows, make_children, make_rows


def _persons(store: Store) -> dict[tuple[str, str], str]:
    with store.session() as session:
        rows = session.execute(
            select(linked_records.c.source, linked_records.c.record_id, linked_records.c.person_id)
        )
        return {(s, r): p for s, r, p in rows}


def _f1(rows: list[dict], persons: dict[tuple[str, str], str]) -> float:  # type: ignore[type-arg]
    truth = {(r["source"], r["record_id"]): r["truth"] for r in rows}
    keys = sorted(truth)
    tp = fp = fn = 0
    for a, b in combinations(keys, 2):
        same_truth = truth[a] == truth[b]
        same_person = persons[a] == persons[b]
        tp += same_truth and same_person
        fp += same_person and not same_truth
        fn += same_truth and not same_person
    return 2 * tp / (2 * tp + fp + fn)


@pytest.mark.slow
def test_first_run_links_and_clusters_then_new_records_keep_person_ids(
    store: Store,
) -> None:
    children = make_children(120, twins=4)
    rows = make_rows(children)
    insert_rows(store, rows)
    report = link(store)
    assert report.mode == "full"
    assert report.records_total == len(rows)
    persons = _persons(store)
    assert len(persons) == len(rows)
    assert _f1(rows, persons) >= 0.85
    # twins never merge
    for i in range(4):
        twin_rows = [r for r in rows if r["truth"] in (f"c{i}", f"t{i}")]
        a = {persons[(r["source"], r["record_id"])] for r in twin_rows if r["truth"] == f"c{i}"}
        b = {persons[(r["source"], r["record_id"])] for r in twin_rows if r["truth"] == f"t{i}"}
        assert not a & b

    # a new list: one more record for ten children already linked
    originals = [r for r in rows if r["source"] == "family-reports"][:10]
    extra = [{**r, "source": "partner", "record_id": f"P{n}"} for n, r in enumerate(originals)]
    insert_rows(store, extra)
    second = link(store)
    assert second.mode == "incremental"
    assert second.records_new == len(extra)
    after = _persons(store)
    kept = sum(after[k] == persons[k] for k in persons)
    assert kept / len(persons) >= 0.99  # persons keep their ids
    joined = sum(
        after[("partner", e["record_id"])] == after[("family-reports", o["record_id"])]
        for e, o in zip(extra, originals, strict=True)
    )
    assert joined == len(extra)
    third = link(store)
    assert third.mode == "nothing-new"


def test_an_empty_registry_gets_a_clear_message(store: Store) -> None:
    with pytest.raises(LinkInputError, match="no records"):
        link(store)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"source": "s", "record_id": "1", "given_name": "Іван", "birth_date": "2010-01-01"}],
            "one record",
        ),
        (
            [
                {"source": "s", "record_id": str(i), "given_name": "", "birth_date": "2010-01-01"}
                for i in range(3)
            ],
            "usable given or family name",
        ),
        (
            [{"source": "s", "record_id": str(i), "given_name": "Іван"} for i in range(3)],
            "birth date or an age",
        ),
    ],
    ids=["one-record", "no-names", "no-dates"],
)
def test_bad_registries_get_a_clear_message(
    sqlite_store: Store,
    rows: list[dict],
    message: str,  # type: ignore[type-arg]
) -> None:
    insert_rows(sqlite_store, rows)
    with pytest.raises(LinkInputError, match=message):
        link(sqlite_store)
    with sqlite_store.session() as session:
        assert session.execute(select(func.count()).select_from(link_runs)).scalar() == 0
        assert session.execute(select(func.count()).select_from(link_pairs)).scalar() == 0


@pytest.mark.slow
def test_a_given_model_scores_a_full_run_without_training_and_later_runs_keep_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How a model re-estimated from reviewers' decisions reaches later link runs."""
    import json

    from kintrace.linkage import runner
    from kintrace.linkage.service import LinkOptions
    from kintrace.linkage.store_io import previous_state

    rows = make_rows(make_children(80, twins=2))
    insert_rows(store, rows)
    link(store)
    with store.session() as session:
        trained = previous_state(session).model
    assert trained is not None
    given = json.loads(json.dumps(trained))
    given["probability_two_random_records_match"] = (
        trained["probability_two_random_records_match"] / 4
    )

    def no_training(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a run given a model must not train")

    monkeypatch.setattr(runner, "train", no_training)
    report = link(store, options=LinkOptions(model=given))
    assert report.mode == "full"
    with store.session() as session:
        state = previous_state(session)
        run_model = session.execute(
            select(link_runs.c.model_json).where(link_runs.c.id == report.run_id)
        ).scalar_one()
    assert state.model is not None
    assert state.model["probability_two_random_records_match"] == pytest.approx(
        given["probability_two_random_records_match"]
    )
    assert json.loads(run_model)["probability_two_random_records_match"] == pytest.approx(
        given["probability_two_random_records_match"]
    )
