"""`link`: registry -> features -> Splink -> scored pairs -> persons, as one service function.

The first run trains the model; later runs score only new or changed records against the rest
(Splink's predict_between / predict_within) with the saved model; `full=True` retrains and
rescores everything. A registry too small or uniform to train scores with the model shipped
with Kintrace instead, and the report says so (`kintrace.linkage.fallback`, decision 0320).
Results are written in one transaction at the end, so a run interrupted half-way leaves the
previous results intact.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kintrace import audit
from kintrace.linkage import runner
from kintrace.linkage.blocking import DEFAULT_BLOCK_CAP, plan_blocking
from kintrace.linkage.clustering import Link
from kintrace.linkage.decide import decide
from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.errors import LinkInputError
from kintrace.linkage.fallback import ModelChoice, choose_model, training_blockers
from kintrace.linkage.feature_cache import cache_path, registry_features
from kintrace.linkage.pipeline import candidates, train_and_score, weights_json
from kintrace.linkage.ports import ReviewerVerdicts, verdict_constraints
from kintrace.linkage.spec import ModelSpec, SourceKind, Thresholds, kintrace_spec
from kintrace.linkage.store_io import (
    Key,
    PreviousState,
    RunResults,
    previous_state,
    source_kinds,
    start_run,
    stored_auto_links,
    write_results,
)
from kintrace.store.engine import Store

Progress = Callable[[str], None]


@dataclass
class LinkOptions:
    full: bool = False
    engine: EngineConfig = field(default_factory=EngineConfig)
    thresholds: Thresholds | None = None
    actor: str = "cli"
    chunks: int | None = None  # predict in chunks x chunks pieces (None: by size)
    #: records per block above which a blocking rule leaves the block out (reported)
    block_cap: int = DEFAULT_BLOCK_CAP
    # Score a full run with this model instead of training one: how a model re-estimated from
    # reviewers' decisions (`kintrace model retrain`) reaches later runs. Implies a full run; the
    # run stores it, so incremental runs after it score with it too.
    model: dict[str, Any] | None = None


@dataclass(frozen=True)
class LinkReport:
    run_id: int | None
    mode: str  # full | incremental | nothing-new
    records_total: int
    records_new: int
    pairs_scored: int
    pairs_auto: int
    pairs_pending: int
    persons: int
    seconds: float
    refused_by_constraints: int = 0
    #: which model scored the run: trained (on this registry), shipped (with Kintrace: the
    #: registry could not train one, `model_reasons` say why) or given (`--model`)
    model_origin: str = "trained"
    model_label: str = ""
    model_reasons: tuple[str, ...] = ()
    model_about: str = ""  # the shipped model's provenance in one line
    model_run_id: int | None = None  # the full run whose model scored this one
    floored: tuple[str, ...] = ()  # estimates the floors changed when it was trained
    warnings: tuple[str, ...] = ()  # what the user should do (sources of unknown kind ...)


def check_linkable(features: pd.DataFrame) -> None:
    """Refuse inputs no model can link, with a message a caseworker can act on. (A registry
    too small or uniform to *train* a model is linked with the shipped one.)"""
    n = len(features)
    if n == 0:
        raise LinkInputError(
            "The registry has no records, so there is nothing to link. "
            "Import lists first: kintrace import FILE..."
        )
    if n == 1:
        raise LinkInputError(
            "The registry has one record; linking needs at least two. Import more lists."
        )
    if features[["given_key", "family_key"]].isna().all(axis=None):
        raise LinkInputError(
            f"None of the {n} records has a usable given or family name, and names are the "
            "model's main evidence. Check the name columns of the imported lists "
            "(given_name, family_name or full_name)."
        )
    if features["birth_year_min"].isna().all():
        raise LinkInputError(
            f"None of the {n} records has a birth date or an age, and the model needs dates to "
            "tell children with the same name apart. Check the birth_date / age columns of the "
            "imported lists."
        )


def link(
    store: Store,
    *,
    verdicts: ReviewerVerdicts,
    options: LinkOptions | None = None,
    spec: ModelSpec | None = None,
    progress: Progress | None = None,
) -> LinkReport:
    """Link the registry (see the module docstring); returns the figures of the run.

    `verdicts` reads the reviewers' decisions (`kintrace.review.decisions.constraints`): they
    are passed in, not imported, so the model layer does not depend on the review area
    (`kintrace.linkage.ports`). It is required: a run that forgot them would undo people's
    verdicts.
    """
    options = options or LinkOptions()
    spec = spec or kintrace_spec()
    if options.thresholds:
        spec = spec.with_thresholds(options.thresholds)
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    say("reading the registry")
    with store.session() as session:
        state = previous_state(session)
        kinds_now = source_kinds(session)
        full = options.full or options.model is not None or state.model is None
        must, cannot = verdict_constraints(verdicts, session)
        old_auto = stored_auto_links(session)
        say("computing name keys and features")
        records, features = registry_features(
            session, cache=cache_path(store.settings.home), use_cache=not full
        )
    check_linkable(features)
    keys: list[Key] = list(zip(records["source"], records["record_id"], strict=True))
    hashes = dict(zip(keys, records["content_hash"], strict=True))
    # a source whose kind changed since the last run has its records rescored (the kind is a
    # feature: an adoption listing's replaced names stop counting against a match)
    rekinded = _kind_changed(state.source_kinds, kinds_now)
    new_mask = [state.linked_hash.get(k) != hashes[k] or k[0] in rekinded for k in keys]
    n_new = int(sum(new_mask))
    # Records under a reviewer's decision are re-clustered by every incremental run: a decision
    # taken since the last run must hold even when nothing new was imported.
    decided_keys = {k for pair in (*must, *cannot) for k in pair}
    warnings = _unknown_kinds(records, kinds_now)
    if not full and n_new == 0 and not _decisions_pending(state.person_of, must, cannot):
        return LinkReport(
            None,
            "nothing-new",
            len(keys),
            0,
            0,
            0,
            0,
            len(set(state.person_of.values())),
            time.perf_counter() - started,
            warnings=tuple(warnings),
        )
    with store.session(write=True) as session:
        run_id = start_run(
            session,
            values={
                "mode": "full" if full else "incremental",
                "engine": options.engine.name,
                "model_name": spec.name,
                "model_run_id": state.model_run_id,
                "auto_link": spec.thresholds.auto_link,
                "review_floor": spec.thresholds.review_floor,
                "actor": options.actor,
            },
        )
    engine = open_engine(options.engine)
    choice = _stored_choice(state)
    try:
        if not full and n_new == 0:
            model, pairs = state.model, runner.empty_pairs(spec)
        elif full:
            choice = choose_model(spec, features, engine=engine, given=options.model, progress=say)
            blocks = plan_blocking(spec, features, cap=options.block_cap)
            warnings.extend(blocks.warnings())
            model, pairs = train_and_score(
                spec,
                features,
                engine=engine,
                chunks=options.chunks,
                progress=say,
                model=choice.model,
                blocks=blocks,
            )
        else:
            assert state.model is not None
            model = state.model
            say(f"scoring {n_new} new or changed records against the registry")
            is_new = pd.Series(new_mask, index=features.index)
            pairs = runner.predict_incremental(
                spec,
                model,
                existing=features[~is_new],
                new=features[is_new],
                engine=engine,
                floor=spec.thresholds.candidate_floor,
                block_cap=options.block_cap,
            )
            pairs = candidates(spec, pairs)
    finally:
        engine.close()
    say("deciding the pairs (docs/linkage.md, the decision rules) and clustering persons")
    replaced = set(keys) if full else {k for k, new in zip(keys, new_mask, strict=True) if new}
    kept_links = [
        Link(left, right, prob)
        for left, right, prob in old_auto
        if not full and left not in replaced and right not in replaced
    ]
    decided = decide(
        pairs,
        features,
        spec,
        keys=keys,
        must_link=must,
        cannot_link=cannot,
        previous=state.person_of,
        kept_links=kept_links,
        touched=None if full else replaced | decided_keys,
    )
    scored, person_of = decided.pairs, decided.person_of
    pair_rows = _pair_rows(spec, scored)
    persons = len(set(person_of.values()))
    n_auto = sum(1 for p in pair_rows if p["status"] == "auto")
    if rekinded:
        warnings.append(
            "rescored the records of "
            + ", ".join(f"'{s}'" for s in sorted(rekinded))
            + ": the source's kind changed since the last run"
        )
    if not full and choice.origin == "shipped" and not training_blockers(spec, features):
        warnings.append(
            "the registry now holds what training needs: kintrace link --full trains a model "
            "on it (this run scored with the shipped model)"
        )
    run_values = {
        "model_json": json.dumps(model, ensure_ascii=False) if full else None,
        "model_run_id": run_id if full else state.model_run_id,
        "model_origin": choice.origin,
        "model_about": choice.as_json(),
        "source_kinds": json.dumps(kinds_now, ensure_ascii=False, sort_keys=True),
        "records_total": len(keys),
        "records_new": n_new,
        "pairs_scored": len(pairs),
        "pairs_stored": len(pair_rows),
        "persons": persons,
    }
    say("writing results")
    with store.session(write=True) as session:
        write_results(
            session,
            RunResults(
                run_id=run_id,
                full=full,
                replaced=replaced,
                pairs=pair_rows,
                person_of=person_of,
                content_hash=hashes,
                previous_person_of=state.person_of,
                run_values=run_values,
            ),
        )
        audit.append(
            session,
            actor=options.actor,
            action="link.run",
            entity_type="link_run",
            entity_id=run_id,
            details={
                k: v
                for k, v in run_values.items()
                if k not in ("model_json", "model_about", "source_kinds")
            }
            | {"mode": "full" if full else "incremental", "auto": n_auto},
        )
    return LinkReport(
        run_id=run_id,
        mode="full" if full else "incremental",
        records_total=len(keys),
        records_new=n_new,
        pairs_scored=len(pairs),
        pairs_auto=n_auto,
        pairs_pending=len(pair_rows) - n_auto,
        persons=persons,
        seconds=time.perf_counter() - started,
        refused_by_constraints=decided.refused,
        model_origin=choice.origin,
        model_label=choice.label,
        model_reasons=choice.reasons,
        model_about=choice.about,
        model_run_id=run_id if full else state.model_run_id,
        floored=choice.floored if full else (),
        warnings=tuple(warnings),
    )


def _stored_choice(state: PreviousState) -> ModelChoice:
    """The model of the last full run, as an incremental run reports it."""
    about = state.model_about or {}
    return ModelChoice(
        model=state.model or {},
        origin=state.model_origin or "trained",  # type: ignore[arg-type]
        label=str(about.get("label") or "trained on this registry"),
        reasons=tuple(about.get("reasons") or ()),
        about=str(about.get("about") or ""),
        provenance=dict(about.get("provenance") or {}),
    )


def _kind_changed(before: dict[str, str] | None, now: dict[str, str]) -> set[str]:
    """Sources whose kind differs from the one the last run linked with (none known: none)."""
    if before is None:
        return set()
    return {name for name, kind in now.items() if name in before and before[name] != kind}


def _unknown_kinds(records: pd.DataFrame, kinds: dict[str, str]) -> list[str]:
    """One warning naming every source of unknown kind with the command that sets it: without
    kinds the model cannot tell an adoption listing (names replaced on purpose) from a family's
    report."""
    counts = records["source"].value_counts()
    unknown = sorted(
        n for n in counts.index if SourceKind.parse(kinds.get(n)) is SourceKind.UNKNOWN
    )
    if not unknown:
        return []
    settable = ", ".join(k.value for k in SourceKind if k is not SourceKind.UNKNOWN)
    lines = [
        f"{len(unknown)} source(s) of kind 'unknown': the model cannot tell an adoption listing "
        "(surnames, patronymics and birthplaces replaced on purpose) from any other list, so "
        "those differences count against a match. Set each one's kind:"
    ]
    width = max(len(n) for n in unknown)
    lines += [
        f"  kintrace sources set-kind {name:<{width}} KIND   ({int(counts[name]):,} records)"
        for name in unknown
    ]
    lines.append(f"  KIND: {settable}")
    return ["\n".join(lines)]


def _decisions_pending(
    person_of: dict[Key, str], must: list[tuple[Key, Key]], cannot: list[tuple[Key, Key]]
) -> bool:
    """True when the stored persons contradict a reviewer's decision (taken since the run)."""
    for a, b in must:
        if a in person_of and b in person_of and person_of[a] != person_of[b]:
            return True
    return any(
        a in person_of and b in person_of and person_of[a] == person_of[b] for a, b in cannot
    )


def _pair_rows(spec: ModelSpec, scored: pd.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for record in scored.to_dict("records"):
        left, right = record["key_l"], record["key_r"]
        if right < left:
            left, right = right, left
        rows.append(
            {
                "source_l": left[0],
                "record_id_l": left[1],
                "source_r": right[0],
                "record_id_r": right[1],
                "match_probability": float(record["match_probability"]),
                "match_weight": float(record["match_weight"]),
                "status": record["status"],
                "rule": record["rule"],
                "weights": weights_json(spec, record),
            }
        )
    return rows
