"""Cannot-links the data implies beyond twins and siblings (decision 0316): rows listed together
and namesakes; and what they do in clustering."""

from __future__ import annotations

import pandas as pd
import pytest

from kintrace.linkage.clustering import Link
from kintrace.linkage.constraints import data_cannot_links, listed_together, namesakes
from kintrace.linkage.features import RECORD_COLUMNS, feature_table
from kintrace.linkage.pipeline import resolve


def _record(uid: int, **fields: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(RECORD_COLUMNS)
    row.update(uid=uid, source="s", record_id=str(uid), source_kind="family")
    row.update(fields)
    return row


def _ostap(uid: int, patronymic: str, month: int, day: int, **extra: object) -> dict[str, object]:
    """Остап Заїченко born in 2018 (synthetic)."""
    fields = {"given_name": "Остап", "family_name": "Заїченко", "patronymic": patronymic,
              "birth_year": 2018, "birth_month": month, "birth_day": day, **extra}  # fmt: skip
    return _record(uid, **fields)


def _features(*rows: dict[str, object]) -> pd.DataFrame:
    return feature_table(pd.DataFrame(list(rows)))


def test_two_fathers_and_two_birth_dates_are_two_children() -> None:
    features = _features(_ostap(1, "Іванович", 12, 25), _ostap(2, "Григорович", 1, 3))
    assert namesakes(features) == {(1, 2)}


@pytest.mark.parametrize(
    ("second", "why"),
    [
        (_ostap(2, "Іванович", 1, 3), "one father: a date typo, or the same child"),
        (_ostap(2, "Григорович", 12, 25), "one date: a patronymic error"),
        (_ostap(2, "Григорович", 25, 12), "day and month swapped"),
        (_ostap(2, "Григорович", 12, 25, birth_year=2017), "the same day in another year"),
        (_ostap(2, "", 1, 3), "no patronymic"),
        (_ostap(2, "Григорович", 1, 3, source_kind="adoption"), "adoption listings replace both"),
        (_ostap(2, "Григорович", 1, 3, given_name="Назар"), "another first name"),
    ],
    ids=["same-father", "same-date", "swapped", "year-typo", "no-patronymic", "adoption",
         "other-name"],
)  # fmt: skip
def test_namesakes_need_both_disagreements(second: dict[str, object], why: str) -> None:
    assert namesakes(_features(_ostap(1, "Іванович", 12, 25), second)) == set(), why


def test_rows_listed_together_are_different_children() -> None:
    rows = [
        _record(1, given_name="Аліна", family_name="Ведмеденко", group_id="З-1", source="a"),
        _record(2, given_name="Ліна", family_name="Ведмеденко", group_id="З-1", source="a"),
        _record(3, given_name="Ліна", family_name="Ведмеденко", group_id="З-1", source="b"),
        _record(4, given_name="Ліна", family_name="Ведмеденко"),
    ]
    # one source's group; the same group number in another source is another group
    assert listed_together(_features(*rows)) == {(1, 2)}
    assert listed_together(_features(*rows), max_group=1) == set()


def test_a_record_that_fits_two_namesakes_does_not_join_them() -> None:
    # 1+2 and 3+4 are two Ostaps (their files agree within themselves); 5 is an age-only report
    # that fits both and is auto-linked to both
    features = _features(
        _ostap(1, "Іванович", 12, 25),
        _ostap(2, "Іванович", 12, 25, source="b"),
        _ostap(3, "Григорович", 1, 3),
        _ostap(4, "Григорович", 1, 3, source="b"),
        _record(5, given_name="Остап", family_name="Заїченко", age=4, observed_on="2022-06-01"),
    )
    links = [Link(1, 2, 0.999), Link(3, 4, 0.999), Link(5, 1, 0.998), Link(5, 3, 0.997)]
    persons = resolve(features, links).person_of
    assert persons[1] == persons[2] == persons[5]
    assert persons[3] == persons[4] != persons[1]
    assert (1, 3) in data_cannot_links(features)
