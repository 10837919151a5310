"""The ground truth is complete and consistent with the lists and the children."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from kintrace.demo import GROUND_TRUTH, TRUTH_DIR, DemoDataset, children_for_records
from kintrace.demo.shares import main, measure


def test_every_record_has_exactly_one_truth_row(dataset: DemoDataset) -> None:
    keys = [
        (source, str(row["record_id"])) for source, rows in dataset.records.items() for row in rows
    ]
    truth_keys = [(t.source, t.record_id) for t in dataset.truth]
    assert sorted(keys) == sorted(truth_keys)
    assert len(set(truth_keys)) == len(truth_keys)
    assert all(t.child_id and t.family_id for t in dataset.truth)


def test_ground_truth_file_matches_the_dataset(written: Path, dataset: DemoDataset) -> None:
    with (written / TRUTH_DIR / GROUND_TRUTH).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["source"], r["record_id"], r["child_id"]) for r in rows] == [
        (t.source, t.record_id, t.child_id) for t in dataset.truth
    ]
    assert [r["tags"] for r in rows] == [";".join(t.tags) for t in dataset.truth]


def test_every_child_appears_in_some_list(dataset: DemoDataset) -> None:
    listed = {t.child_id for t in dataset.truth}
    assert listed == {c.child_id for c in dataset.children}


def test_truth_ids_point_at_real_children(dataset: DemoDataset) -> None:
    family_of = {c.child_id: c.family_id for c in dataset.children}
    assert all(family_of[t.child_id] == t.family_id for t in dataset.truth)


def test_siblings_share_surname_father_and_family(dataset: DemoDataset) -> None:
    families = defaultdict(list)
    for child in dataset.children:
        families[child.family_id].append(child)
    multi = [members for members in families.values() if len(members) > 1]
    assert multi
    for members in multi:
        assert len({(c.surname, c.father) for c in members}) == 1
        assert len({c.given.ua for c in members}) == len(members), "siblings have distinct names"


def test_twins_share_birth_date_and_place(dataset: DemoDataset) -> None:
    by_family = defaultdict(list)
    for child in dataset.children:
        if child.twin:
            by_family[child.family_id].append(child)
    assert by_family
    for twins in by_family.values():
        assert len(twins) == 2
        assert twins[0].birth_date == twins[1].birth_date
        assert twins[0].birth_place == twins[1].birth_place
        assert twins[0].given.ua != twins[1].given.ua
    assert any(t[0].sex != t[1].sex for t in by_family.values()), "some twins of opposite sexes"


def test_lookalikes_are_different_children_with_confusable_names(dataset: DemoDataset) -> None:
    by_id = {c.child_id: c for c in dataset.children}
    pairs = [
        (by_id[c.similar_to], c)
        for c in dataset.children
        if c.similar_to and c.child_id > c.similar_to
    ]
    assert len(pairs) > 20
    for original, lookalike in pairs:
        assert original.family_id != lookalike.family_id
        assert original.similar_to == lookalike.child_id
        same_surname = original.surname == lookalike.surname
        same_given = original.given == lookalike.given
        assert same_surname or same_given or original.surname.similar == lookalike.surname.similar


def test_measured_shares_add_up(dataset: DemoDataset, capsys: pytest.CaptureFixture[str]) -> None:
    shares = measure(dataset)
    assert shares.records == len(dataset.truth) == sum(shares.rows.values())
    assert abs(sum(shares.lists_per_child.values()) - 1.0) < 1e-9
    assert all(0 < v <= 1 for v in shares.coverage.values())
    main(["--children", "200", "--seed", "1"])
    assert "200 children" in capsys.readouterr().out


def test_siblings_on_one_transport_arrive_together(dataset: DemoDataset) -> None:
    rows = {(s, str(r["record_id"])): r for s, rs in dataset.records.items() for r in rs}
    arrivals: dict[tuple[str, str, str], set[tuple[str, str]]] = defaultdict(set)
    for t in dataset.truth:
        row = rows[(t.source, t.record_id)]
        if "institution" in row:
            key = (t.source, t.family_id, str(row["group_id"]))
            arrivals[key].add((str(row["institution"]), str(row["arrival_date"])))
    assert arrivals
    assert all(len(v) == 1 for v in arrivals.values())


def test_children_for_records_estimate(dataset: DemoDataset) -> None:
    estimate = children_for_records(len(dataset.truth))
    assert abs(estimate - len(dataset.children)) / len(dataset.children) < 0.03
