"""m and u floors, and what a trained model must say before it is used (pure: a model is a dict).

A trained model is Splink's JSON: for each comparison its levels in the spec's order (the null
level first), each with `m_probability` and `u_probability` when training estimated them. Two
things can go wrong on a small or uniform registry, and both are handled here without Splink:

- an estimate falls towards 0 (EM took a level's m to 1e-21, then below what a float holds):
  every level has an m and a u floor (`ModelSpec.level_floors`), applied in each EM iteration by
  `kintrace.linkage.training` and once more to the finished model (`floor_model`);
- a level is never seen in training, so it has no estimate: it gets weight 0 (m = u), which is
  what the explanations already showed for it, rather than Splink's made-up defaults; a level
  seen among matches but never among the random pairs gets the smallest u the sampling could
  have missed (`u_unseen`: 1 / the pairs sampled), not 0.

`doubts` then says whether the model still ranks agreement above disagreement; a model that
does not is not used (decision 0320).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kintrace.linkage.spec.base import ModelSpec


@dataclass(frozen=True)
class LevelFloor:
    comparison: str
    label: str
    gamma: int  # Splink's comparison vector value: the best level is highest, "else" is 0
    m_floor: float
    u_floor: float
    fixed: bool  # m fixed by the spec (a neutral level, or domain knowledge): never floored


def level_floors(spec: ModelSpec) -> dict[tuple[str, int], LevelFloor]:
    """(comparison, gamma) -> the floors of that level, for every level but the null ones."""
    t = spec.training
    found: dict[tuple[str, int], LevelFloor] = {}
    for comparison in spec.comparisons:
        levels = [lvl for lvl in comparison.levels if lvl.kind != "null"]
        for position, level in enumerate(levels):
            gamma = len(levels) - 1 - position
            found[(comparison.name, gamma)] = LevelFloor(
                comparison=comparison.name,
                label=level.label,
                gamma=gamma,
                m_floor=level.m_floor if level.m_floor is not None else t.m_floor,
                u_floor=level.u_floor if level.u_floor is not None else t.u_floor,
                fixed=level.neutral or level.fixed_m is not None,
            )
    return found


@dataclass(frozen=True)
class FloorChange:
    """One estimate the floors changed: `was` None means training gave it no estimate."""

    comparison: str
    level: str
    parameter: str  # "m" or "u"
    was: float | None
    now: float

    def __str__(self) -> str:
        before = "not estimated" if self.was is None else f"{self.was:.3g}"
        return f"{self.comparison} / {self.level}: {self.parameter} {before} -> {self.now:.3g}"


@dataclass(frozen=True)
class FlooredModel:
    model: dict[str, Any]
    changes: tuple[FloorChange, ...]


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def floor_model(
    spec: ModelSpec, model: Mapping[str, Any], *, u_unseen: float | None = None
) -> FlooredModel:
    """The model with every m and u at or above its floor, and levels training never saw at
    weight 0 (m = u). A level with an m but no u (seen among matches, never among the random
    pairs) gets u = `u_unseen` when given (1 / the pairs the u sample held), else weight 0; so
    does a level whose m the spec fixes (its m is knowledge, not an observation). Fixed m's are
    left as the spec fixed them. Raises ValueError when the model's levels
    are not the spec's (a model saved by another version of the model)."""
    floors = level_floors(spec)
    out = copy.deepcopy(dict(model))
    changes: list[FloorChange] = []
    for comparison in out["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        for position, level in enumerate(levels):
            floor = floors.get((name, len(levels) - 1 - position))
            label = str(level.get("label_for_charts", ""))
            if floor is None or floor.label != label:
                raise ValueError(
                    f"the model's comparison {name!r} level {label!r} is not the spec's "
                    f"{floor.label if floor else 'nothing'!r}: a model of another version"
                )
            m, u = _number(level.get("m_probability")), _number(level.get("u_probability"))
            new_m, new_u = m, u
            if not floor.fixed and not level.get("fix_m_probability"):
                if new_m is None:  # never seen among matches: says nothing either way
                    new_m = u if u is not None else floor.m_floor
                new_m = max(new_m, floor.m_floor)
            estimated_m = m is not None and not floor.fixed and not level.get("fix_m_probability")
            if not level.get("fix_u_probability"):
                if new_u is None and estimated_m and u_unseen is not None:
                    new_u = u_unseen
                elif new_u is None:
                    new_u = new_m if new_m is not None else floor.u_floor
                new_u = max(new_u, floor.u_floor)
            for parameter, was, now in (("m", m, new_m), ("u", u, new_u)):
                if now is not None and now != was:
                    level[f"{parameter}_probability"] = now
                    changes.append(FloorChange(name, label, parameter, was, now))
    return FlooredModel(out, tuple(changes))


def _weight(level: Mapping[str, Any]) -> float | None:
    m, u = _number(level.get("m_probability")), _number(level.get("u_probability"))
    if m is None or u is None or m <= 0 or u <= 0:
        return None
    return math.log2(m / u)


#: a comparison's best level may not weigh less than this (agreeing as evidence against); a
#: little below 0 is noise on a uniform column (every record of one name: u close to 1)
MIN_BEST_WEIGHT = -1.0


def doubts(spec: ModelSpec, model: Mapping[str, Any]) -> list[str]:
    """Why this trained model cannot be trusted, in words (empty: it can).

    Whatever the registry, agreeing on a name, a birth date or the sex is evidence for a match
    and disagreeing evidence against: no identifying comparison's best level
    (`Comparison.identifying`) may weigh less than `MIN_BEST_WEIGHT`, nor less than its
    "different" level. A model that learnt otherwise learnt from too little or too uniform
    data. A comparison the registry holds no data for (its levels never seen, weight 0 after
    `floor_model`) says nothing and raises no doubt.
    """
    identifying = {c.name for c in spec.comparisons if c.identifying}
    found: list[str] = []
    lam = _number(model.get("probability_two_random_records_match"))
    if lam is None or not 0.0 < lam < 1.0:
        found.append(
            f"the probability that two records match came out as {lam}: the prior rule "
            f"({', '.join(r.name for r in spec.training.prior_rules)}) found no pair"
        )
    for comparison in model.get("comparisons", ()):
        name = comparison["output_column_name"]
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        if len(levels) < 2 or name not in identifying:
            continue
        best, worst = _weight(levels[0]), _weight(levels[-1])
        label = levels[0].get("label_for_charts", "")
        if best is None:
            continue  # not estimated: nothing to doubt (floor_model gives it weight 0)
        if best < MIN_BEST_WEIGHT:
            found.append(f"{name} '{label}' is evidence against a match (weight {best:+.2f})")
        elif worst is not None and worst > best:
            found.append(
                f"{name}: disagreeing weighs more than '{label}' ({worst:+.2f} > {best:+.2f})"
            )
    return found
