"""Rows listed together: a record's siblings as evidence for its match (decision 0313).

Lists name children in groups: a family report covers brothers and sisters, a partner list
carries a family, an adoption listing lists a sibling group together (`group_id`, the feature
`group_key`). When a record's candidate X is right, its listed-together siblings should find
X's siblings; when a look-alike Y is wrong, they usually do not. A pair is **supported** when
another record of its group, with another given name, has a candidate (at or above
`min_probability`) that looks like a sibling of the pair's other record: the same `group_key`
with another given name, or the same surname stem and the same father's name (both known) with
another given name. Camp transports share a `group_id` with unrelated children; a chance
support through them needs a sibling-like candidate as well, which is rare.

Pure: pandas frames in, positions out; no store, no engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from functools import cache

import numpy as np
import pandas as pd

__all__ = ["GroupContext", "by_uid"]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def by_uid(features: pd.DataFrame, column: str) -> dict[Hashable, object]:
    """A feature column as a dict by `uid` (as `set_index("uid")[column].to_dict()`, whose
    per-value boxing took seconds at hundreds of thousands of records); {} without it."""
    if column not in features:
        return {}
    return dict(zip(features["uid"].tolist(), features[column].tolist(), strict=True))


class GroupContext:
    """Groups and sibling likeness of records, by `uid`, from a feature table."""

    def __init__(self, features: pd.DataFrame) -> None:
        def column(name: str) -> dict[Hashable, str]:
            return {u: _text(v) for u, v in by_uid(features, name).items()}

        self.group = column("group_key")
        self.stem = column("family_stem")
        self.father = column("patronymic_class")
        self.given = column("given_class")
        self.members: dict[str, list[Hashable]] = defaultdict(list)
        for uid, group in self.group.items():
            if group:
                self.members[group].append(uid)

    def siblings(self, a: Hashable, b: Hashable, *, fathers_known: bool = True) -> bool:
        """Two records that look like two children of one family (not one child): other given
        names and the same `group_key`, or the same surname stem and the same father's name —
        both known (`fathers_known`, for linking), or only not known to differ (for offering
        pairs to a person, `adoption.sibling_offers`)."""
        if a == b or self.given.get(a, "") == self.given.get(b, ""):
            return False
        group = self.group.get(a, "")
        if group and group == self.group.get(b, ""):
            return True
        stem = self.stem.get(a, "")
        if not stem or stem != self.stem.get(b, ""):
            return False
        father_a, father_b = self.father.get(a, ""), self.father.get(b, "")
        if fathers_known:
            return bool(father_a) and father_a == father_b
        return not father_a or not father_b or father_a == father_b

    def support(self, pairs: pd.DataFrame, *, min_probability: float) -> Callable[[int], bool]:
        """A test of whether the pair at a position (0-based row) of `pairs` (`uid_l`, `uid_r`,
        `match_probability`) is supported by its groups, looking at candidates at or above
        `min_probability`. Evaluated on demand and remembered: a run asks about few pairs."""
        if not self.members:
            return lambda _position: False
        # arrays, read at the positions asked about (Python lists of every scored pair's uids
        # were hundreds of megabytes at a million records)
        left, right = pairs["uid_l"].to_numpy(), pairs["uid_r"].to_numpy()
        candidates: dict[Hashable, list[Hashable]] = defaultdict(list)
        high = np.flatnonzero(pairs["match_probability"].to_numpy(float) >= min_probability)
        for a, b in zip(left[high].tolist(), right[high].tolist(), strict=True):
            candidates[a].append(b)
            candidates[b].append(a)

        def supports(record: Hashable, other: Hashable) -> bool:
            group = self.group.get(record, "")
            if not group:
                return False
            mine = self.given.get(record, "")
            for sibling in self.members[group]:
                if sibling == record or self.given.get(sibling, "") == mine:
                    continue
                if any(
                    found != other and self.siblings(other, found)
                    for found in candidates.get(sibling, ())
                ):
                    return True
            return False

        @cache
        def supported(position: int) -> bool:
            (a,), (b,) = (
                left[position : position + 1].tolist(),
                right[position : position + 1].tolist(),
            )
            return supports(a, b) or supports(b, a)

        return supported
