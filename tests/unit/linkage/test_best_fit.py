"""Decision 0365's measure (bench/best_fit_rule.py): an adoption-listing record left alone is
linked to the person that fits it best, when the chance that this is its child reaches the
auto-link threshold. SYNTHETIC records, made up here (no generator)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.support.generators import use_bench_generators

from kintrace.linkage.features import feature_table
from kintrace.linkage.spec import kintrace_spec
from support.linkage import record_row

use_bench_generators()
from best_fit_rule import (  # type: ignore[import-not-found]  # noqa: E402
    DATE_LEVELS,
    FIELDS,
    _expand,
    _log_u,
    _shadow_years,
    _Values,
    best_fit_links,
    date_level,
)

NAMES = {
    "M": ["Іван", "Петро", "Андрій", "Дмитро", "Максим", "Артем", "Назар", "Богдан"],
    "F": ["Олена", "Марія", "Ірина", "Оксана", "Наталія", "Софія", "Анна", "Юлія"],
}
PLACES = ["Херсон", "Мелітополь", "Маріуполь", "Бердянськ", "Енергодар", "Нова Каховка",
          "Скадовськ", "Генічеськ", "Олешки", "Токмак"]  # fmt: skip
SURNAMES = ["Коваль", "Шевченко", "Бондаренко", "Мельник", "Ткаченко", "Кравченко",
            "Олійник", "Лисенко", "Руденко", "Савченко", "Марченко", "Гончаренко"]  # fmt: skip
CHILDREN, LISTED = 400, 120
ADOPTION = 10_000  # the adoption records' uids start here


def _registry(twin_of_first: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic: a family report per child; the first `LISTED` children also in an adoption
    listing under a new surname, with their first name, sex and birthplace and the birth date
    moved by a year to the day. With `twin_of_first`, child 0 has a look-alike: another
    child's family report with every field the listing keeps the same. Returns the records'
    features and the scored pairs of each listing record with every family record of its
    first name (at a probability below the review floor, as such pairs score)."""
    rng = np.random.default_rng(11)
    rows = []
    for child in range(CHILDREN):
        sex = "M" if child % 2 else "F"
        year, month, day = (
            int(rng.integers(2008, 2020)),
            int(rng.integers(1, 13)),
            int(rng.integers(1, 29)),
        )
        fields = dict(
            given_name=NAMES[sex][int(rng.integers(len(NAMES[sex])))],
            sex=sex,
            birth_year=year,
            birth_month=month,
            birth_day=day,
            birth_place=PLACES[int(rng.integers(len(PLACES)))],
        )
        rows.append(record_row(child, source="families", family_name=SURNAMES[child % 12],
                               **fields))  # fmt: skip
        if child < LISTED:
            listed = {**fields, "birth_year": year + 1}
            rows.append(record_row(ADOPTION + child, source="adoptions", source_kind="adoption",
                                   family_name="Иванов", **listed))  # fmt: skip
        if child == 0 and twin_of_first:
            rows.append(record_row(CHILDREN, source="families", family_name="Ткаченко",
                                   **fields))  # fmt: skip
    features = feature_table(pd.DataFrame(rows))
    kind = features["source_kind"].astype(str)
    listed_rows = features[kind == "adoption"]
    family_rows = features[kind == "family"]
    pairs = listed_rows[["uid", "given_class"]].merge(
        family_rows[["uid", "given_class"]], on="given_class", suffixes=("_l", "_r")
    )
    pairs = pairs.assign(match_probability=0.01, source_kind_l="adoption", source_kind_r="family")[
        ["uid_l", "uid_r", "match_probability", "source_kind_l", "source_kind_r"]
    ]
    return features, pairs


def _links(
    features: pd.DataFrame, pairs: pd.DataFrame, persons: dict[int, str] | None = None, **kw: object
) -> dict[int, int]:
    """The rule at the auto-link threshold, every record its own person unless `persons` says
    otherwise: {listing uid: the uid it is linked to}."""
    people = {int(u): f"P{u}" for u in features["uid"]} | (persons or {})
    (linked,) = best_fit_links(pairs, features, people, kintrace_spec(), **kw).values()  # type: ignore[arg-type]
    return {int(pairs["uid_l"].iloc[i]): int(pairs["uid_r"].iloc[i]) for i in linked}


def test_a_lone_listing_record_is_linked_to_the_child_that_fits_it_best() -> None:
    features, pairs = _registry()
    links = _links(features, pairs)
    # each link to the record's own child; most records linked (a first name, sex, a
    # birthplace and a date a year to the day apart single out one child of 400)
    assert links and all(right == left - ADOPTION for left, right in links.items())
    assert len(links) >= LISTED * 0.6, len(links)


def test_two_children_that_fit_as_well_leave_the_record_alone() -> None:
    features, pairs = _registry(twin_of_first=True)
    links = _links(features, pairs)
    assert ADOPTION not in links  # child 0 and its look-alike tie at the top
    assert len(links) >= LISTED * 0.6 - 1


def test_a_record_whose_candidates_this_run_did_not_all_score_is_not_weighed() -> None:
    features, pairs = _registry()
    # an incremental run that scored no listing record: none is weighed
    assert _links(features, pairs, rescored=frozenset(range(CHILDREN))) == {}
    only = frozenset({ADOPTION + 1, ADOPTION + 2, ADOPTION + 3})
    assert set(_links(features, pairs, rescored=only)) <= only


def test_a_record_in_a_person_with_a_record_of_another_list_is_left_as_it_is() -> None:
    features, pairs = _registry()
    links = _links(features, pairs, persons={ADOPTION + 5: "P7"})  # with another child
    assert ADOPTION + 5 not in links and links


def test_a_higher_bar_links_fewer_records() -> None:
    features, pairs = _registry()
    people = {int(u): f"P{u}" for u in features["uid"]}
    by_bar = best_fit_links(pairs, features, people, kintrace_spec(), bars=[0.5, 0.99, 1.0])
    assert len(by_bar[0.5]) >= len(by_bar[0.99]) > len(by_bar[1.0]) == 0


@pytest.mark.parametrize(
    ("listed", "other", "level"),
    [
        ((100.0, 2010, 2010), (100.0, 2010, 2010), "full:same"),
        ((100.0, 2010, 2010), (105.0, 2010, 2010), "full:a week"),
        ((100.0, 2010, 2010), (150.0, 2010, 2010), "full:weeks"),
        ((100.0, 2010, 2010), (465.0, 2011, 2011), "full:a year to the day"),
        ((100.0, 2010, 2010), (-300.0, 2009, 2009), "full:a year +- weeks"),
        ((100.0, 2010, 2010), (1000.0, 2012, 2012), "full:further"),
        ((np.nan, 2010, 2011), (np.nan, 2012, 2012), "years:within"),
        ((np.nan, 2010, 2010), (np.nan, 2013, 2013), "years:further"),
        ((100.0, 2010, 2010), (np.nan, np.nan, np.nan), "missing"),
    ],
)
def test_date_levels(listed: tuple, other: tuple, level: str) -> None:  # type: ignore[type-arg]
    a = [np.array([float(v)]) for v in listed]
    b = [np.array([float(v)]) for v in other]
    assert DATE_LEVELS[int(date_level(*a, *b)[0])] == level


def test_u_from_value_frequencies_is_the_share_of_persons_at_each_level() -> None:
    # every record its own person: u of each level is the share of the other lists' records
    # at that level against the record, counted one by one (smoothed by half a person)
    features, _pairs = _registry()
    values = _Values(features)
    listed = (features["source_kind"].astype(str) == "adoption").to_numpy()
    rows, others = np.flatnonzero(listed)[:20], np.flatnonzero(~listed)
    person = np.arange(len(features))
    u = np.exp(_log_u(values, rows, person, others, len(others)))
    n = len(others)
    for i, row in enumerate(rows):
        for f, code in enumerate(values.codes):
            level = np.where(code[others] < 0, 1, np.where(code[others] == code[row], 2, 0))
            expected = (np.bincount(level, minlength=3) + 0.5) / (n + 1.5)
            assert u[i, f, :3] == pytest.approx(expected), FIELDS[f]
        level = date_level(
            *(np.full(n, x[row]) for x in (values.days, values.low, values.high)),
            values.days[others],
            values.low[others],
            values.high[others],
        )
        expected = (np.bincount(level, minlength=len(DATE_LEVELS)) + 0.5) / (n + 4.5)
        assert u[i, -1] == pytest.approx(expected)


def test_no_level_is_rarer_in_u_than_among_the_persons_compared() -> None:
    # persons of two records each: a full date and, in another list, birth years only (or a
    # second full date weeks away). u counts each person by its full dates; the comparison
    # takes each person's best record field by field. Were a level rarer in u than among the
    # persons, its weight would be overstated and EM would pile m onto it (decision 0365).
    rng = np.random.default_rng(5)
    rows = []
    for child in range(300):
        year, month, day = int(rng.integers(2008, 2020)), int(rng.integers(1, 13)), 10
        rows.append(record_row(child, source="families", given_name="Іван", sex="M",
                               birth_year=year, birth_month=month, birth_day=day))  # fmt: skip
        second = dict(birth_year=year + int(rng.integers(-2, 3)))
        if child % 3 == 0:
            second.update(birth_year=year, birth_month=month, birth_day=day + 15)
        rows.append(record_row(1000 + child, source="camps", source_kind="camp",
                               given_name="Іван", sex="M", **second))  # fmt: skip
    for i in range(20):
        rows.append(record_row(5000 + i, source="adoptions", source_kind="adoption",
                               given_name="Іван", sex="M", birth_year=2010 + i % 8,
                               birth_month=1 + i % 12, birth_day=10))  # fmt: skip
    features = feature_table(pd.DataFrame(rows))
    uid = features["uid"].astype(int).to_numpy()
    person = np.where(uid >= 5000, uid, uid % 1000)
    values = _Values(features)
    listed = (features["source_kind"].astype(str) == "adoption").to_numpy()
    lone, others = np.flatnonzero(listed), np.flatnonzero(~listed)
    _shadow_years(values, person, others)
    persons = len(np.unique(person[others]))
    u = np.exp(_log_u(values, lone, person, others, persons))
    n = len(others)
    chunks = list(_expand(values, lone, person, others, np.zeros(len(lone), dtype=np.int64),
                          np.full(len(lone), n, dtype=np.int64)))  # fmt: skip
    record = np.concatenate([c[0] for c in chunks])
    levels = np.concatenate([c[2] for c in chunks])
    for i in range(len(lone)):
        share = np.bincount(levels[record == i, -1], minlength=len(DATE_LEVELS)) / persons
        smoothed = (share * persons + 0.5) / (persons + 4.5)
        # "further" is what is left over: a person at two dates, counted at each, leaves it a
        # little short (it is the level with the lowest m: its weight is far below zero)
        assert (u[i, -1][1:] >= smoothed[1:] - 1e-9).all(), (i, u[i, -1], smoothed)
        assert u[i, -1][0] == pytest.approx(smoothed[0], rel=0.1)  # a third at two dates
