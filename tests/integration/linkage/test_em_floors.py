"""A registry on which EM drives levels to zero trains with the floors (SYNTHETIC data).

Every child is listed twice with identical details, and children share first names and
surnames, so inside the EM blocks every match agrees on everything and every non-match
disagrees on most comparisons: EM learns that the "different" levels never occur among matches
and drives their m below what Splink accepts (the failure `kintrace link` stopped with in issue
10). With the spec's floors, the same training finishes and every estimate is at or above its
floor.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest
from splink import Linker, block_on

from kintrace.linkage import runner
from kintrace.linkage.dates import date_columns
from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.spec import ModelSpec, generic_spec
from kintrace.linkage.spec.floors import doubts, level_floors
from kintrace.linkage.splink_settings import settings_creator

COLUMNS = ["given", "surname", "city", "street", *(f"x{i}" for i in range(6))]


def _duplicated_children(n: int, seed: int = 1) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        child = {
            "given": rng.choice("abcdef"),
            "surname": rng.choice("ghij"),
            "city": f"city{rng.randrange(40)}",
            "street": f"street{rng.randrange(300)}",
            **{f"x{i}": f"v{rng.randrange(50)}" for i in range(6)},
            "y": rng.randrange(2005, 2020),
            "m": rng.randrange(1, 13),
            "d": rng.randrange(1, 29),
        }
        rows += [dict(child, uid=len(rows)), dict(child, uid=len(rows) + 1)]
    frame = pd.DataFrame(rows)
    dates = date_columns(frame["y"], frame["m"], frame["d"])
    return pd.concat([frame[["uid", *COLUMNS]], dates], axis=1)


def _spec() -> ModelSpec:
    return generic_spec(string_columns=COLUMNS, blocking=[("given", "surname"), ("city",)])


@pytest.mark.slow
def test_em_that_drives_a_level_to_zero_trains_with_the_floors() -> None:
    spec, features = _spec(), _duplicated_children(60)
    t = spec.training

    # Splink alone: EM underflows (the case really produces a zero level)
    engine = open_engine(EngineConfig())
    try:
        table = engine.db_api.register(features, dataset_display_name="records")
        linker = Linker(table, settings_creator(spec), log_level=None)
        linker.training.estimate_probability_two_random_records_match(
            [block_on(*r.columns) for r in t.prior_rules], recall=t.prior_recall
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=t.u_max_pairs, seed=t.seed)
        with pytest.raises(ValueError, match="below the minimum"):
            for em_rule in t.em_rules:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*em_rule.columns), estimate_without_term_frequencies=True
                )
    finally:
        engine.close()

    # Kintrace: the same training with the floors finishes
    engine = open_engine(EngineConfig())
    try:
        floored = runner.train_floored(spec, features, engine=engine)
    finally:
        engine.close()
    floors = level_floors(spec)
    at_floor = set()
    for comparison in floored.model["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        for position, level in enumerate(levels):
            floor = floors[(name, len(levels) - 1 - position)]
            assert level["m_probability"] >= floor.m_floor, (name, level["label_for_charts"])
            assert level["u_probability"] >= floor.u_floor, (name, level["label_for_charts"])
            if level["m_probability"] == floor.m_floor:
                at_floor.add((name, level["label_for_charts"]))
    # EM drove these to zero; the floors held them (they were seen, so not floored afterwards)
    assert {("given", "different"), ("surname", "different")} <= at_floor
    assert not {(c.comparison, c.level) for c in floored.changes} & {("given", "different")}
    assert doubts(spec, floored.model) == []  # agreeing still outweighs disagreeing
