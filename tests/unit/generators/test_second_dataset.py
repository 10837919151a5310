"""The second generator's output: deterministic, complete truth, the shapes it promises.

All names in these tests are synthetic. Sizes are small so the module runs in a few seconds.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from functools import cache

import pytest
from generators.second import KINDS, PROFILES, SYNTHETIC, Dataset, generate, iter_records

DATE_FORMS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), lambda s: date.fromisoformat(s)),
    (re.compile(r"^\d{2}\.\d{2}\.\d{4}$"), lambda s: date(int(s[6:]), int(s[3:5]), int(s[:2]))),
    (re.compile(r"^\d{4}$"), lambda s: date(int(s), 1, 1)),
)


@cache
def dataset(children: int = 3000, seed: int = 8, profile: str = "default") -> Dataset:
    return generate(children, seed, profile=profile)


def test_the_same_seed_gives_the_same_rows_and_another_seed_does_not() -> None:
    first, again = generate(120, 5), generate(120, 5)
    assert first.records == again.records and first.truth == again.truth
    assert generate(120, 6).records != first.records


def test_iter_records_gives_the_rows_of_generate_in_the_same_order() -> None:
    whole = generate(120, 5)
    rows = defaultdict(list)
    for name, row, child_id in iter_records(120, 5):
        rows[name].append(row)
        assert whole.truth[(name, row["record_id"])] == child_id
    assert dict(rows) == {k: v for k, v in whole.records.items() if v}


def test_every_row_has_one_truth_entry_and_ids_are_unique_per_source() -> None:
    data = dataset()
    keys = [(name, row["record_id"]) for name, rows in data.records.items() for row in rows]
    assert len(keys) == len(set(keys)) == len(data.truth)
    assert set(keys) == set(data.truth)
    child_ids = {c.child_id for c in data.children}
    assert len(child_ids) == 3000 and set(data.truth.values()) <= child_ids


def test_every_row_says_it_is_synthetic_and_carries_its_source_columns() -> None:
    data = dataset()
    for source in data.sources:
        assert source.kind in KINDS
        for row in data.records[source.name]:
            assert tuple(row) == source.columns
            assert row["synthetic"] == SYNTHETIC and row["source"] == source.name
            assert row["given_name"] or row["family_name"] or row.get("full_name")


def test_each_child_is_in_one_to_five_lists_and_most_lists_hold_many() -> None:
    data = dataset()
    lists_of: dict[str, set[str]] = defaultdict(set)
    for (name, _), child in data.truth.items():
        lists_of[child].add(name)
    counts = Counter(len(v) for v in lists_of.values())
    assert len(lists_of) == 3000 and min(counts) >= 1 and max(counts) <= 5
    per_child = len(data.truth) / 3000
    assert 2.0 <= per_child <= 2.6, per_child
    kinds = Counter(s.kind for s in data.sources for _ in data.records[s.name])
    assert set(kinds) == set(KINDS)


def test_dates_are_real_not_after_observation_and_ages_fit_children() -> None:
    data = dataset()
    for rows in data.records.values():
        for row in rows:
            seen = date.fromisoformat(row["observed_on"])
            assert date(2022, 3, 1) <= seen <= date(2024, 12, 31)
            if row["birth_date"]:
                parsed = [
                    parse(row["birth_date"])
                    for rx, parse in DATE_FORMS
                    if rx.match(row["birth_date"])
                ]
                assert parsed and parsed[0] <= seen
                assert 2003 <= parsed[0].year <= 2023
            if row.get("age"):
                assert 0 <= int(row["age"]) <= 19


def test_siblings_and_twins_come_in_the_described_shares() -> None:
    data = dataset()
    sizes = Counter(c.family_id for c in data.children)
    with_siblings = sum(n for n in sizes.values() if n > 1) / len(data.children)
    assert 0.30 <= with_siblings <= 0.45, with_siblings
    twins = sum(c.twin for c in data.children) / len(data.children)
    assert 0.002 <= twins <= 0.025, twins


def test_adoption_listings_never_group_siblings_and_always_give_sex() -> None:
    data = dataset()
    adoption = [r for s in data.sources if s.kind == "adoption" for r in data.records[s.name]]
    assert len(adoption) > 100
    assert all(r["group_id"] == "" for r in adoption)
    assert all(r["sex"] for r in adoption)


def test_adoption_rows_change_the_identity_in_the_described_shares() -> None:
    data = dataset()
    rows = [r for s in data.sources if s.kind == "adoption" for r in data.records[s.name]]
    age_only = sum(1 for r in rows if r["age"]) / len(rows)
    assert 0.05 <= age_only <= 0.15, age_only
    russian_cities = {"Подольск", "Ростов-на-Дону", "Таганрог", "Москва", "Краснодар", "Воронеж"}
    moved = sum(1 for r in rows if r["birth_place"] in russian_cities) / len(rows)
    assert 0.08 <= moved <= 0.3, moved


def test_camp_lists_group_rows_and_use_russian_letters() -> None:
    data = dataset()
    camp = [r for s in data.sources if s.kind == "camp" for r in data.records[s.name]]
    assert all(r["group_id"] for r in camp)
    text = "".join(r["given_name"] + r["family_name"] + r["patronymic"] for r in camp)
    assert "ы" in text and "і" not in text and "є" not in text
    groups = Counter(r["group_id"] for r in camp)
    assert 10 <= sum(groups.values()) / len(groups) <= 60


def test_the_registry_writes_latin_under_kmu_and_upper_case_sometimes() -> None:
    data = dataset()
    rows = data.records["ua_registry"]
    assert all(re.fullmatch(r"[A-Za-z' -]+", r["family_name"]) for r in rows)
    upper = sum(1 for r in rows if r["family_name"].isupper()) / len(rows)
    assert 0.3 <= upper <= 0.5, upper
    assert all(
        r["birth_date"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["birth_date"]) for r in rows
    )


def test_a_quarter_of_partner_rows_put_the_surname_first() -> None:
    """Swapped rows: a SURNAME-first full name, or given/family columns exchanged.

    The exchanged columns are found through the truth: the registry row of the same child (KMU
    Latin of the Ukrainian surname) against the partner row under KMU; rows under other
    standards and rows with a typo are left out of the count.
    """
    data = dataset()
    registry_surname = {
        data.truth[("ua_registry", r["record_id"])]: r["family_name"].lower()
        for r in data.records["ua_registry"]
    }
    layouts: Counter[str] = Counter()
    for name in ("partner_ngo", "partner_mediator"):
        for row in data.records[name]:
            child = data.truth[(name, row["record_id"])]
            if row["full_name"]:
                first = row["full_name"].split()[0]
                layouts["full_surname_first" if first.isupper() and len(first) > 1 else "full"] += 1
                continue
            surname = registry_surname.get(child)
            if surname is None:
                continue
            if row["family_name"].lower() == surname:
                layouts["split"] += 1
            elif row["given_name"].lower() == surname:
                layouts["split_swapped"] += 1
    full = layouts["full"] + layouts["full_surname_first"]
    assert 0.4 <= layouts["full_surname_first"] / full <= 0.6, layouts
    split_swapped = layouts["split_swapped"] / (layouts["split"] + layouts["split_swapped"])
    total = sum(len(data.records[n]) for n in ("partner_ngo", "partner_mediator"))
    swapped = (layouts["full_surname_first"] + (total - full) * split_swapped) / total
    assert 0.2 <= swapped <= 0.3, layouts


def test_name_frequencies_are_dense_as_described() -> None:
    data = dataset()
    boys = [r["given_name"] for r in data.records["ua_registry"] if r["sex"] == "M"]
    counts = Counter(name.title() for name in boys)
    top = counts.most_common(10)
    assert "Oleksandr" in {name for name, _ in top[:2]}
    assert 0.05 <= counts["Oleksandr"] / len(boys) <= 0.09
    assert 0.38 <= sum(n for _, n in top) / len(boys) <= 0.52


def test_surnames_have_a_heavy_head_and_a_long_tail() -> None:
    from generators.second.tables import SYLLABIC_SHARE, load

    surnames = load().surnames
    shares = sorted(
        (surnames.share(i) * (1 - SYLLABIC_SHARE) for i in range(len(surnames.values))),
        reverse=True,
    )
    assert 0.008 <= shares[0] <= 0.012
    assert 0.15 <= sum(shares[:100]) <= 0.21
    data = dataset()
    rows = data.records["ua_registry"]
    distinct = len({r["family_name"].lower() for r in rows}) / len(rows)
    assert distinct > 0.4  # the tail: many surnames are met once


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_generates(profile: str) -> None:
    data = generate(60, 2, profile=profile)
    assert data.record_count >= 60 and data.profile == profile
    assert data.declare_kinds is (profile != "unknown_kinds")


def test_bad_input_profiles_do_what_they_say() -> None:
    one = generate(300, 4, profile="one_surname")
    registry = {r["family_name"].lower() for r in one.records["ua_registry"]}
    assert registry <= {"shevchenko"} | {n for n in registry if n != "shevchenko" and len(n) > 5}
    assert sum(
        r["family_name"].lower() == "shevchenko" for r in one.records["ua_registry"]
    ) > 0.95 * len(one.records["ua_registry"])
    single = generate(100, 4, profile="single_source")
    assert [s.name for s in single.sources] == ["family_reports"]
    assert len(single.records["family_reports"]) >= 100
    dense = generate(100, 4, profile="dense")
    assert all(s.format != "xlsx" for s in dense.sources)
    same = generate(200, 4, profile="same_name")
    given = Counter(r["given_name"].upper() for r in same.records["ua_registry"])
    assert set(given) <= {"OLEKSANDR", "ANASTASIIA"} | {g for g in given if given[g] <= 3}


def test_zero_children_gives_empty_lists() -> None:
    data = generate(0, 1)
    assert data.record_count == 0 and data.truth == {} and data.children == []
    with pytest.raises(ValueError, match="0 or more"):
        generate(-1, 1)
    with pytest.raises(ValueError, match="unknown profile"):
        generate(5, 1, profile="sparse")


def test_row_order_says_nothing_about_who_is_who() -> None:
    """The same child's rows sit at unrelated positions in two lists (no order leak)."""
    data = dataset()
    position: dict[str, dict[str, float]] = {}
    for name in ("family_reports", "ua_registry"):
        rows = data.records[name]
        position[name] = {
            data.truth[(name, row["record_id"])]: i / len(rows) for i, row in enumerate(rows)
        }
    both = sorted(set(position["family_reports"]) & set(position["ua_registry"]))
    assert len(both) > 500
    xs = [position["family_reports"][c] for c in both]
    ys = [position["ua_registry"][c] for c in both]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    var = (sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys)) ** 0.5
    assert abs(cov / var) < 0.1
    ids = [row["record_id"] for row in data.records["family_reports"][:3]]
    assert ids == ["FR-0000001", "FR-0000002", "FR-0000003"]  # numbered down the file
