"""Training cost is bounded by design: pairs are counted exactly from group sizes (no pair is
built), and a step whose rule pairs more than its cap is sampled, with the probe bounded too;
every EM iteration's estimates are kept at their floors."""

from __future__ import annotations

import math
import random
from itertools import combinations, product

import pandas as pd
import pytest

from kintrace.linkage import training
from kintrace.linkage.spec import kintrace_spec
from kintrace.linkage.spec.base import rule


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    return pd.DataFrame(
        {
            "a": [rng.choice(["x", "y", "z", None]) for _ in range(n)],
            "b": [rng.choice([1, 2, None]) for _ in range(n)],
        }
    )


def _brute(frame: pd.DataFrame, cols: list[str]) -> int:
    rows = frame[cols].to_dict("records")
    return sum(
        all(x[c] is not None and not pd.isna(x[c]) and x[c] == y[c] for c in cols)
        for x, y in combinations(rows, 2)
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("cols", [["a"], ["a", "b"]])
def test_pairs_are_counted_exactly_and_a_missing_value_never_pairs(
    seed: int, cols: list[str]
) -> None:
    frame = _frame(60, seed)
    assert training.pair_count(frame, cols) == _brute(frame, cols)


def test_pairs_across_lists_only_for_a_link_only_run() -> None:
    left, right = _frame(30, 1), _frame(40, 2)
    expected = sum(
        a == b and a is not None for a, b in product(left["a"].tolist(), right["a"].tolist())
    )
    assert training.pair_count([left, right], ["a"], link_type="link_only") == expected
    both = pd.concat([left, right], ignore_index=True)
    assert training.pair_count([left, right], ["a"]) == _brute(both, ["a"])


def test_a_block_of_200000_equal_surnames_is_sampled_to_the_cap() -> None:
    frame = pd.DataFrame({"family_stem": ["shevchenko"] * 200_000})
    plan = training.em_sampling(rule("family_stem", why="t"), frame, cap=2e6)
    assert plan.pairs == 200_000 * 199_999 // 2
    assert plan.sampled and plan.max_pairs == 2e6
    # the probe that sizes the sample sees about PROBE_PAIRS pairs, not 1% of each side
    assert plan.pairs * plan.proportion**2 == pytest.approx(training.PROBE_PAIRS, rel=0.01)
    assert "sampled to about 2,000,000" in plan.describe()
    prior = training.prior_sampling(rule("family_stem", why="t"), frame, cap=2e6)
    assert prior.pairs * prior.proportion**2 == pytest.approx(2e6, rel=0.01)


def test_a_small_registry_is_not_sampled() -> None:
    frame = _frame(100, 4)
    plan = training.em_sampling(rule("a", why="t"), frame, cap=2e6)
    assert not plan.sampled and plan.max_pairs is None and plan.proportion == 1.0
    assert training.prior_sampling(rule("a", why="t"), frame, cap=2e6).proportion == 1.0


def test_em_estimates_are_floored_only_inside_the_block() -> None:
    spec = kintrace_spec()
    records = [
        {"output_column_name": "sex", "comparison_vector_value": 1, "m_probability": 0.0,
         "u_probability": 0.5},
        {"output_column_name": "birth_date", "comparison_vector_value": 0,
         "m_probability": math.nan, "u_probability": 2e-320},
        {"output_column_name": "birth_date", "comparison_vector_value": 10,
         "m_probability": 0.6, "u_probability": 1e-4},
    ]  # fmt: skip
    with training.floors_during_em(spec):
        floors = training._FLOORS.get()
        assert floors is not None
        for record in records:
            training._floor_record(record, floors)
    assert training._FLOORS.get() is None
    assert records[0]["m_probability"] == spec.training.m_floor
    assert records[1]["m_probability"] == spec.training.m_floor
    assert records[1]["u_probability"] == spec.training.u_floor
    assert records[2]["m_probability"] == 0.6 and records[2]["u_probability"] == 1e-4
    # the sex comparison's "different" m is fixed by the spec: not in the floors
    assert ("sex", 0) not in floors


def test_every_pair_a_run_could_compare() -> None:
    left, right = _frame(30, 1), _frame(40, 2)
    assert training.pair_total(left) == 30 * 29 // 2
    assert training.pair_total([left, right], link_type="link_only") == 30 * 40
    assert training.pair_total([left, right]) == 70 * 69 // 2
