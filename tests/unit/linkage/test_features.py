"""Feature columns: dates by precision, names across scripts, the twin/sibling rule, promotion."""

from __future__ import annotations

import pandas as pd
import pytest

from kintrace.linkage.constraints import twin_cannot_links
from kintrace.linkage.dates import date_columns
from kintrace.linkage.features import RECORD_COLUMNS, feature_table
from kintrace.linkage.spec import FEATURE_COLUMNS
from support.linkage import record_row as _record


@pytest.mark.parametrize(
    ("year", "month", "day", "age", "observed", "expected"),
    [
        # full date: every column
        (2012, 3, 4, None, None, {"birth_days": 15403, "birth_ym": 24146, "birth_year_min": 2012}),
        # month precision: no day count, the month index
        (2012, 3, None, None, None, {"birth_days": None, "birth_ym": 24146, "birth_year": 2012}),
        # year only
        (2012, None, None, None, None, {"birth_ym": None, "birth_year_max": 2012}),
        # age 9 seen in 2023: born 2013 or 2014
        (None, None, None, 9, 2023, {"birth_year": None, "birth_year_min": 2013,
                                     "birth_year_max": 2014}),
        # an impossible date keeps its year and month but no day count
        (2014, 2, 30, None, None, {"birth_days": None, "birth_year": 2014}),
    ],
    ids=["full", "month", "year", "age", "impossible-day"],
)  # fmt: skip
def test_dates_by_precision(year, month, day, age, observed, expected) -> None:  # type: ignore[no-untyped-def]
    out = date_columns(
        pd.Series([year]), pd.Series([month]), pd.Series([day]),
        age=pd.Series([age]), observed_year=pd.Series([observed]),
    )  # fmt: skip
    for column, value in expected.items():
        got = out[column].iloc[0]
        assert pd.isna(got) if value is None else got == value, (column, got)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # Ukrainian, Russian and Latin spellings of one child share keys or classes
        ({"given_name": "Олександр"}, {"given_name": "Александр"}, "given_class"),
        ({"given_name": "Олександр"}, {"given_name": "Oleksandr"}, "given_key"),
        ({"given_name": "Сашко", "sex": "M"}, {"given_name": "Олександр"}, "given_class"),
        ({"family_name": "Ковальова"}, {"family_name": "Ковалева"}, "family_key"),
        ({"family_name": "Білоус"}, {"family_name": "Белоус"}, "family_stem"),
        ({"birth_place": "м. Херсон"}, {"birth_place": "Kherson"}, "birth_place_key"),
    ],
    ids=["uk-ru-given", "uk-latin-given", "diminutive", "yo-surname", "russified-surname",
         "place-prefix-and-script"],
)  # fmt: skip
def test_names_and_places_meet_across_scripts(a: dict, b: dict, same: str) -> None:  # type: ignore[type-arg]
    features = feature_table(pd.DataFrame([_record(1, **a), _record(2, **b)]))
    assert list(features.columns) == list(FEATURE_COLUMNS)
    assert features[same].iloc[0] is not None
    assert features[same].iloc[0] == features[same].iloc[1]


def test_sex_comes_from_the_name_when_the_record_has_none() -> None:
    features = feature_table(pd.DataFrame([_record(1, given_name="Ганна", sex=None)]))
    assert features["sex"].iloc[0] == "F"


def test_adoption_listing_kind_is_the_registry_kind() -> None:
    features = feature_table(pd.DataFrame([_record(1, given_name="Іван",
                                                   source_kind="adoption_listing")]))  # fmt: skip
    assert features["source_kind"].iloc[0] == "adoption"


def test_group_key_is_none_without_a_group_id_column() -> None:
    features = feature_table(pd.DataFrame([_record(1, given_name="Іван")]))
    assert "group_id" not in RECORD_COLUMNS
    assert features["group_key"].iloc[0] is None


def test_group_key_is_equal_for_one_group_of_one_source() -> None:
    records = pd.DataFrame([
        _record(1, group_id="Семья-00012"),
        _record(2, group_id="Семья-00012"),
        _record(3, group_id="Семья-00012", source="other"),
        _record(4, group_id="З-000123"),
        _record(5, group_id=""),
        _record(6, group_id=None),
    ])  # fmt: skip
    keys = feature_table(records)["group_key"].tolist()
    assert keys[0] is not None and keys[0] == keys[1]
    assert len({keys[0], keys[2], keys[3]}) == 3  # another source or another group: another key
    assert keys[4] is None and keys[5] is None
    assert all("Семья" not in k for k in keys[:4])  # derived, not the value as written


def _family(**extra: object) -> list[dict[str, object]]:
    base = {"family_name": "Коваленко", "birth_year": 2015, "birth_month": 5, "birth_day": 1}
    return [
        _record(1, given_name="Іван", **{**base, **extra}),
        _record(2, given_name="Петро", **{**base, **extra}),  # twin: another known name
        _record(3, given_name="Иван", **{**base, **extra}),  # the same child in Russian
        _record(4, given_name="Івнааа", **{**base, **extra}),  # a typo: unknown, proves nothing
    ]


def test_twins_are_kept_apart_but_spellings_and_typos_are_not() -> None:
    pairs = set(twin_cannot_links(feature_table(pd.DataFrame(_family()))))
    assert pairs == {(1, 2), (2, 3)}


def test_siblings_with_one_father_are_kept_apart() -> None:
    rows = [
        _record(1, given_name="Іван", family_name="Шевчук", patronymic="Петрович", birth_year=2012),
        _record(
            2, given_name="Марко", family_name="Шевчук", patronymic="Петрович", birth_year=2015
        ),
    ]
    assert twin_cannot_links(feature_table(pd.DataFrame(rows))) == [(1, 2)]


def test_incremental_clustering_touches_only_the_persons_involved() -> None:
    from kintrace.linkage.clustering import Link
    from kintrace.linkage.persons import resolve_around

    rows = [_record(u, given_name=n, family_name="Бондар", birth_year=2010)
            for u, n in [(1, "Іван"), (2, "Іван"), (3, "Марко"), (4, "Олег"), (5, "Олег"),
                         (6, "Марко"), (7, "Юрій")]]  # fmt: skip
    features = feature_table(pd.DataFrame(rows))
    previous = {1: "P0000001", 2: "P0000001", 3: "P0000002", 4: "P0000003", 5: "P0000003"}
    links = [Link(1, 2, 0.999), Link(4, 5, 0.999), Link(3, 6, 0.995)]
    result = resolve_around(features, links, touched={3, 6, 7}, previous=previous)
    assert result[6] == result[3] == "P0000002"  # joined the existing person, kept its id
    assert result[1] == result[2] == "P0000001" and result[4] == "P0000003"
    assert result[7] == "P0000004"  # a new person, numbered after every id ever used


def test_a_listing_that_gives_new_first_names_takes_no_twin_or_sibling_cannot_link() -> None:
    # decision 0359: record 2, from an adoption listing, is under another first name; that
    # says nothing of another child, so it is kept apart from no one; the other pairs stay
    from kintrace.linkage.persons import data_constraints

    rows = _family()
    rows[1] = {**rows[1], "source_kind": "adoption", "source": "listing"}
    features = feature_table(pd.DataFrame(rows))
    assert twin_cannot_links(features) == [(1, 2), (2, 3)]
    assert twin_cannot_links(features, new_first_names={"adoption"}) == []
    assert data_constraints(features).twins == []
    rows[0] = {**rows[0], "given_name": "Петро"}  # a twin reported by the family too
    features = feature_table(pd.DataFrame(rows))
    assert data_constraints(features).twins == [(1, 3)]
