"""The pairs below the review floor that leave the database are those the offer rules can use
(decision 0341): each adoption record's best few, the anchors of records with a listed-together
sibling, and the candidates such a sibling's anchor may support. Synthetic records, DuckDB."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from kintrace.linkage.below_floor import FEATURE_COLUMNS, selection_sql
from kintrace.linkage.decide.offers import OFFER_DEPTH, best_offers, sibling_offers
from kintrace.linkage.spec import kintrace_spec

#: how deep in a record's candidates the selection keeps them (the unseen offers' 4 times
#: OFFER_DEPTH); the look-alikes below outnumber it
_DEPTH = OFFER_DEPTH * kintrace_spec().thresholds.adoption_unseen_offers
_ALIKE = _DEPTH + 2

# uid, source, kind, family_stem, patronymic_class, given_class, birth_place_key
_RECORDS = [
    (1, "adopt", "adoption", "ivanov", "petro:m", "oleh:m", "kyiv"),  # adopted brother, renamed
    (2, "adopt", "adoption", "ivanov", "petro:m", "olena:f", "kyiv"),  # his sister, renamed alike
    (3, "family", "family", "shevchenko", "mykola:m", "oleh:m", "lviv"),  # the brother's report
    (4, "family", "family", "shevchenko", "", "olena:f", "lviv"),  # the sister's
    (5, "adopt", "adoption", "sidorov", "ivan:m", "oleh:m", "kyiv"),  # another adoption listing
    # look-alikes of the brother (100-, his birthplace) and of the sister (200-)
    *[(u, "family", "family", f"stem{u}", "", "oleh:m", "kyiv") for u in range(100, 100 + _ALIKE)],
    *[(u, "family", "family", f"stem{u}", "", "olena:f", "kyiv") for u in range(200, 200 + _ALIKE)],
    # and more distant ones, born elsewhere
    *[(u, "family", "family", f"stem{u}", "", "oleh:m", "odesa") for u in range(31, 35)],
]

_PAIRS = [
    (1, 3, 0.005),  # the brother's child: below the anchor floor, ranked last by birthplace
    (2, 4, 0.02),  # the sister's: an anchor, ranked last
    *[(1, u, 0.2) for u in range(100, 100 + _ALIKE)],
    *[(2, u, 0.3) for u in range(200, 200 + _ALIKE)],
    *[(1, u, 0.002) for u in range(31, 35)],  # nothing any offer rule reads
    *[(5, u, 0.2) for u in range(100, 100 + _ALIKE)],  # equal candidates, a record without sibling
    (1, 5, 0.3),  # two adoption records: no offer rule reads it
    (3, 100, 0.0005),  # neither record offered, below the review floor
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


def _offered_both_ways(
    pairs: pd.DataFrame, selected: pd.DataFrame, features: pd.DataFrame
) -> set[tuple[int, int]]:
    """The unseen-record offers (4 per record) made from the selection, checked to be those
    made from every pair."""
    t = kintrace_spec().thresholds
    offered = _offered(
        best_offers(selected, features, below=t.review_floor, floor=0.001, per_record=4),
        selected,
    )
    assert offered == _offered(
        best_offers(pairs, features, below=t.review_floor, floor=0.001, per_record=4), pairs
    )
    return offered


def test_the_selection_keeps_what_the_offer_rules_take_and_leaves_the_rest() -> None:
    pairs, features = _pairs(), _features()
    selected = _selected(pairs, features)
    kept = set(zip(selected["uid_l"], selected["uid_r"], strict=True))
    assert (3, 4) in kept  # at or above the review floor
    assert (1, 3) in kept  # a candidate the sister's anchor supports (beyond the best few)
    assert (2, 4) in kept  # the sister's anchor (beyond her best few)
    assert {(1, u) for u in range(100, 100 + _DEPTH)} <= kept  # the brother's best
    # of equal candidates, those of the smaller uids
    equal = {(5, u) for u in range(100, 100 + _ALIKE)}
    assert equal & kept == {(5, u) for u in range(100, 100 + _DEPTH)}
    assert not kept & {(1, u) for u in range(31, 35)}
    assert (1, 5) not in kept and (3, 100) not in kept
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


def _dated(uid: int, kind: str, day: date | None, years: tuple[int, int] | None = None) -> dict:
    epoch = date(1970, 1, 1)
    low, high = years or ((day.year, day.year) if day else (None, None))
    return {
        "uid": uid,
        "source": kind,
        "source_kind": kind,
        "family_stem": f"stem{uid}",
        "patronymic_class": "",
        "given_class": "oleh:m",
        "birth_place_key": "kyiv",
        "group_key": None,
        "birth_days": (day - epoch).days if day else None,
        "birth_month": day.month if day else None,
        "birth_day": day.day if day else None,
        "birth_year_min": low,
        "birth_year_max": high,
    }


def test_the_selection_ranks_by_birth_dates_as_the_offer_rules_do() -> None:
    """Of an adoption record's many look-alikes born on dates no listing moves a child's date
    to, the few whose dates fit (the same, weeks or a year apart, the same day and month years
    apart; for year-only records years at most one apart or the listing's earlier) leave the
    database however low their probability, and the unseen offers take them (decision 0337)."""
    born = date(2015, 3, 12)
    records = [
        _dated(1, "adoption", born),
        _dated(2, "adoption", None, (2015, 2015)),  # a year-only listing
        # look-alikes born 200 days from the listing's date: no listing moves a date that way
        *[_dated(u, "family", born + timedelta(days=200)) for u in range(100, 100 + _ALIKE)],
        _dated(11, "family", born),
        _dated(12, "family", born + timedelta(days=30)),
        _dated(13, "family", born + timedelta(days=370)),
        _dated(14, "family", date(2019, 3, 12)),  # the same day and month, years apart
        _dated(21, "family", None, (2016, 2016)),  # a year apart
        _dated(22, "family", date(2018, 6, 1)),  # three years younger than listed: an inflated age
        _dated(23, "family", date(2011, 6, 1)),  # four years older than listed: no
        # the year-only listing's look-alikes, four years older than listed
        *[_dated(u, "family", date(2011, 6, 1)) for u in range(300, 300 + _ALIKE)],
    ]
    numbers = ("birth_days", "birth_month", "birth_day", "birth_year_min", "birth_year_max")
    features = pd.DataFrame(records).astype(dict.fromkeys(numbers, "Int64"))
    rows = [
        *[(1, u, 0.3) for u in range(100, 100 + _ALIKE)],
        *[(1, u, 0.01) for u in (11, 12, 13, 14)],
        *[(2, u, 0.3) for u in range(300, 300 + _ALIKE)],
        *[(2, u, 0.01) for u in (21, 22, 23)],
    ]
    kinds = {r["uid"]: r["source_kind"] for r in records}
    pairs = pd.DataFrame(rows, columns=["uid_l", "uid_r", "match_probability"])
    pairs["source_kind_l"] = pairs["uid_l"].map(kinds)
    pairs["source_kind_r"] = pairs["uid_r"].map(kinds)
    selected = _selected(pairs, features)
    kept = set(zip(selected["uid_l"], selected["uid_r"], strict=True))
    assert {(1, 11), (1, 12), (1, 13), (1, 14), (2, 21), (2, 22)} <= kept
    assert (2, 23) not in kept  # ranked with the look-alikes, below them by probability
    assert len(kept) == 2 * _DEPTH
    offered = _offered_both_ways(pairs, selected, features)
    assert offered == {(1, 11), (1, 12), (1, 13), (1, 14), (2, 21), (2, 22), (2, 300), (2, 301)}


def test_the_selection_ranks_a_kept_date_and_a_close_birthplace_as_the_offer_rules_do() -> None:
    """A candidate born on the listing's own date (decision 0357) and one whose birthplace the
    model weighs as agreeing though its key differs (decision 0357) rank before many look-alikes
    of higher probability, in the database as in the offer rules."""
    born = date(2015, 3, 12)
    weeks = born + timedelta(days=20)

    def at(uid: int, kind: str, day: date, place: str | None) -> dict:
        return {**_dated(uid, kind, day), "birth_place_key": place}

    records = [
        at(1, "adoption", born, "sorokino"),
        *[at(u, "family", weeks, None) for u in range(100, 100 + _ALIKE)],  # weeks off
        at(11, "family", born, None),  # the listing's own date
        at(12, "family", weeks, "sorokine"),  # another spelling of the birthplace
        at(13, "family", weeks, "kherson"),  # born elsewhere
    ]
    numbers = ("birth_days", "birth_month", "birth_day", "birth_year_min", "birth_year_max")
    features = pd.DataFrame(records).astype(dict.fromkeys(numbers, "Int64"))
    rows = [
        *[(1, u, 0.3, 0.0) for u in range(100, 100 + _ALIKE)],
        (1, 11, 0.01, 0.0),
        (1, 12, 0.01, 5.5),
        (1, 13, 0.01, -1.5),
    ]
    kinds = {r["uid"]: r["source_kind"] for r in records}
    pairs = pd.DataFrame(rows, columns=["uid_l", "uid_r", "match_probability", "mw_birth_place"])
    pairs["source_kind_l"] = pairs["uid_l"].map(kinds)
    pairs["source_kind_r"] = pairs["uid_r"].map(kinds)
    selected = _selected(pairs, features)
    kept = set(zip(selected["uid_l"], selected["uid_r"], strict=True))
    assert {(1, 11), (1, 12)} <= kept
    assert (1, 13) not in kept
    assert len(kept) == _DEPTH
    offered = _offered_both_ways(pairs, selected, features)
    assert offered == {(1, 11), (1, 12), (1, 100), (1, 101)}


def test_the_selection_keeps_a_records_first_candidates_across_birthplace_ranks() -> None:
    """The ranking is cut before the window by the counts of each birthplace-and-date rank
    (decision 0362): a record whose best `_DEPTH - 1` candidates share its birthplace keeps its
    next best as well, the first of those without a birthplace, and none after it."""
    assert _DEPTH == 12  # the 11 that share the birthplace below
    records = [
        (1, "adopt", "adoption", "renamed", "", "oleh:m", "kyiv"),
        *[(u, "family", "family", f"stem{u}", "", "oleh:m", "kyiv") for u in range(100, 111)],
        *[(u, "family", "family", f"stem{u}", "", "oleh:m", "") for u in range(300, 305)],
        *[(u, "family", "family", f"stem{u}", "", "oleh:m", "odesa") for u in range(400, 403)],
    ]
    columns = ["uid", "source", "source_kind", "family_stem", "patronymic_class", "given_class"]
    features = pd.DataFrame(records, columns=[*columns, "birth_place_key"]).assign(group_key=None)
    unplaced = dict(zip(range(300, 305), (0.1, 0.4, 0.3, 0.2, 0.15), strict=True))
    pairs = pd.DataFrame(
        [
            *[(1, u, 0.05) for u in range(100, 111)],
            *[(1, u, p) for u, p in unplaced.items()],
            *[(1, u, 0.45) for u in range(400, 403)],
        ],
        columns=["uid_l", "uid_r", "match_probability"],
    )
    kinds = {r[0]: r[2] for r in records}
    pairs["source_kind_l"] = pairs["uid_l"].map(kinds)
    pairs["source_kind_r"] = pairs["uid_r"].map(kinds)
    selected = _selected(pairs, features)
    kept = set(zip(selected["uid_l"], selected["uid_r"], strict=True))
    assert kept == {(1, u) for u in range(100, 111)} | {(1, 301)}
