"""The unambiguous rule: a pending pair that is each record's only plausible match is linked
(decisions 0301, 0312, 0313, 0315).

Partner lists often carry only a name and a birth year; against a registry of tens of thousands
of children "same name, surname and year" is honestly about 0.9 likely, so such records never
reach the auto-link threshold. When the record's only candidate is one person, and that
person's records have no other candidate for it, the ambiguity the probability prices in is
absent. The refinements, each a rule of its own with its own switch:

- `0312-lone-records`: only a record alone in its person is attached; two persons with records
  of their own are never merged (such merges were right 91% of the time against 99%).
- `0312-kept-identity`: a renamed adoption record qualifies when it kept given name, full
  birth date and sex (`holds.kept_identity`), and no other person among its candidates fits it
  as closely (`close_fit_persons`, decision 0334).
- `0359-new-first-name`: an adoption-listing record under another first name, held only by
  `0301-first-names` and with nothing else against it (`holds.new_first_name`), qualifies when
  it is the record alone in its person (the one attaching).
- `0313-three-way`: a lone record that is itself an eligible candidate of the pair's person is
  not a rival (two lists' records of one child do not block each other).
- `0313-group-support`: a pair supported by its listed-together siblings beats a rival without
  such support (`context.GroupContext`).
- `0315-established-side`: on the side of the person being joined, only lone records of the
  attaching record's own list count as rivals.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterator
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from kintrace.linkage.decide import holds
from kintrace.linkage.decide.rules import State

#: A candidate of another person counts as a rival when its probability is within this margin of
#: the pair's own (a 0.85 look-alike does not make a 0.97 match ambiguous; a 0.93 one does).
#: 0.15 until the rule attached lone records only (decision 0312); since then 0.05 links more at
#: the same precision (20,000 demo children: recall +0.3 points, precision 0.9914 -> 0.9913),
#: while 0 (the best candidate always wins) costs 0.3 points of precision.
RIVAL_MARGIN = 0.05

UNAMBIGUOUS = "0301-unambiguous"
LONE_RECORDS = "0312-lone-records"
KEPT_IDENTITY = "0312-kept-identity"
THREE_WAY = "0313-three-way"
GROUP_SUPPORT = "0313-group-support"
ESTABLISHED_SIDE = "0315-established-side"
NEW_FIRST_NAME = "0359-new-first-name"
FIRST_NAMES = "0301-first-names"


def held(state: State, row: dict[str, Any]) -> str | None:
    """The first hold rule (switched on) that holds `row`, else None."""
    for rule in holds.HOLDS:
        if state.on(rule.id) and rule.applies(row, state.spec):
            return rule.id
    return None


def eligible(state: State, row: dict[str, Any]) -> str | None:
    """The rule id under which `row` may be linked without review at a high enough
    probability — `UNAMBIGUOUS` when nothing holds it, `KEPT_IDENTITY` for a renamed adoption
    record that kept its identity, `NEW_FIRST_NAME` for a listing's record under another first
    name with nothing else against it (decision 0359) — or None; otherwise never when a
    comparison speaks clearly against it (two full birth dates months apart, another place)."""
    spec = state.spec
    if not holds.evidence_against(row, spec):
        hold = held(state, row)
        if hold is None:
            return UNAMBIGUOUS
        if state.on(KEPT_IDENTITY) and holds.kept_identity(row, spec):
            return KEPT_IDENTITY
    if state.on(NEW_FIRST_NAME) and holds.new_first_name(row, spec):
        # the other first name is the only thing against it: no other hold may apply
        others = [rule for rule in holds.HOLDS if rule.id != FIRST_NAMES and state.on(rule.id)]
        if not any(rule.applies(row, spec) for rule in others):
            return NEW_FIRST_NAME
    return None


def promote(state: State) -> None:
    """Mark as `auto` the pending pairs at or above `thresholds.unambiguous_link` that are each
    record's only plausible match, given the persons of the last clustering (`state.person_of`).

    A rival is a candidate pair with a record of another person within `RIVAL_MARGIN` of the
    pair's probability, on either side, with the exemptions the refinements declare (module
    docstring). Only one round: linking again after the new persons form was measured to cost
    precision (decision 0313).
    """
    spec, pairs = state.spec, state.pairs
    floor = spec.thresholds.unambiguous_link
    if floor >= 1.0 or pairs.empty:
        return
    rows = state.rows()
    person_of = state.person_of
    features = state.features
    supported = (
        state.context().support(pairs, min_probability=spec.thresholds.review_floor)
        if state.on(GROUP_SUPPORT) and "group_key" in features
        else (lambda _position: False)
    )
    eligible_memo: dict[int, str | None] = {}

    def eligible_at(position: int) -> str | None:
        if position not in eligible_memo:
            eligible_memo[position] = eligible(state, rows[position])
        return eligible_memo[position]

    def person(record: Hashable) -> str:
        found = person_of.get(record)
        return found if found is not None else f"?{record}"

    # the columns as arrays, read at the few positions the rule weighs (Python lists of every
    # scored pair's keys and probabilities were a run's largest memory at a million records)
    probability = _Column(pairs["match_probability"].to_numpy(float))
    keys_l, keys_r = _Column(pairs["key_l"].to_numpy()), _Column(pairs["key_r"].to_numpy())
    # each record's candidates in other persons: person -> positions of the pairs
    towards = _Towards(pairs, *_weighed(pairs, person_of, floor - RIVAL_MARGIN))
    size = Counter(person_of.values())
    lone_record = {person(r): r for r in towards if size[person(r)] <= 1}
    established = state.on(ESTABLISHED_SIDE)
    source_of = state.source_of_key() if established else {}
    three_way = state.on(THREE_WAY)

    def rival(
        record: Hashable, partner: str, prob: float, pair_supported: Callable[[], bool]
    ) -> bool:
        attaching = lone_record.get(partner) if size[person(record)] > 1 else None
        for other, positions in towards.get(record, {}).items():
            if other == partner:
                continue
            if attaching is not None and established:
                # the established side of a lone record's attachment (decision 0315)
                lone = lone_record.get(other)
                if lone is None or source_of.get(lone) != source_of.get(attaching):
                    continue
            if max(probability[i] for i in positions) < prob - RIVAL_MARGIN:
                continue
            if pair_supported() and not any(supported(i) for i in positions):
                continue
            if three_way and size[other] <= 1 and candidate_of(other, partner):
                continue
            return True
        return False

    def candidate_of(other: str, partner: str) -> bool:
        """`other` is a lone record, itself an eligible candidate of `partner` at or above
        the floor: the pair, the rival and the partner agree three ways."""
        record = lone_record.get(other)
        if record is None:
            return False
        return any(
            probability[i] >= floor and eligible_at(i) is not None
            for i in towards.get(record, {}).get(partner, ())
        )

    lone_only = state.on(LONE_RECORDS)
    kept_by = close_fit_persons(state) if state.on(KEPT_IDENTITY) else {}

    def one_child(position: int) -> bool:
        """The pair's renamed record(s) fit at most one person closely (decision 0334):
        another person that fits as well is a child the record's fields cannot rule out,
        however much lower it scored."""
        return all(len(kept_by.get(k, ())) <= 1 for k in (keys_l[position], keys_r[position]))

    def listing_record_alone(position: int) -> bool:
        """The pair's listing record under another first name is alone in its person: it
        attaches; no other record joins a person through a first name the listing gave."""
        side = holds.new_first_name_side(rows[position], spec)
        key = keys_l[position] if side == "l" else keys_r[position]
        return side is not None and size[person(key)] <= 1

    promoted: list[tuple[int, str]] = []
    weighable = state.positions("pending")
    weighable = weighable[probability.values[weighable] >= floor].tolist()
    # the pairs weighed, with their records and persons; those that may attach a lone record
    # have their rows made at once, column by column (the same dicts as one by one)
    weighed = []
    for i, left, right in zip(weighable, keys_l.at(weighable), keys_r.at(weighable), strict=True):
        p_left, p_right = person(left), person(right)
        if lone_only and size[p_left] > 1 and size[p_right] > 1:
            continue  # attaches a lone record; merging two persons takes an auto link or a person
        weighed.append((i, left, right, p_left, p_right))
    rows.make([i for i, *_ in weighed])
    for i, left, right, p_left, p_right in weighed:
        prob = probability[i]
        why = eligible_at(i)
        if why is None or (why == KEPT_IDENTITY and not one_child(i)):
            continue
        if why == NEW_FIRST_NAME and not listing_record_alone(i):
            continue
        # asked only when a rival is near (the group test is the rule's dearest; it is pure)
        pair_supported = partial(supported, i)
        if rival(left, p_right, prob, pair_supported) or rival(right, p_left, prob, pair_supported):
            continue
        promoted.append((i, why))
    for i, why in promoted:
        state.set(i, "auto", why)


class _Towards:
    """Each record's candidates in other persons (person -> positions of the pairs, ascending),
    for the records of the pairs `_weighed` keeps: a dict of dicts made for the records the rule
    asks about, from arrays sorted by record (a dict per record of the half million weighed
    pairs at 300,000 records was the rule's largest cost)."""

    def __init__(
        self,
        pairs: pd.DataFrame,
        positions: list[int],
        persons_l: list[str],
        persons_r: list[str],
    ) -> None:
        at = np.asarray(positions, dtype=np.int64)
        records = np.concatenate([pairs["key_l"].to_numpy()[at], pairs["key_r"].to_numpy()[at]])
        # a record's candidate is the other record's person
        self.persons = np.concatenate(
            [np.asarray(persons_r, dtype=object), np.asarray(persons_l, dtype=object)]
        )
        self.positions = np.concatenate([at, at])
        codes, uniques = pd.factorize(pd.Series(records, dtype=object))
        self.code = {record: code for code, record in enumerate(uniques.tolist())}
        self.order = np.lexsort((self.positions, codes))
        self.start = np.searchsorted(codes[self.order], np.arange(len(uniques) + 1))
        self.made: dict[Hashable, dict[str, list[int]]] = {}

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self.code)

    def get(self, record: Hashable, default: Any = None) -> Any:
        made = self.made.get(record)
        if made is not None:
            return made
        code = self.code.get(record)
        if code is None:
            return default
        at = self.order[self.start[code] : self.start[code + 1]]
        made = defaultdict(list)
        for person, position in zip(
            self.persons[at].tolist(), self.positions[at].tolist(), strict=True
        ):
            made[person].append(position)
        self.made[record] = made = dict(made)
        return made


class _Column:
    """A column's values by position as the Python values `Series.tolist()` gives (a float,
    an int, the object itself), read one at a time or for a few positions at once, without a
    Python list of the whole column."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values

    def __getitem__(self, position: int) -> Any:
        value = self.values[position]
        return value.item() if isinstance(value, np.generic) else value

    def at(self, positions: list[int]) -> list[Any]:
        return self.values[np.asarray(positions, dtype=np.int64)].tolist()


def close_fit_persons(state: State) -> dict[Hashable, set[str]]:
    """For each renamed record (of a kind that replaces the surname, and of one that moves
    birth dates), the persons of its candidates, at any probability the run keeps, that fit it
    closely (decision 0334): the same known first-name class, sex not disagreeing, full birth
    dates the same or at most `holds.MOVED_BY_WEEKS` apart. Two persons there are two children
    the record's own fields cannot tell apart (the listing moves dates by weeks as readily as it
    keeps them): the record is for a reviewer, whichever of them scored higher. A year's move,
    which `kept_identity` also accepts, is left out here: it fits every child of that first name
    and sex born about a year earlier or later. Vectorised: a dense run has hundreds of
    thousands of renamed candidates."""
    pairs, spec = state.pairs, state.spec
    kinds = spec.kinds
    renaming = [str(k) for k in kinds.renaming]
    needed = {"given_class_l", "given_class_r", "birth_days_l", "birth_days_r"}
    if pairs.empty or not renaming or not needed <= set(pairs.columns):
        return {}
    kind_l, kind_r = pairs["source_kind_l"], pairs["source_kind_r"]
    renamed_l, renamed_r = kind_l.isin(renaming).to_numpy(), kind_r.isin(renaming).to_numpy()
    moving = [str(k) for k in kinds.birth_date]
    moves = (kind_l.isin(moving) | kind_r.isin(moving)).to_numpy()
    given_l = pairs["given_class_l"].astype(object)
    known = given_l.map(holds.known_class).to_numpy(dtype=bool)
    days_l = pd.to_numeric(pairs["birth_days_l"], errors="coerce").to_numpy(float)
    days_r = pd.to_numeric(pairs["birth_days_r"], errors="coerce").to_numpy(float)
    with np.errstate(invalid="ignore"):
        close = np.abs(days_l - days_r) <= holds.MOVED_BY_WEEKS  # a missing date: False
    weight = {c: pairs[c].to_numpy(float) for c in ("mw_family_name", "mw_sex") if c in pairs}
    fits = (
        (renamed_l | renamed_r)
        & (weight["mw_family_name"] <= 1.0 if "mw_family_name" in weight else True)
        & known
        & (given_l == pairs["given_class_r"].astype(object)).to_numpy(dtype=bool)
        & moves
        & close
        & (weight["mw_sex"] >= 0 if "mw_sex" in weight else True)
    )
    keys_l, keys_r = pairs["key_l"].to_numpy(dtype=object), pairs["key_r"].to_numpy(dtype=object)
    person_of = state.person_of
    out: dict[Hashable, set[str]] = defaultdict(set)
    for i in np.flatnonzero(fits).tolist():
        left, right = keys_l[i], keys_r[i]
        if renamed_l[i]:
            out[left].add(person_of.get(right, f"?{right}"))
        if renamed_r[i]:
            out[right].add(person_of.get(left, f"?{left}"))
    return out


def _weighed(
    pairs: pd.DataFrame, person_of: dict[Hashable, str], cutoff: float
) -> tuple[list[int], list[str], list[str]]:
    """Positions of the pairs the rule can weigh, with the persons of their two records: across
    two persons, with a record that has such a pair at or above `cutoff` (the floor less the
    rival margin). Only those records' candidates are ever read (a pair's own records, a rival
    within the margin of a pair at the floor, a lone record reached through one), and every
    candidate of theirs is kept; a run's millions of low pairs between other records are never
    looped over in Python."""
    if pairs.empty:
        return [], [], []
    keys_l, keys_r = pairs["key_l"], pairs["key_r"]

    def persons(keys: pd.Series) -> np.ndarray:
        # key by key: `Series.map(dict)` makes a Series of the whole persons dict (a million
        # records in an incremental run) for the pairs' keys; a record no clustering has seen
        # is a person of its own
        found = np.empty(len(keys), dtype=object)
        found[:] = [person_of.get(key, f"?{key}") for key in keys.tolist()]
        return found

    person_l, person_r = persons(keys_l), persons(keys_r)
    across = person_l != person_r
    high = across & (pairs["match_probability"].to_numpy(float) >= cutoff)
    hot = pd.unique(np.concatenate([keys_l.to_numpy()[high], keys_r.to_numpy()[high]]))
    keep = np.flatnonzero(across & (keys_l.isin(hot).to_numpy() | keys_r.isin(hot).to_numpy()))
    return keep.tolist(), person_l[keep].tolist(), person_r[keep].tolist()
