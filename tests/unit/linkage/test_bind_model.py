"""`runner.bind_model`: a saved model's SQL rendered for another engine's dialect, each level by
its label, whatever the order of the spec's levels now (decision 0364)."""

from __future__ import annotations

import copy

import pytest

from kintrace.linkage.runner import bind_model
from kintrace.linkage.spec import kintrace_spec
from kintrace.linkage.splink_settings import settings_creator


def _saved(dialect: str) -> dict:  # type: ignore[type-arg]
    return settings_creator(kintrace_spec()).get_settings(dialect).as_dict()


def _birth_date(model: dict) -> list[dict]:  # type: ignore[type-arg]
    return next(c for c in model["comparisons"] if c["output_column_name"] == "birth_date")[
        "comparison_levels"
    ]


def test_a_model_saved_with_levels_in_another_order_keeps_each_levels_own_condition() -> None:
    saved = _saved("duckdb")
    levels = _birth_date(saved)
    # a model saved by a version whose spec had two levels the other way round, each level
    # with its own m (the parameters belong to the label, not to the position)
    at = {level["label_for_charts"]: i for i, level in enumerate(levels)}
    a, b = at["within 1 year"], at["same day and month, years apart"]
    levels[a], levels[b] = levels[b], levels[a]
    for i, level in enumerate(levels):
        level["m_probability"] = 0.001 * (i + 1)
    before = copy.deepcopy(levels)
    bound = bind_model(kintrace_spec(), saved, "spark")
    spark = {
        level["label_for_charts"]: level["sql_condition"] for level in _birth_date(_saved("spark"))
    }
    after = _birth_date(bound)
    assert [level["label_for_charts"] for level in after] == [
        level["label_for_charts"] for level in before
    ]
    for level, old in zip(after, before, strict=True):
        assert level["sql_condition"] == spark[level["label_for_charts"]]
        assert level.get("m_probability") == old.get("m_probability")
    assert spark["within 1 year"] != spark["same day and month, years apart"]


def test_a_model_with_a_level_this_version_does_not_know_is_refused_clearly() -> None:
    saved = _saved("duckdb")
    _birth_date(saved)[2]["label_for_charts"] = "a level of another version"
    with pytest.raises(ValueError, match="kintrace link --full"):
        bind_model(kintrace_spec(), saved, "spark")
