"""A generic model for Latin-script lists with ordinary columns (the FEBRL benchmark).

It shows that the Kintrace machinery does not regress on the plain case: each string column gets
exact / close / loosely close / different, dates get the same precision-aware levels as the
Kintrace model.
"""

from __future__ import annotations

from collections.abc import Sequence

from kintrace.linkage.spec.base import (
    Comparison,
    ModelSpec,
    Thresholds,
    Training,
    close,
    comparison,
    custom,
    else_level,
    exact,
    null_level,
    rule,
)


def _string_comparison(column: str, *, tf: bool) -> Comparison:
    return comparison(
        column,
        f"{column}: exact, close, loosely close",
        [
            null_level(column),
            exact(column, label="same", tf=tf),
            close(column, 0.92, label="close spelling"),
            close(column, 0.80, label="loosely close"),
            else_level(),
        ],
    )


def _date_comparison() -> Comparison:
    return comparison(
        "birth_date",
        "Birth date by precision",
        [
            null_level("birth_days"),
            exact("birth_days", label="same date"),
            custom(
                "birth_day_l = birth_month_r AND birth_month_l = birth_day_r "
                "AND birth_year_l = birth_year_r",
                label="day and month swapped",
            ),
            custom("abs(birth_days_l - birth_days_r) <= 62", label="within 2 months"),
            exact("birth_year", label="same year"),
            else_level(),
        ],
    )


def generic_spec(
    *,
    string_columns: Sequence[str],
    tf_columns: Sequence[str] = (),
    blocking: Sequence[Sequence[str]],
    with_birth_date: bool = True,
    thresholds: Thresholds | None = None,
) -> ModelSpec:
    """A model over plain string columns plus (optionally) precomputed birth-date columns."""
    comparisons = [_string_comparison(c, tf=c in tf_columns) for c in string_columns]
    if with_birth_date:
        comparisons.append(_date_comparison())
    rules = tuple(rule(*cols, why="generic blocking") for cols in blocking)
    training = Training(
        prior_rules=(rule(*string_columns[:2], why="near-certain matches"),),
        prior_recall=0.7,
        em_rules=rules[:2],
    )
    return ModelSpec(
        name="generic",
        comparisons=tuple(comparisons),
        blocking_rules=rules,
        training=training,
        thresholds=thresholds or Thresholds(),
    )
