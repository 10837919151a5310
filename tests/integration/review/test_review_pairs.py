"""Field agreement on the pair a reviewer sees: one row per example, with its reason.
All names are common first names and surnames in synthetic combinations."""

from __future__ import annotations

import pytest

from kintrace.review.pairs import agreement


@pytest.mark.parametrize(
    ("field", "left", "right", "expected", "why"),
    [
        ("given_name", "Олександр", "олександр", "same", "case does not matter"),
        ("given_name", "Олександр", "Александр", "equivalent", "Ukrainian and Russian forms"),
        ("given_name", "Олександр", "Oleksandr", "equivalent", "Cyrillic and Latin"),
        ("given_name", "Сашко", "Александр", "equivalent", "a diminutive"),
        ("given_name", "Іван", "Іванна", "different", "a brother and a sister"),
        ("family_name", "Ковальова", "Ковалев", "equivalent", "gender and Russified form"),
        ("family_name", "Коваль", "Ковальчук", "close", "the model's close spelling (JW 0.91)"),
        ("family_name", "Коваль", "Шевченко", "different", "different surnames"),
        ("patronymic", "Евгеньевич", "Yevhenovych", "equivalent", "Russian and Latin Ukrainian"),
        ("birth_place", "Маріуполь", "Мариуполь", "equivalent", "the same town in two languages"),
        ("birth_place", "Херсон", "Подольск", "different", "a changed birthplace"),
        ("birth_date", "2014-02-20", "2014-02-20", "same", "dates compare as written"),
        ("birth_date", "2014-02-20", "2014-20-02", "different", "not a date"),
        ("birth_date", "2014-02-03", "2014-03-02", "close", "day and month swapped"),
        ("patronymic", "Сергіївна", "Serhiivna", "equivalent", "issue 12 finding 5"),
        ("family_name", "Коваленко", "Коваленко", "same", "as written"),
        ("family_name", "Коваленко", "Ковеленко", "close", "a close spelling, as the model says"),
    ],
)
def test_agreement(field: str, left: str, right: str, expected: str, why: str) -> None:
    assert agreement({field: left}, {field: right})[field].state == expected, why


def test_a_field_on_one_side_only_is_missing() -> None:
    found = agreement({"given_name": "Марія", "sex": "F"}, {"sex": "F"})
    assert {f: a.state for f, a in found.items()} == {"given_name": "missing", "sex": "same"}
