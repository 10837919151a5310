"""The steps of a link run that do not touch the store: shared by the service and the benches."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from kintrace.linkage import runner
from kintrace.linkage.adoption import best_offers, sibling_offers
from kintrace.linkage.clustering import Clustering, Link, cluster, sequential_ids
from kintrace.linkage.constraints import twin_cannot_links
from kintrace.linkage.engine import Engine
from kintrace.linkage.spec import ModelSpec
from kintrace.linkage.spec.model import ADOPTION_KIND


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
    )
    return model, candidates(spec, pairs)


def candidates(spec: ModelSpec, pairs: pd.DataFrame) -> pd.DataFrame:
    """The scored pairs worth keeping: at or above the review floor, or with an adoption-listing
    record at or above the adoption offer floor (they may be offered through siblings)."""
    t = spec.thresholds
    if t.candidate_floor >= t.review_floor or pairs.empty:
        return pairs
    prob = pairs["match_probability"]
    adoption = (pairs["source_kind_l"] == ADOPTION_KIND) | (pairs["source_kind_r"] == ADOPTION_KIND)
    keep = (prob >= t.review_floor) | (adoption & (prob >= t.adoption_offer))
    return pairs[keep].reset_index(drop=True)


def _both_known(pair: dict[str, Any]) -> bool:
    """Both given names are in the name tables (a class like "ivan:m"), so a disagreement means
    two different names; an unknown spelling (a typo, a rare diminutive) means nothing sure.
    Without the classes in the pair, assume known (the safe side)."""
    left, right = pair.get("given_class_l"), pair.get("given_class_r")
    if left is None and right is None and "given_class_l" not in pair:
        return True
    return isinstance(left, str) and isinstance(right, str) and ":" in left and ":" in right


def status_of(spec: ModelSpec, pair: dict[str, Any]) -> str | None:
    """`auto`, `pending` or None (below the floor), for one scored pair.

    Two kinds of pair are never linked without a person looking at them, however strong the
    rest: two different known given names (what siblings and twins look like), and a surname
    that disagrees with a record from an adoption listing (where names are replaced).
    """
    status = spec.thresholds.status(float(pair["match_probability"]))
    if status != "auto":
        return status
    if float(pair.get("mw_given_name", 0.0)) < 0 and _both_known(pair):
        return "pending"
    kinds = {pair.get("source_kind_l"), pair.get("source_kind_r")}
    if ADOPTION_KIND in kinds and float(pair.get("mw_family_name", 1.0)) <= 1.0:
        return "pending"
    return status


def with_status(
    spec: ModelSpec, pairs: pd.DataFrame, features: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Pairs with their `status` (auto / pending); pairs below the review floor dropped.

    With `features`, an adoption pair below the floor is `pending` when its sibling context
    supports it (`adoption.sibling_offers`).
    """
    statuses = [status_of(spec, row) for row in pairs.to_dict("records")]
    t = spec.thresholds
    if features is not None and t.adoption_offer < t.review_floor:
        for position in sibling_offers(
            pairs, features, below=t.review_floor, per_record=t.adoption_offers_per_record
        ):
            if float(pairs["match_probability"].iat[position]) >= t.adoption_offer:
                statuses[position] = "pending"
        for position in best_offers(
            pairs,
            features,
            below=t.review_floor,
            floor=t.adoption_offer,
            per_record=t.adoption_offers_per_record,
        ):
            statuses[position] = "pending"
    kept = pairs.assign(status=statuses)
    return kept[kept["status"].notna()].reset_index(drop=True)


#: A candidate of another person counts as a rival when its probability is within this margin of
#: the pair's own (a 0.6 look-alike does not make a 0.95 match ambiguous; a 0.9 one does).
RIVAL_MARGIN = 0.15

#: A promoted pair may have no comparison speaking against it more strongly than this.
MAX_EVIDENCE_AGAINST = -1.0


def _eligible(spec: ModelSpec, row: dict[str, Any]) -> bool:
    """Would this pair be auto-linked at a high enough probability (the same safety rules), and
    does nothing speak clearly against it (two full birth dates months apart, another place)?"""
    against = [float(row[f"mw_{c.name}"]) for c in spec.comparisons if f"mw_{c.name}" in row]
    if against and min(against) < MAX_EVIDENCE_AGAINST:
        return False
    return status_of(spec, {**row, "match_probability": 1.0}) == "auto"


def promote_unambiguous(
    spec: ModelSpec,
    pairs: pd.DataFrame,
    person_of: Mapping[Any, str],
    *,
    key_l: str = "uid_l",
    key_r: str = "uid_r",
) -> pd.DataFrame:
    """Mark as `auto` the pending pairs that are each record's only plausible match.

    `person_of` is the clustering from the auto links alone. A pending pair at or above
    `thresholds.unambiguous_link` is promoted when no comparison speaks clearly against it and
    both records have no candidate pair (at or above the review floor) with a record of any
    other person: a partner list's year-only
    record of a child then joins the child's person, while a record that could be either of two
    look-alike children stays pending for a person to decide.
    """
    floor = spec.thresholds.unambiguous_link
    if floor >= 1.0 or pairs.empty:
        return pairs
    # best probability of each record towards each other person
    best: dict[Hashable, dict[str, float]] = {}
    for left, right, prob in zip(
        pairs[key_l], pairs[key_r], pairs["match_probability"], strict=True
    ):
        p_left, p_right = person_of.get(left, f"?{left}"), person_of.get(right, f"?{right}")
        if p_left == p_right:
            continue
        for record, other in ((left, p_right), (right, p_left)):
            seen = best.setdefault(record, {})
            seen[other] = max(seen.get(other, 0.0), float(prob))

    def rival(record: Hashable, partner_person: str, prob: float) -> bool:
        return any(
            other != partner_person and value >= prob - RIVAL_MARGIN
            for other, value in best.get(record, {}).items()
        )

    status = pairs["status"].to_list()
    for i, row in enumerate(pairs.to_dict("records")):
        prob = float(row["match_probability"])
        if status[i] != "pending" or prob < floor:
            continue
        left, right = row[key_l], row[key_r]
        p_left, p_right = person_of.get(left, f"?{left}"), person_of.get(right, f"?{right}")
        if rival(left, p_right, prob) or rival(right, p_left, prob):
            continue
        if _eligible(spec, row):
            status[i] = "auto"
    return pairs.assign(status=status)


def weights_json(spec: ModelSpec, row: dict[str, Any]) -> str:
    weights = {c.name: round(float(row[f"mw_{c.name}"]), 4) for c in spec.comparisons}
    return json.dumps(weights, sort_keys=True)


def resolve(
    features: pd.DataFrame,
    links: Iterable[Link[Hashable]],
    *,
    keys: Sequence[Hashable] | None = None,
    must_link: Iterable[tuple[Hashable, Hashable]] = (),
    cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
    previous: dict[Hashable, str] | None = None,
) -> Clustering[Hashable]:
    """Cluster records into persons with reviewers' constraints plus the twin rule.

    `keys` names the records (default: their `uid`); links and constraints use the same names.
    A reviewer's must-link lifts the twin rule for that pair.
    """
    uids = [int(u) for u in features["uid"]]
    names = list(keys) if keys is not None else uids
    name_of = dict(zip(uids, names, strict=True))
    must = list(must_link)
    confirmed = {frozenset(pair) for pair in must}
    twins = [(name_of[a], name_of[b]) for a, b in twin_cannot_links(features)]
    cannot = list(cannot_link) + [t for t in twins if frozenset(t) not in confirmed]
    previous = previous or {}
    return cluster(
        names,
        links,
        must_link=must,
        cannot_link=cannot,
        previous=previous,
        new_id=sequential_ids(previous.values()),
    )


def resolve_around(
    features: pd.DataFrame,
    links: Iterable[Link[Hashable]],
    *,
    touched: Iterable[Hashable],
    previous: Mapping[Hashable, str],
    keys: Sequence[Hashable] | None = None,
    must_link: Iterable[tuple[Hashable, Hashable]] = (),
    cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
) -> dict[Hashable, str]:
    """Incremental clustering: re-cluster only the persons an incremental run touched.

    `touched` are the records of the run (new or changed, and both ends of its links). The
    persons they belonged to are taken apart and clustered again with every link among their
    records; every other person keeps its records and id untouched. Returns the new person id of
    every record (`previous` updated), ids minted after the highest ever used.
    """
    uids = [int(u) for u in features["uid"]]
    names = list(keys) if keys is not None else uids
    links = list(links)
    touched_set = set(touched)
    affected_persons = {previous[k] for k in touched_set if k in previous}
    scope = touched_set | {k for k, person in previous.items() if person in affected_persons}
    position = [i for i, name in enumerate(names) if name in scope]
    local_features = features.iloc[position]
    local_names = [names[i] for i in position]
    local_links = [link for link in links if link.left in scope and link.right in scope]

    def inside(pairs: Iterable[tuple[Hashable, Hashable]]) -> list[tuple[Hashable, Hashable]]:
        return [(a, b) for a, b in pairs if a in scope and b in scope]

    local_previous = {k: v for k, v in previous.items() if k in scope}
    minted = sequential_ids(previous.values())
    local = resolve(
        local_features,
        local_links,
        keys=local_names,
        must_link=inside(must_link),
        cannot_link=inside(cannot_link),
        previous=local_previous,
    )
    # `resolve` mints from the local ids only; re-mint ids that were not in the local history
    # so they cannot collide with a person outside the scope.
    fresh: dict[str, str] = {}
    kept_ids = set(local_previous.values())
    result = dict(previous)
    for name, person in local.person_of.items():
        if person not in kept_ids:
            person = fresh.setdefault(person, minted())
        result[name] = person
    return result
