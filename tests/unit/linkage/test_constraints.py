"""What the data says about two records being two children (decision 0316): rows listed
together, and records on which two of surname, father and birth date disagree; and what that
does in clustering."""

from __future__ import annotations

import pandas as pd
import pytest

from kintrace.linkage.clustering import Link
from kintrace.linkage.constraints import IdentityConflicts
from kintrace.linkage.features import feature_table
from kintrace.linkage.pipeline import resolve
from support.linkage import record_row as _record


def _ostap(uid: int, patronymic: str, month: int, day: int, **extra: object) -> dict[str, object]:
    """Остап Заїченко born in 2018 (synthetic)."""
    fields = {"given_name": "Остап", "family_name": "Заїченко", "patronymic": patronymic,
              "birth_year": 2018, "birth_month": month, "birth_day": day, **extra}  # fmt: skip
    return _record(uid, **fields)


def _conflict(*rows: dict[str, object]) -> bool:
    features = feature_table(pd.DataFrame(list(rows)))
    return IdentityConflicts(features)(1, 2)


def test_two_fathers_and_two_birth_dates_are_two_children() -> None:
    assert _conflict(_ostap(1, "Іванович", 12, 25), _ostap(2, "Григорович", 1, 3))


def test_two_surnames_and_two_birth_dates_are_two_children() -> None:
    other = _ostap(2, "Іванович", 1, 3, family_name="Бабиченко")
    assert _conflict(_ostap(1, "Іванович", 12, 25), other)


@pytest.mark.parametrize(
    ("second", "why"),
    [
        (_ostap(2, "Іванович", 1, 3), "one disagreement (the date): a typo, or the same child"),
        (_ostap(2, "Григорович", 12, 25), "one disagreement (the father)"),
        (_ostap(2, "Григорович", 25, 12), "day and month swapped"),
        (_ostap(2, "Григорович", 12, 25, birth_year=2017), "the same day in another year"),
        (_ostap(2, "", 1, 3), "no patronymic: one known disagreement"),
        (_ostap(2, "Григорович", 1, 3, source_kind="adoption"), "adoption listings replace both"),
        (_ostap(2, "Іванович", 12, 25, family_name="Бабиченко"), "the surname alone"),
        (_ostap(2, "Іванович", 12, 25, family_name="Заиченко"), "a Russified surname"),
        (_ostap(2, "Івнович", 1, 3), "a misspelt father's name the tables lack, and the date"),
    ],
    ids=["date-only", "father-only", "swapped", "year-typo", "no-patronymic", "adoption",
         "surname-only", "russified", "misspelt-father"],
)  # fmt: skip
def test_one_disagreement_is_not_enough(second: dict[str, object], why: str) -> None:
    assert not _conflict(_ostap(1, "Іванович", 12, 25), second), why


def test_rows_listed_together_are_different_children() -> None:
    def lina(uid: int, **extra: object) -> dict[str, object]:
        return _record(uid, given_name="Ліна", family_name="Ведмеденко", **extra)

    alina = _record(1, given_name="Аліна", family_name="Ведмеденко", group_id="З-1", source="a")
    assert _conflict(alina, lina(2, group_id="З-1", source="a"))
    # the same group number in another source is another group
    assert not _conflict(alina, lina(2, group_id="З-1", source="b"))
    assert not _conflict(alina, lina(2))


def test_a_record_that_fits_two_namesakes_does_not_join_them() -> None:
    # 1+2 and 3+4 are two Ostaps (each file agrees within itself); 5 is an age-only report that
    # fits both and is auto-linked to both
    features = feature_table(
        pd.DataFrame(
            [
                _ostap(1, "Іванович", 12, 25),
                _ostap(2, "Іванович", 12, 25, source="b"),
                _ostap(3, "Григорович", 1, 3),
                _ostap(4, "Григорович", 1, 3, source="b"),
                _record(
                    5, given_name="Остап", family_name="Заїченко", age=4, observed_on="2022-06-01"
                ),
            ]
        )
    )
    links = [Link(1, 2, 0.999), Link(3, 4, 0.999), Link(5, 1, 0.998), Link(5, 3, 0.997)]
    persons = resolve(features, links).person_of
    assert persons[1] == persons[2] == persons[5]
    assert persons[3] == persons[4] != persons[1]
    # a reviewer's must-link is not held back by the test
    confirmed = resolve(features, links, must_link=[(2, 4)]).person_of
    assert confirmed[2] == confirmed[4]


def test_one_child_entered_twice_in_one_group_is_not_two_children() -> None:
    # decision 0317: a list that enters a child twice in one group (a camp transport's row typed
    # again) names that child twice; the same known first name, surname and full birth date
    def ostap(uid: int, **extra: object) -> dict[str, object]:
        return _ostap(uid, "Іванович", 12, 25, group_id="Т-7", source="camp", **extra)

    assert not _conflict(ostap(1), ostap(2))
    # one date partial (an age), the years overlapping: still the same entry
    aged = _record(2, given_name="Остап", family_name="Заїченко", age=4,
                   observed_on="2023-06-01", group_id="Т-7", source="camp")  # fmt: skip
    assert not _conflict(ostap(1), aged)
    # the row typed again with day and month swapped (a camp list's habit): the same entry, as
    # the namesakes test reads a swapped date (decision 0358)
    march_5 = _ostap(1, "Іванович", 3, 5, group_id="Т-7", source="camp")
    assert not _conflict(march_5, _ostap(2, "Іванович", 5, 3, group_id="Т-7", source="camp"))
    # a month apart is a date that disagrees: two children of one group
    assert _conflict(march_5, _ostap(2, "Іванович", 4, 5, group_id="Т-7", source="camp"))
    # two full dates apart, another first name, another surname: two children of one group
    assert _conflict(ostap(1), _ostap(2, "Іванович", 3, 2, group_id="Т-7", source="camp"))
    assert _conflict(ostap(1), ostap(2, given_name="Тарас"))
    assert _conflict(ostap(1), ostap(2, family_name="Бабиченко"))
    # twins listed together: one date, two first names
    assert _conflict(ostap(1), ostap(2, given_name="Марко"))
