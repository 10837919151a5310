"""Cannot-links the data itself implies: twins.

Twins share a surname, a birth date, a birthplace and parents; only the given name tells them
apart, so a model that sums evidence will happily merge them. Two records with the same family
name key, the same full birth date and clearly different given names (no key, class or diminutive
in common) are therefore kept apart, unless a reviewer confirmed them as one child.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd


def _same_given(a: pd.Series, b: pd.Series) -> bool:
    left = {a["given_key"], a["given_class"]} - {None}
    right = {b["given_key"], b["given_class"]} - {None}
    return bool(left & right) or not left or not right


def twin_cannot_links(features: pd.DataFrame, *, max_group: int = 12) -> list[tuple[int, int]]:
    """Pairs of `uid`s that must never be one person (see the module docstring).

    Groups larger than `max_group` (a common surname on a common date in a huge registry) are
    skipped: the rule is for families, not for coincidences.
    """
    have = features[features["family_key"].notna() & features["birth_days"].notna()]
    keys = ["family_key", "birth_days"]
    sizes = have.groupby(keys, sort=False)["given_key"].transform("nunique")
    have = have[sizes > 1]
    pairs: list[tuple[int, int]] = []
    for _key, group in have.groupby(keys, sort=False):
        if len(group) < 2 or len(group) > max_group:
            continue
        rows = [row for _, row in group.iterrows()]
        for a, b in combinations(rows, 2):
            if not _same_given(a, b):
                pairs.append((int(a["uid"]), int(b["uid"])))
    return pairs
