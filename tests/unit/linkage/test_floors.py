"""m and u floors (pure): each level's floors, a model's estimates raised to them, levels never
estimated at weight 0, fixed levels untouched; and what makes a trained model unsound."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kintrace.linkage.spec import Training, kintrace_spec
from kintrace.linkage.spec.base import (
    ModelSpec,
    TrainingCriteria,
    comparison,
    custom,
    else_level,
    exact,
    null_level,
    rule,
)
from kintrace.linkage.spec.floors import doubts, floor_model, level_floors


def _spec() -> ModelSpec:
    """Two comparisons: a name (one level with its own floors) and a date with a fixed level."""
    name = comparison(
        "name",
        "name",
        [null_level("n"), exact("n", label="same"), custom("x_l = x_r", label="close"),
         else_level()],
    )  # fmt: skip
    name = type(name)(
        name=name.name,
        description=name.description,
        levels=(
            name.levels[0],
            name.levels[1],
            type(name.levels[2])(**{**name.levels[2].__dict__, "m_floor": 1e-3, "u_floor": 1e-4}),
            name.levels[3],
        ),
    )
    date = comparison(
        "date", "date", [null_level("d"), exact("d", label="same"), else_level(fixed_m=0.01)]
    )
    return ModelSpec(
        name="t",
        comparisons=(name, date),
        blocking_rules=(rule("n", why="test"),),
        training=Training(prior_rules=(rule("n", why="t"),), prior_recall=0.5, em_rules=()),
    )


def _level(label: str, m: float | None, u: float | None, **extra: Any) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": "x", "label_for_charts": label, **extra}
    if m is not None:
        level["m_probability"] = m
    if u is not None:
        level["u_probability"] = u
    return level


def _model(*, name: list[dict[str, Any]], date: list[dict[str, Any]]) -> dict[str, Any]:
    null = {"sql_condition": "n IS NULL", "label_for_charts": "missing", "is_null_level": True}
    return {
        "probability_two_random_records_match": 0.001,
        "comparisons": [
            {"output_column_name": "name", "comparison_levels": [null, *name]},
            {"output_column_name": "date", "comparison_levels": [null, *date]},
        ],
    }


def test_floors_are_per_level_with_the_training_plan_as_default() -> None:
    floors = level_floors(_spec())
    # gamma counts down from the best level; the null level has none
    assert {k: (f.label, f.m_floor, f.u_floor) for k, f in floors.items()} == {
        ("name", 2): ("same", 1e-6, 1e-6),
        ("name", 1): ("close", 1e-3, 1e-4),
        ("name", 0): ("different", 1e-6, 1e-6),
        ("date", 1): ("same", 1e-6, 1e-6),
        ("date", 0): ("different", 1e-6, 1e-6),
    }
    assert floors[("date", 0)].fixed and not floors[("name", 0)].fixed


def test_estimates_below_their_floor_are_raised_and_reported() -> None:
    model = _sound()
    _set(model, 0, 2, m=1e-21, u=3e-5)
    _set(model, 1, 1, m=0.95, u=2e-9)
    model["comparisons"][1]["comparison_levels"][2]["fix_m_probability"] = True
    before = copy.deepcopy(model)
    floored = floor_model(_spec(), model)
    assert model == before  # the input is not changed
    levels = floored.model["comparisons"][0]["comparison_levels"]
    assert levels[2]["m_probability"] == 1e-3 and levels[2]["u_probability"] == 1e-4
    assert floored.model["comparisons"][1]["comparison_levels"][1]["u_probability"] == 1e-6
    assert [str(c) for c in floored.changes] == [
        "name / close: m 1e-21 -> 0.001",
        "name / close: u 3e-05 -> 0.0001",
        "date / same: u 2e-09 -> 1e-06",
    ]
    # already floored: nothing more to change
    assert floor_model(_spec(), floored.model).changes == ()


def test_a_level_training_never_saw_gets_weight_zero() -> None:
    model = _sound()
    _set(model, 0, 2, m=None, u=0.02)
    _set(model, 1, 1, m=None, u=None)
    floored = floor_model(_spec(), model).model
    close = floored["comparisons"][0]["comparison_levels"][2]
    same_date = floored["comparisons"][1]["comparison_levels"][1]
    assert close["m_probability"] == close["u_probability"] == 0.02
    assert same_date["m_probability"] == same_date["u_probability"] == 1e-6


def test_a_fixed_m_is_never_floored_and_a_neutral_level_not_at_all() -> None:
    spec = kintrace_spec()
    floors = level_floors(spec)
    fixed = {(f.comparison, f.label) for f in floors.values() if f.fixed}
    assert ("given_name", "different") in fixed  # fixed_m=0.01
    assert ("family_name", "different, one record from an adoption listing") in fixed  # neutral
    assert ("family_name", "same surname") not in fixed


def test_a_model_of_other_levels_is_refused() -> None:
    model = _sound()
    model["comparisons"][0]["comparison_levels"][2]["label_for_charts"] = "similar"
    with pytest.raises(ValueError, match="another version"):
        floor_model(_spec(), model)


def _sound() -> dict[str, Any]:
    name = [_level("same", 0.9, 0.01), _level("close", 0.05, 0.01)]
    name.append(_level("different", 0.05, 0.98))
    date = [_level("same", 0.9, 0.001), _level("different", 0.1, 0.999)]
    return _model(name=name, date=date)


def test_a_sound_model_raises_no_doubt() -> None:
    assert doubts(_spec(), _sound()) == []


def test_a_comparison_without_data_raises_no_doubt() -> None:
    """A registry without, say, patronymics: the comparison was never estimated (weight 0)."""
    model = _sound()
    for level in (1, 2, 3):
        _set(model, 0, level, m=None, u=None)
    assert doubts(_spec(), model) == []
    assert doubts(_spec(), floor_model(_spec(), model).model) == []
    _set(model, 0, 1, m=0.4, u=0.5)  # a little below 0: noise on a uniform column
    assert doubts(_spec(), model) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda m: m.update(probability_two_random_records_match=0.0), "found no pair"),
        (
            lambda m: _set(m, 0, 1, m=0.01, u=0.5),
            "'same' is evidence against a match (weight -5.64)",
        ),
        (lambda m: _set(m, 1, 2, m=0.95, u=0.001), "date: disagreeing weighs more than 'same'"),
    ],
    ids=["no-prior", "agreeing-is-evidence-against", "disagreeing-stronger"],
)
def test_a_model_that_does_not_rank_agreement_first_is_doubted(change: Any, expected: str) -> None:
    model = _sound()
    change(model)
    found = doubts(_spec(), model)
    assert len(found) == 1 and expected in found[0], found


def _set(
    model: dict[str, Any], comparison: int, level: int, *, m: float | None, u: float | None
) -> None:
    """Set (None: remove) a level's m and u; `level` counts the null level."""
    target = model["comparisons"][comparison]["comparison_levels"][level]
    for key, value in (("m_probability", m), ("u_probability", u)):
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


@pytest.mark.parametrize("value", [0.0, 1e-301, 0.5])
def test_floors_out_of_range_are_refused(value: float) -> None:
    with pytest.raises(ValueError, match="m_floor"):
        Training(prior_rules=(), prior_recall=0.5, em_rules=(), m_floor=value)


def test_training_criteria_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="min_records 1"):
        TrainingCriteria(min_records=1)


def test_a_level_never_in_the_u_sample_gets_the_smallest_u_the_sample_could_miss() -> None:
    """Seen among matches, never among 45,000 random pairs: u is below 1/45,000, not m."""
    model = _sound()
    _set(model, 0, 1, m=0.9, u=None)
    same = floor_model(_spec(), model, u_unseen=1 / 45_000).model["comparisons"][0]
    assert same["comparison_levels"][1]["u_probability"] == pytest.approx(1 / 45_000)
    # ... and never below the level's floor ("close" has its own u floor of 1e-4)
    _set(model, 0, 2, m=0.05, u=None)
    close = floor_model(_spec(), model, u_unseen=1e-9).model["comparisons"][0]
    assert close["comparison_levels"][2]["u_probability"] == 1e-4
    # without knowing the sample: weight 0
    neutral = floor_model(_spec(), model).model["comparisons"][0]["comparison_levels"][1]
    assert neutral["u_probability"] == neutral["m_probability"] == 0.9


def test_circumstance_may_say_anything_identity_may_not() -> None:
    """A last known place agreeing may weigh against a match (children are moved together);
    a first name agreeing may not."""
    from kintrace.linkage.fallback import load_shipped

    spec = kintrace_spec()
    model = load_shipped(spec).model
    names = [c["output_column_name"] for c in model["comparisons"]]
    last_place, given = names.index("last_place"), names.index("given_name")
    _set(model, last_place, 1, m=0.02, u=0.1)
    assert doubts(spec, model) == []
    _set(model, given, 1, m=0.02, u=0.1)
    assert doubts(spec, model) == [
        "given_name 'same name' is evidence against a match (weight -2.32)"
    ]


def test_a_fixed_m_with_no_u_observed_says_nothing() -> None:
    """A registry without patronymics: the "different" level's m is fixed by the spec, its u
    never observed; it must not become evidence for a match."""
    model = _sound()
    _set(model, 1, 2, m=0.01, u=None)
    model["comparisons"][1]["comparison_levels"][2]["fix_m_probability"] = True
    level = floor_model(_spec(), model, u_unseen=1e-5).model["comparisons"][1]
    assert level["comparison_levels"][2]["u_probability"] == 0.01
