"""Cannot-links the data itself implies: twins and siblings.

Twins share a surname, a birth date, a birthplace and parents; siblings share all but the date.
Only the given name tells them apart, so a model that sums evidence will happily merge them. Two
records of one family, that is with the same surname stem and either the same full birth date
(twins) or a patronymic from the same father (siblings), whose given names are clearly different
(both names the tables know, no key or class in common), are kept apart, unless a reviewer
confirmed them as one child.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd


def _different_given(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    key_a, class_a, every_a = a
    key_b, class_b, every_b = b
    if not (key_a and key_b and isinstance(class_a, str) and isinstance(class_b, str)):
        return False
    # Only names the tables know ("ivan:m") are surely different names; a bare key is an unknown
    # spelling, a typo or a diminutive the tables lack (Феір, Діанка), and proves nothing.
    if ":" not in class_a or ":" not in class_b:
        return False
    if key_a == key_b or class_a == class_b:
        return False
    # a diminutive may belong to several names (Славко: Ярослав, Вячеслав ...)
    return f"|{class_a}|" not in str(every_b or "") and f"|{class_b}|" not in str(every_a or "")


def _pairs_in_groups(
    features: pd.DataFrame, keys: list[str], max_group: int
) -> set[tuple[int, int]]:
    have = features.dropna(subset=[*keys, "given_class"])
    if have.empty:
        return set()
    spread = have.groupby(keys, sort=False)["given_class"].transform("nunique")
    have = have[spread > 1]
    found: set[tuple[int, int]] = set()
    for _key, group in have.groupby(keys, sort=False):
        if len(group) > max_group:
            continue
        rows = list(
            zip(
                group["uid"], group["given_key"], group["given_class"], group["given_classes"],
                strict=True,
            )
        )  # fmt: skip
        for (uid_a, *a), (uid_b, *b) in combinations(rows, 2):
            if _different_given(tuple(a), tuple(b)):
                found.add((min(int(uid_a), int(uid_b)), max(int(uid_a), int(uid_b))))
    return found


def twin_cannot_links(features: pd.DataFrame, *, max_group: int = 12) -> list[tuple[int, int]]:
    """Pairs of `uid`s that must never be one person (see the module docstring).

    Groups larger than `max_group` (a common surname on a common date in a huge registry) are
    skipped: the rule is for families, not for coincidences.
    """
    twins = _pairs_in_groups(features, ["family_stem", "birth_days"], max_group)
    siblings = _pairs_in_groups(features, ["family_stem", "patronymic_class"], max_group)
    return sorted(twins | siblings)
