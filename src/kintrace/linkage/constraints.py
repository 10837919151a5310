"""Cannot-links the data itself implies: twins, siblings, rows listed together, namesakes.

Twins share a surname, a birth date, a birthplace and parents; siblings share all but the date.
Only the given name tells them apart, so a model that sums evidence will happily merge them. Two
records of one family, that is with the same surname stem and either the same full birth date
(twins) or a patronymic from the same father (siblings), whose given names are clearly different
(both names the tables know, no key or class in common), are kept apart, unless a reviewer
confirmed them as one child.

Two more kinds of pair are two children whatever their names say (decision 0316):

- **rows listed together** (`group_key`: one source's `group_id` — a family's report, a
  transport, a sibling group), which name a child once each;
- **namesakes**: the same first name and surname stem, two full birth dates that disagree (not
  the same date, not its day and month swapped, not the same day and month in another year) and
  two patronymics from different fathers the tables know; outside adoption listings, which
  replace both on purpose.

They keep a record that fits two such children (an age-only or undated report, a partner's
year-only row) from joining them into one person through itself.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from kintrace.linkage.spec.model import ADOPTION_KIND


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


def listed_together(features: pd.DataFrame, *, max_group: int = 50) -> set[tuple[int, int]]:
    """Pairs of `uid`s listed in one group of one source (`group_key`), groups of up to
    `max_group` rows (a large institution's list would make its square in pairs)."""
    if "group_key" not in features:
        return set()
    have = features.loc[features["group_key"].notna(), ["uid", "group_key"]]
    size = have.groupby("group_key", sort=False)["uid"].transform("size")
    have = have[(size > 1) & (size <= max_group)]
    found: set[tuple[int, int]] = set()
    for _key, uids in have.groupby("group_key", sort=False)["uid"]:
        found.update(combinations(sorted(int(u) for u in uids), 2))
    return found


_NAMESAKE_COLUMNS = ["given_class", "family_stem", "patronymic_class", "birth_year",
                     "birth_month", "birth_day"]  # fmt: skip


def _father(patronymic_class: str) -> str | None:
    """The father's name of a patronymic class the tables know ("dmytro:f"), else None."""
    father, sep, _sex = patronymic_class.partition(":")
    return father if sep and father else None


def _dates_disagree(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    (ya, ma, da), (yb, mb, db) = a, b
    if (ma, da) == (mb, db):  # the same date, or another year on the same day: a typo
        return False
    return not (ya == yb and (ma, da) == (db, mb))  # day and month swapped


def namesakes(features: pd.DataFrame, *, max_group: int = 50) -> set[tuple[int, int]]:
    """Pairs of `uid`s with one first name and surname stem but different fathers and birth
    dates (see the module docstring); adoption-listing records never. Groups of one name and
    stem larger than `max_group` are skipped, as in `twin_cannot_links`."""
    if any(c not in features for c in _NAMESAKE_COLUMNS):
        return set()
    have = features.dropna(subset=_NAMESAKE_COLUMNS)
    if "source_kind" in have:
        have = have[have["source_kind"] != ADOPTION_KIND]
    fathers = have["patronymic_class"].map(lambda v: _father(str(v)))
    have = have.assign(_father=fathers)[fathers.notna()]
    keys = ["given_class", "family_stem"]
    spread = have.groupby(keys, sort=False)["_father"].transform("nunique")
    size = have.groupby(keys, sort=False)["_father"].transform("size")
    have = have[(spread > 1) & (size <= max_group)]
    found: set[tuple[int, int]] = set()
    for _key, group in have.groupby(keys, sort=False):
        rows = [
            (int(uid), father, (int(y), int(m), int(d)))
            for uid, father, y, m, d in zip(
                group["uid"], group["_father"], group["birth_year"], group["birth_month"],
                group["birth_day"], strict=True,
            )
        ]  # fmt: skip
        for (uid_a, father_a, date_a), (uid_b, father_b, date_b) in combinations(rows, 2):
            if father_a != father_b and _dates_disagree(date_a, date_b):
                found.add((min(uid_a, uid_b), max(uid_a, uid_b)))
    return found


def data_cannot_links(features: pd.DataFrame) -> list[tuple[int, int]]:
    """Every cannot-link the data implies: twins and siblings, rows listed together,
    namesakes."""
    found = set(twin_cannot_links(features))
    found |= listed_together(features)
    found |= namesakes(features)
    return sorted(found)
