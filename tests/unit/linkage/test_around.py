"""The incremental run's clusterings (`persons.Around`) and what its rules read of the registry
(`State.paired`): the same persons and ids as clustering afresh, work by the run's size
(decision 0348)."""

from __future__ import annotations

import pandas as pd

from kintrace.linkage.clustering import Link, sequential_ids
from kintrace.linkage.decide.rules import State
from kintrace.linkage.features import feature_table
from kintrace.linkage.persons import Around, _highest, resolve_around
from kintrace.linkage.spec import kintrace_spec
from support.linkage import record_row as _record

_NAMES = [(1, "Іван"), (2, "Іван"), (3, "Марко"), (4, "Олег"), (5, "Олег"), (6, "Марко"),
          (7, "Юрій"), (8, "Юрій"), (9, "Петро"), (10, "Петро")]  # fmt: skip


def _features() -> pd.DataFrame:
    rows = [_record(u, given_name=n, family_name="Бондар", birth_year=2010) for u, n in _NAMES]
    return feature_table(pd.DataFrame(rows))


def test_one_run_clustering_around_several_scopes_matches_resolve_around_each_time() -> None:
    features = _features()
    previous = {1: "P0000001", 2: "P0000001", 3: "P0000002", 4: "P0000003", 5: "P0000003",
                8: "P0000007", 9: "P0000005", 10: "P0000005"}  # fmt: skip
    kept = [Link(1, 2, 0.999), Link(4, 5, 0.999), Link(9, 10, 0.995)]
    around = Around(features, previous=previous, kept=kept)
    steps = [
        # the provisional clustering, then the same scope with one more link (its data
        # constraints reused), then another scope: a stored person (8's) taken apart, a
        # record new to the registry (7) joining it
        ([Link(3, 6, 0.995)], {3, 6}),
        ([Link(3, 6, 0.995), Link(2, 6, 0.991)], {3, 6}),
        ([Link(3, 6, 0.995), Link(7, 8, 0.993)], {3, 6, 7}),
        ([Link(7, 8, 0.993), Link(7, 9, 0.992)], {7, 8}),
    ]
    for links, touched in steps:
        got = around.resolve(links, touched=touched)
        assert got == resolve_around(features, kept + links, touched=touched, previous=previous)
    assert got[7] == got[8] == "P0000007"  # 7 joined 8's person through the new link
    assert got[9] == got[10] == "P0000005"  # 9's person was not in the scope: unchanged


def test_the_highest_id_is_read_as_sequential_ids_reads_it() -> None:
    cases = [
        [],
        ["P0000009", "P0000010", "P0000010"],
        ["P0000123", "P12", "P00000999", "X0000500", "P", "Pabc", "P12a", "p0000900"],
        ["P0000004\nP0009999", "P0000003"],  # a line break inside an id: read one by one
    ]
    for ids in cases:
        mint = sequential_ids(ids)
        assert f"P{_highest(ids) + 1:07d}" == mint(), ids


def _state(pairs: pd.DataFrame, features: pd.DataFrame) -> State:
    return State(spec=kintrace_spec(), pairs=pairs, features=features, off=frozenset(),
                 cluster=lambda _state: {})  # fmt: skip


def test_the_rules_read_the_feature_rows_of_the_pairs_records_only() -> None:
    features = _features()
    few = pd.DataFrame({"uid_l": [1, 3], "uid_r": [2, 3], "match_probability": [0.5, 0.4]})
    paired = _state(few, features).paired()
    assert sorted(paired["uid"]) == [1, 2, 3]
    assert {"source_kind", "given_class", "group_key", "family_stem"} <= set(paired.columns)
    # when the pairs name most records, the table itself (no copy)
    many = pd.DataFrame({"uid_l": [1, 3, 5, 7, 9, 2], "uid_r": [2, 4, 6, 8, 10, 1],
                         "match_probability": [0.5] * 6})  # fmt: skip
    assert _state(many, features).paired() is features
