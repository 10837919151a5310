"""The pairs below the review floor that leave the database include every candidate that fits a
renamed record closely (decision 0334), however far down the record's offer order it ranks.

SYNTHETIC records only."""

from __future__ import annotations

import duckdb
import pandas as pd

from kintrace.linkage.below_floor import selection_sql
from kintrace.linkage.decide.offers import OFFER_DEPTH
from kintrace.linkage.spec import kintrace_spec

COLUMNS = ["uid_l", "uid_r", "match_probability", "source_kind_l", "source_kind_r"]


def _selected(pairs: pd.DataFrame, features: pd.DataFrame) -> set[tuple[int, int]]:
    spec = kintrace_spec()
    sql = selection_sql(
        spec,
        result="scored",
        features="feats",
        feature_columns=list(features.columns),
        columns=COLUMNS,
    )
    assert sql is not None
    con = duckdb.connect()
    try:
        con.register("scored", pairs)
        con.register("feats", features)
        out = con.execute(sql).df()
    finally:
        con.close()
    return {(int(a), int(b)) for a, b in zip(out["uid_l"], out["uid_r"], strict=True)}


#: look-alikes that fill the offers: more than the selection keeps of a record's candidates
#: below the floor (`offers.OFFER_DEPTH` times the unseen offers)
_ALIKE = OFFER_DEPTH * kintrace_spec().thresholds.adoption_unseen_offers + 1


def _listing(top: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Adoption record 1 and its candidates: family record 10 at `top`, records 100- above its
    look-alikes (they fill its offers: dates that fit, higher probabilities), 7 fitting it
    closely (same first-name class, dates 20 days apart) at 0.01, 8 not (another first name),
    9 dated months away."""
    alike = list(range(100, 100 + _ALIKE))
    others = [*alike, 7, 8, 9, 10]
    probability = [0.3 - 0.01 * i for i in range(_ALIKE)] + [0.01, 0.009, 0.008, top]
    given = ["petro:m"] * _ALIKE + ["olha:f", "iryna:f", "olha:f", "olha:f"]
    days = [15000] * _ALIKE + [15020, 15000, 15200, 15000]
    pairs = pd.DataFrame(
        {
            "uid_l": [1] * len(others),
            "uid_r": others,
            "match_probability": probability,
            "source_kind_l": ["adoption"] * len(others),
            "source_kind_r": ["family"] * len(others),
        }
    )
    features = pd.DataFrame(
        {
            "uid": [1, *others],
            "source": ["listing"] + ["reports"] * len(others),
            "source_kind": ["adoption"] + ["family"] * len(others),
            "group_key": [None] * (1 + len(others)),
            "family_stem": ["new"] + [f"s{u}" for u in others],
            "patronymic_class": [None] * (1 + len(others)),
            "given_class": ["olha:f", *given],
            "birth_place_key": [None] * (1 + len(others)),
            "birth_days": [15000, *days],
        }
    )
    return pairs, features


def test_a_close_look_alike_below_the_offers_leaves_the_database() -> None:
    selected = _selected(*_listing(top=0.9))  # a candidate the unambiguous rule may weigh
    # the offers' own: all but the last look-alike; record 7 ranks after them all, so only the
    # close fit brings it out
    assert {(1, u) for u in range(100, 100 + _ALIKE - 1)} <= selected
    assert (1, 100 + _ALIKE - 1) not in selected
    assert (1, 7) in selected
    assert (1, 8) not in selected and (1, 9) not in selected


def test_a_record_the_unambiguous_rule_never_weighs_brings_out_no_look_alikes() -> None:
    # its best candidate is below `unambiguous_link`: the rule reads none of its look-alikes
    selected = _selected(*_listing(top=0.6))
    assert (1, 10) in selected and (1, 7) not in selected


def _two_listings(top_kind: str, close_kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Adoption record 1 weighed by the unambiguous rule through its pair with record 10 (of
    `top_kind`) at 0.9; records 100- fill its offers (dates that fit, higher probabilities,
    more than the selection keeps); record 7 (of `close_kind`) fits it closely (same first-name
    class, dates 20 days apart) at 0.01, ranked after them all."""
    alike = list(range(100, 100 + _ALIKE))
    others = [*alike, 7, 8, 9, 10]
    kinds = ["family"] * _ALIKE + [close_kind, "family", "family", top_kind]
    probability = [0.3 - 0.01 * i for i in range(_ALIKE)] + [0.01, 0.009, 0.008, 0.9]
    given = ["petro:m"] * _ALIKE + ["olha:f", "iryna:f", "olha:f", "olha:f"]
    pairs = pd.DataFrame(
        {
            "uid_l": [1] * len(others),
            "uid_r": others,
            "match_probability": probability,
            "source_kind_l": ["adoption"] * len(others),
            "source_kind_r": kinds,
        }
    )
    features = pd.DataFrame(
        {
            "uid": [1, *others],
            "source": ["listing"] + [f"list-{k}" for k in kinds],
            "source_kind": ["adoption", *kinds],
            "group_key": [None] * (1 + len(others)),
            "family_stem": ["new"] + [f"s{u}" for u in others],
            "patronymic_class": [None] * (1 + len(others)),
            "given_class": ["olha:f", *given],
            "birth_place_key": [None] * (1 + len(others)),
            "birth_days": [15000] + [15000] * _ALIKE + [15020, 15000, 15200, 15000],
        }
    )
    return pairs, features


def test_a_close_look_alike_in_another_listing_leaves_the_database() -> None:
    # `close_fit_persons` counts a pair of two renamed records (decision 0351): the selection
    # left it in the database, since neither side of it is the pair's one offered record
    selected = _selected(*_two_listings(top_kind="family", close_kind="adoption"))
    assert (1, 7) in selected
    assert (1, 8) not in selected and (1, 9) not in selected


def test_a_record_weighed_through_another_listing_brings_out_its_look_alikes() -> None:
    # its pair at or above `unambiguous_link` is with another adoption record (a row entered
    # twice, a second listing): the rule weighs it all the same (decision 0351)
    selected = _selected(*_two_listings(top_kind="adoption", close_kind="family"))
    assert (1, 10) in selected and (1, 7) in selected
    assert (1, 8) not in selected and (1, 9) not in selected
