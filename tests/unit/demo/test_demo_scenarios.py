"""Each scenario is present in about the proportion docs/demo-data.md states.

Expected shares come from `Proportions`; the tolerance is four standard errors (doubled where
the draw is per family rather than per record), so the checks hold for any seed.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import pytest

from kintrace.demo import DEFAULT_PROPORTIONS as P
from kintrace.demo import DemoDataset
from kintrace.demo.noise import can_swap

FAM = "demo_ua_family_reports"
REG = "demo_ua_state_registry"
CAMP_A, CAMP_B = "demo_ru_camp_list_a", "demo_ru_camp_list_b"
ADOPT = "demo_ru_adoption_listing"
MED = "demo_partner_mediator_list"
NGO = "demo_partner_ngo_list"


def _close(observed: float, expected: float, n: int, *, clustered: bool = False) -> bool:
    se = math.sqrt(max(expected * (1 - expected), 0.01) / n) * (2 if clustered else 1)
    return abs(observed - expected) <= 4 * se + 0.005


# (source, tag, expected share of that source's rows, drawn per family?)
RECORD_SHARES = [
    (FAM, "typo", P.family_typo, False),
    (FAM, "full_name_only", P.family_full_name_only, False),
    (FAM, "age_only", P.family_age_only, False),
    (FAM, "missing_birth_date", P.family_no_birth, False),
    (FAM, "missing_name_part", P.family_missing_part, False),
    (REG, "translit_kmu", 1.0, False),
    (REG, "typo", P.registry_typo, False),
    (CAMP_A, "age_only", P.camp_age_only, False),
    (CAMP_A, "typo", P.camp_typo, False),
    (CAMP_A, "name_parts_swapped", P.camp_swapped_parts, False),
    (FAM, "given_name_first", P.family_full_name_only * P.family_given_first, False),
    (CAMP_B, "full_name_only", 1.0, False),
    (ADOPT, "adoption_renamed", P.adoption_renamed, True),
    (ADOPT, "given_name_changed", P.adoption_given_changed, False),
    (ADOPT, "birthplace_changed", P.adoption_birthplace_changed, False),
    (ADOPT, "birthdate_changed", P.adoption_birthdate_changed, False),
    (ADOPT, "age_inflated", P.adoption_age_inflated, False),
    (ADOPT, "year_only", P.adoption_year_only, False),
    (MED, "year_only", P.mediator_year_only, False),
    (MED, "full_name_only", P.mediator_full_name_only, False),
    (NGO, "year_only", P.ngo_year_only, False),
    (NGO, "translit_french", P.ngo_french, True),
]


@pytest.mark.parametrize(("source", "tag", "expected", "clustered"), RECORD_SHARES)
def test_scenario_share_of_a_list(
    dataset: DemoDataset, source: str, tag: str, expected: float, clustered: bool
) -> None:
    truth = [t for t in dataset.truth if t.source == source]
    share = sum(tag in t.tags for t in truth) / len(truth)
    assert _close(share, expected, len(truth), clustered=clustered), (tag, share, expected)


def test_diminutives_in_family_reports(dataset: DemoDataset) -> None:
    by_id = {c.child_id: c for c in dataset.children}
    truth = [t for t in dataset.truth if t.source == FAM]
    eligible = [t for t in truth if by_id[t.child_id].given.ua_diminutives]
    share = sum("diminutive" in t.tags for t in eligible) / len(eligible)
    assert _close(share, P.family_diminutive, len(eligible))


def test_day_month_swaps_in_camp_lists(dataset: DemoDataset) -> None:
    by_id = {c.child_id: c for c in dataset.children}
    camp = [
        t
        for t in dataset.truth
        if t.source in (CAMP_A, CAMP_B)
        and "age_only" not in t.tags
        and can_swap(by_id[t.child_id].birth_date)
    ]
    share = sum("date_swapped" in t.tags for t in camp) / len(camp)
    # Swaps that would put the birth after the listing are not made: slightly under the rate.
    assert P.camp_date_swap * 0.6 <= share <= P.camp_date_swap + 4 * math.sqrt(0.1 / len(camp))


# (source, expected share of children with a record there)
COVERAGE = [
    (FAM, P.family_reports * P.family_reports_child),
    (REG, P.registry),
    ("camp", P.camp * P.camp_child),
    (MED, P.mediator * 0.9),
    (NGO, P.ngo * 0.9),
]


@pytest.mark.parametrize(("source", "expected"), COVERAGE)
def test_coverage_of_children(dataset: DemoDataset, source: str, expected: float) -> None:
    wanted = {CAMP_A, CAMP_B} if source == "camp" else {source}
    covered = {t.child_id for t in dataset.truth if t.source in wanted}
    share = len(covered) / len(dataset.children)
    # Children no list mentions are given a family report: family coverage is a little higher.
    extra = 0.05 if source == FAM else 0.0
    assert _close(share, expected, len(dataset.children), clustered=True) or (
        expected <= share <= expected + extra
    ), (source, share, expected)


def test_adoption_coverage_with_siblings_brought_along(dataset: DemoDataset) -> None:
    covered = {t.child_id for t in dataset.truth if t.source == ADOPT}
    assert P.adoption <= len(covered) / len(dataset.children) <= P.adoption * 2


def test_children_with_siblings_near_the_reported_share(dataset: DemoDataset) -> None:
    sizes = Counter(c.family_id for c in dataset.children)
    with_siblings = sum(1 for c in dataset.children if sizes[c.family_id] > 1)
    assert 0.40 <= with_siblings / len(dataset.children) <= 0.52  # Yale HRL: 46.6%


def test_twins_and_lookalikes_are_a_small_share(dataset: DemoDataset) -> None:
    n = len(dataset.children)
    assert 0.015 <= sum(c.twin for c in dataset.children) / n <= 0.05
    assert 0.03 <= sum(bool(c.similar_to) for c in dataset.children) / n <= 0.10


def test_siblings_listed_together(dataset: DemoDataset) -> None:
    tagged = Counter(t.source for t in dataset.truth if "sibling_group" in t.tags)
    for source in (FAM, CAMP_A, CAMP_B, ADOPT, MED):
        assert tagged[source] > 0, source


def test_within_source_duplicates(dataset: DemoDataset) -> None:
    per_child: dict[str, int] = defaultdict(int)
    for t in dataset.truth:
        if t.source == FAM:
            per_child[t.child_id] += 1
    twice = sum(1 for n in per_child.values() if n > 1) / len(per_child)
    assert _close(twice, P.family_duplicate, len(per_child))


def test_every_documented_tag_occurs(dataset: DemoDataset) -> None:
    seen = {tag for t in dataset.truth for tag in t.tags}
    documented = {
        "twin", "sibling_group", "similar_name", "duplicate_report", "diminutive", "typo",
        "full_name_only", "age_only", "year_only", "missing_birth_date", "missing_name_part",
        "russified", "ukrainian_spelling", "date_swapped", "adoption_renamed",
        "given_name_changed", "birthplace_changed", "birthdate_changed", "age_inflated",
        "translit_kmu", "translit_ua_bgn", "translit_french", "french_given_name",
        "translit_ru_bgn", "translit_ru_passport", "translit_ru_icao", "given_name_first",
        "yo_spelling", "gender_form", "name_parts_swapped",
    }  # fmt: skip
    assert seen == documented


def test_family_reports_write_the_apostrophe_three_ways(dataset: DemoDataset) -> None:
    text = " ".join(
        f"{r.get('family_name', '')} {r.get('full_name', '')} {r.get('birth_place', '')}"
        for r in dataset.records[FAM]
    )
    assert all(mark in text for mark in ("'", "’", "ʼ"))
