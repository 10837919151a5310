"""Renamed adoption records linked through their listed-together siblings (decision 0314).

Children adopted together are listed together (`group_key`) and renamed alike. Once one of them
is linked to a child, where its brothers and sisters are is known: among that child's siblings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

from kintrace.linkage.decide.offers import offer_order
from kintrace.linkage.decide.rules import State

SIBLING_LINKS = "0314-sibling-links"


def link_through_siblings(state: State) -> bool:
    """Link renamed records through their siblings; True when anything was linked.

    When a sibling in the record's listing group is linked (`auto`) to a child, and the record
    has a candidate that looks like that child's sibling (`GroupContext.siblings`, fathers
    known) with the given name agreeing (weight > 0), the sex not disagreeing and no agreeing
    patronymic under the replaced surname, that candidate is the record's child — when all such
    candidates of the record are one person (`state.person_of`, the last clustering); its best
    pair becomes `auto`.
    """
    pairs, features = state.pairs, state.features
    if pairs.empty or "group_key" not in features:
        return False
    context = state.context()
    if not context.members:
        return False
    renaming = {str(k) for k in state.spec.kinds.renaming}
    kind = state.kind_of()
    status = state.status
    uid_l, uid_r = pairs["uid_l"].tolist(), pairs["uid_r"].tolist()
    keys_l, keys_r = pairs["key_l"].tolist(), pairs["key_r"].tolist()
    strong: dict[Hashable, list[Hashable]] = defaultdict(list)
    for position, state_now in enumerate(status):
        if state_now == "auto":
            strong[uid_l[position]].append(uid_r[position])
            strong[uid_r[position]].append(uid_l[position])

    def supported(record: Hashable, candidate: Hashable) -> bool:
        mine = context.given.get(record, "")
        return any(
            found != candidate
            and kind.get(found) not in renaming
            and context.siblings(candidate, found)
            for sibling in context.members[context.group.get(record, "")]
            if sibling != record and context.given.get(sibling, "") != mine
            for found in strong.get(sibling, ())
        )

    found: dict[Hashable, list[int]] = defaultdict(list)
    weights = pairs[["mw_given_name", "mw_sex", "mw_patronymic"]].to_numpy(dtype=float)
    for position, state_now in enumerate(status):
        if state_now != "pending":
            continue  # linked already, or below the floor and not offered
        left, right = uid_l[position], uid_r[position]
        renamed_l, renamed_r = kind.get(left) in renaming, kind.get(right) in renaming
        if renamed_l == renamed_r:
            continue
        given, sex, patronymic = weights[position]
        if not (given > 0 and sex >= 0 and patronymic <= 0):
            continue
        record, candidate = (left, right) if renamed_l else (right, left)
        if not context.group.get(record):
            continue
        if state.person_of.get(keys_l[position]) == state.person_of.get(keys_r[position]):
            continue
        if supported(record, candidate):
            found[record].append(position)
    probability = pairs["match_probability"].to_numpy(dtype=float)
    linked = False
    for record, positions in found.items():
        persons = set()
        for position in positions:
            other = keys_r[position] if uid_l[position] == record else keys_l[position]
            persons.add(state.person_of.get(other, f"?{other}"))
        if len(persons) == 1:
            # the best pair; of equal ones the smaller uids (not the database's row order)
            best = min(positions, key=lambda i: offer_order(probability[i], uid_l[i], uid_r[i]))
            state.set(best, "auto", SIBLING_LINKS)
            linked = True
    return linked
