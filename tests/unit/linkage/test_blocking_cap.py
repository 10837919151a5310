"""Blocking bounded by design (issue 10, bad input "a block of 200,000 equal surnames"):
blocks above the cap are left out of their rule, counted and reported without their values.
SYNTHETIC rows only."""

from __future__ import annotations

import pandas as pd
import pytest

from kintrace.linkage.blocking import plan_blocking
from kintrace.linkage.spec import kintrace_spec


def _features(n_same: int, n_other: int) -> pd.DataFrame:
    """`n_same` records of one surname stem and year, `n_other` of distinct stems."""
    spec = kintrace_spec()
    rows = []
    for i in range(n_same + n_other):
        row: dict[str, object] = {c: None for c in spec.columns()}
        row |= {
            "uid": i + 1,
            "family_stem": "stem-same" if i < n_same else f"stem-{i}",
            "birth_year": 2012,
            "given_class": f"g{i % 7}",
            "sex": "F" if i % 2 else "M",
        }
        rows.append(row)
    return pd.DataFrame(rows)


def test_a_block_above_the_cap_is_left_out_of_its_rule_and_reported() -> None:
    spec = kintrace_spec()
    features = _features(60, 40)
    plan = plan_blocking(spec, features, cap=50)
    capped = {c.rule: c for c in plan.capped}
    # surname stem + birth year: the 60 records of one stem exceed 50
    stem_year = capped["family_stem+birth_year"]
    assert (stem_year.blocks, stem_year.records, stem_year.largest) == (1, 60, 60)
    assert stem_year.pairs_avoided == 60 * 59 // 2
    # given class + birth year + sex: 100 records in 14 blocks of at most 8, none capped
    assert "given_class+birth_year+sex" not in capped
    assert plan.pairs["given_class+birth_year+sex"] > 0
    # the capped rule requires a mask that is NULL exactly for the capped records
    (rule,) = [r for r in plan.rules if r.name == "family_stem+birth_year"]
    masked = plan.apply(features)[rule.columns[-1]]
    assert masked.isna().sum() == 60 and masked.iloc[:60].isna().all()
    assert masked.iloc[60:].eq(1).all()
    # the report names the rule and counts, never a block's value
    (text,) = [w for w in plan.warnings() if "family_stem+birth_year" in w]
    assert "60 records" in text and "stem-same" not in text
    # the capped spec scores with these rules whatever the registry's size
    assert plan.spec_for(spec).blocking_for(10**7) == plan.rules


def test_without_an_oversized_block_the_rules_are_unchanged() -> None:
    spec = kintrace_spec()
    features = _features(10, 40)
    plan = plan_blocking(spec, features, cap=50)
    assert plan.capped == () and plan.masks == {}
    assert plan.rules == spec.blocking_for(len(features))
    assert plan.apply(features) is features


def test_a_cap_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2 records"):
        plan_blocking(kintrace_spec(), _features(3, 0), cap=1)


def test_a_plan_without_counts_has_the_same_rules_masks_and_capped_blocks() -> None:
    spec = kintrace_spec()
    features = _features(60, 40)
    counted = plan_blocking(spec, features, cap=50)
    uncounted = plan_blocking(spec, features, cap=50, counts=False)
    assert uncounted.rules == counted.rules and uncounted.capped == counted.capped
    assert uncounted.masks.keys() == counted.masks.keys()
    for column, mask in counted.masks.items():
        pd.testing.assert_series_equal(uncounted.masks[column], mask)
    assert counted.pairs and uncounted.pairs == {}
