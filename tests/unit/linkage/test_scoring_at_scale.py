"""Scoring that brings only the candidates out of the database, and pair rows made when read
(issue 10 item 1: at a million dense records, pandas holding every scored pair and a dict per
pair was the run's memory peak). The results must be the ones the slower path gave.
SYNTHETIC records only (the second generator's lists, bench/generators/second)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from tests.support.generators import use_bench_generators

from kintrace.linkage import runner
from kintrace.linkage.decide.rules import Rows
from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.fallback import for_registry, load_shipped
from kintrace.linkage.features import feature_table
from kintrace.linkage.pipeline import candidates
from kintrace.linkage.spec import kintrace_spec


def _second_records(children: int) -> pd.DataFrame:
    """The second generator's rows in the columns `feature_table` reads (SYNTHETIC)."""
    use_bench_generators()
    from linkage_scale_bench import second_records  # type: ignore[import-not-found]

    return second_records(children, seed=5, profile="dense")


@pytest.fixture(scope="module")
def scored() -> tuple[pd.DataFrame, pd.DataFrame]:
    spec = kintrace_spec()
    features = feature_table(_second_records(150))
    model = for_registry(load_shipped(spec), len(features))
    engine = open_engine(EngineConfig())
    try:
        every = runner.predict(
            spec, model, features, engine=engine, floor=spec.thresholds.candidate_floor
        )
        only = runner.predict(
            spec,
            model,
            features,
            engine=engine,
            floor=spec.thresholds.candidate_floor,
            candidates_only=True,
        )
    finally:
        engine.close()
    return every, only


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["uid_l", "uid_r"]).reset_index(drop=True)


def test_candidates_filtered_in_the_database_are_the_candidates_pandas_keeps(
    scored: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    every, only = scored
    spec = kintrace_spec()
    kept = candidates(spec, every)
    # the filter leaves something out here, or the test would prove nothing
    assert len(kept) < len(every)
    assert len(kept) > 0
    assert any(str(k) in set(kept["source_kind_l"]) for k in spec.kinds.offered)
    pd.testing.assert_frame_equal(_ordered(only), _ordered(kept), check_dtype=False)
    # and the filter is idempotent: the service still passes the pairs through `candidates`
    assert len(candidates(spec, only)) == len(only)


def test_the_condition_keeps_offered_kinds_below_the_review_floor() -> None:
    spec = kintrace_spec()
    condition = runner.candidate_condition(spec)
    assert condition is not None
    assert f">= {spec.thresholds.review_floor!r}" in condition
    assert f">= {spec.thresholds.adoption_offer!r}" in condition
    for kind in spec.kinds.offered:
        assert f"'{kind}'" in condition


def test_rows_made_when_read_are_the_records_to_dict_gives(
    scored: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    _every, only = scored
    frame = only.assign(note=[None if i % 3 else "x" for i in range(len(only))])
    expected = frame.to_dict("records")
    rows = Rows(frame)
    assert len(rows) == len(expected)
    for position in (0, len(rows) // 2, len(rows) - 1, -1):
        got, want = rows[position], expected[position]
        assert got.keys() == want.keys()
        for key, value in want.items():
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(got[key])
            else:
                assert got[key] == value and type(got[key]) is type(value), key
    assert rows[0] is rows[0]  # made once
    assert rows[1:3] == expected[1:3]
    with pytest.raises(IndexError):
        rows[len(rows)]
