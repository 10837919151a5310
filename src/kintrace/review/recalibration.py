"""Re-estimating a trained linkage model from reviewers' verdicts: the arithmetic.

People's verdicts are labels, but a biased sample: every labelled pair comes from the review
band, so its matches agree less than matches in general. Two cautious moves, each a shift of
the pair's match weight that needs no re-scoring:

- m blend: each comparison's m-probabilities become a mix of the labelled matches' level
  frequencies and the current m, the current model weighing as `prior_strength` pseudo-pairs;
- prior shift: λ moves by `shift` bits (a recalibration of the whole scale).

Changing m at a level changes every pair at that level by log2(m_new / m_old); term-frequency
adjustments depend on u only, so they are unchanged. Candidates are compared by the log-loss of
their probabilities on labelled pairs held out in cross-validation; keeping the model as it is
is always one of the candidates.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

NO_CHANGE = math.inf
SHIFTS = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0)
STRENGTH_FACTORS = (NO_CHANGE, 4.0, 1.0, 0.25)  # times the number of labelled matches

MLevels = dict[str, dict[int, float | None]]  # comparison -> gamma -> m (None: not in the model)


@dataclass(frozen=True)
class Candidate:
    prior_strength: float  # NO_CHANGE keeps m as it is
    shift: float  # bits added to every pair's match weight (λ moved accordingly)

    @property
    def is_current(self) -> bool:
        return self.prior_strength == NO_CHANGE and self.shift == 0.0


@dataclass(frozen=True)
class Figures:
    """How well probabilities agree with verdicts (a match is p >= 0.5)."""

    pairs: int
    matches: int
    accuracy: float
    precision: float
    recall: float
    f1: float
    log_loss: float


def _probability(value: Any) -> float | None:
    """A level's m as a number; None when the model has none (a level never observed)."""
    return float(value) if isinstance(value, int | float) and value > 0 else None


def m_levels(model: dict[str, Any]) -> MLevels:
    """(comparison -> gamma -> m) from a trained model JSON, null levels left out."""
    found: MLevels = {}
    for comparison in model["comparisons"]:
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        found[comparison["output_column_name"]] = {
            len(levels) - 1 - i: _probability(lvl.get("m_probability"))
            for i, lvl in enumerate(levels)
        }
    return found


def fit_m(scored: pd.DataFrame, current: MLevels, prior_strength: float) -> MLevels:
    """m blended from the labelled matches in `scored` (`label` 1) and the current m."""
    if prior_strength == NO_CHANGE:
        return current
    matches = scored[scored["label"] == 1]
    fitted: MLevels = {}
    for name, levels in current.items():
        gammas = matches[f"gamma_{name}"]
        gammas = gammas[gammas >= 0]
        n = float(len(gammas))
        counts = gammas.value_counts()
        known = {g: m for g, m in levels.items() if m is not None}
        # levels without an m keep none; the labelled matches at them are left out of the blend
        n_known = float(sum(int(counts.get(g, 0)) for g in known)) if n else 0.0
        fitted[name] = {
            g: (
                None
                if m is None
                else (float(counts.get(g, 0)) + prior_strength * m) / (n_known + prior_strength)
            )
            for g, m in levels.items()
        }
    return fitted


def weights(scored: pd.DataFrame, current: MLevels, fitted: MLevels, shift: float) -> np.ndarray:
    """Each pair's match weight under the fitted m and the shift."""
    total = scored["match_weight"].to_numpy(dtype=float) + shift
    for name, levels in current.items():
        gammas = scored[f"gamma_{name}"].to_numpy()
        delta = np.zeros(len(scored))
        for g, m_old in levels.items():
            m_new = fitted[name][g]
            if m_old and m_new:
                delta[gammas == g] = math.log2(m_new / m_old)
        total = total + delta
    return total


def figures(labels: np.ndarray, match_weights: np.ndarray) -> Figures:
    probability = 1.0 / (1.0 + np.power(2.0, -match_weights))
    clipped = np.clip(probability, 1e-9, 1 - 1e-9)
    predicted = probability >= 0.5
    truth = labels == 1
    tp = int(np.sum(predicted & truth))
    fp = int(np.sum(predicted & ~truth))
    fn = int(np.sum(~predicted & truth))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    loss = -np.mean(truth * np.log(clipped) + (~truth) * np.log(1 - clipped))
    return Figures(
        pairs=len(labels),
        matches=int(np.sum(truth)),
        accuracy=float(np.mean(predicted == truth)) if len(labels) else 0.0,
        precision=precision,
        recall=recall,
        f1=f1,
        log_loss=float(loss) if len(labels) else 0.0,
    )


def candidates(matches: int) -> list[Candidate]:
    """Every candidate, the current model first (so it wins ties)."""
    found = [
        Candidate(factor if factor == NO_CHANGE else factor * max(matches, 1), shift)
        for factor in STRENGTH_FACTORS
        for shift in SHIFTS
    ]
    current = Candidate(NO_CHANGE, 0.0)
    return [current, *(c for c in found if c != current)]


def cross_validate(
    scored: pd.DataFrame, current: MLevels, candidate: Candidate, *, folds: int, seed: int = 7
) -> Figures:
    """Figures of `candidate` on each fold's labels, fitted on the other folds, pooled."""
    order = np.random.default_rng(seed).permutation(len(scored))
    fold_of = np.empty(len(scored), dtype=int)
    fold_of[order] = np.arange(len(scored)) % folds
    pooled_weights = np.zeros(len(scored))
    for fold in range(folds):
        held = fold_of == fold
        fitted = fit_m(scored[~held], current, candidate.prior_strength)
        pooled_weights[held] = weights(scored[held], current, fitted, candidate.shift)
    return figures(scored["label"].to_numpy(), pooled_weights)


def keeps_statuses(
    candidate: Candidate,
    fitted: MLevels,
    guard: pd.DataFrame,
    current: MLevels,
    *,
    bars: tuple[float, ...],
) -> bool:
    """True if no pair in `guard` (scored pairs the reviewers did not label) crosses any of the
    `bars` (the auto-link and review-floor weights) either way under the candidate.

    The labels all come from the review band, so they say nothing about the pairs the model
    links on its own or drops; a candidate that would add or drop automatic links, or push pairs
    out of (or into) review, is not adopted. Clustering then sees the same automatic links (and
    the decisions as constraints), so the persons, and their pairwise F1, cannot get worse.
    """
    if candidate.is_current or guard.empty:
        return True
    before = guard["match_weight"].to_numpy(dtype=float)
    after = weights(guard, current, fitted, candidate.shift)
    return all(bool(np.all((before >= bar) == (after >= bar))) for bar in bars)


def choose(
    scored: pd.DataFrame,
    current: MLevels,
    *,
    folds: int,
    guard: pd.DataFrame | None = None,
    bars: tuple[float, ...] = (),
) -> tuple[Candidate, Figures]:
    """The candidate with the lowest cross-validated log-loss among those that keep every
    unlabelled pair's status (`keeps_statuses`); ties go to the current model."""
    matches = int((scored["label"] == 1).sum())
    best: tuple[Candidate, Figures] | None = None
    for candidate in candidates(matches):
        if guard is not None and not keeps_statuses(
            candidate, fit_m(scored, current, candidate.prior_strength), guard, current, bars=bars
        ):
            continue
        found = cross_validate(scored, current, candidate, folds=folds)
        if best is None or found.log_loss < best[1].log_loss - 1e-9:
            best = (candidate, found)
    assert best is not None
    return best


def updated_model(model: dict[str, Any], fitted: MLevels, shift: float) -> dict[str, Any]:
    """The model JSON with the fitted m-probabilities and λ shifted by `shift` bits."""
    new = copy.deepcopy(model)
    lam = float(new["probability_two_random_records_match"])
    odds = (lam / (1.0 - lam)) * (2.0**shift)
    new["probability_two_random_records_match"] = odds / (1.0 + odds)
    for comparison in new["comparisons"]:
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        m = fitted[comparison["output_column_name"]]
        for i, level in enumerate(levels):
            value = m[len(levels) - 1 - i]
            if value is not None:
                level["m_probability"] = value
    return new
