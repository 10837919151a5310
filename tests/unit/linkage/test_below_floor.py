"""The pairs below the review floor that leave the database are those the offer rules can use
(decision 0341): each adoption record's best few, the anchors of records with a listed-together
sibling, and the candidates such a sibling's anchor may support. Synthetic records, DuckDB."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from kintrace.linkage.below_floor import FEATURE_COLUMNS, selection_sql
from kintrace.linkage.decide.offers import best_offers, sibling_offers
from kintrace.linkage.spec import kintrace_spec

# uid, source, kind, family_stem, patronymic_class, given_class, birth_place_key
_RECORDS = [
    (1, "adopt", "adoption", "ivanov", "petro:m", "oleh:m", "kyiv"),  # adopted brother, renamed
    (2, "adopt", "adoption", "ivanov", "petro:m", "olena:f", "kyiv"),  # his sister, renamed alike
    (3, "family", "family", "shevchenko", "mykola:m", "oleh:m", "lviv"),  # the brother's report
    (4, "family", "family", "shevchenko", "", "olena:f", "lviv"),  # the sister's
    (5, "adopt", "adoption", "sidorov", "ivan:m", "oleh:m", "kyiv"),  # another adoption listing
    # look-alikes of the brother (11-16, his birthplace) and of the sister (21-26)
    *[(u, "family", "family", f"stem{u}", "", "oleh:m", "kyiv") for u in range(11, 17)],
    *[(u, "family", "family", f"stem{u}", "", "olena:f", "kyiv") for u in range(21, 27)],
    # and more distant ones, born elsewhere
    *[(u, "family", "family", f"stem{u}", "", "oleh:m", "odesa") for u in range(31, 35)],
]

_PAIRS = [
    (1, 3, 0.005),  # the brother's child: below the anchor floor, ranked 7th by birthplace
    (2, 4, 0.02),  # the sister's: an anchor, ranked 7th
    *[(1, u, 0.2) for u in range(11, 17)],
    *[(2, u, 0.3) for u in range(21, 27)],
    *[(1, u, 0.002) for u in range(31, 35)],  # nothing any offer rule reads
    *[(5, u, 0.2) for u in range(11, 17)],  # equal candidates of a record with no sibling
    (1, 5, 0.3),  # two adoption records: no offer rule reads it
    (3, 11, 0.0005),  # neither record offered, below the review floor
    (3, 4, 0.7),  # at or above the review floor: always kept
]


def _features() -> pd.DataFrame:
    columns = ["uid", "source", "source_kind", "family_stem", "patronymic_class", "given_class"]
    return pd.DataFrame(_RECORDS, columns=[*columns, "birth_place_key"]).assign(group_key=None)


def _pairs() -> pd.DataFrame:
    kinds = {r[0]: r[2] for r in _RECORDS}
    frame = pd.DataFrame(_PAIRS, columns=["uid_l", "uid_r", "match_probability"])
    frame["source_kind_l"] = frame["uid_l"].map(kinds)
    frame["source_kind_r"] = frame["uid_r"].map(kinds)
    return frame


def _selected(pairs: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    sql = selection_sql(
        kintrace_spec(),
        result="pairs_t",
        features="features_t",
        feature_columns=list(features.columns),
        columns=list(pairs.columns),
    )
    assert sql is not None
    con = duckdb.connect()
    try:
        con.register("pairs_t", pairs)
        con.register("features_t", features)
        return con.execute(sql).df()
    finally:
        con.close()


def _offered(offers: set[int], pairs: pd.DataFrame) -> set[tuple[int, int]]:
    return {(int(pairs["uid_l"][i]), int(pairs["uid_r"][i])) for i in offers}


def test_the_selection_keeps_what_the_offer_rules_take_and_leaves_the_rest() -> None:
    pairs, features = _pairs(), _features()
    selected = _selected(pairs, features)
    kept = set(zip(selected["uid_l"], selected["uid_r"], strict=True))
    assert (3, 4) in kept  # at or above the review floor
    assert (1, 3) in kept  # a candidate the sister's anchor supports (beyond the best few)
    assert (2, 4) in kept  # the sister's anchor (beyond her best few)
    assert {(1, u) for u in range(11, 15)} <= kept  # the brother's best four
    # of equal candidates, those of the smaller uids
    assert {(5, u) for u in range(11, 17)} & kept == {(5, u) for u in range(11, 15)}
    assert not kept & {(1, u) for u in range(31, 35)}
    assert (1, 5) not in kept and (3, 11) not in kept
    # ordered by the pair's records
    assert list(zip(selected["uid_l"], selected["uid_r"], strict=True)) == sorted(kept)
    t = kintrace_spec().thresholds
    for rule in (
        lambda p: sibling_offers(p, features, below=t.review_floor, per_record=3),
        lambda p: best_offers(p, features, below=t.review_floor, floor=0.001, per_record=4),
        lambda p: best_offers(p, features, below=t.review_floor, floor=0.001, per_record=1),
    ):
        assert _offered(rule(selected), selected) == _offered(rule(pairs), pairs)
    assert _offered(sibling_offers(selected, features, below=0.5, per_record=3), selected) == {
        (1, 3)
    }


@pytest.mark.parametrize("missing", ["group_key", "birth_place_key", "source"])
def test_a_feature_table_without_a_column_selects_as_the_rules_read_it(missing: str) -> None:
    pairs, features = _pairs(), _features().drop(columns=[missing])
    assert missing in FEATURE_COLUMNS
    selected = _selected(pairs, features)
    t = kintrace_spec().thresholds
    for rule in (
        lambda p: sibling_offers(p, features, below=t.review_floor, per_record=3),
        lambda p: best_offers(p, features, below=t.review_floor, floor=0.001, per_record=4),
    ):
        assert _offered(rule(selected), selected) == _offered(rule(pairs), pairs)
