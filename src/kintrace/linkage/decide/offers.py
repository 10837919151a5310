"""Offering adoption-listing records for review through their siblings (decision 0311).

A child in a Russian adoption listing usually has a new surname and patronymic, often another
birthplace, and only a birth year: against a registry of tens of thousands of children, "same
first name, same year, same sex" leaves a dozen candidates, all below the review floor. Siblings
change that. Children adopted together are listed together and renamed alike (the same new
surname and patronymic), and their family reported them together (one surname, one father). When
two adoption records listed together each have a candidate, and those two candidates look like
siblings of each other, the pairing of two children is far less likely by chance than either pair
alone. Such pairs are offered for review (`pending`), never linked: a person decides.

"Listed together" is the listing's own `group_id` (feature `group_key`) when the record has one,
else a guess from the renaming (same source, same new surname stem and patronymic).

The probability stays the model's; only the status changes. At most `per_record` such offers
are made for one adoption record (its best), so reviewers are not flooded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Mapping
from functools import cache
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from kintrace.linkage.context import GroupContext, by_uid
from kintrace.linkage.decide.holds import moved_apart
from kintrace.linkage.decide.rules import State
from kintrace.linkage.spec import KINTRACE_KINDS, ModelSpec

__all__ = [
    "ANCHOR_FLOOR",
    "OFFER_DEPTH",
    "PLACE_WEIGHT",
    "best_offers",
    "date_ranks",
    "linked_persons",
    "offer_order",
    "sibling_offers",
]

SIBLING_OFFERS = "0311-sibling-offers"
UNSEEN_OFFERS = "0311-unseen-offers"
FILL_OFFERS = "0323-fill-offers"

#: The kinds whose records may be offered, as the Kintrace model declares them; the rules pass
#: the run's own (`ModelSpec.kinds.offered`).
_OFFERED = frozenset(str(k) for k in KINTRACE_KINDS.offered)

#: A sibling's candidate supports an offer from this probability up, below the review floor or
#: above it (a sibling found confidently is the best support). Lower candidates are the dozen
#: look-alikes of a first name and a birth year, which would support nearly anything. Measured
#: on the demo data (20,000 children, seed 7, decision 0311): 0.001 offers a little more but
#: pushes pending pairs per child found over 3, 0.1 offers less. A module constant, not a
#: threshold a deployment tunes.
ANCHOR_FLOOR = 0.01

#: How deep in an adoption record's candidates (in offer order) the unseen and fill offers look
#: for the records of distinct persons: `OFFER_DEPTH` times the offers they make. A child has
#: records in a few lists besides the adoption listing (a family report, the registry, a camp
#: list, partner lists), so a person found confidently is skipped at most a few times per
#: offer; the bound makes the pairs below the floor that leave the database a superset of what
#: the rules read (`below_floor.selection_sql`, decision 0338).
OFFER_DEPTH = 3

#: The scored pairs' column with the model's weight of the birthplace comparison: above 0 the
#: two birthplaces agree as the model compares them (the same key or a close spelling), which
#: the offers' birthplace rank reads too (decision 0357). A model without that comparison ranks
#: by the keys alone.
PLACE_WEIGHT = "mw_birth_place"


def sibling_offers(
    pairs: pd.DataFrame,
    features: pd.DataFrame,
    *,
    below: float,
    per_record: int,
    anchor_floor: float = ANCHOR_FLOOR,
    kinds: Collection[str] = _OFFERED,
    context: GroupContext | None = None,
) -> set[int]:
    """Positions (0-based rows of `pairs`) of adoption pairs below `below` to offer for review.

    `kinds` are the source kinds whose records may be offered (`KindPolicy.offered`).
    `pairs` has `uid_l`, `uid_r`, `match_probability`; `features` has `uid`, `source`,
    `source_kind`, `family_stem`, `patronymic_class`, `given_class`, and optionally
    `group_key` (without it, "listed together" and "siblings" are guessed from names only).

    Two adoption records with different first names are listed together when they share a
    `group_key`, or (a record without one) when they were renamed alike. A pair of one of them
    below `below` is supported when the other has a pair at or above `anchor_floor` (at or
    above `below` too) with a non-adoption record that looks like a sibling of this pair's
    candidate. Two candidates look like siblings when they share a `group_key` and have
    different first names, or share a surname stem, have fathers not known to differ and
    different first names. A camp transport's `group_id` is shared by unrelated children, so
    two children of one transport count as siblings too (kept simple on purpose: siblings
    travel together, and the demo data measured it as a small gain, decision 0311). Each
    adoption record keeps its best `per_record` supported pairs by probability.
    """
    if pairs.empty:
        return set()
    kind = by_uid(features, "source_kind")
    source = by_uid(features, "source")
    context = context or GroupContext(features)
    stem, father, given, group = context.stem, context.father, context.given, context.group

    # adoption records listed together: one listing group, else renamed alike in one source
    groups: dict[tuple[object, ...], list[Hashable]] = defaultdict(list)
    for uid, k in kind.items():
        if k not in kinds:
            continue
        if group.get(uid):
            groups[(source.get(uid), group[uid])].append(uid)
        elif stem.get(uid):
            groups[(source.get(uid), stem[uid], father.get(uid, ""))].append(uid)

    # candidates: what may be offered (below the floor); anchors: what may support an offer
    # (arrays: the few records asked about are looked up, not a list per adoption record of
    # the millions of pairs below the floor)
    prob = pairs["match_probability"].to_numpy(float)
    sides = _OneSided(pairs, kind, kinds, np.ones(len(pairs), dtype=bool))
    # ties among the offers are broken by the pairs' records (`offer_order`), not by this order
    candidates = sides.by_record(prob[sides.pos] < below)
    anchors: dict[Hashable, list[Hashable]] = defaultdict(list)
    high = prob[sides.pos] >= anchor_floor
    for record, other in zip(sides.record[high].tolist(), sides.other[high].tolist(), strict=True):
        anchors[record].append(other)

    # a candidate of `one` is supported when an anchor of some listed-together record `two`
    # with another first name (not the candidate itself) is in the candidate's group or has its
    # surname stem, and looks like its sibling: "some two, some anchor of it" is "some anchor of
    # the group's records of another first name", so each group's anchors are indexed once (by
    # group and by surname stem, with the first name of the record whose anchor it is) and each
    # candidate tested once, not once per record of its group (a large "renamed alike" group at
    # a million records made the rule quadratic in its size)
    supported: dict[Hashable, set[int]] = defaultdict(set)
    for members in groups.values():
        if len(members) < 2:
            continue
        by_group: dict[str, list[tuple[Hashable, object]]] = defaultdict(list)
        by_stem: dict[str, list[tuple[Hashable, object]]] = defaultdict(list)
        for two in members:
            name = given.get(two)
            for o2 in anchors.get(two, ()):
                if group.get(o2):
                    by_group[group[o2]].append((o2, name))
                if stem.get(o2):
                    by_stem[stem[o2]].append((o2, name))
        if not by_group and not by_stem:
            continue
        for one in members:
            mine = given.get(one)
            for other, pos in candidates(one):
                # most candidates share neither a group nor a stem with any anchor: looked up
                # first, without making a list per candidate (hundreds per record at a million)
                in_group = by_group.get(group.get(other) or "")
                in_stem = by_stem.get(stem.get(other) or "")
                if in_group is None and in_stem is None:
                    continue
                if any(
                    name != mine
                    and o2 != other
                    and context.siblings(other, o2, fathers_known=False)
                    for o2, name in chain(in_group or (), in_stem or ())
                ):
                    supported[one].add(pos)
    uid_l, uid_r = pairs["uid_l"].to_numpy(), pairs["uid_r"].to_numpy()
    offered: set[int] = set()
    for positions in supported.values():
        best = sorted(positions, key=lambda p: offer_order(prob[p], uid_l[p], uid_r[p]))
        offered.update(best[:per_record])
    return offered


def offer_order(probability: float, one: Any, two: Any, rank: int = 0) -> tuple[Any, ...]:
    """The order in which an adoption record's candidates are offered: `rank` (for the unseen
    and fill offers `_ranks`: the birthplace plus the birth dates' fit, decisions 0318, 0337),
    then probability, highest first, then the pair's records (smaller uid, larger uid), so that
    ties do not depend on the order the database returned the pairs in (decision 0341)."""
    low, high = (one, two) if one <= two else (two, one)
    return (rank, -float(probability), low, high)


def best_offers(
    pairs: pd.DataFrame,
    features: pd.DataFrame,
    *,
    below: float,
    floor: float,
    per_record: int,
    kinds: Collection[str] = _OFFERED,
    person: Mapping[Hashable, Hashable] | None = None,
) -> set[int]:
    """Positions of the best `per_record` candidates below `below` (at or above `floor`) of
    each adoption record that has no candidate at or above `below` at all: the few pairs a
    reviewer looks at for a record that would otherwise never be seen.

    Best (`_ranks`, decisions 0318 and 0337): by the birthplace (agreeing 0, unknown 1,
    different 2) plus whether the birth dates fit the way a listing moves a child's date
    (`date_ranks`: 0, 1 or 2); by probability within each. An adoption listing's birthplace and
    date are often replaced or moved, so the model weighs a different birthplace 0 and a date a
    year off as against; but where the birthplace was kept, and where the date was moved as
    listings move dates, they pick the child out of a dozen look-alikes of one first name and
    year better than the probability does. With `person` (a record's person by uid,
    `linked_persons`), one candidate per person among the first `OFFER_DEPTH * per_record`:
    the others of a person already offered are skipped (decision 0338)."""
    if pairs.empty or per_record <= 0:
        return set()
    kind = by_uid(features, "source_kind")
    prob = pairs["match_probability"].to_numpy(float)
    sides = _OneSided(pairs, kind, kinds, prob >= min(floor, below))
    p = prob[sides.pos]
    seen = sides.record[p >= below]
    # the candidates below `below` of the records with none at or above it
    keep = (p < below) & ~np.isin(sides.record, seen)
    persons = None if person is None else _persons(sides.other, person)
    ranks = _ranks(features, sides)
    return set(sides.best(keep, ranks, per_record, persons=persons).tolist())


class _OneSided:
    """The pairs (at `mask`) with exactly one record of a kind that may be offered, as arrays:
    their positions `pos` (ascending), that `record` and the `other`."""

    def __init__(
        self,
        pairs: pd.DataFrame,
        kind: Mapping[Hashable, object],
        kinds: Collection[str],
        mask: np.ndarray,
    ) -> None:
        offered_l, offered_r = _offered_sides(pairs, kind, kinds)
        one_l, one_r = offered_l & ~offered_r, offered_r & ~offered_l
        self.pos = np.flatnonzero((one_l | one_r) & mask)
        uid_l, uid_r = pairs["uid_l"].to_numpy()[self.pos], pairs["uid_r"].to_numpy()[self.pos]
        left = one_l[self.pos]
        self.record = np.where(left, uid_l, uid_r)
        self.other = np.where(left, uid_r, uid_l)
        self.prob = pairs["match_probability"].to_numpy(float)[self.pos]
        #: the model's weight of the pair's birthplaces (`PLACE_WEIGHT`; NaN without it)
        self.place_weight = (
            pairs[PLACE_WEIGHT].to_numpy(float)[self.pos]
            if PLACE_WEIGHT in pairs
            else np.full(len(self.pos), np.nan)
        )

    def by_record(self, which: np.ndarray) -> Callable[[Hashable], list[tuple[Hashable, int]]]:
        """A record's (other, position) at `which`, in the pairs' order: what a dict of lists
        built in one pass over every pair would hold, looked up in arrays sorted by record."""
        order = np.flatnonzero(which)
        order = order[np.argsort(self.record[order], kind="stable")]
        records = self.record[order]

        @cache
        def of(record: Any) -> list[tuple[Hashable, int]]:
            lo = np.searchsorted(records, record, "left")
            at = order[lo : np.searchsorted(records, record, "right")]
            return list(zip(self.other[at].tolist(), self.pos[at].tolist(), strict=True))

        return of

    def best(
        self,
        which: np.ndarray,
        rank: np.ndarray,
        limit: int | np.ndarray,
        *,
        persons: np.ndarray | None = None,
        taken: tuple[np.ndarray, np.ndarray] | None = None,
        depth: int | None = None,
    ) -> np.ndarray:
        """The positions of each record's first `limit` pairs at `which` (`limit` one number,
        or one per pair: its record's) in `offer_order` with `rank`, as `sorted` on the tuples
        `(offer_order(...), position)` of each record's pairs takes them.

        With `persons` (the person of each pair's other record): one pair per person, among
        each record's first `depth` pairs at `which` (default `OFFER_DEPTH` times `limit`), a
        person of `taken` (records and persons: what the record is shown with) skipped too
        (decision 0338)."""
        at = np.flatnonzero(which)
        record, other, prob = self.record[at], self.other[at], self.prob[at]
        low, high = np.minimum(record, other), np.maximum(record, other)
        # primary key last: record, then rank, probability (highest first), low, high, position
        order = np.lexsort((self.pos[at], high, low, -prob, rank[at], record))
        record = record[order]
        place = _places(record)
        room = limit if np.isscalar(limit) else np.asarray(limit)[at][order]
        chosen = self.pos[at][order]
        if persons is None:
            return chosen[place < room]
        deep = OFFER_DEPTH * np.asarray(room) if depth is None else depth
        looked = np.flatnonzero(place < deep)
        who = pd.DataFrame({"record": record[looked], "person": persons[at][order][looked]})
        skip = who.duplicated(keep="first").to_numpy()
        if taken is not None and len(taken[0]):
            shown = pd.MultiIndex.from_arrays([taken[0], taken[1]])
            # not in place: pandas 3 hands out its arrays read-only
            skip = skip | pd.MultiIndex.from_frame(who).isin(shown)
        kept = looked[~skip]
        room_kept = room if np.isscalar(room) else np.asarray(room)[kept]
        return chosen[kept][_places(record[kept]) < room_kept]


def _places(record: np.ndarray) -> np.ndarray:
    """Each element's place (0, 1, ...) in its run of equal `record`s (sorted by record)."""
    if not len(record):
        return np.zeros(0, np.int64)
    start = np.r_[True, record[1:] != record[:-1]]
    first = np.flatnonzero(start)
    return np.arange(len(record)) - first[np.cumsum(start) - 1]


def _persons(uids: np.ndarray, person: Mapping[Hashable, Hashable]) -> np.ndarray:
    """The person of each of `uids` (`person`, a record linked to no one its own)."""
    series = pd.Series(uids)
    mapped = series.map(person)
    return mapped.where(mapped.notna(), series).to_numpy()


def linked_persons(state: State) -> dict[Hashable, Hashable]:
    """Each record (by uid) joined to others by the run's `auto` pairs so far and the links
    an incremental run keeps: one record of its group (a union-find's root) — the persons the
    links would make, without the constraints, which only split them further. Records linked
    to no one are absent (each its own person)."""
    pairs = state.pairs
    parent: dict[Hashable, Hashable] = {}

    def root(x: Hashable) -> Hashable:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def join(a: Hashable, b: Hashable) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb

    auto = state.positions("auto")
    uid_l, uid_r = pairs["uid_l"].to_numpy(), pairs["uid_r"].to_numpy()
    for a, b in zip(uid_l[auto].tolist(), uid_r[auto].tolist(), strict=True):
        join(a, b)
    if state.kept_links and {"key_l", "key_r"} <= set(pairs.columns):
        uid_of = dict(zip(pairs["key_l"].tolist(), uid_l.tolist(), strict=True))
        uid_of.update(zip(pairs["key_r"].tolist(), uid_r.tolist(), strict=True))
        for link in state.kept_links:
            if link.left in uid_of and link.right in uid_of:
                join(uid_of[link.left], uid_of[link.right])
    return {x: root(x) for x in list(parent)}


def _ranks(features: pd.DataFrame, sides: _OneSided) -> np.ndarray:
    """The rank before the probability of every pair of `sides` (decision 0337): the birthplace
    (`_place_ranks`: 0 agreeing, 1 unknown, 2 different) plus the birth dates (`date_ranks`: 0
    the same full date, 1 when they fit the way a listing moves a child's date, 2 when they do
    not; decision 0357), added, so that neither overrides the other: a candidate born in the
    record's birthplace on a date no listing moves it to ranks with one whose birthplace is
    unknown and whose date fits."""
    return _place_ranks(features, sides) + date_ranks(features, sides.record, sides.other)


def date_ranks(features: pd.DataFrame, listed: np.ndarray, other: np.ndarray) -> np.ndarray:
    """For each adoption-listing record of `listed` and its candidate in `other` (uids): 0 when
    both have a full birth date and it is the same (the listing kept the date: of all the ways
    two dates fit, the one least often met by chance, a few children of a registry per day
    against dozens per year; decision 0357). 1 when their birth dates fit what such a listing
    is documented to do to a child's date (docs/linkage.md, the birth-date comparison;
    decisions 0321, 0337): two full dates apart by weeks (at most `MOVED_BY_WEEKS` days) or by
    a year give or take weeks (`MOVED_BY_A_YEAR`), or with the same day and month years apart
    (an inflated age, a mistyped year); without two full dates, birth years
    (`birth_year_min`..`birth_year_max`) at most one year apart, or the listing's earlier (an
    inflated age makes the listed child older), or not known. 2 when they do not: a date moved
    in a way no listing moves one, whatever else the candidate shares."""
    index = pd.Index(features["uid"])
    at_listed, at_other = index.get_indexer(listed), index.get_indexer(other)

    def column(name: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in features:
            nothing = np.full(len(listed), np.nan)
            return nothing, nothing
        values = pd.to_numeric(features[name], errors="coerce").to_numpy(float, na_value=np.nan)
        values = np.r_[values, np.nan]  # index -1: a record the table lacks
        return values[at_listed], values[at_other]

    days_l, days_o = column("birth_days")
    month_l, month_o = column("birth_month")
    day_l, day_o = column("birth_day")
    low_l, low_o = column("birth_year_min")
    high_l, high_o = column("birth_year_max")
    full = ~np.isnan(days_l) & ~np.isnan(days_o)
    apart = np.abs(days_l - days_o)
    moved = moved_apart(apart)
    same_day = (month_l == month_o) & (day_l == day_o)  # NaN is equal to nothing
    years = ~(np.isnan(low_l) | np.isnan(high_l) | np.isnan(low_o) | np.isnan(high_o))
    within_a_year = (low_l - 1 <= high_o) & (low_o - 1 <= high_l)
    older = high_l < low_o
    fits = np.where(full, moved | same_day, ~years | within_a_year | older)
    same = full & (apart == 0)
    return np.where(same, 0, np.where(fits, 1, 2)).astype(np.int64)


def _place_ranks(features: pd.DataFrame, sides: _OneSided) -> np.ndarray:
    """`_place_rank` of every pair of `sides`, as arrays: 0 when both birthplaces are known
    and agree, 1 when either is unknown (or its record is not in `features`), 2 when they
    differ. Agree: the same key, or the model's birthplace comparison weighs them as agreeing
    (`mw_birth_place` above 0: its "close spelling" level, Sorokino and Sorokyne), as it does
    for the probability (decision 0357)."""
    if "birth_place_key" not in features:
        return np.ones(len(sides.pos), dtype=np.int64)
    known = [v if isinstance(v, str) and v else None for v in features["birth_place_key"]]
    codes, _ = pd.factorize(pd.Series(known, dtype=object), use_na_sentinel=True)
    index = pd.Index(features["uid"])

    def code(uids: np.ndarray) -> np.ndarray:
        at = index.get_indexer(uids)
        return np.where(at >= 0, codes[at], -1)

    a, b = code(sides.record), code(sides.other)
    agree = (a == b) | (sides.place_weight > 0)
    return np.where((a < 0) | (b < 0), 1, np.where(agree, 0, 2))


def _offered_sides(
    pairs: pd.DataFrame, kind: Mapping[Hashable, object], kinds: Collection[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Which pairs' left and right records are of a kind that may be offered (a record the
    feature table lacks is not)."""
    offered = {uid for uid, k in kind.items() if k in kinds}
    return pairs["uid_l"].isin(offered).to_numpy(), pairs["uid_r"].isin(offered).to_numpy()


def _place_rank(place: Mapping[Hashable, object], one: Hashable, two: Hashable) -> int:
    """0 when both birthplaces are known and agree, 1 when either is unknown, 2 when they
    differ."""
    a, b = place.get(one), place.get(two)
    if not (isinstance(a, str) and a and isinstance(b, str) and b):
        return 1
    return 0 if a == b else 2


def offer_through_siblings(state: State) -> None:
    """Rule `0311-sibling-offers`: adoption pairs below the review floor supported by the
    record's listed-together siblings become `pending` (at most `adoption_offers_per_record`
    per record, from `adoption_offer` up)."""
    t = state.spec.thresholds
    if t.adoption_offer >= t.review_floor:
        return
    probability = state.pairs["match_probability"].to_numpy(dtype=float)
    for position in sibling_offers(
        state.pairs,
        state.paired(),
        kinds={str(k) for k in state.spec.kinds.offered},
        below=t.review_floor,
        per_record=t.adoption_offers_per_record,
        context=state.context(),
    ):
        if probability[position] >= t.adoption_offer and state.status[position] is None:
            state.set(position, "pending", SIBLING_OFFERS)


def offer_unseen(state: State) -> None:
    """Rule `0311-unseen-offers`: an adoption record with no pair at or above the review floor
    has its best `adoption_unseen_offers` candidates offered (`pending`)."""
    t = state.spec.thresholds
    if t.adoption_offer >= t.review_floor:
        return
    for position in best_offers(
        state.pairs,
        state.paired(),
        kinds={str(k) for k in state.spec.kinds.offered},
        below=t.review_floor,
        floor=t.adoption_offer,
        per_record=t.adoption_unseen_offers,
        person=linked_persons(state),
    ):
        if state.status[position] is None:
            state.set(position, "pending", UNSEEN_OFFERS)


def offer_fill(state: State) -> None:
    """Rule `0323-fill-offers`: an adoption record that is shown (some pair of it stored) but
    linked to no one (no `auto` pair) and shown with fewer than `adoption_offers_per_record`
    candidates has its best candidates below the review floor offered (`pending`) until it has
    that many. Best as for unseen records (`best_offers`, decisions 0318, 0337), one per
    person among the first `OFFER_DEPTH * adoption_offers_per_record`, persons it is shown with
    already skipped (decision 0338). A look-alike of one first name and year at 0.6 no longer
    hides the child itself at 0.3 (decision 0323)."""
    t = state.spec.thresholds
    wanted = t.adoption_offers_per_record
    if t.adoption_offer >= t.review_floor or wanted <= 0 or state.pairs.empty:
        return
    kinds = [str(k) for k in state.spec.kinds.offered]
    kind = by_uid(state.paired(), "source_kind")
    pairs = state.pairs
    prob = pairs["match_probability"].to_numpy(float)
    sides = _OneSided(pairs, kind, kinds, prob >= t.adoption_offer)
    status = np.asarray(state.status, dtype=object)[sides.pos]
    stored = status != None  # noqa: E711 (elementwise)
    # how many pairs of each record are shown (0: none), and which records are linked
    counts = pd.Series(sides.record[stored]).value_counts()
    shown = pd.Series(sides.record).map(counts).fillna(0).to_numpy(dtype=np.int64)
    linked = np.unique(sides.record[status == "auto"])
    room = wanted - shown
    ranked = ~stored & (sides.prob < t.review_floor)
    wanted_here = ranked & (shown > 0) & ~np.isin(sides.record, linked) & (room > 0)
    if not wanted_here.any():
        return
    persons = _persons(sides.other, linked_persons(state))
    taken = (sides.record[stored], persons[stored])
    ranks = _ranks(state.paired(), sides)
    depth = OFFER_DEPTH * wanted
    chosen = sides.best(wanted_here, ranks, room, persons=persons, taken=taken, depth=depth)
    for pos in chosen.tolist():
        state.set(pos, "pending", FILL_OFFERS)


def is_offerable(pair: Mapping[str, Any], spec: ModelSpec) -> bool:
    """The condition an offer rule's pair meets first: one record of a kind that may be offered,
    the other not, below the review floor and at or above the offer floor."""
    offered = spec.kinds.offered
    one = spec.kinds.any_of(offered, pair.get("source_kind_l"))
    two = spec.kinds.any_of(offered, pair.get("source_kind_r"))
    probability = float(pair.get("match_probability", 0.0))
    t = spec.thresholds
    return one != two and t.adoption_offer <= probability < t.review_floor
