"""A trained model's weights read from its JSON: pure, no Splink and no pandas, so the pair page
and `explain` can label weights without loading the matcher (seconds of start-up)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LevelWeight:
    comparison: str
    level: str
    gamma: int
    match_weight: float
    m_probability: float | None
    u_probability: float | None


def model_weights(model: dict[str, Any]) -> dict[tuple[str, int], LevelWeight]:
    """(comparison, gamma) -> the level's label and weight, from a trained model JSON."""
    found: dict[tuple[str, int], LevelWeight] = {}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = comparison["comparison_levels"]
        non_null = [lvl for lvl in levels if not lvl.get("is_null_level")]
        for position, level in enumerate(levels):
            if level.get("is_null_level"):
                gamma, weight = -1, 0.0
                m = u = None
            else:
                gamma = len(non_null) - 1 - non_null.index(level)
                m, u = level.get("m_probability"), level.get("u_probability")
                weight = math.log2(m / u) if m and u else 0.0
            del position
            found[(name, gamma)] = LevelWeight(
                comparison=name,
                level=str(level.get("label_for_charts", "")),
                gamma=gamma,
                match_weight=weight,
                m_probability=m,
                u_probability=u,
            )
    return found


def prior_weight(model: dict[str, Any]) -> float:
    """λ as a match weight: the starting bar of the waterfall."""
    lam = float(model["probability_two_random_records_match"])
    return math.log2(lam / (1.0 - lam))
