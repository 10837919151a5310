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
    # the columns as arrays, read at the auto and pending positions only (Python lists of
    # every scored pair's uids and keys were hundreds of megabytes at a million records)
    all_uid_l, all_uid_r = pairs["uid_l"].to_numpy(), pairs["uid_r"].to_numpy()
    all_keys_l, all_keys_r = pairs["key_l"].to_numpy(), pairs["key_r"].to_numpy()
    strong: dict[Hashable, list[Hashable]] = defaultdict(list)
    auto = state.positions("auto")
    for left, right in zip(all_uid_l[auto].tolist(), all_uid_r[auto].tolist(), strict=True):
        strong[left].append(right)
        strong[right].append(left)

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
    # pending pairs only (linked already, or below the floor and not offered, are not weighed)
    pending = state.positions("pending")
    given, sex, patronymic = (pairs[c].to_numpy(dtype=float)[pending]
                              for c in ("mw_given_name", "mw_sex", "mw_patronymic"))  # fmt: skip
    pending = pending[(given > 0) & (sex >= 0) & (patronymic <= 0)]
    uid_l, uid_r = all_uid_l[pending].tolist(), all_uid_r[pending].tolist()
    keys_l, keys_r = all_keys_l[pending].tolist(), all_keys_r[pending].tolist()
    for at in range(len(pending)):
        left, right = uid_l[at], uid_r[at]
        renamed_l, renamed_r = kind.get(left) in renaming, kind.get(right) in renaming
        if renamed_l == renamed_r:
            continue
        record, candidate = (left, right) if renamed_l else (right, left)
        if not context.group.get(record):
            continue
        if state.person_of.get(keys_l[at]) == state.person_of.get(keys_r[at]):
            continue
        if supported(record, candidate):
            found[record].append(at)
    probability = pairs["match_probability"].to_numpy(dtype=float)[pending]
    linked = False
    for record, ats in found.items():
        persons = set()
        for at in ats:
            other = keys_r[at] if uid_l[at] == record else keys_l[at]
            persons.add(state.person_of.get(other, f"?{other}"))
        if len(persons) == 1:
            # the best pair; of equal ones the smaller uids (not the database's row order)
            best_at = min(ats, key=lambda i: offer_order(probability[i], uid_l[i], uid_r[i]))
            best = int(pending[best_at])
            state.set(best, "auto", SIBLING_LINKS)
            linked = True
    return linked
