"""Which model scores a full run: one trained on the registry, or the one shipped with Kintrace.

A registry's main job must not fail because it is small or uniform (issue 10, decision 0320).
Before training, `training_blockers` checks what EM needs (`TrainingCriteria`: records,
sources, pairs in each EM pass, a pair for the prior); after training, `spec.floors.doubts`
checks the model still ranks agreement above disagreement. Short of either, or when training
fails, the run scores with the **shipped model**: trained by `scripts/train_fallback_model.py`
on synthetic lists from two independent generators, versioned, with its provenance stored in
the file, shipped as package data (`kintrace/linkage/models/`). The run says so in its summary
and stores which model it used (`link_runs.model_origin`, `model_about`).

The shipped model's λ (the probability that two random records match) belongs to the size it
was trained at: each record has about as many matching records whatever the registry's size,
so λ scales as 1 / (records - 1) and is rescaled to the registry (`for_registry`). Term
frequencies are always the registry's own (Splink computes them when scoring).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import pandas as pd

from kintrace.linkage import runner
from kintrace.linkage.engine import Engine
from kintrace.linkage.spec import ModelSpec
from kintrace.linkage.spec.floors import doubts, floor_model
from kintrace.linkage.training import pair_count

SHIPPED_FILE = "kintrace-fallback.json"
Origin = Literal["trained", "shipped", "given"]


class ShippedModelError(RuntimeError):
    """The shipped model is missing or does not fit the spec (a packaging or version error)."""


@dataclass(frozen=True)
class ShippedModel:
    """The model file: Splink's model and where it came from (`provenance`)."""

    model: dict[str, Any]
    provenance: dict[str, Any]

    @property
    def label(self) -> str:
        p = self.provenance
        return f"{p['name']} v{p['version']}"

    def describe(self) -> str:
        """One line for the run summary: the model, its version and how it was made."""
        p = self.provenance
        sets = "; ".join(
            f"{d['generator']} seed {d['seed']}, {d['children']:,} children" for d in p["datasets"]
        )
        return (
            f"{self.label}, trained {p['created']} on synthetic lists ({sets}; "
            f"{p['records']:,} records), Kintrace {p['kintrace_version']}, "
            f"code {p['code_hash'][:12]}"
        )


def load_shipped(spec: ModelSpec) -> ShippedModel:
    """The shipped model, checked against `spec` (same comparisons and levels)."""
    try:
        text = (
            resources.files("kintrace.linkage")
            .joinpath("models", SHIPPED_FILE)
            .read_text(encoding="utf-8")
        )
        data = json.loads(text)
        model, provenance = data["model"], data["provenance"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ShippedModelError(
            f"the model shipped with Kintrace (linkage/models/{SHIPPED_FILE}) cannot be read "
            f"({type(exc).__name__}); reinstall Kintrace"
        ) from None
    try:
        floor_model(spec, model)
    except (ValueError, KeyError) as exc:
        raise ShippedModelError(
            f"the shipped model does not fit the {spec.name!r} model spec ({exc}); regenerate "
            "it: python scripts/train_fallback_model.py"
        ) from None
    return ShippedModel(model=model, provenance=provenance)


def for_registry(shipped: ShippedModel, n_records: int) -> dict[str, Any]:
    """The shipped model with λ rescaled from the registry it was trained on to `n_records`
    (capped at 0.5: with a handful of records, λ says little either way)."""
    model = json.loads(json.dumps(shipped.model))
    trained_on = int(shipped.provenance["records"])
    lam = float(model["probability_two_random_records_match"])
    scaled = lam * (trained_on - 1) / max(n_records - 1, 1)
    model["probability_two_random_records_match"] = min(scaled, 0.5)
    return model


def training_blockers(spec: ModelSpec, features: pd.DataFrame) -> list[str]:
    """Why this registry cannot train the model, in words (empty: it can)."""
    t = spec.training
    c = t.criteria
    found: list[str] = []
    n = len(features)
    if n < c.min_records:
        found.append(f"the registry has {n:,} records; training needs at least {c.min_records:,}")
    sources = features["source"].nunique() if "source" in features.columns else 0
    if sources < c.min_sources:
        found.append(
            f"the records come from {sources} source(s); training needs lists from at least "
            f"{c.min_sources} (one list's records are rarely the same child twice)"
        )
    if n >= 2:
        for rule in t.prior_rules:
            if pair_count(features, rule.columns) == 0:
                found.append(
                    f"no two records share {rule.name}, so the share of matching pairs cannot "
                    "be estimated"
                )
        for rule in t.em_rules:
            pairs = pair_count(features, rule.columns)
            if pairs < c.min_em_pairs:
                found.append(
                    f"{pairs:,} pairs share {rule.name}; EM needs at least {c.min_em_pairs:,}"
                )
    return found


@dataclass(frozen=True)
class ModelChoice:
    """The model a run scores with, where it came from, and why (for the summary and the run
    row)."""

    model: dict[str, Any]
    origin: Origin
    label: str  # "trained on this registry", "kintrace-fallback v1", "given (--model)"
    reasons: tuple[str, ...] = ()  # why the shipped model was used
    about: str = ""  # the shipped model's provenance in one line
    floored: tuple[str, ...] = ()  # estimates the floors changed (trained models)
    provenance: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> str:
        """What the run row keeps (`link_runs.model_about`)."""
        return json.dumps(
            {
                "label": self.label,
                "reasons": list(self.reasons),
                "about": self.about,
                "floored": list(self.floored),
                "provenance": self.provenance,
            },
            ensure_ascii=False,
        )


def choose_model(
    spec: ModelSpec,
    features: pd.DataFrame,
    *,
    engine: Engine,
    given: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ModelChoice:
    """Train on the registry when it can be trained and the result is sound; otherwise the
    shipped model. A `given` model (`kintrace link --model`) is used as it is."""
    say = progress or (lambda _msg: None)
    if given is not None:
        return ModelChoice(model=given, origin="given", label="given (--model)")
    blockers = training_blockers(spec, features)
    if blockers:
        return _shipped(spec, len(features), blockers)
    say("training the model (u by random sampling, m by EM)")
    try:
        floored = runner.train_floored(spec, features, engine=engine, progress=say)
    except runner.TrainingError as exc:
        return _shipped(spec, len(features), [f"training stopped: {exc.reason}"])
    concerns = doubts(spec, floored.model)
    if concerns:
        return _shipped(
            spec, len(features), [f"the model trained on this registry is unsound: {c}"
                                  for c in concerns]
        )  # fmt: skip
    return ModelChoice(
        model=floored.model,
        origin="trained",
        label="trained on this registry",
        floored=tuple(str(change) for change in floored.changes),
    )


def _shipped(spec: ModelSpec, n_records: int, reasons: list[str]) -> ModelChoice:
    shipped = load_shipped(spec)
    return ModelChoice(
        model=for_registry(shipped, n_records),
        origin="shipped",
        label=shipped.label,
        reasons=tuple(reasons),
        about=shipped.describe(),
        provenance=shipped.provenance,
    )
