"""EM that drives a level's m to zero (Splink refuses 0.0) ends in a clear, actionable error."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from kintrace.linkage import runner
from kintrace.linkage.spec import kintrace_spec


class _Training:
    def __init__(self, value: str) -> None:
        self.value = value

    def estimate_probability_two_random_records_match(self, *args: Any, **kwargs: Any) -> None:
        pass

    def estimate_u_using_random_sampling(self, *args: Any, **kwargs: Any) -> None:
        pass

    def estimate_parameters_using_expectation_maximisation(self, *args: Any, **kw: Any) -> None:
        raise ValueError(
            f"m_probability value {self.value} is below the minimum allowed value of 1e-300."
        )


@pytest.mark.parametrize("value", ["0.0", "2.935e-321"], ids=["zero", "subnormal"])
def test_a_zero_m_from_em_is_a_training_error_that_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setattr(runner, "_register_inputs", lambda engine, features: None)
    monkeypatch.setattr(
        runner,
        "_linker",
        lambda engine, tables, settings: SimpleNamespace(training=_Training(value)),
    )
    monkeypatch.setattr(runner, "_drop_all", lambda engine: None)
    with pytest.raises(runner.TrainingError) as caught:
        runner.train(kintrace_spec(), None, engine=None)  # type: ignore[arg-type]
    assert "kintrace link --model FILE" in str(caught.value)
    assert isinstance(caught.value, ValueError)  # reported by the CLI as "error: ..."
