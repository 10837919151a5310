"""The arithmetic of `kintrace model retrain` on small hand-made tables (no Splink)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kintrace.review import recalibration as rc

MODEL = {
    "probability_two_random_records_match": 0.01,
    "comparisons": [
        {
            "output_column_name": "given_name",
            "comparison_levels": [
                {"is_null_level": True},
                {"label_for_charts": "same", "m_probability": 0.6, "u_probability": 0.01},
                {"label_for_charts": "close", "m_probability": 0.3, "u_probability": 0.05},
                {"label_for_charts": "else", "m_probability": 0.1, "u_probability": 0.94},
            ],
        }
    ],
}
CURRENT = rc.m_levels(MODEL)


def scored(gammas: list[int], labels: list[int], weights: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"gamma_given_name": gammas, "label": labels, "match_weight": weights})


def test_levels_are_numbered_as_splink_numbers_them() -> None:
    assert CURRENT == {"given_name": {2: 0.6, 1: 0.3, 0: 0.1}}


@pytest.mark.parametrize(
    ("strength", "expected", "why"),
    [
        (rc.NO_CHANGE, {2: 0.6, 1: 0.3, 0: 0.1}, "no change keeps m"),
        (10.0, {2: 0.3, 1: 0.65, 0: 0.05}, "ten matches at 'close' weigh as much as the model"),
        (0.0, {2: 0.0, 1: 1.0, 0: 0.0}, "no prior: the labels alone"),
    ],
)
def test_fit_m_blends_labelled_matches_with_the_model(
    strength: float, expected: dict[int, float], why: str
) -> None:
    frame = scored([1] * 10 + [2, 0], [1] * 10 + [0, 0], [0.0] * 12)  # non-matches do not count
    fitted = rc.fit_m(frame, CURRENT, strength)["given_name"]
    assert fitted == pytest.approx(expected), why


def test_weights_move_by_the_log_ratio_of_m_plus_the_shift() -> None:
    frame = scored([1, 2, -1], [1, 1, 0], [3.0, 8.0, 1.0])
    fitted = {"given_name": {2: 0.3, 1: 0.6, 0: 0.1}}
    got = rc.weights(frame, CURRENT, fitted, shift=-0.5)
    assert got == pytest.approx(
        [3.0 + 1.0 - 0.5, 8.0 - 1.0 - 0.5, 1.0 - 0.5]
    )  # null level: shift only


def test_updated_model_writes_m_in_level_order_and_moves_lambda() -> None:
    fitted = {"given_name": {2: 0.5, 1: 0.4, 0: 0.1}}
    new = rc.updated_model(MODEL, fitted, shift=1.0)
    levels = new["comparisons"][0]["comparison_levels"]
    assert [lvl.get("m_probability") for lvl in levels] == [None, 0.5, 0.4, 0.1]
    odds = new["probability_two_random_records_match"] / (
        1 - new["probability_two_random_records_match"]
    )
    assert odds == pytest.approx(2 * 0.01 / 0.99)
    assert MODEL["comparisons"][0]["comparison_levels"][1]["m_probability"] == 0.6  # not modified


def test_figures() -> None:
    f = rc.figures(np.array([1, 1, 0, 0]), np.array([5.0, -5.0, 5.0, -5.0]))
    assert (f.accuracy, f.precision, f.recall, f.f1) == (0.5, 0.5, 0.5, 0.5)
    assert f.log_loss == pytest.approx(
        -math.log(1 / (1 + 2**-5)) / 2 - math.log(1 / (1 + 2**5)) / 2
    )


def overconfident() -> pd.DataFrame:
    """Review-band pairs the model scores at 2 bits (p 0.8) of which only a fifth are matches."""
    n = 100
    return scored([2] * n, [1 if i % 5 == 0 else 0 for i in range(n)], [2.0] * n)


def test_choose_shifts_an_overconfident_model_when_nothing_else_moves() -> None:
    chosen, found = rc.choose(overconfident(), CURRENT, folds=5)
    assert chosen.shift < 0
    assert (
        found.log_loss
        < rc.cross_validate(
            overconfident(), CURRENT, rc.Candidate(rc.NO_CHANGE, 0.0), folds=5
        ).log_loss
    )


def test_choose_keeps_the_model_when_an_update_would_move_an_unlabelled_pair_across_a_bar() -> None:
    # unlabelled pairs a hair either side of the auto-link bar (6.6), at every level
    guard = scored([2, 2, 1, 1, 0, 0], [-1] * 6, [6.61, 6.59] * 3)
    chosen, _ = rc.choose(overconfident(), CURRENT, folds=5, guard=guard, bars=(6.6, 0.0))
    assert chosen.is_current


def test_choose_keeps_a_model_that_is_already_calibrated() -> None:
    calibrated = scored([2] * 10, [1] * 8 + [0] * 2, [2.0] * 10)  # p 0.8, 8 of 10 matches
    chosen, _ = rc.choose(calibrated, CURRENT, folds=5)
    assert chosen.is_current


def test_a_level_without_m_stays_without_m() -> None:
    model = {
        "probability_two_random_records_match": 0.01,
        "comparisons": [
            {
                "output_column_name": "given_name",
                "comparison_levels": [
                    {"label_for_charts": "same", "m_probability": 0.9, "u_probability": 0.01},
                    {"label_for_charts": "never seen", "u_probability": 0.01},
                    {"label_for_charts": "else", "m_probability": 0.1, "u_probability": 0.98},
                ],
            }
        ],
    }
    current = rc.m_levels(model)
    assert current == {"given_name": {2: 0.9, 1: None, 0: 0.1}}
    frame = scored([2, 1, 0, 0], [1, 1, 1, 1], [5.0, 1.0, -3.0, -3.0])
    fitted = rc.fit_m(frame, current, 3.0)
    assert fitted["given_name"][1] is None
    assert sum(m for m in fitted["given_name"].values() if m) == pytest.approx(1.0)
    levels = rc.updated_model(model, fitted, 0.0)["comparisons"][0]["comparison_levels"]
    assert "m_probability" not in levels[1]
