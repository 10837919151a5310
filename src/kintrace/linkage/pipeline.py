"""The steps of a link run that do not touch the store: shared by the service and the benches."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kintrace.linkage import runner
from kintrace.linkage.adoption import best_offers, sibling_offers
from kintrace.linkage.clustering import Clustering, Link, cluster, sequential_ids
from kintrace.linkage.constraints import IdentityConflicts, twin_cannot_links
from kintrace.linkage.context import GroupContext
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


#: A promoted pair may have no comparison speaking against it more strongly than this; no
#: pair whose birth dates speak against it this strongly links without review (`status_of`).
MAX_EVIDENCE_AGAINST = -1.0


def _both_known(pair: Mapping[str, Any]) -> bool:
    """Both given names are in the name tables (a class like "ivan:m"), so a disagreement means
    two different names; an unknown spelling (a typo, a rare diminutive) means nothing sure.
    Without the classes in the pair, assume known (the safe side)."""
    left, right = pair.get("given_class_l"), pair.get("given_class_r")
    if left is None and right is None and "given_class_l" not in pair:
        return True
    return isinstance(left, str) and isinstance(right, str) and ":" in left and ":" in right


def status_of(spec: ModelSpec, pair: dict[str, Any]) -> str | None:
    """`auto`, `pending` or None (below the floor), for one scored pair.

    Three kinds of pair are never linked without a person looking at them, however strong the
    rest: two different known given names (what siblings and twins look like), a surname that
    disagrees with a record from an adoption listing (where names are replaced), and birth
    dates that speak against the pair (weight below `MAX_EVIDENCE_AGAINST`: two dates months
    or years apart) outside adoption listings (decision 0315: on the demo data every such
    auto link between Ukrainian, camp and partner records was wrong — look-alike children of
    one name — and every one with an adoption record right, where dates are changed on purpose).
    """
    status = spec.thresholds.status(float(pair["match_probability"]))
    if status == "auto" and hold_reason(pair) is not None:
        return "pending"
    return status


def hold_reason(pair: Mapping[str, Any]) -> str | None:
    """Why a pair is never linked without a person looking at it whatever its probability
    (`status_of`), in words for a reviewer; None when nothing holds it."""
    if float(pair.get("mw_given_name", 0.0)) < 0 and _both_known(pair):
        return "two different first names the name tables know (what siblings and twins look like)"
    kinds = {pair.get("source_kind_l"), pair.get("source_kind_r")}
    if ADOPTION_KIND in kinds:
        if float(pair.get("mw_family_name", 1.0)) <= 1.0:
            return (
                "a record from an adoption listing under another surname (names are replaced there)"
            )
    elif float(pair.get("mw_birth_date", 0.0)) < MAX_EVIDENCE_AGAINST:
        return "birth dates that speak against the pair, outside adoption listings (decision 0315)"
    return None


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
            per_record=t.adoption_unseen_offers,
        ):
            statuses[position] = "pending"
    kept = pairs.assign(status=statuses)
    return kept[kept["status"].notna()].reset_index(drop=True)


#: A candidate of another person counts as a rival when its probability is within this margin of
#: the pair's own (a 0.85 look-alike does not make a 0.97 match ambiguous; a 0.93 one does).
#: 0.15 until the rule attached lone records only (decision 0312); since then 0.05 links more at
#: the same precision (20,000 demo children: recall +0.3 points, precision 0.9914 -> 0.9913),
#: while 0 (the best candidate always wins) costs 0.3 points of precision.
RIVAL_MARGIN = 0.05


def _known_class(value: object) -> bool:
    return isinstance(value, str) and ":" in value


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and value != value)


def kept_identity(pair: Mapping[str, Any]) -> bool:
    """A renamed adoption-listing pair where everything a renaming keeps agrees (decision 0312):
    the same given name (one class the tables know: same name, Ukrainian/Russian form or
    diminutive), the same full birth date, sex not disagreeing, and no agreeing patronymic
    under a replaced surname (a namesake's sign, not a renaming's). The documented pattern: a
    child re-registered under a new surname and birthplace with the birth date unchanged."""
    kinds = {pair.get("source_kind_l"), pair.get("source_kind_r")}
    if ADOPTION_KIND not in kinds or float(pair.get("mw_family_name", 1.0)) > 1.0:
        return False
    given_l, given_r = pair.get("given_class_l"), pair.get("given_class_r")
    if not (_known_class(given_l) and given_l == given_r):
        return False
    days_l, days_r = pair.get("birth_days_l"), pair.get("birth_days_r")
    if days_l is None or days_r is None or not (_present(days_l) and _present(days_r)):
        return False
    if float(days_l) != float(days_r):
        return False
    return float(pair.get("mw_sex", 0.0)) >= 0 and float(pair.get("mw_patronymic", 0.0)) <= 0


def _eligible(spec: ModelSpec, row: dict[str, Any]) -> bool:
    """Would this pair be auto-linked at a high enough probability (the same safety rules, or a
    renamed adoption record that kept its identity), and does nothing speak clearly against it
    (two full birth dates months apart, another place)?"""
    against = [float(row[f"mw_{c.name}"]) for c in spec.comparisons if f"mw_{c.name}" in row]
    if against and min(against) < MAX_EVIDENCE_AGAINST:
        return False
    if status_of(spec, {**row, "match_probability": 1.0}) == "auto":
        return True
    return spec.thresholds.link_renamed_adoption and kept_identity(row)


def promote_unambiguous(
    spec: ModelSpec,
    pairs: pd.DataFrame,
    person_of: Mapping[Any, str],
    *,
    key_l: str = "uid_l",
    key_r: str = "uid_r",
    features: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mark as `auto` the pending pairs that are each record's only plausible match.

    `person_of` is the clustering from the auto links alone. A pending pair at or above
    `thresholds.unambiguous_link` is promoted when no comparison speaks clearly against it and
    both records have no rival: a candidate pair (within `RIVAL_MARGIN` of its probability)
    with a record of any other person. A partner list's year-only record of a child then joins
    the child's person, while a record that could be either of two look-alike children stays
    pending for a person to decide.

    Not rivals (decision 0313): a lone record that is itself an eligible candidate of the
    pair's other person at or above `unambiguous_link` (two lists' records of one child and the
    child's file agree three ways: the mediator's and the NGO's year-only record of one child do
    not block each other); and, with `features` (uid-keyed, with `group_key`), a person whose
    pairs have no support from the record's listed-together siblings when the pair has
    (`context.GroupContext`).

    When the pair attaches a lone record to a person of several records, that person's side
    counts as rivals only lone records of the attaching record's own source (decision 0315): one
    list holding two records that both look like this child means one of them is someone else.
    Another person with records of its own, or a lone record of another list, says the person
    has look-alikes or more records to come, not that the attaching record is ambiguous — its
    own candidates, checked on its side, say that. Without `features` (no `source`) every lone
    record counts.

    The rule only attaches a record that is alone in its person: two persons that each have
    records of their own are never merged by it (such merges were right 91% of the time against
    99% for lone records, decision 0312). A renamed adoption-listing record qualifies only when
    it kept its identity (`kept_identity`) and `thresholds.link_renamed_adoption` is on.
    """
    floor = spec.thresholds.unambiguous_link
    if floor >= 1.0 or pairs.empty:
        return pairs
    rows = pairs.to_dict("records")
    supported = (
        GroupContext(features).support(pairs, min_probability=spec.thresholds.review_floor)
        if features is not None and "uid_l" in pairs
        else (lambda _position: False)
    )
    eligible_memo: dict[int, bool] = {}

    def eligible(position: int) -> bool:
        if position not in eligible_memo:
            eligible_memo[position] = _eligible(spec, rows[position])
        return eligible_memo[position]

    def person(record: Hashable) -> str:
        return person_of.get(record, f"?{record}")

    # each record's candidates in other persons: person -> positions of the pairs
    towards: dict[Hashable, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    probability = pairs["match_probability"].astype(float).tolist()
    for position, (left, right) in enumerate(zip(pairs[key_l], pairs[key_r], strict=True)):
        if person(left) != person(right):
            towards[left][person(right)].append(position)
            towards[right][person(left)].append(position)
    size = Counter(person_of.values())
    lone_record = {person(r): r for r in towards if size[person(r)] <= 1}
    source_of = _sources(pairs, features, key_l, key_r)

    def rival(record: Hashable, partner: str, prob: float, pair_supported: bool) -> bool:
        attaching = lone_record.get(partner) if size[person(record)] > 1 else None
        for other, positions in towards.get(record, {}).items():
            if other == partner:
                continue
            if attaching is not None:
                # the established side of a lone record's attachment (decision 0315)
                lone = lone_record.get(other)
                if lone is None or source_of.get(lone) != source_of.get(attaching):
                    continue
            if max(probability[i] for i in positions) < prob - RIVAL_MARGIN:
                continue
            if pair_supported and not any(supported(i) for i in positions):
                continue
            if size[other] <= 1 and _candidate_of(other, partner):
                continue
            return True
        return False

    def _candidate_of(other: str, partner: str) -> bool:
        """`other` is a lone record, itself an eligible candidate of `partner` at or above
        the floor: the pair, the rival and the partner agree three ways."""
        record = lone_record.get(other)
        if record is None:
            return False
        return any(
            probability[i] >= floor and eligible(i)
            for i in towards.get(record, {}).get(partner, ())
        )

    status = pairs["status"].to_list()
    for i, row in enumerate(rows):
        prob = probability[i]
        if status[i] != "pending" or prob < floor:
            continue
        left, right = row[key_l], row[key_r]
        p_left, p_right = person(left), person(right)
        if size[p_left] > 1 and size[p_right] > 1:
            continue  # attaches a lone record; merging two persons takes an auto link or a person
        if not eligible(i):
            continue
        pair_supported = supported(i)
        if rival(left, p_right, prob, pair_supported) or rival(right, p_left, prob, pair_supported):
            continue
        status[i] = "auto"
    return pairs.assign(status=status)


def _sources(
    pairs: pd.DataFrame, features: pd.DataFrame | None, key_l: str, key_r: str
) -> dict[Hashable, object]:
    """The source list of each record of `pairs` by its key (`key_l`/`key_r`), from `features`
    (uid-keyed); empty without `features` or its `source`."""
    if features is None or "source" not in features or "uid_l" not in pairs:
        return {}
    by_uid = dict(zip(features["uid"], features["source"], strict=True))
    out: dict[Hashable, object] = {}
    for side, key in (("uid_l", key_l), ("uid_r", key_r)):
        for uid, name in zip(pairs[side], pairs[key], strict=True):
            out[name] = by_uid.get(uid)
    return out


def sibling_links(
    spec: ModelSpec,
    pairs: pd.DataFrame,
    features: pd.DataFrame,
    person_of: Mapping[Any, str],
    *,
    key_l: str = "uid_l",
    key_r: str = "uid_r",
) -> pd.DataFrame:
    """Link renamed adoption-listing records through their listed-together siblings (0314).

    Children adopted together are listed together (`group_key`) and renamed alike. When a
    sibling in the record's listing group is linked (`auto`) to a child, and the record has a
    candidate that looks like that child's sibling (`GroupContext.siblings`, fathers known)
    with the given name agreeing (weight > 0), the sex not disagreeing and no agreeing
    patronymic under the replaced surname, that candidate is the record's child — when all such
    candidates of the record are one person (`person_of`, the clustering after the other
    links); its best pair becomes `auto`. Only with `thresholds.link_renamed_adoption`.
    `pairs` needs `uid_l`/`uid_r` (the feature table's keys) besides `key_l`/`key_r`.
    """
    if pairs.empty or not spec.thresholds.link_renamed_adoption:
        return pairs
    context = GroupContext(features)
    if not context.members:
        return pairs
    kind = dict(zip(features["uid"], features["source_kind"], strict=True))
    status = pairs["status"].to_list()
    uid_l, uid_r = pairs["uid_l"].tolist(), pairs["uid_r"].tolist()
    keys_l, keys_r = pairs[key_l].tolist(), pairs[key_r].tolist()
    strong: dict[Hashable, list[Hashable]] = defaultdict(list)
    for position, state in enumerate(status):
        if state == "auto":
            strong[uid_l[position]].append(uid_r[position])
            strong[uid_r[position]].append(uid_l[position])

    def supported(record: Hashable, candidate: Hashable) -> bool:
        mine = context.given.get(record, "")
        return any(
            found != candidate
            and kind.get(found) != ADOPTION_KIND
            and context.siblings(candidate, found)
            for sibling in context.members[context.group.get(record, "")]
            if sibling != record and context.given.get(sibling, "") != mine
            for found in strong.get(sibling, ())
        )

    found: dict[Hashable, list[int]] = defaultdict(list)
    weights = pairs[["mw_given_name", "mw_sex", "mw_patronymic"]].to_numpy(dtype=float)
    for position, state in enumerate(status):
        left, right = uid_l[position], uid_r[position]
        adoption_l, adoption_r = kind.get(left) == ADOPTION_KIND, kind.get(right) == ADOPTION_KIND
        if state == "auto" or adoption_l == adoption_r:
            continue
        given, sex, patronymic = weights[position]
        if not (given > 0 and sex >= 0 and patronymic <= 0):
            continue
        record, candidate = (left, right) if kind.get(left) == ADOPTION_KIND else (right, left)
        if not context.group.get(record):
            continue
        if person_of.get(keys_l[position]) == person_of.get(keys_r[position]):
            continue
        if supported(record, candidate):
            found[record].append(position)
    probability = pairs["match_probability"].to_numpy(dtype=float)
    for record, positions in found.items():
        persons = set()
        for position in positions:
            other = keys_r[position] if uid_l[position] == record else keys_l[position]
            persons.add(person_of.get(other, f"?{other}"))
        if len(persons) == 1:
            status[max(positions, key=lambda i: probability[i])] = "auto"
    return pairs.assign(status=status)


def weights_json(spec: ModelSpec, row: dict[str, Any]) -> str:
    weights = {c.name: round(float(row[f"mw_{c.name}"]), 4) for c in spec.comparisons}
    return json.dumps(weights, sort_keys=True)


@dataclass(frozen=True)
class DataConstraints:
    """What the data itself says about records of one feature table, named by `names`: the
    twin and sibling cannot-links and the identity-conflict test. Computed once per table
    (`data_constraints`) and shared by the clusterings of a run."""

    names: list[Hashable]
    twins: list[tuple[Hashable, Hashable]]
    conflict: IdentityConflicts


def data_constraints(
    features: pd.DataFrame, keys: Sequence[Hashable] | None = None
) -> DataConstraints:
    uids = [int(u) for u in features["uid"]]
    names: list[Hashable] = list(keys) if keys is not None else list(uids)
    name_of = dict(zip(uids, names, strict=True))
    twins = [(name_of[a], name_of[b]) for a, b in twin_cannot_links(features)]
    return DataConstraints(names, twins, IdentityConflicts(features, names))


def resolve(
    features: pd.DataFrame,
    links: Iterable[Link[Hashable]],
    *,
    keys: Sequence[Hashable] | None = None,
    must_link: Iterable[tuple[Hashable, Hashable]] = (),
    cannot_link: Iterable[tuple[Hashable, Hashable]] = (),
    previous: dict[Hashable, str] | None = None,
    data: DataConstraints | None = None,
) -> Clustering[Hashable]:
    """Cluster records into persons with reviewers' constraints plus the data's own: the twin
    and sibling cannot-links, and `constraints.IdentityConflicts` (rows listed together,
    namesakes), which hold back links but never a reviewer's must-link.

    `keys` names the records (default: their `uid`); links and constraints use the same names.
    A reviewer's must-link lifts the twin rule for that pair. `data` is
    `data_constraints(features, keys)` when the caller clusters one table several times.
    """
    data = data or data_constraints(features, keys)
    must = list(must_link)
    confirmed = {frozenset(pair) for pair in must}
    cannot = list(cannot_link) + [t for t in data.twins if frozenset(t) not in confirmed]
    previous = previous or {}
    return cluster(
        data.names,
        links,
        must_link=must,
        cannot_link=cannot,
        previous=previous,
        new_id=sequential_ids(previous.values()),
        conflict=data.conflict,
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
