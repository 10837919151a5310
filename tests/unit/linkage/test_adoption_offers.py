"""Adoption-listing records offered for review below the floor (decision 0311). Synthetic."""

from __future__ import annotations

import pandas as pd
import pytest

from kintrace.linkage.decide.offers import (
    best_offers,
    offer_through_siblings,
    offer_unseen,
    sibling_offers,
)
from kintrace.linkage.decide.table import THRESHOLDS
from kintrace.linkage.spec import Thresholds, kintrace_spec
from support.linkage import rule_state

# uid, source, kind, family_stem, patronymic_class, given_class
_RECORDS = [
    (1, "adopt", "adoption", "ivanov", "petro:m", "oleh:m"),  # adopted brother, renamed
    (2, "adopt", "adoption", "ivanov", "petro:m", "olena:f"),  # adopted sister, renamed alike
    (3, "family", "family", "shevchenko", "mykola:m", "oleh:m"),  # the family's report: brother
    (4, "family", "family", "shevchenko", "", "olena:f"),  # sister, patronymic left out
    (5, "family", "family", "bondar", "ivan:m", "oleh:m"),  # an unrelated Олег
    (6, "adopt", "adoption", "sidorov", "ivan:m", "oleh:m"),  # a lone adopted Олег
    (7, "adopt", "adoption", "petrov", "ivan:m", "oleh:m"),  # adopted brother, listing group L1
    (8, "adopt", "adoption", "sokolova", "andrii:m", "olena:f"),  # his sister, renamed otherwise
    (9, "family", "family", "melnyk", "", "oleh:m"),  # a report of half-siblings (group F1) ...
    (10, "family", "family", "bondarenko", "", "olena:f"),  # ... with different surnames
]

#: group_key (a derived key of source and group_id in real features)
_GROUPS = {7: "adopt-L1", 8: "adopt-L1", 9: "family-F1", 10: "family-F1"}


def _features(*, groups: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame(
        _RECORDS,
        columns=["uid", "source", "source_kind", "family_stem", "patronymic_class", "given_class"],
    )
    if groups:
        frame["group_key"] = [_GROUPS.get(uid) for uid in frame["uid"]]
    return frame


def _pairs(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    kinds = {r[0]: r[2] for r in _RECORDS}
    frame = pd.DataFrame(rows, columns=["uid_l", "uid_r", "match_probability"])
    frame["source_kind_l"] = [kinds[u] for u in frame["uid_l"]]
    frame["source_kind_r"] = [kinds[u] for u in frame["uid_r"]]
    return frame


def test_siblings_on_both_sides_support_each_other() -> None:
    pairs = _pairs([(1, 3, 0.05), (2, 4, 0.02), (1, 5, 0.06)])
    assert sibling_offers(pairs, _features(), below=0.5, per_record=3) == {0, 1}


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        ([(1, 3, 0.05), (1, 5, 0.06)], "the sister has no candidate"),
        ([(1, 3, 0.05), (2, 5, 0.02)], "the candidates are not siblings of each other"),
        ([(6, 3, 0.05), (2, 4, 0.02)], "the adoption records are not renamed alike"),
        ([(1, 3, 0.7), (2, 4, 0.7)], "already at or above the floor"),
    ],
    ids=["one-sided", "unrelated-candidates", "unrelated-adoptions", "above-floor"],
)
def test_no_sibling_support_no_offer(rows: list[tuple[int, int, float]], why: str) -> None:
    assert sibling_offers(_pairs(rows), _features(), below=0.5, per_record=3) == set(), why


def test_sibling_offers_are_capped_per_record() -> None:
    pairs = _pairs([(1, 3, 0.05), (2, 4, 0.02), (1, 4, 0.01), (2, 3, 0.03)])
    offered = sibling_offers(pairs, _features(), below=0.5, per_record=1)
    # every pairing is supported (crossed ones too); each record keeps only its best: 1-3, 2-3
    assert offered == {0, 3}


def test_a_listing_group_joins_siblings_renamed_differently() -> None:
    # 7 and 8 got different new surnames and patronymics: only the listing's group joins them
    pairs = _pairs([(7, 3, 0.05), (8, 4, 0.02)])
    assert sibling_offers(pairs, _features(), below=0.5, per_record=3) == {0, 1}
    assert sibling_offers(pairs, _features(groups=False), below=0.5, per_record=3) == set()


def test_a_family_group_makes_candidates_siblings_whatever_their_surnames() -> None:
    pairs = _pairs([(1, 9, 0.05), (2, 10, 0.02)])
    assert sibling_offers(pairs, _features(), below=0.5, per_record=3) == {0, 1}
    assert sibling_offers(pairs, _features(groups=False), below=0.5, per_record=3) == set()


def test_a_sibling_found_above_the_floor_supports_the_other() -> None:
    pairs = _pairs([(1, 3, 0.05), (2, 4, 0.9)])
    # 2-4 is not offered (it is above the floor) but supports 1-3
    assert sibling_offers(pairs, _features(), below=0.5, per_record=3) == {0}


def test_a_sibling_candidate_below_the_anchor_floor_supports_nothing() -> None:
    pairs = _pairs([(1, 3, 0.05), (2, 4, 0.005)])
    # 2-4 (below ANCHOR_FLOOR) cannot support 1-3; 1-3 (above it) still supports 2-4
    assert sibling_offers(pairs, _features(), below=0.5, per_record=3) == {1}
    lower = sibling_offers(pairs, _features(), below=0.5, per_record=3, anchor_floor=0.001)
    assert lower == {0, 1}


def test_features_without_group_key_use_the_renaming() -> None:
    pairs = _pairs([(1, 3, 0.05), (2, 4, 0.02), (1, 5, 0.06)])
    assert sibling_offers(pairs, _features(groups=False), below=0.5, per_record=3) == {0, 1}
    empty = _features().assign(group_key=None)  # a group_key column with no groups at all
    assert sibling_offers(pairs, empty, below=0.5, per_record=3) == {0, 1}


def test_a_record_nobody_would_see_gets_its_best_candidates() -> None:
    pairs = _pairs([(6, 3, 0.05), (6, 5, 0.2), (6, 4, 0.0001), (1, 3, 0.8), (1, 5, 0.3)])
    offered = best_offers(pairs, _features(), below=0.5, floor=0.001, per_record=1)
    assert offered == {1}  # record 6's best; record 1 already has a pair above the floor


def test_an_unseen_record_s_candidates_with_its_birthplace_come_first() -> None:
    # decision 0318: record 6 (a lone adopted Олег) kept its birthplace; candidate 5 agrees with
    # it, 3 was born elsewhere, 4's birthplace is unknown. The birthplace ranks before the
    # probability: 5, then 4, then 3.
    features = _features().assign(
        birth_place_key=lambda f: f["uid"].map({6: "mariupol", 5: "mariupol", 3: "kherson"})
    )
    pairs = _pairs([(6, 3, 0.2), (6, 4, 0.1), (6, 5, 0.01)])
    assert best_offers(pairs, features, below=0.5, floor=0.001, per_record=1) == {2}
    assert best_offers(pairs, features, below=0.5, floor=0.001, per_record=2) == {1, 2}
    # without birthplaces, the probability alone
    assert best_offers(pairs, _features(), below=0.5, floor=0.001, per_record=1) == {0}


def test_an_unseen_record_s_candidate_born_on_its_date_comes_before_look_alikes() -> None:
    # decision 0357: record 6 (a lone adopted Олег, born 2015-03-12) kept its birth date; 5 was
    # born that very day, 3 and 4 (look-alikes of a first name and year) a year off, 4 with the
    # same day and month. Both fits; the kept date ranks first, whatever the probability.
    features = _features().assign(
        birth_days=lambda f: f["uid"].map({6: 16_506, 5: 16_506, 3: 16_506 + 380, 4: 16_872}),
        birth_month=lambda f: f["uid"].map({6: 3, 5: 3, 3: 3, 4: 3}),
        birth_day=lambda f: f["uid"].map({6: 12, 5: 12, 3: 27, 4: 12}),
    )
    pairs = _pairs([(6, 3, 0.2), (6, 4, 0.1), (6, 5, 0.01)])
    assert best_offers(pairs, features, below=0.5, floor=0.001, per_record=1) == {2}
    assert best_offers(pairs, features, below=0.5, floor=0.001, per_record=2) == {0, 2}
    # without birth dates, the probability alone
    assert best_offers(pairs, _features(), below=0.5, floor=0.001, per_record=1) == {0}


def test_a_birthplace_the_model_weighs_as_agreeing_ranks_as_the_same() -> None:
    # decision 0357: record 6 was born in Sorokino; 5's registry spells it Sorokyne (another
    # key, which the model's "close spelling" level weighs as agreeing: mw_birth_place > 0),
    # 3 was born in Kherson. 5 ranks with a candidate of the same key, before 4 (unknown)
    features = _features().assign(
        birth_place_key=lambda f: f["uid"].map({6: "sorokino", 5: "sorokine", 3: "kherson"})
    )
    pairs = _pairs([(6, 3, 0.2), (6, 4, 0.1), (6, 5, 0.01)])
    pairs["mw_birth_place"] = [-1.5, 0.0, 5.5]
    assert best_offers(pairs, features, below=0.5, floor=0.001, per_record=1) == {2}
    # without the model's weight, keys alone: 5 is born elsewhere, after 4
    plain = pairs.drop(columns="mw_birth_place")
    assert best_offers(plain, features, below=0.5, floor=0.001, per_record=1) == {1}


def test_the_offer_rules_mark_offers_pending_and_leave_the_rest_below_the_floor() -> None:
    spec = kintrace_spec(Thresholds(adoption_offer=0.001, adoption_offers_per_record=1))
    pairs = _pairs([(1, 3, 0.05), (2, 4, 0.02), (1, 5, 0.06), (5, 3, 0.1)])
    state = rule_state(pairs, features=_features(), spec=spec)
    THRESHOLDS.run(state)
    offer_through_siblings(state)
    offer_unseen(state)
    kept = {
        (left, right, status, rule)
        for left, right, status, rule in zip(
            pairs["uid_l"], pairs["uid_r"], state.status, state.rule, strict=True
        )
        if status is not None
    }
    # sibling support offers 1-3 and 2-4; record 1 has nothing at or above the floor, so its
    # best candidate (1-5) is offered too; 5-3 (no adoption record) stays below the floor
    assert kept == {
        (1, 3, "pending", "0311-sibling-offers"),
        (2, 4, "pending", "0311-sibling-offers"),
        (1, 5, "pending", "0311-unseen-offers"),
    }


def test_offers_are_off_when_the_offer_floor_reaches_the_review_floor() -> None:
    spec = kintrace_spec(Thresholds(adoption_offer=0.5))
    state = rule_state(_pairs([(1, 3, 0.05), (2, 4, 0.02)]), features=_features(), spec=spec)
    THRESHOLDS.run(state)
    offer_through_siblings(state)
    offer_unseen(state)
    assert state.status == [None, None]


def test_adoption_offer_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="adoption offer"):
        Thresholds(adoption_offer=0.0)


@pytest.mark.parametrize("read_only", [False, True], ids=["arrays", "read-only-arrays"])
def test_a_shown_but_unlinked_record_gets_its_next_best_up_to_three(read_only: bool) -> None:
    # decision 0323: record 6 (a lone adopted Олег) has one look-alike at 0.7 (pending); its
    # next best below the floor are offered until it is shown with 3 candidates, those with its
    # birthplace first; record 1, linked (auto), gets nothing more. With `read_only`, pandas
    # hands out read-only arrays (copy-on-write, as pandas 3 does): a record shown with a
    # candidate stopped a full link run there ("output array is read-only")
    with pd.option_context("mode.copy_on_write", read_only):
        _shown_record_gets_its_next_best()


def _shown_record_gets_its_next_best() -> None:
    from kintrace.linkage.decide.offers import offer_fill

    features = _features().assign(
        birth_place_key=lambda f: f["uid"].map({6: "mariupol", 4: "mariupol", 3: "kherson"})
    )
    pairs = _pairs([(6, 5, 0.7), (6, 3, 0.3), (6, 9, 0.2), (6, 4, 0.01), (6, 10, 0.0005),
                    (1, 3, 0.995), (1, 5, 0.3)])  # fmt: skip
    state = rule_state(pairs, features=features, spec=kintrace_spec())
    THRESHOLDS.run(state)
    offer_fill(state)
    offered = {
        (int(pairs["uid_l"][i]), int(pairs["uid_r"][i]))
        for i, rule in enumerate(state.rule)
        if rule == "0323-fill-offers"
    }
    # 4 shares the birthplace (offered first although at 0.01); then 9, whose birthplace is
    # unknown (0.2), before 3, born elsewhere (0.3); 10 is below the offer floor
    assert offered == {(6, 4), (6, 9)}
    assert all(
        state.status[i] == "pending" for i, r in enumerate(state.rule) if r == "0323-fill-offers"
    )
    assert state.status[6] is None  # record 1 is linked


def test_a_record_nobody_sees_is_left_to_the_unseen_offers() -> None:
    from kintrace.linkage.decide.offers import offer_fill

    state = rule_state(_pairs([(6, 3, 0.3), (6, 5, 0.2)]), features=_features())
    THRESHOLDS.run(state)
    offer_fill(state)
    assert state.status == [None, None]


def _offered_by(state: object, pairs: pd.DataFrame, rule: str) -> set[tuple[int, int]]:
    return {
        (int(pairs["uid_l"][i]), int(pairs["uid_r"][i]))
        for i, r in enumerate(state.rule)  # type: ignore[attr-defined]
        if r == rule
    }


def test_an_unseen_record_is_offered_one_record_of_each_person() -> None:
    # decision 0338: record 6's two best candidates, 3 and 4, are linked to each other (auto):
    # one person; offering both would show a reviewer one child twice. One of them (the best)
    # is offered, then the next person's record, 5
    spec = kintrace_spec(Thresholds(adoption_unseen_offers=2))
    pairs = _pairs([(6, 3, 0.3), (6, 4, 0.25), (6, 5, 0.2), (3, 4, 0.995)])
    state = rule_state(pairs, features=_features(), spec=spec)
    THRESHOLDS.run(state)
    offer_unseen(state)
    assert _offered_by(state, pairs, "0311-unseen-offers") == {(6, 3), (6, 5)}
    # without the link, the two best
    pairs = _pairs([(6, 3, 0.3), (6, 4, 0.25), (6, 5, 0.2)])
    state = rule_state(pairs, features=_features(), spec=spec)
    THRESHOLDS.run(state)
    offer_unseen(state)
    assert _offered_by(state, pairs, "0311-unseen-offers") == {(6, 3), (6, 4)}


def test_a_shown_record_is_not_offered_the_person_it_is_shown_with_again() -> None:
    # decision 0338: record 6 is shown with 5 (pending at 0.7); 9 is linked to 5 (auto), so
    # it is the same person: the fill offers skip it for 3 and 4
    from kintrace.linkage.decide.offers import offer_fill

    pairs = _pairs([(6, 5, 0.7), (6, 9, 0.3), (6, 3, 0.2), (6, 4, 0.1), (5, 9, 0.995)])
    state = rule_state(pairs, features=_features(), spec=kintrace_spec())
    THRESHOLDS.run(state)
    offer_fill(state)
    assert _offered_by(state, pairs, "0323-fill-offers") == {(6, 3), (6, 4)}


@pytest.mark.parametrize(
    ("listed", "other", "rank"),
    [
        ((16_000, None, None), (16_000, None, None), 0),  # the same date: kept (0357)
        ((16_000, None, None), (16_062, None, None), 1),  # weeks apart
        ((16_000, None, None), (16_000 + 365 + 40, None, None), 1),  # a year and weeks
        ((16_000, None, None), (16_200, None, None), 2),  # months apart: no listing moves so
        ((16_000, None, None), (16_000 + 3 * 365 + 1, None, None), 1),  # same day, years apart
        ((None, 2015, 2015), (None, 2016, 2016), 1),  # years one apart
        ((None, 2015, 2015), (None, 2015, 2015), 1),  # the same year only: not a full date
        ((None, 2015, 2015), (None, 2018, 2018), 1),  # listed older: an inflated age
        ((None, 2015, 2015), (None, 2011, 2011), 2),  # listed four years younger
        ((None, None, None), (None, 2011, 2011), 1),  # nothing known
    ],
)
def test_birth_dates_fit_the_way_a_listing_moves_them(
    listed: tuple[int | None, ...], other: tuple[int | None, ...], rank: int
) -> None:
    from datetime import date, timedelta

    import numpy as np

    from kintrace.linkage.decide.offers import date_ranks

    def row(uid: int, days: int | None, low: int | None, high: int | None) -> dict[str, object]:
        day = date(1970, 1, 1) + timedelta(days=days) if days is not None else None
        return {
            "uid": uid,
            "birth_days": days,
            "birth_month": day.month if day else None,
            "birth_day": day.day if day else None,
            "birth_year_min": day.year if day else low,
            "birth_year_max": day.year if day else high,
        }

    frame = pd.DataFrame([row(1, *listed), row(2, *other)]).astype("Int64")
    assert date_ranks(frame, np.array([1]), np.array([2])).tolist() == [rank]
    # a record the feature table lacks: nothing known, so nothing rules the candidate out
    assert date_ranks(frame, np.array([1]), np.array([3])).tolist() == [1]
