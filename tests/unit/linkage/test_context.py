"""Rows listed together as evidence (decision 0313): sibling likeness and group support."""

from __future__ import annotations

import pandas as pd

from kintrace.linkage.context import GroupContext


def _features() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uid": [1, 2, 3, 4, 5, 6],
            "group_key": ["a", "a", None, None, None, "b"],
            "family_stem": ["renamed", "other", "kovalenk", "kovalenk", "kovalenk", "x"],
            "patronymic_class": [None, None, "petro:m", "petro:m", None, None],
            "given_class": ["anna:f", "ivan:m", "anna:f", "ivan:m", "ivan:m", "anna:f"],
        }
    )


def test_siblings_by_group_or_by_surname_and_father() -> None:
    ctx = GroupContext(_features())
    assert ctx.siblings(1, 2)  # listed together, other names, whatever the surnames
    assert ctx.siblings(3, 4)  # one surname stem, one father, other names
    assert not ctx.siblings(3, 5)  # the father unknown on one side: not sure
    assert not ctx.siblings(3, 1)  # the same given name: one child, not two
    assert not ctx.siblings(1, 6)  # other groups, other surnames


def test_support_comes_from_a_listed_together_sibling_finding_a_sibling() -> None:
    ctx = GroupContext(_features())
    pairs = pd.DataFrame(
        {"uid_l": [1, 2, 1], "uid_r": [3, 4, 5], "match_probability": [0.9, 0.6, 0.9]}
    )
    supported = ctx.support(pairs, min_probability=0.5)
    assert supported(0)  # 1~3 supported: 2 (listed with 1) found 4, a sibling of 3
    assert supported(1)  # and the other way round
    assert not supported(2)  # 5 has no known father: no sibling of 5 was found
    assert not ctx.support(pairs, min_probability=0.7)(0)  # 2~4 is below the candidates' floor


def test_no_groups_no_support() -> None:
    features = _features().drop(columns=["group_key"])
    pairs = pd.DataFrame({"uid_l": [1], "uid_r": [3], "match_probability": [0.9]})
    assert not GroupContext(features).support(pairs, min_probability=0.5)(0)
