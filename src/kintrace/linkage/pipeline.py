"""The scoring steps of a link run that do not touch the store, shared by the service and the
benches: train, score, keep the candidates. What happens to the candidates next is
`kintrace.linkage.decide`; records become persons in `kintrace.linkage.persons`."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from kintrace.linkage import runner
from kintrace.linkage.blocking import BlockPlan
from kintrace.linkage.engine import Engine
from kintrace.linkage.persons import DataConstraints, data_constraints, resolve, resolve_around
from kintrace.linkage.spec import ModelSpec

__all__ = [
    "DataConstraints",
    "candidates",
    "chunks_for",
    "data_constraints",
    "resolve",
    "resolve_around",
    "train_and_score",
    "weights_json",
]


def chunks_for(n_records: int, requested: int | None = None) -> int:
    """Predict in chunks x chunks pieces above ~200k records, to bound memory."""
    if requested:
        return requested
    return 1 if n_records <= 200_000 else max(2, round(n_records / 250_000))


def train_and_score(
    spec: ModelSpec,
    features: pd.DataFrame,
    *,
    engine: Engine,
    chunks: int | None = None,
    progress: runner.Progress | None = None,
    model: dict[str, Any] | None = None,
    blocks: BlockPlan | None = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Train on `features` (or take `model`, e.g. one re-estimated from reviewers' decisions by
    `kintrace model retrain`), then score every blocked pair at or above the review floor."""
    say = progress or (lambda _msg: None)
    if model is None:
        say("training the model (u by random sampling, m by EM)")
        model = runner.train(spec, features, engine=engine, progress=say)
    say("scoring candidate pairs")
    pairs = runner.predict(
        spec,
        model,
        features,
        engine=engine,
        floor=spec.thresholds.candidate_floor,
        chunks=chunks_for(len(features), chunks),
        blocks=blocks,
        candidates_only=True,
    )
    return model, candidates(spec, pairs)


def candidates(spec: ModelSpec, pairs: pd.DataFrame) -> pd.DataFrame:
    """The scored pairs worth keeping: at or above the review floor, or with a record of a kind
    that may be offered below it (an adoption listing, `KindPolicy.offered`) at or above the
    adoption offer floor (`kintrace.linkage.decide` may offer them)."""
    t = spec.thresholds
    if t.candidate_floor >= t.review_floor or pairs.empty:
        return pairs
    prob = pairs["match_probability"]
    offered = [str(k) for k in spec.kinds.offered]
    adoption = pairs["source_kind_l"].isin(offered) | pairs["source_kind_r"].isin(offered)
    keep = (prob >= t.review_floor) | (adoption & (prob >= t.adoption_offer))
    if keep.all():
        return pairs  # filtered in the database already (`runner.candidate_condition`): no copy
    return pairs[keep].reset_index(drop=True)


def weights_json(spec: ModelSpec, row: dict[str, Any]) -> str:
    weights = {c.name: round(float(row[f"mw_{c.name}"]), 4) for c in spec.comparisons}
    return json.dumps(weights, sort_keys=True)
