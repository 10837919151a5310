"""Splink failing in training (an m below its minimum on a Splink without the floor hook, an EM
pass with no pair, no pair for the prior) ends in a `TrainingError` that says why and what to
do, never a stack trace."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from splink.internals.exceptions import EMTrainingException

from kintrace.linkage import runner
from kintrace.linkage.features import feature_table
from kintrace.linkage.spec import kintrace_spec
from support.linkage import record_row


class _Training:
    def __init__(self, failure: Exception) -> None:
        self.failure = failure

    def estimate_probability_two_random_records_match(self, *args: Any, **kwargs: Any) -> None:
        pass

    def estimate_u_using_random_sampling(self, *args: Any, **kwargs: Any) -> None:
        pass

    def estimate_parameters_using_expectation_maximisation(self, *args: Any, **kw: Any) -> None:
        raise self.failure


def _features() -> pd.DataFrame:
    """Two records of one child: the prior's rule pairs them, so training starts."""
    fields = {"given_name": "Олена", "family_name": "Бондаренко", "birth_year": 2012,
              "birth_month": 3, "birth_day": 4, "sex": "F"}  # fmt: skip
    return feature_table(pd.DataFrame([record_row(1, **fields), record_row(2, **fields)]))


def _fake_splink(monkeypatch: pytest.MonkeyPatch, failure: Exception) -> None:
    monkeypatch.setattr(runner, "_register_inputs", lambda engine, features: None)
    monkeypatch.setattr(
        runner,
        "_linker",
        lambda engine, tables, settings: SimpleNamespace(training=_Training(failure)),
    )
    monkeypatch.setattr(runner, "_drop_all", lambda engine: None)


@pytest.mark.parametrize(
    ("failure", "why"),
    [
        (ValueError("m_probability value 0.0 is below the minimum allowed value"), "never occurs"),
        (ValueError("m_probability value 2.935e-321 is below the minimum"), "never occurs"),
        (EMTrainingException("Training rule resulted in no record pairs"), "no pair to learn"),
    ],
    ids=["zero", "subnormal", "no-pairs"],
)
def test_splink_failing_in_em_is_a_training_error_that_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, failure: Exception, why: str
) -> None:
    _fake_splink(monkeypatch, failure)
    with pytest.raises(runner.TrainingError) as caught:
        runner.train(kintrace_spec(), _features(), engine=None)  # type: ignore[arg-type]
    assert why in caught.value.reason
    assert "EM on birth_days" in caught.value.reason  # which step
    assert "kintrace link --model FILE" in str(caught.value)
    assert isinstance(caught.value, ValueError)  # reported by the CLI as "error: ..."


def test_another_value_error_from_splink_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_splink(monkeypatch, ValueError("something else"))
    with pytest.raises(ValueError, match="something else"):
        runner.train(kintrace_spec(), _features(), engine=None)  # type: ignore[arg-type]


def test_no_pair_for_the_prior_stops_before_splink(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_splink(*_args: object) -> None:
        raise AssertionError("Splink must not be asked")

    monkeypatch.setattr(runner, "_register_inputs", no_splink)
    lone = feature_table(pd.DataFrame([record_row(1, given_name="Олена", birth_year=2012)]))
    with pytest.raises(runner.TrainingError, match="share of matching pairs"):
        runner.train(kintrace_spec(), lone, engine=None)  # type: ignore[arg-type]
