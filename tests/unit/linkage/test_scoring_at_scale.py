"""Scoring that brings only the candidates out of the database, and pair rows made when read
(issue 10 item 1: at a million dense records, pandas holding every scored pair and a dict per
pair was the run's memory peak), and of the pairs below the review floor only those the offer
rules can use (decision 0341). The results must be the ones the slower path gave.
SYNTHETIC records only (the second generator's lists, bench/generators/second)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from tests.support.generators import use_bench_generators

from kintrace.linkage import runner
from kintrace.linkage.decide import decide
from kintrace.linkage.decide.rules import Rows
from kintrace.linkage.engine import Engine, EngineConfig, open_engine
from kintrace.linkage.fallback import for_registry, load_shipped
from kintrace.linkage.features import feature_table
from kintrace.linkage.pipeline import candidates
from kintrace.linkage.spec import ModelSpec, kintrace_spec

#: enough children for ties among the offers and for pairs the selection leaves out
CHILDREN = 600


def _second_records(children: int) -> pd.DataFrame:
    """The second generator's rows in the columns `feature_table` reads (SYNTHETIC)."""
    use_bench_generators()
    from linkage_scale_bench import second_records  # type: ignore[import-not-found]

    return second_records(children, seed=5, profile="dense")


@pytest.fixture(scope="module")
def features() -> pd.DataFrame:
    return feature_table(_second_records(CHILDREN))


def _scored(spec: ModelSpec, features: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    model = for_registry(load_shipped(spec), len(features))
    engine = open_engine(EngineConfig())
    try:
        every = runner.predict(
            spec, model, features, engine=engine, floor=spec.thresholds.candidate_floor
        )
        only = _candidates(spec, model, features, engine)
    finally:
        engine.close()
    return every, only


def _candidates(
    spec: ModelSpec,
    model: dict[str, object],
    features: pd.DataFrame,
    engine: Engine,
) -> pd.DataFrame:
    """The pairs a full run brings out of the database (`candidates_only`), as the service."""
    floor = spec.thresholds.candidate_floor
    return runner.predict(spec, model, features, engine=engine, floor=floor, candidates_only=True)


@pytest.fixture(scope="module")
def scored(features: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _scored(kintrace_spec(), features)


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["uid_l", "uid_r"]).reset_index(drop=True)


def test_candidates_filtered_in_the_database_are_candidates_pandas_keeps(
    scored: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    every, only = scored
    spec = kintrace_spec()
    kept = candidates(spec, every)
    # the filter leaves something out here, or the test would prove nothing
    assert len(kept) < len(every)
    assert len(only) > 0
    assert any(str(k) in set(kept["source_kind_l"]) for k in spec.kinds.offered)
    # every pair at or above the review floor leaves the database, of those below it only
    # what the offer rules can use (decision 0341), each as pandas would keep it
    high = kept[kept["match_probability"] >= spec.thresholds.review_floor]
    low = kept[kept["match_probability"] < spec.thresholds.review_floor]
    assert len(only) < len(kept)
    assert (only["match_probability"] >= spec.thresholds.review_floor).sum() == len(high)
    assert len(only) > len(high)  # some pairs below the floor are offered
    assert len(low) > len(only) - len(high)
    on = ["uid_l", "uid_r"]
    same = _ordered(kept).merge(_ordered(only)[on], on=on)
    pd.testing.assert_frame_equal(_ordered(only), same, check_dtype=False)
    # ordered by the pairs' records in the database (`decide()` does not depend on it)
    assert only[on].equals(_ordered(only)[on])
    # and the filter is idempotent: the service still passes the pairs through `candidates`
    assert len(candidates(spec, only)) == len(only)


def _decided(
    pairs: pd.DataFrame, features: pd.DataFrame, spec: ModelSpec | None = None
) -> tuple[pd.DataFrame, set[frozenset[object]]]:
    decided = decide(pairs, features, spec or kintrace_spec())
    out = decided.pairs[["uid_l", "uid_r", "status", "rule"]]
    persons: dict[str, set[object]] = {}
    for record, person in decided.person_of.items():
        persons.setdefault(person, set()).add(record)
    return _ordered(out), {frozenset(members) for members in persons.values()}


def test_decide_on_the_selection_is_decide_on_every_candidate(
    scored: tuple[pd.DataFrame, pd.DataFrame], features: pd.DataFrame
) -> None:
    """The pairs below the floor left in the database change no status, rule id or person."""
    every, only = scored
    kept = candidates(kintrace_spec(), every)
    pairs_all, persons_all = _decided(kept, features)
    pairs_only, persons_only = _decided(only, features)
    offered = pairs_all["rule"].str.contains("offers")
    assert offered.sum() > 0 and set(pairs_all.loc[offered, "rule"]) >= {
        "0311-unseen-offers",
        "0323-fill-offers",
    }
    pd.testing.assert_frame_equal(pairs_only, pairs_all)
    assert persons_only == persons_all


def test_decide_does_not_depend_on_the_order_of_the_pairs(
    scored: tuple[pd.DataFrame, pd.DataFrame], features: pd.DataFrame
) -> None:
    """Offers between candidates of equal probability go to the same pairs whatever order the
    database returned them in (decision 0341)."""
    every, _only = scored
    kept = _ordered(candidates(kintrace_spec(), every))
    spec = kintrace_spec()
    low = kept[kept["match_probability"] < spec.thresholds.review_floor]
    # ties among the candidates below the floor, or the test would prove nothing
    assert low.duplicated(["match_probability"]).any()
    forward = _decided(kept, features)
    backward = _decided(kept.iloc[::-1].reset_index(drop=True), features)
    pd.testing.assert_frame_equal(backward[0], forward[0])
    assert backward[1] == forward[1]


def test_the_condition_keeps_offered_kinds_below_the_review_floor() -> None:
    spec = kintrace_spec()
    condition = runner.candidate_condition(spec)
    assert condition is not None
    assert f">= {spec.thresholds.review_floor!r}" in condition
    assert f">= {spec.thresholds.adoption_offer!r}" in condition
    for kind in spec.kinds.offered:
        assert f"'{kind}'" in condition


def _same_row(got: dict[str, object], want: dict[str, object]) -> None:
    """The same values of the same types (NaN for NaN)."""
    assert got.keys() == want.keys()
    for key, value in want.items():
        if isinstance(value, float) and math.isnan(value):
            assert isinstance(got[key], float) and math.isnan(got[key])
        else:
            assert got[key] == value and type(got[key]) is type(value), key


def test_rows_made_when_read_are_the_records_to_dict_gives(
    scored: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    _every, only = scored
    frame = only.assign(note=[None if i % 3 else "x" for i in range(len(only))])
    expected = frame.to_dict("records")
    rows = Rows(frame)
    assert len(rows) == len(expected)
    for position in (0, len(rows) // 2, len(rows) - 1, -1):
        _same_row(rows[position], expected[position])
    assert rows[0] is rows[0]  # made once
    assert rows[1:3] == expected[1:3]
    with pytest.raises(IndexError):
        rows[len(rows)]
    # made at once, column by column: the same values of the same types
    some = [3, 5, len(expected) - 2, 0]
    made = Rows(frame)
    made.make(some)
    for position in some:
        _same_row(made[position], expected[position])


def test_the_records_copied_into_duckdb_are_dropped_after_scoring(
    features: pd.DataFrame,
) -> None:
    # decision 0360: a full dedupe copies its records into a DuckDB table once; a registry
    # re-linked in one process (the web's link runs, the benches) must not keep a copy per run
    spec = kintrace_spec()
    model = for_registry(load_shipped(spec), len(features))
    engine = open_engine(EngineConfig())
    try:
        con = engine.db_api.duckdb_con
        before = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        pairs = _candidates(spec, model, features, engine)
        after = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    finally:
        engine.close()
    assert len(pairs) > 0
    assert after == before
