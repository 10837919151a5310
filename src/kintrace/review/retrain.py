"""`kintrace model retrain`: re-estimate the linkage model from reviewers' decisions.

Confirmed pairs are labelled matches, rejected pairs non-matches. The labelled pairs are scored
once with the current model (the last full link run's); `recalibration` then chooses, by
cross-validated log-loss, how far to move the model towards the verdicts — possibly not at all.
The result is written to `<home>/models/` with before/after figures and audited. Whether link
runs score with it is the linker's to decide (see docs/review-and-cases.md).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from splink import Linker
from sqlalchemy import select
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.cases import PairStatus, ReviewPolicy, WorkflowRefused
from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.features import feature_table
from kintrace.linkage.runner import bind_model
from kintrace.linkage.spec.model import kintrace_spec
from kintrace.linkage.store_io import load_records, previous_state
from kintrace.review import recalibration as rc
from kintrace.review.actors import Actor
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_pairs
from kintrace.store.review_tables import review_items

MIN_LABELS = 20
MIN_EACH = 5
RECOMMENDED_LABELS = 200
BATCH = 200  # labelled pairs scored per Splink call (a cartesian product of their records)
GUARD_BITS = 6.0  # stored pairs this close to a threshold weight are checked for crossing it
GUARD_LIMIT = 20_000


class RetrainRefused(WorkflowRefused):
    """Retraining cannot run on this registry yet."""


@dataclass(frozen=True)
class RetrainReport:
    labels: int
    matches: int
    before: rc.Figures
    after_in_sample: rc.Figures
    after_cross_validated: rc.Figures
    before_cross_validated: rc.Figures
    chosen: rc.Candidate
    model: dict[str, Any]
    path: Path | None

    @property
    def changed(self) -> bool:
        return not self.chosen.is_current


def labelled_pairs(session: Session) -> pd.DataFrame:
    """Confirmed (1) and rejected (0) pairs as record keys."""
    it = review_items.c
    rows = session.execute(
        select(it.source_l, it.record_id_l, it.source_r, it.record_id_r, it.status).where(
            it.status.in_([PairStatus.CONFIRMED.value, PairStatus.REJECTED.value])
        )
    ).all()
    return pd.DataFrame(
        [
            (r.source_l, r.record_id_l, r.source_r, r.record_id_r, int(r.status == "confirmed"))
            for r in rows
        ],
        columns=["source_l", "record_id_l", "source_r", "record_id_r", "label"],
    )


def _weight(probability: float) -> float:
    return math.log2(probability / (1.0 - probability)) if probability < 1.0 else math.inf


def stored_pairs(session: Session) -> pd.DataFrame:
    """The pairs the last link runs stored (auto and pending), with their match weight."""
    lp = link_pairs.c
    rows = session.execute(
        select(lp.source_l, lp.record_id_l, lp.source_r, lp.record_id_r, lp.match_weight)
    ).all()
    return pd.DataFrame(
        [tuple(r) for r in rows],
        columns=["source_l", "record_id_l", "source_r", "record_id_r", "match_weight"],
    )


def guard_pairs(
    stored: pd.DataFrame,
    uid_of: dict[tuple[str, str], int],
    *,
    bars: tuple[float, ...],
    exclude: set[tuple[int, int]],
) -> pd.DataFrame:
    """Unlabelled stored pairs within reach of a threshold (the ones an update could move
    across it), as (uid_l, uid_r, label=-1); at most GUARD_LIMIT, nearest first."""
    if stored.empty:
        return pd.DataFrame(columns=["uid_l", "uid_r", "label"])
    weight = stored["match_weight"].astype(float)
    distance = pd.concat([(weight - bar).abs() for bar in bars], axis=1).min(axis=1)
    near = stored[distance <= GUARD_BITS].assign(distance=distance)
    near = near.sort_values("distance").head(GUARD_LIMIT)
    a = [uid_of.get((s, r)) for s, r in zip(near["source_l"], near["record_id_l"], strict=True)]
    b = [uid_of.get((s, r)) for s, r in zip(near["source_r"], near["record_id_r"], strict=True)]
    rows = [
        (min(x, y), max(x, y), -1)
        for x, y in zip(a, b, strict=True)
        if x is not None and y is not None and (min(x, y), max(x, y)) not in exclude
    ]
    return pd.DataFrame(rows, columns=["uid_l", "uid_r", "label"])


def _tf_columns(model: dict[str, Any]) -> list[str]:
    return sorted(
        {
            lvl["tf_adjustment_column"]
            for c in model["comparisons"]
            for lvl in c["comparison_levels"]
            if lvl.get("tf_adjustment_column")
        }
    )


def score_labelled(
    model: dict[str, Any],
    features: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    spec_bound: dict[str, Any],
) -> pd.DataFrame:
    """The labelled pairs (uid_l, uid_r, label) with the model's match weight and levels."""
    engine = open_engine(EngineConfig())
    try:
        db = engine.db_api
        table = db.register(features, dataset_display_name="records", table_name="retrain_records")
        linker = Linker(table, spec_bound, log_level=None)
        for column in _tf_columns(model):
            linker.table_management.compute_tf_table(column)
        by_uid = features.set_index("uid", drop=False)
        found = []
        for start in range(0, len(labels), BATCH):
            batch = labels.iloc[start : start + BATCH]
            left = db.register(
                by_uid.loc[batch["uid_l"].unique()].reset_index(drop=True),
                dataset_display_name="left",
                table_name=f"retrain_left_{start}",
            )
            right = db.register(
                by_uid.loc[batch["uid_r"].unique()].reset_index(drop=True),
                dataset_display_name="right",
                table_name=f"retrain_right_{start}",
            )
            scored = linker.inference.score_pairs(left, right).as_pandas_dataframe()
            found.append(scored.merge(batch, on=["uid_l", "uid_r"], how="inner"))
        if not found:
            return labels.assign(match_weight=pd.Series(dtype=float))
        return pd.concat(found, ignore_index=True)
    finally:
        engine.close()


def retrain(
    store: Store,
    *,
    actor: Actor,
    policy: ReviewPolicy,
    home: Path,
    now: datetime,
    folds: int = 5,
    save: bool = True,
    progress: Callable[[str], None] | None = None,
) -> RetrainReport:
    """Re-estimate the model from the decisions; write it to `<home>/models/` if it changed."""
    say = progress or (lambda _msg: None)
    with store.session() as session:
        labels = labelled_pairs(session)
        stored = stored_pairs(session)
        state = previous_state(session)
        records = load_records(session)
    if state.model is None:
        raise RetrainRefused("There is no trained model yet: run `kintrace link` first.")
    matches = int(labels["label"].sum()) if len(labels) else 0
    if len(labels) < MIN_LABELS or matches < MIN_EACH or len(labels) - matches < MIN_EACH:
        raise RetrainRefused(
            f"Retraining needs at least {MIN_LABELS} decided pairs with at least {MIN_EACH} "
            f"confirmed and {MIN_EACH} rejected; there are {len(labels)} ({matches} confirmed). "
            f"Review more pairs (`kintrace review next`); {RECOMMENDED_LABELS} or more are best."
        )
    say("computing features")
    features = feature_table(records)
    uid_of = {
        (s, r): int(u)
        for s, r, u in zip(records["source"], records["record_id"], records["uid"], strict=True)
    }
    labels = labels.assign(
        uid_a=[
            uid_of.get((s, r))
            for s, r in zip(labels["source_l"], labels["record_id_l"], strict=True)
        ],
        uid_b=[
            uid_of.get((s, r))
            for s, r in zip(labels["source_r"], labels["record_id_r"], strict=True)
        ],
    ).dropna(subset=["uid_a", "uid_b"])
    labels = labels.assign(
        uid_l=labels[["uid_a", "uid_b"]].min(axis=1).astype(int),
        uid_r=labels[["uid_a", "uid_b"]].max(axis=1).astype(int),
    )[["uid_l", "uid_r", "label"]]
    say(f"scoring {len(labels)} labelled pairs with the current model")
    spec_bound = bind_model_for(state.model)
    scored = score_labelled(state.model, features, labels, spec_bound=spec_bound)
    current = rc.m_levels(state.model)
    truth = scored["label"].to_numpy()
    before = rc.figures(truth, scored["match_weight"].to_numpy(dtype=float))
    say("scoring the pairs near the thresholds")
    bars = (_weight(policy.auto_link_threshold), _weight(policy.review_floor))
    labelled = set(zip(labels["uid_l"], labels["uid_r"], strict=True))
    near = guard_pairs(stored, uid_of, bars=bars, exclude=labelled)
    guard = score_labelled(state.model, features, near, spec_bound=spec_bound)
    say("choosing the update by cross-validation")
    chosen, after_cv = rc.choose(scored, current, folds=folds, guard=guard, bars=bars)
    before_cv = rc.cross_validate(scored, current, rc.Candidate(rc.NO_CHANGE, 0.0), folds=folds)
    fitted = rc.fit_m(scored, current, chosen.prior_strength)
    after = rc.figures(truth, rc.weights(scored, current, fitted, chosen.shift))
    model = rc.updated_model(state.model, fitted, chosen.shift)
    path = None
    if save and not chosen.is_current:
        directory = home / "models"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"retrained-{now:%Y%m%dT%H%M%SZ}.json"
        path.write_text(json.dumps(model, indent=1, sort_keys=True), encoding="utf-8")
    with store.session(write=True) as session:
        audit.append(
            session,
            actor=actor.name,
            action="model.retrain",
            entity_type="model",
            entity_id=str(path.name if path else "unchanged"),
            details={
                "labels": len(scored),
                "matches": int(truth.sum()),
                "prior_strength": None
                if chosen.prior_strength == rc.NO_CHANGE
                else chosen.prior_strength,
                "shift_bits": chosen.shift,
                "log_loss_before_cv": round(before_cv.log_loss, 6),
                "log_loss_after_cv": round(after_cv.log_loss, 6),
                "model_sha256": hashlib.sha256(
                    json.dumps(model, sort_keys=True).encode("utf-8")
                ).hexdigest(),
            },
        )
    return RetrainReport(
        labels=len(scored),
        matches=int(truth.sum()),
        before=before,
        after_in_sample=after,
        after_cross_validated=after_cv,
        before_cross_validated=before_cv,
        chosen=chosen,
        model=model,
        path=path,
    )


def bind_model_for(model: dict[str, Any]) -> dict[str, Any]:
    """The model bound to DuckDB (it is scored there) with the level columns kept."""
    bound = bind_model(kintrace_spec(), model, "duckdb")
    bound = json.loads(json.dumps(bound))
    bound["retain_intermediate_calculation_columns"] = True
    return bound
