"""Bind a pure `ModelSpec` to Splink settings for one SQL dialect.

This is the only place where the model meets Splink's vocabulary. `close` levels become each
dialect's Jaro-Winkler level through Splink's own level library, so the spec stays neutral.
"""

from __future__ import annotations

from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.blocking_rule_library import CustomRule
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from kintrace.linkage.spec import BlockingRule, Comparison, Level, ModelSpec


def _level(level: Level) -> ComparisonLevelCreator:
    creator: ComparisonLevelCreator
    if level.kind == "null":
        creator = cll.CustomLevel(level.condition()).configure(is_null_level=True)
    elif level.kind == "exact":
        creator = cll.CustomLevel(level.condition())
    elif level.kind == "close":
        assert level.threshold is not None
        creator = cll.JaroWinklerLevel(level.columns[0], level.threshold)
    elif level.kind == "custom":
        creator = cll.CustomLevel(level.condition())
    else:
        creator = cll.ElseLevel()
    creator = creator.configure(label_for_charts=level.label)
    if level.neutral:
        creator = creator.configure(
            m_probability=0.05, u_probability=0.05, fix_m_probability=True, fix_u_probability=True
        )
    if level.fixed_m is not None:
        creator = creator.configure(m_probability=level.fixed_m, fix_m_probability=True)
    if level.tf_column:
        creator = creator.configure(tf_adjustment_column=level.tf_column, tf_adjustment_weight=1.0)
        if level.tf_minimum_u is not None:
            creator = creator.configure(tf_minimum_u_value=level.tf_minimum_u)
    return creator


def _comparison(comparison: Comparison) -> cl.CustomComparison:
    return cl.CustomComparison(
        comparison_levels=[_level(level) for level in comparison.levels],
        output_column_name=comparison.name,
        comparison_description=comparison.description,
    )


def blocking_rule(rule: BlockingRule) -> BlockingRuleCreator:
    return CustomRule(rule.sql)


def settings_creator(
    spec: ModelSpec,
    *,
    link_type: Literal["link_only", "link_and_dedupe", "dedupe_only"] = "dedupe_only",
    prior: float | None = None,
    n_records: int = 0,
) -> SettingsCreator:
    """Splink settings for `spec`; `prior` is λ when already known (a trained model)."""
    kwargs: dict[str, Any] = {}
    if prior is not None:
        kwargs["probability_two_random_records_match"] = prior
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name=spec.unique_id,
        comparisons=[_comparison(c) for c in spec.comparisons],
        blocking_rules_to_generate_predictions=[
            blocking_rule(r) for r in spec.blocking_for(n_records)
        ],
        additional_columns_to_retain=list(spec.retain_columns),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
        **kwargs,
    )
