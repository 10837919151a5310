"""Cannot-links the data itself implies: twins, siblings, rows listed together, namesakes.

Twins share a surname, a birth date, a birthplace and parents; siblings share all but the date.
Only the given name tells them apart, so a model that sums evidence will happily merge them. Two
records of one family, that is with the same surname stem and either the same full birth date
(twins) or a patronymic from the same father (siblings), whose given names are clearly different
(both names the tables know, no key or class in common), are kept apart, unless a reviewer
confirmed them as one child.

Two more kinds of pair are two children whatever their names say (decision 0316), tested when
two persons would join (`IdentityConflicts`, the `conflict` of `clustering.cluster`) rather than
listed as pairs, which at a million records would be millions:

- **rows listed together** (`group_key`: one source's `group_id` — a family's report, a
  transport, a sibling group), which name a child once each — unless the two rows are one child
  entered twice: the same first name (a class the tables know) and the same full birth date
  (decision 0317; twins share the date, never the first name);
- **namesakes and look-alikes**: two records outside adoption listings (which replace them on
  purpose) on which two of surname stem, father's name and full birth date disagree. One
  disagreement can be a clerk's error; two are two children.

They keep a record that fits two such children (an age-only or undated report, a partner's
year-only row) from joining them into one person through itself.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from itertools import combinations, pairwise

import numpy as np
import pandas as pd

from kintrace.linkage.spec.kinds import KINTRACE_KINDS
from kintrace.names.patronymic import known_fathers


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
    grouped = have.groupby(keys, sort=False)
    spread = grouped["given_class"].transform("nunique")
    size = grouped["given_class"].transform("size")
    have = have[(spread > 1) & (size <= max_group)]
    found: set[tuple[int, int]] = set()
    if have.empty:
        return found
    # each group's rows, by group number (pandas' group iteration made a frame per group:
    # seconds at hundreds of thousands of records)
    number = have.groupby(keys, sort=False).ngroup().to_numpy()
    order = np.argsort(number, kind="stable")
    number = number[order]
    columns = [have[c].to_numpy(dtype=object)[order].tolist()
               for c in ("uid", "given_key", "given_class", "given_classes")]  # fmt: skip
    rows = list(zip(*columns, strict=True))
    bounds = [0, *(np.flatnonzero(np.diff(number)) + 1).tolist(), len(rows)]
    for start, end in pairwise(bounds):
        for (uid_a, *a), (uid_b, *b) in combinations(rows[start:end], 2):
            if _different_given(tuple(a), tuple(b)):
                found.add((min(int(uid_a), int(uid_b)), max(int(uid_a), int(uid_b))))
    return found


def twin_cannot_links(
    features: pd.DataFrame, *, max_group: int = 12, new_first_names: Collection[str] = ()
) -> list[tuple[int, int]]:
    """Pairs of `uid`s that must never be one person (see the module docstring).

    Groups larger than `max_group` (a common surname on a common date in a huge registry) are
    skipped: the rule is for families, not for coincidences. A record of a kind in
    `new_first_names` (a listing that may give a child a new first name, `KindPolicy.
    given_name`) takes no such pair: its other first name is not another child's (decision
    0359); the groups are counted with it, so the other records' pairs do not change.
    """
    twins = _pairs_in_groups(features, ["family_stem", "birth_days"], max_group)
    siblings = _pairs_in_groups(features, ["family_stem", "patronymic_class"], max_group)
    found = twins | siblings
    if new_first_names and "source_kind" in features:
        renaming = features["source_kind"].isin([str(k) for k in new_first_names])
        left_out = set(features.loc[renaming, "uid"].astype(int).tolist())
        found = {(a, b) for a, b in found if a not in left_out and b not in left_out}
    return sorted(found)


_IDENTITY_COLUMNS = ("family_stem", "patronymic_class", "birth_year", "birth_month", "birth_day")


class IdentityConflicts:
    """The test `clustering.cluster` asks before joining two records: are they surely two
    children? (decision 0316). Built from a feature table, keyed by `keys` (default: `uid`).

    True for two records of one listing group (`group_key`) — unless both have the same known
    first-name class and the same full birth date, one child entered twice (decision 0317) —,
    and for two records outside
    adoption listings on which at least two of surname stem, father's name (a patronymic class
    the tables know, `names.patronymic.known_fathers`; decision 0358) and full birth date
    disagree. A date disagrees when it is not the same
    date, not its day and month swapped, and not the same day and month in another year.

    `rewriting` are the source kinds that replace identity fields on purpose (the spec's
    `KindPolicy.rewriting`: adoption listings), left out of the second test. `listed_together`
    and `namesakes` switch the two tests (the decision pipeline's rules `0316-listed-together`
    and `0316-namesakes`).
    """

    def __init__(
        self,
        features: pd.DataFrame,
        keys: Sequence[Hashable] | None = None,
        *,
        rewriting: Collection[str] = KINTRACE_KINDS.rewriting,
        listed_together: bool = True,
        namesakes: bool = True,
    ) -> None:
        names = pd.Series(
            list(keys) if keys is not None else [int(u) for u in features["uid"]],
            index=features.index,
            dtype=object,
        )
        self.group: dict[Hashable, str] = {}
        self.entry: dict[Hashable, tuple[object, ...]] = {}
        if listed_together and "group_key" in features:
            groups = features["group_key"]
            listed = groups.notna() & (groups.astype(str) != "")
            self.group = dict(zip(names[listed], groups[listed], strict=True))
            self.entry = _entries(features[listed], names[listed])
        self.identity: dict[Hashable, tuple[str | None, str | None, tuple[int, int, int] | None]]
        self.identity = {}
        if not namesakes or any(c not in features for c in _IDENTITY_COLUMNS):
            return
        # adoption listings replace surname, patronymic and date on purpose
        rows = (
            features[~features["source_kind"].isin([str(k) for k in rewriting])]
            if "source_kind" in features
            else features
        )
        stems = rows["family_stem"].where(rows["family_stem"].fillna("") != "")
        fathers = rows["patronymic_class"].str.extract(r"^([^:]+):", expand=False)
        # a father's name the tables lack is the stem of its key ("evhn" for a misspelt
        # Євгенович): it proves no other father, as an unknown first name proves no other
        # child (`_different_given`; decision 0358)
        fathers = fathers.where(fathers.isin(known_fathers()))
        dated = rows[["birth_year", "birth_month", "birth_day"]].notna().all(axis=1)
        known = stems.notna().astype(int) + fathers.notna().astype(int) + dated.astype(int)
        keep = known >= 2
        dates = zip(
            rows["birth_year"].where(dated, 0).astype(int)[keep],
            rows["birth_month"].where(dated, 0).astype(int)[keep],
            rows["birth_day"].where(dated, 0).astype(int)[keep],
            dated[keep],
            strict=True,
        )
        for name, stem, father, (year, month, day, has_date) in zip(
            names[rows.index][keep], stems[keep], fathers[keep], dates, strict=True
        ):
            self.identity[name] = (
                stem if isinstance(stem, str) else None,
                father if isinstance(father, str) else None,
                (year, month, day) if has_date else None,
            )

    def __call__(self, a: Hashable, b: Hashable) -> bool:
        return self.reason(a, b) is not None

    def reason(self, a: Hashable, b: Hashable) -> str | None:
        """Why `a` and `b` are two children, in words for a reviewer; None when nothing says so."""
        group = self.group.get(a)
        if (
            group is not None
            and group == self.group.get(b)
            and not _entered_twice(self.entry.get(a), self.entry.get(b))
        ):
            return "listed together in one group of one list, which names a child once"
        left, right = self.identity.get(a), self.identity.get(b)
        if left is None or right is None:
            return None
        (stem_a, father_a, date_a), (stem_b, father_b, date_b) = left, right
        differ = []
        if stem_a and stem_b and stem_a != stem_b:
            differ.append("surname")
        if father_a and father_b and father_a != father_b:
            differ.append("father's name")
        if date_a and date_b and _dates_disagree(date_a, date_b):
            differ.append("birth date")
        if len(differ) < 2:
            return None
        return f"{', '.join(differ[:-1])} and {differ[-1]} disagree"


def _entries(rows: pd.DataFrame, names: pd.Series) -> dict[Hashable, tuple[object, ...]]:
    """What tells whether two rows of one group are one child entered twice (decision 0317):
    the first-name class, when the tables know it, the surname stem, the full birth date and the
    birth years the record allows. Rows without a known class are left out: their group alone
    says they are two children."""
    needed = ("given_class", "family_stem", "birth_year", "birth_month", "birth_day",
              "birth_year_min", "birth_year_max")  # fmt: skip
    if rows.empty or any(c not in rows for c in needed):
        return {}
    given = rows["given_class"]
    keep = given.map(lambda c: isinstance(c, str) and ":" in c)
    out: dict[Hashable, tuple[object, ...]] = {}
    for name, c, stem, y, m, d, lo, hi in zip(
        names[keep], *(rows[col][keep] for col in needed), strict=True
    ):
        full = not (pd.isna(y) or pd.isna(m) or pd.isna(d))
        out[name] = (
            str(c),
            stem if isinstance(stem, str) and stem else None,
            (int(y), int(m), int(d)) if full else None,
            None if pd.isna(lo) else int(lo),
            None if pd.isna(hi) else int(hi),
        )
    return out


def _entered_twice(a: tuple[object, ...] | None, b: tuple[object, ...] | None) -> bool:
    """Two rows of one group that are one child entered twice: the same known first-name class,
    surnames not disagreeing, and full birth dates that do not disagree (the same date, its day
    and month swapped, or the same day and month in another year: `_dates_disagree`, as the
    namesakes test reads them; decision 0358) — or, when one date is partial, birth years that
    overlap (decision 0317). Twins share the date, never the first name."""
    if a is None or b is None:
        return False
    (class_a, stem_a, date_a, lo_a, hi_a), (class_b, stem_b, date_b, lo_b, hi_b) = a, b
    if class_a != class_b or (stem_a and stem_b and stem_a != stem_b):
        return False
    if date_a is not None and date_b is not None:
        return not _dates_disagree(date_a, date_b)  # type: ignore[arg-type]
    if None in (lo_a, hi_a, lo_b, hi_b):
        return False
    return lo_a <= hi_b and lo_b <= hi_a  # type: ignore[operator]


def _dates_disagree(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    (ya, ma, da), (yb, mb, db) = a, b
    if (ma, da) == (mb, db):  # the same date, or another year on the same day: a typo
        return False
    return not (ya == yb and (ma, da) == (db, mb))  # day and month swapped
